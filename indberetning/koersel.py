"""Reporting: runs of the engine, each leaving a :class:`~indberetning.models.Koersel` row.

* :func:`koersel_udfoer` — one run of the engine (periodic or kick). When more than one
  batch is waiting, a run first defers a kick, and a kick builds one batch per recipient,
  so every worker builds and sends.
* :func:`koersel_synkron` — ``manage.py indberet``: build and send everything now, here.
* :func:`oprydning` — delete old run rows.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.utils import timezone

from . import conf, selectors, transport
from .batches import batches_byg_alle
from .jobs import kick_bestil, send_bestil
from .levering import OPDELT, batch_send
from .models import Batch, Koersel


def _host() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


@contextmanager
def _koersel(*, kilde: str, afslut: Callable[[Koersel], object] | None = None) -> Iterator[Koersel]:
    """A run's row: created at the start; at the end, however it ends, ``afslut`` fills in
    the outcome and the row is saved with its end time (and the error, if one stopped it)."""
    koersel = Koersel.objects.create(kilde=kilde, vaert=_host())
    try:
        yield koersel
    except Exception as e:
        koersel.fejl = f"{e.__class__.__name__}: {e}"[:2000]
        raise
    finally:
        if afslut is not None:
            afslut(koersel)
        koersel.afsluttet = timezone.now()
        koersel.save()


def koersel_udfoer(*, kilde: str, send: Callable[[uuid.UUID], bool] = send_bestil, en_runde: bool = False) -> Koersel:
    """Build pending batches and hand each to ``send`` (a job per batch) the moment it is
    committed, so that other workers send while this one builds; then hand over every
    other due batch (retries, and batches whose worker died).

    When a recipient has more than one batch waiting, a kick is deferred *before*
    building, so an idle worker builds batches at the same time as this one (``SKIP
    LOCKED`` keeps their events apart) instead of one worker building a whole backlog
    while the others wait. ``en_runde`` (the kick itself): at most one batch per
    recipient, the rest is left to that next kick; the chain ends with the kick that
    finds at most one batch per recipient, and that one, like a lone kick, does the sweep
    for other due batches (the links before it leave it, so a backlog of N batches does
    not cost N sweeps). The periodic run still builds everything it can claim and always
    sweeps, so a lost kick costs at most one period.
    """
    overdraget: set[uuid.UUID] = set()
    with _koersel(kilde=kilde) as koersel:

        def overdrag(batch: Batch) -> None:
            overdraget.add(batch.pk)
            if send(batch.pk):
                koersel.sendinger += 1

        modtagere = selectors.modtagere_med_afventende()
        videre = any(selectors.flere_end_en_batch(modtager=m) for m in modtagere)
        if videre:
            kick_bestil()  # or a kick is already waiting: it continues the chain
        bygget = batches_byg_alle(modtagere=modtagere, maks_pr_modtager=1 if en_runde else None, hver=overdrag)
        koersel.batches_bygget = len(bygget)
        koersel.haendelser_batchet = sum(b.antal for b in bygget)
        if not (en_runde and videre):
            for batch_id in selectors.batches_forfaldne():
                if batch_id not in overdraget and send(batch_id):
                    koersel.sendinger += 1
    return koersel


def koersel_synkron(
    *, fremskridt: Callable[[list], Iterable] = iter, maks_runder: int = 200
) -> tuple[Koersel, list[Batch]]:
    """``manage.py indberet``: build and send everything now, in this process, and keep
    going until nothing more can be sent: the halves of a split batch are sent in the next
    round, and so on until each refused event stands alone. A batch that met a retryable
    error is tried once per run (not again at once: its backoff stands).

    Returns the run and the batches still needing attention (refused or failed, from this
    run or earlier, and those left waiting for a retry by this run).
    """
    ikke_leveret: list[uuid.UUID] = []
    proevet: set[uuid.UUID] = set()

    def ikke_leveret_tael(koersel: Koersel) -> None:
        status = selectors.batches_status(ids=ikke_leveret)
        koersel.afvist = sum(1 for s in status.values() if s == Batch.Status.AFVIST)
        koersel.fejlet = len(ikke_leveret) - koersel.afvist

    with _koersel(kilde=Koersel.Kilde.KOMMANDO, afslut=ikke_leveret_tael) as koersel:
        for _runde in range(maks_runder):
            bygget = batches_byg_alle()
            koersel.batches_bygget += len(bygget)
            koersel.haendelser_batchet += sum(b.antal for b in bygget)
            koersel.save()
            ids = [i for i in selectors.batches_forfaldne(straks=True) if i not in proevet]
            if not ids:
                break
            for batch_id in fremskridt(ids):
                proevet.add(batch_id)
                udfald = batch_send(batch_id=batch_id, straks=True)
                if udfald is None:
                    continue
                koersel.sendinger += 1
                if udfald.resultat == transport.KVITTERET:
                    koersel.kvitteret += 1
                elif udfald.resultat == transport.AFLEVERET:
                    koersel.afleveret += 1
                elif udfald.resultat == OPDELT:
                    koersel.opdelt += 1
                else:
                    ikke_leveret.append(batch_id)
    return koersel, selectors.batches_ikke_leveret(ogsaa=ikke_leveret)


def oprydning(*, dage: int | None = None) -> int:
    """Delete run rows older than ``INDBERETNING_KOERSEL_DAGE`` days (default 30)."""
    dage = dage if dage is not None else conf.run_retention_days()
    slettet, _ = Koersel.objects.filter(startet__lt=timezone.now() - datetime.timedelta(days=dage)).delete()
    return slettet
