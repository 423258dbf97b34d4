"""Reporting: claiming pending events into batches, and claiming a batch for sending.

* :func:`batch_byg` — claims up to one batch's worth of one recipient's pending events into
  a new batch with ``SELECT … FOR UPDATE SKIP LOCKED``: any number of workers, never one
  event in two batches.
* :func:`batches_byg_alle` — builds batches until nothing (this worker can claim) is left.
* :func:`batch_kraev` — claims one batch for sending (``klar`` → ``sendes`` with a deadline).
* :func:`batch_dokument` — a batch's document, rebuilt from its frozen events.

The claims are durable transactions (``atomic(durable=True)``): a claim is committed before
anything is sent, so it must never become a savepoint of a caller's transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import timezone

from . import conf, dokument
from .models import Batch, Haendelse
from .selectors import modtagere_med_afventende

logger = logging.getLogger(__name__)

_KRAEV_SQL = """
WITH valgte AS (
    SELECT id FROM indberetning_haendelse
    WHERE batch_id IS NULL AND modtager = %(modtager)s {efter}
    ORDER BY registreret, id
    LIMIT %(graense)s
    FOR UPDATE SKIP LOCKED
)
UPDATE indberetning_haendelse AS h SET batch_id = %(batch)s
FROM valgte WHERE h.id = valgte.id
RETURNING h.akasse_id, h.registreret, h.id
"""
# A run that builds several batches for one recipient starts each claim after the last
# event it claimed: the entries of claimed rows stay in the pending index until vacuum,
# and a claim from the index's start would step over all of them (the cost of a backlog
# grew with its square). An event left behind that position (locked by another builder,
# or committed late with an earlier time) is claimed by the run's last look, from the
# start (``batches_byg_alle``), or by the next run.
_KRAEV_EFTER = "AND (registreret, id) > (%(efter_tid)s, %(efter_id)s)"


def batch_byg(*, modtager: str, stoerrelse: int | None = None, efter: tuple | None = None) -> Batch | None:
    """Claim up to ``stoerrelse`` pending events of one recipient into a new batch.

    ``FOR UPDATE SKIP LOCKED`` makes concurrent builders take disjoint events: a row
    another transaction has claimed is skipped while it is locked and, once committed,
    no longer matches ``batch_id IS NULL`` (PostgreSQL re-checks the condition on the
    newest row version). Returns ``None`` when nothing was left to claim. ``efter``
    (``(registreret, id)``) claims only events after that position; the batch's
    ``sidste_krav`` is the position of its last event (see ``_KRAEV_EFTER``).
    """
    graense = stoerrelse or conf.batch_size()
    batch_id = uuid.uuid4()
    parametre = {"modtager": modtager, "graense": graense, "batch": batch_id}
    if efter is not None:
        parametre["efter_tid"], parametre["efter_id"] = efter
    with transaction.atomic(durable=True):
        with connection.cursor() as c:
            # The foreign key to the batch is checked at commit (Django's PostgreSQL
            # foreign keys are DEFERRABLE INITIALLY DEFERRED), after the batch row exists.
            c.execute(_KRAEV_SQL.format(efter=_KRAEV_EFTER if efter is not None else ""), parametre)
            raekker = c.fetchall()
        if not raekker:
            return None
        batch = Batch(id=batch_id, modtager=modtager, akasse_id=raekker[0][0], antal=len(raekker))
        batch.save(force_insert=True)
    batch.sidste_krav = max((tid, id_) for _akasse, tid, id_ in raekker)
    logger.info("indberetning: batch %s bygget til %s med %s hændelser", batch.pk, modtager, batch.antal)
    return batch


def batches_byg_alle(
    *,
    modtagere: Iterable[str] | None = None,
    maks_pr_modtager: int | None = None,
    hver: Callable[[Batch], object] | None = None,
) -> list[Batch]:
    """Build batches until no recipient has pending events left (that this worker can claim),
    or ``maks_pr_modtager`` per recipient. ``hver`` is called with each batch as soon as it
    is committed (to hand it to a send job at once, while building goes on)."""
    stoerrelse = conf.batch_size()
    bygget = []
    for modtager in modtagere if modtagere is not None else modtagere_med_afventende():
        antal = 0
        efter = None  # claim after the last claimed event; None: from the start
        while maks_pr_modtager is None or antal < maks_pr_modtager:
            batch = batch_byg(modtager=modtager, stoerrelse=stoerrelse, efter=efter)
            if batch is not None:
                bygget.append(batch)
                antal += 1
                if hver is not None:
                    hver(batch)
            if batch is None or batch.antal < stoerrelse:
                if efter is None:
                    break  # a claim from the start found no more
                efter = None  # one more look from the start, for events left behind
                continue
            efter = batch.sidste_krav
    return bygget


_KRAEV_BATCH_SQL = """
UPDATE indberetning_batch
SET status = %(sendes)s, sendes_til = %(til)s, forsoeg = forsoeg + 1, sidst_forsoegt = %(nu)s
WHERE id = %(id)s AND (
    (status = %(klar)s AND (%(straks)s OR naeste_forsoeg <= %(nu)s))
    OR (status = %(sendes)s AND sendes_til < %(nu)s)
)
RETURNING forsoeg
"""


def batch_kraev(*, batch_id, straks: bool) -> int | None:
    """Claim one batch for sending: ``klar`` and due (any ``klar`` when ``straks``), or
    ``sendes`` past its deadline (its worker died), becomes ``sendes`` with a new deadline.
    Returns the attempt's number, or ``None`` when the batch was not due or another worker
    has it."""
    nu = timezone.now()
    parametre = {
        "id": batch_id,
        "nu": nu,
        "til": nu + conf.lease(),
        "straks": straks,
        "klar": Batch.Status.KLAR.value,
        "sendes": Batch.Status.SENDES.value,
    }
    with transaction.atomic(durable=True), connection.cursor() as c:
        c.execute(_KRAEV_BATCH_SQL, parametre)
        raekke = c.fetchone()
    return raekke[0] if raekke else None


def batch_dokument(*, batch: Batch, haendelser: Iterable[str] | None = None) -> bytes:
    """The batch's document, rebuilt from its frozen events in a fixed order (or from the
    given event elements ``haendelser``)."""
    if haendelser is None:
        haendelser = (
            Haendelse.objects.filter(batch=batch)
            .order_by("registreret", "id")
            .values_list("xml", flat=True)
            .iterator(chunk_size=1000)
        )
    return dokument.dokument_byg(
        batch_id=batch.pk,
        modtager=batch.modtager,
        akasse_kode=batch.akasse_kode,
        dannet=batch.oprettet,
        haendelser=haendelser,
    )
