"""The reporting tests' receiver: a real local HTTP server that behaves like STAR's services.

It keeps every batch it accepts under its ``X-Request-Id`` and answers a repeated id with
412. Tests count with it: the events committed (rows in the outbox, :func:`committede`)
against the events the receiver holds, and no event id in two accepted batches.

The server (pytest-httpserver) answers each request in a thread of its own, as a national
receiver serves many clients: a deliberately late answer (``"timeout"`` in the plan) holds
up no other request. Nothing here sleeps: the late answer waits until the test releases it
(:meth:`Modtager.slip`), and a test waits for what the receiver holds with
:meth:`Modtager.vent_paa` (a condition the receiver signals on every request).

``bench/modtager.py`` is the benchmark's receiver: a separate process that only counts (no
documents kept, no faults planned), so that it costs the measured pipeline nothing; the two
share the rule "412 for an id already received", not code.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from indberetning.models import Haendelse

NS = {"i": "urn:dk:beskaeftigelse:samtale-indberetning:1"}
VENT_SEKUNDER = 30  # the longest a test waits for the receiver, or the receiver for the test


@dataclass
class Modtaget:
    batch_id: str
    dokument: bytes
    modtager: str
    haendelser: list[str]


@dataclass
class Modtager:
    """One receiving end. ``plan`` holds answers to give before behaving normally:
    an int is an HTTP status, ``"timeout"`` stores the batch and answers only once the test
    calls :meth:`slip` (after the client has given up), and ``("sent", status)`` answers
    that status only once the test calls :meth:`slip` (a slow answer the client still
    waits for, while other requests go on)."""

    plan: list = field(default_factory=list)
    # Event ids the receiver refuses (400, naming the event) in any batch that holds one.
    afvis: set = field(default_factory=set)
    batches: dict[str, Modtaget] = field(default_factory=dict)
    anmodninger: list[tuple[str, bytes]] = field(default_factory=list)
    nyt: threading.Condition = field(default_factory=threading.Condition)
    sluppet: bool = False

    def __call__(self, request: Request) -> Response:
        batch_id = request.headers.get("X-Request-Id", "")
        krop = request.get_data()
        with self.nyt:
            try:
                return self._svar(batch_id, krop)
            finally:
                self.nyt.notify_all()

    def _svar(self, batch_id: str, krop: bytes) -> Response:
        self.anmodninger.append((batch_id, krop))
        naeste = self.plan.pop(0) if self.plan else None
        if isinstance(naeste, tuple):
            _sent, status = naeste
            self.nyt.notify_all()
            assert self.nyt.wait_for(lambda: self.sluppet, timeout=VENT_SEKUNDER), "testen slap aldrig det sene svar"
            naeste = status
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
            # Stored; the answer comes too late. Waiting releases the lock: other requests go on.
            self.nyt.notify_all()
            assert self.nyt.wait_for(lambda: self.sluppet, timeout=VENT_SEKUNDER), "testen slap aldrig det sene svar"
        return Response(
            f"<kvittering batchId='{batch_id}'>modtaget</kvittering>", status=200, content_type="application/xml"
        )

    def slip(self) -> None:
        """Let a late answer (``"timeout"``) go."""
        with self.nyt:
            self.sluppet = True
            self.nyt.notify_all()

    def vent_paa(self, betingelse, *, besked: str = "") -> None:
        """Wait until ``betingelse(self)`` holds; checked whenever a request has been handled."""
        with self.nyt:
            if not self.nyt.wait_for(lambda: betingelse(self), timeout=VENT_SEKUNDER):
                raise AssertionError(f"Modtageren ventede forgæves {VENT_SEKUNDER} s: {besked}")

    # --- counting ---
    def haendelser(self) -> list[str]:
        return [h for b in self.batches.values() for h in b.haendelser]

    def dubletter(self) -> list[str]:
        return [h for h, n in Counter(self.haendelser()).items() if n > 1]


def server() -> HTTPServer:
    """A started local server that answers each request in its own thread."""
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    return httpserver


def committede(**filtre) -> list[str]:
    """The ids of the events committed to the outbox (``filtre`` on :class:`Haendelse`)."""
    return [str(i) for i in Haendelse.objects.filter(**filtre).values_list("id", flat=True)]
