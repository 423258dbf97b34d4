"""`make test` provisions Chromium for the browser tests, or stops with one line.

The Makefile's ``CHROMIUM`` (the path the browser tests use) and ``DEBIAN_VERSION`` are
pointed at temporary paths, and ``id`` and ``apt-get`` are small scripts first on PATH,
so both branches run for real without touching the machine. ``STAMP`` is a fresh file (no
install) and ``PY``/``PIP`` are ``echo``: past the check, make prints the test command
instead of running it.
"""

import os
import stat
import subprocess
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent


def _skript(mappe: Path, navn: str, krop: str) -> None:
    sti = mappe / navn
    sti.write_text("#!/bin/sh\n" + krop)
    sti.chmod(sti.stat().st_mode | stat.S_IXUSR)


def _make(tmp_path: Path, *, uid: int) -> tuple[subprocess.CompletedProcess, Path, Path]:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    chromium = tmp_path / "mangler" / "chromium"
    log = tmp_path / "apt.log"
    _skript(bin_, "id", f"echo {uid}\n")
    # The fake apt-get records its calls; "install" puts a browser where the Makefile looks.
    _skript(
        bin_,
        "apt-get",
        f'echo "$*" >> {log}\nif [ "$1" = install ]; then mkdir -p {chromium.parent} && printf "#!/bin/sh\\n" > {chromium} && chmod +x {chromium}; fi\n',
    )
    debian = tmp_path / "debian_version"
    debian.write_text("12.0\n")
    installeret = tmp_path / "installed"  # the install stamp, newer than the requirements: no install
    installeret.touch()
    res = subprocess.run(
        [
            "make",
            "-s",
            "test",
            f"CHROMIUM={chromium}",
            f"DEBIAN_VERSION={debian}",
            f"STAMP={installeret}",
            "PY=echo",
            "PIP=echo",
        ],
        cwd=ROD,
        env={**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return res, log, chromium


def test_uden_chromium_og_uden_root_stopper_make_test_med_een_linje_og_ingen_test(tmp_path):
    res, log, chromium = _make(tmp_path, uid=1000)
    assert res.returncode != 0
    linjer = [linje for linje in res.stderr.splitlines() if linje.strip() and not linje.startswith("make")]
    assert len(linjer) == 1, res.stderr
    assert (
        "Chromium mangler" in linjer[0]
        and "apt-get install chromium" in linjer[0]
        and "ingen test er kørt" in linjer[0]
    )
    assert "pytest" not in res.stdout  # no test ran
    assert not log.exists() and not chromium.exists()


def test_uden_chromium_som_root_paa_debian_installerer_make_test_den_og_koerer_testene(tmp_path):
    res, log, chromium = _make(tmp_path, uid=0)
    assert res.returncode == 0, res.stderr
    assert log.read_text().splitlines() == ["update -qq", "install -y -qq chromium"]
    assert chromium.exists()
    assert "-m pytest" in res.stdout  # then the suite runs (here: echoed)
