"""A real local receiver (pytest-httpserver) that behaves like STAR's services: it keeps
every batch it accepts under its ``X-Request-Id`` and answers a repeated id with 412.

Tests count with it: the events committed (rows in the outbox) against the events the
receiver holds, and no event id in two accepted batches.
"""

from __future__ import annotations

import datetime
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from lxml import etree
from werkzeug import Request, Response

from indberetning.models import Haendelse
from registrering import services as registrering_services
from registrering.models import Akasse
from tests import factories

NS = {"i": "urn:dk:beskaeftigelse:samtale-indberetning:1"}


@dataclass
class Modtaget:
    batch_id: str
    dokument: bytes
    modtager: str
    haendelser: list[str]


@dataclass
class Modtager:
    """One receiving end. ``plan`` holds answers to give before behaving normally:
    an int is an HTTP status, ``"timeout"`` stores the batch and answers too late."""

    plan: list = field(default_factory=list)
    # Event ids the receiver refuses (400, naming the event) in any batch that holds one.
    afvis: set = field(default_factory=set)
    forsinkelse: float = 1.5
    batches: dict[str, Modtaget] = field(default_factory=dict)
    anmodninger: list[tuple[str, bytes]] = field(default_factory=list)
    laas: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Response:
        batch_id = request.headers.get("X-Request-Id", "")
        krop = request.get_data()
        with self.laas:
            self.anmodninger.append((batch_id, krop))
            naeste = self.plan.pop(0) if self.plan else None
        if isinstance(naeste, int):
            return Response(f"Modtageren svarer {naeste}: Ukendt samtaletype for 0101851234", status=naeste)
        if batch_id in self.batches:
            return Response("Batchen er allerede modtaget", status=412)
        rod = etree.fromstring(krop)
        afviste = [h.get("id") for h in rod.findall("i:haendelse", NS) if h.get("id") in self.afvis]
        if afviste:
            return Response(f"Samtalen i hændelse {afviste[0]} har en ukendt samtaletype", status=400)
        assert rod.get("batchId") == batch_id
        self.batches[batch_id] = Modtaget(
            batch_id=batch_id,
            dokument=krop,
            modtager=rod.get("modtager"),
            haendelser=[h.get("id") for h in rod.findall("i:haendelse", NS)],
        )
        if naeste == "timeout":
            time.sleep(self.forsinkelse)
        return Response(f"<kvittering batchId='{batch_id}'>modtaget</kvittering>", status=200, content_type="application/xml")

    # --- counting ---
    def haendelser(self) -> list[str]:
        return [h for b in self.batches.values() for h in b.haendelser]

    def dubletter(self) -> list[str]:
        return [h for h, n in Counter(self.haendelser()).items() if n > 1]


def ledig_port() -> int:
    """A port nobody listens on (the receiver is down: connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dfdg(httpserver, settings):
    modtager = Modtager()
    httpserver.expect_request("/dfdg", method="POST").respond_with_handler(modtager)
    settings.INDBERETNING_DFDG_URL = httpserver.url_for("/dfdg")
    yield modtager
    httpserver.clear()


@pytest.fixture
def akasse(httpserver, db):
    """The a-kasse HK with an HTTP endpoint on the same local server."""
    modtager = Modtager()
    httpserver.expect_request("/akasse-hk", method="POST").respond_with_handler(modtager)
    Akasse.objects.filter(kode="HK").update(endpoint_url=httpserver.url_for("/akasse-hk"))
    return modtager


@pytest.fixture(autouse=True)
def drop_mappe(settings, tmp_path):
    settings.INDBERETNING_DIR = tmp_path / "drop"
    settings.INDBERETNING_HTTP_TIMEOUT = 0.5
    settings.INDBERETNING_BATCH_STOERRELSE = 500
    return settings.INDBERETNING_DIR


def igaar(dage: int = 1) -> datetime.date:
    from registrering import selectors

    return selectors.idag() - datetime.timedelta(days=dage)


def registrer(person, bruger, **kw):
    kw.setdefault("dato", igaar())
    return registrering_services.samtale_registrer(person=person, data=factories.data(**kw), bruger=bruger)


def committede(**filtre) -> list[str]:
    return [str(i) for i in Haendelse.objects.filter(**filtre).values_list("id", flat=True)]
