"""Fixtures for the integration API's tests: a real client (``api_klient_opret``'s service),
a real token from the token endpoint, and calls over real HTTP to ``live_server``.

``live_server`` needs real transactions, so these tests use ``serialized_rollback=True``
as the browser tests do (tests/browser/conftest.py says why)."""

from __future__ import annotations

import uuid

import pytest
import requests

from api import services
from tests import factories


class Api:
    """One client of the API against the live server."""

    def __init__(self, url: str, client_id: str, secret: str, klient):
        self.url, self.client_id, self.secret, self.klient = url, client_id, secret, klient
        self.http = requests.Session()
        self.token = self.hent_token()

    def hent_token(self, secret: str | None = None) -> str:
        svar = requests.post(
            f"{self.url}/api/v1/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, secret or self.secret),
            timeout=10,
        )
        assert svar.status_code == 200, svar.text
        return svar.json()["access_token"]

    def kald(self, metode: str, sti: str, *, token: str | None = None, noegle: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if token is not False:
            headers["Authorization"] = f"Bearer {token or self.token}"
        if noegle:
            headers["Idempotency-Key"] = noegle
        return requests.request(metode, f"{self.url}/api/v1{sti}", headers=headers, timeout=30, **kw)

    def post(self, sti: str, json=None, **kw):
        kw.setdefault("noegle", str(uuid.uuid4()))
        return self.kald("POST", sti, json=json, **kw)

    def get(self, sti: str, **kw):
        return self.kald("GET", sti, **kw)


@pytest.fixture
def api(live_server, jobcenter) -> Api:
    klient, secret = services.klient_opret(navn="KMD Momentum Aarhus", jobcentre=[jobcenter])
    return Api(live_server.url, klient.application.client_id, secret, klient)


@pytest.fixture
def borger(jobcenter):
    return factories.person(kontaktgruppe="2", jc=jobcenter, navn="Anna Andersen")


@pytest.fixture
def anden_borger(andet_jobcenter):
    return factories.person(kontaktgruppe="2", jc=andet_jobcenter, navn="Odense Olsen")


def samtale_krop(person, **felter) -> dict:
    krop = {
        "person": str(person.pk),
        "dato": factories.igaar().isoformat(),
        "samtaletype": "7",
        "samtaleform": "1",
        "aftale": "Søge 2 job om ugen",
        "visitationsgruppe": "jobparat",
        "deltagere": [{"navn": "Mona Mentor", "rolle": "mentor", "deltagelsesform": "1"}],
    }
    krop.update(felter)
    return krop
