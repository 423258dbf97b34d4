"""The database goes away and comes back: a real restart of a PostgreSQL server of the
test's own (its own data folder; never the shared one), with gunicorn (DEBUG=0) and a
procrastinate worker running against it the whole time.

While it is down, pages answer the Danish 503, the health endpoint 503, and a registration
says it was not saved (and is not). When it is back, the same web process and the same
worker carry on: a registration made after the outage is delivered, and the one made before
it is in the drop folder exactly once.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from lxml import etree

from tests import factories
from tests.indberetning.modtager import NS

ROD = Path(__file__).resolve().parent.parent
HTTPS = {"X-Forwarded-Proto": "https"}


class Browser:
    """A logged-in user's HTTP session through the TLS proxy (requests, cookies by hand:
    they are Secure, and the proxy's https:// is only a header here)."""

    def __init__(self, url: str):
        self.url = url
        self.cookies: dict[str, str] = {}

    def _svar(self, metode: str, sti: str, data: dict | None = None) -> requests.Response:
        headers = {**HTTPS, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if metode == "POST":
            headers["Origin"] = self.url
            data = {**(data or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        svar = requests.request(metode, self.url + sti, data=data, headers=headers, allow_redirects=False, timeout=30)
        for cookie in svar.cookies:
            self.cookies[cookie.name] = cookie.value
        return svar

    def get(self, sti: str) -> requests.Response:
        return self._svar("GET", sti)

    def post(self, sti: str, data: dict) -> requests.Response:
        return self._svar("POST", sti, data)

    def log_ind(self, brugernavn: str, kodeord: str) -> None:
        assert self.get("/accounts/login/").status_code == 200
        svar = self.post("/accounts/login/", {"username": brugernavn, "password": kodeord})
        assert svar.status_code == 302, svar.text[:500]


def _registrering(markoer: str, *, dage_siden: int) -> dict:
    # Different days: DFDG takes one conversation of a type per citizen and day.
    return {
        "dato": factories.dage_siden(dage_siden).isoformat(),
        "samtaletype": "4",
        "samtaleform": "1",
        "praktiske_aftaler": markoer,
        "deltagere-TOTAL_FORMS": "0",
        "deltagere-INITIAL_FORMS": "0",
    }


def _leveret(drop: Path) -> tuple[list[str], str]:
    """Every event id in the drop folder's documents, and their text together."""
    ider, tekst = [], []
    for fil in sorted(drop.glob("*/*.xml")):
        indhold = fil.read_bytes()
        ider += [h.get("id") for h in etree.fromstring(indhold).findall("i:haendelse", NS)]
        tekst.append(indhold.decode())
    return ider, "\n".join(tekst)


SUNDHED_TOKEN = "nedbrud-overvaagning-" + "n" * 30


def _sundhed(url: str) -> tuple[int, dict]:
    """The health status as monitoring reads it (the backlog needs the token)."""
    svar = requests.get(url + "/sundhed/", headers={"Authorization": f"Bearer {SUNDHED_TOKEN}"}, timeout=10)
    return svar.status_code, svar.json()


@pytest.fixture
def postgres():
    pg = factories.Postgres()
    yield pg
    pg.fjern()


def test_databasen_forsvinder_og_kommer_igen_uden_genstart_og_uden_tab(postgres, tmp_path):
    drop = tmp_path / "drop"
    # Set up as production is (docs/drift.md): migrate as the owner, the rest as the app role.
    app_url, ejer_url = postgres.opret_roller()
    env = factories.produktion_env(
        database_url=app_url,
        DATABASE_MIGRATE_URL=ejer_url,
        static_root=tmp_path / "static",
        INDBERETNING_DIR=drop,
        DEMO_PASSWORD="demo-kodeord-1234",
        SUNDHED_TOKEN=SUNDHED_TOKEN,
    )
    for kommando in (["migrate", "--noinput", "-v0"], ["demo_data"]):
        res = subprocess.run(
            [sys.executable, "manage.py", *kommando], cwd=ROD, env=env, capture_output=True, text=True, timeout=600
        )
        assert res.returncode == 0, res.stdout + res.stderr
    factories.collectstatic(env)
    web, url = factories.gunicorn(env, tmp_path / "gunicorn.log")
    arbejder = factories.Proces([sys.executable, "manage.py", "arbejder"], env, tmp_path / "worker.log")
    try:
        # The demo data's reports leave first; then a registration before the outage.
        begge = [web, arbejder]
        factories.vent_paa(
            lambda: _sundhed(url)[1]["indberetning"]["afventende"] == 0,
            processer=begge,
            sekunder=120,
            besked="demo-indberetninger",
        )
        b = Browser(url)
        b.log_ind("sagsbehandler", "demo-kodeord-1234")
        soeg = b.post("/borgere/", {"q": "Bente Borger"})
        person = re.search(r'href="(/borgere/[0-9a-f-]{36}/)"', soeg.text).group(1)
        opret = person + "samtaler/ny/"
        assert b.post(opret, _registrering("NEDBRUD-FOER", dage_siden=1)).status_code == 302
        factories.vent_paa(
            lambda: _leveret(drop)[1].count("NEDBRUD-FOER") == 2, processer=begge, sekunder=60, besked="før nedbrud"
        )

        postgres.stop()

        side = b.get("/borgere/")
        assert side.status_code == 503 and "Databasen svarer ikke" in side.text and '<html lang="da">' in side.text
        assert "Traceback" not in side.text
        status, krop = _sundhed(url)
        assert status == 503 and krop["status"] == "fejl"
        svar = b.post(opret, _registrering("NEDBRUD-UNDER", dage_siden=2))
        assert svar.status_code == 503 and "Det, du sendte, er ikke gemt." in svar.text
        assert web.koerer() and arbejder.koerer()

        postgres.start()

        # The same web process answers again, with the session it had before.
        factories.vent_paa(lambda: _sundhed(url)[0] == 200, processer=begge, sekunder=60, besked="sundhed igen")
        assert b.get("/borgere/").status_code == 200
        assert b.post(opret, _registrering("NEDBRUD-EFTER", dage_siden=3)).status_code == 302
        # The same worker delivers it.
        factories.vent_paa(
            lambda: _leveret(drop)[1].count("NEDBRUD-EFTER") == 2, processer=begge, sekunder=90, besked="efter nedbrud"
        )
        assert web.koerer() and arbejder.koerer()

        ider, tekst = _leveret(drop)
        assert len(ider) == len(set(ider)), "en hændelse blev leveret to gange"
        # Bente is in kontaktgruppe 1: DFDG and her a-kasse each got the one before once.
        assert tekst.count("NEDBRUD-FOER") == 2 and tekst.count("NEDBRUD-EFTER") == 2
        assert "NEDBRUD-UNDER" not in tekst
        with postgres.forbind(database="samtaler") as forbindelse:
            gemt = forbindelse.execute(
                "SELECT praktiske_aftaler FROM registrering_samtale WHERE praktiske_aftaler LIKE 'NEDBRUD-%' ORDER BY 1"
            ).fetchall()
        assert gemt == [("NEDBRUD-EFTER",), ("NEDBRUD-FOER",)]
        assert _sundhed(url)[1]["indberetning"]["afventende"] == 0
    finally:
        arbejder.stop()
        web.stop()
