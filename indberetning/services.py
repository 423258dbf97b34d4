"""Reporting (indberetning): the write operations.

* :func:`haendelser_opret` — called by the registration services inside their transaction:
  one event per recipient (DFDG always; the citizen's a-kasse for kontaktgruppe 1, § 28
  stk. 5) and a coalesced "kick" job, all committed with the registration or not at all.
* :func:`batch_byg` — claims pending events of one recipient into a new batch with
  ``SELECT … FOR UPDATE SKIP LOCKED``: any number of workers, never one event in two batches.
* :func:`batch_send` — claims one batch (``klar`` → ``sendes``), builds and validates its
  document, delivers it and records the outcome.
* :func:`batch_genudsend` — an operator sends a refused or failed batch again, same id.
* :func:`koersel_udfoer` — one run of the engine (periodic or kick), leaving a
  :class:`~indberetning.models.Koersel` row. When more than one batch is waiting, a run
  first defers a kick, and a kick builds one batch per recipient, so every worker builds
  and sends.

Retries: a batch that met a 5xx, a timeout or a refused connection stays ``klar`` with
``naeste_forsoeg`` pushed out by exponential backoff with jitter; after
``INDBERETNING_MAKS_FORSOEG`` attempts it becomes ``fejlet`` and waits for an operator,
like a refused (``afvist``) batch. No log line carries a CPR number or a document.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import dokument, transport
from .models import DFDG, INDHOLD_AFVIST, Batch, Haendelse, Koersel, modtager_akasse

logger = logging.getLogger(__name__)

KICK_LAAS = "indberetning-kick"


def _indstilling(navn: str, standard):
    return getattr(settings, navn, standard)


def batch_stoerrelse() -> int:
    return max(1, int(_indstilling("INDBERETNING_BATCH_STOERRELSE", 500)))


def maks_forsoeg() -> int:
    return max(1, int(_indstilling("INDBERETNING_MAKS_FORSOEG", 12)))


def ventetid(forsoeg: int) -> datetime.timedelta:
    """Exponential backoff with jitter: base·2^(n-1), capped, times a random 0.5–1.0 so
    that batches failing together do not all come back in the same second."""
    base = float(_indstilling("INDBERETNING_BACKOFF_SEKUNDER", 15))
    loft = float(_indstilling("INDBERETNING_BACKOFF_LOFT", 1800))
    sekunder = min(loft, base * 2 ** max(0, forsoeg - 1))
    return datetime.timedelta(seconds=sekunder * random.uniform(0.5, 1.0))


def lease() -> datetime.timedelta:
    """How long a batch stays ``sendes`` before another worker may take it over (the first
    one died). Longer than any one delivery can take."""
    return datetime.timedelta(seconds=2 * float(_indstilling("INDBERETNING_HTTP_TIMEOUT", 30)) + 60)


def _vaert() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


# --- the outbox ---------------------------------------------------------------------------


def haendelser_opret(*, samtale, handling: str, tidspunkt, regler=None, visitation=None, begrundelse: str = "") -> list:
    """Write the report events of one registration, correction or cancellation.

    Must run inside the caller's transaction (the registration services' ``atomic``).
    Recipients: DFDG always; the citizen's a-kasse when the rules for the citizen's
    kontaktgruppe say so (stk. 5); and, for a correction or a cancellation, every a-kasse
    that was sent an earlier event about this conversation, so it never keeps a version
    the jobcenter has corrected or withdrawn.
    """
    if handling not in {"opret", "ret", "annuller"}:
        raise ValueError(f"ukendt handling: {handling}")
    if not connection.in_atomic_block:
        raise RuntimeError("haendelser_opret skal kaldes i registreringens transaktion")

    data = dokument.samtale_indhold(
        samtale=samtale, handling=handling, regler=regler, visitation=visitation, begrundelse=begrundelse
    )
    modtagere: dict[str, object] = {DFDG: None}
    if regler is not None and regler.akasse_videregivelse:
        # Stk. 5 and the DFDG order § 16: the a-kasse the citizen had on the conversation's
        # date, the same period whose kontaktgruppe the rules were read for.
        from registrering.selectors import stilling_paa_dato

        akasse = stilling_paa_dato(person=samtale.person, dato=samtale.dato).akasse
        if akasse is not None:
            modtagere[modtager_akasse(akasse.kode)] = akasse
        else:
            logger.warning("indberetning: samtale %s: kontaktgruppen videregives til a-kassen, men borgeren har ingen a-kasse", samtale.pk)
    if handling != "opret":
        tidligere = (
            Haendelse.objects.filter(samtale=samtale, akasse__isnull=False)
            .select_related("akasse")
            .order_by("modtager")
            .distinct("modtager")
        )
        for h in tidligere:
            modtagere.setdefault(h.modtager, h.akasse)

    haendelser = []
    for modtager, akasse in modtagere.items():
        indhold = data if modtager == DFDG else dokument.akasse_indhold(data)
        h = Haendelse(
            samtale=samtale,
            modtager=modtager,
            akasse=akasse,
            handling=handling,
            sekvens=samtale.sekvens,
            registreret=tidspunkt,
            data=indhold,
        )
        # Serialised once, here: a batch is then the concatenation of frozen elements.
        h.xml = dokument.haendelse_xml(
            haendelse_id=h.id,
            samtale_id=samtale.pk,
            handling=handling,
            sekvens=samtale.sekvens,
            registreret=tidspunkt,
            data=indhold,
        )
        haendelser.append(h)
    Haendelse.objects.bulk_create(haendelser)
    if handling != "opret":  # a new conversation has no earlier event to replace
        _afviste_erstat(samtale=samtale, modtagere=list(modtagere))
    kick_bestil()
    logger.info(
        "indberetning: %s sekvens %s for samtale %s til %s",
        handling,
        samtale.sekvens,
        samtale.pk,
        ", ".join(modtagere),
    )
    return haendelser


def _afviste_erstat(*, samtale, modtagere: list[str]) -> int:
    """A correction or cancellation replaces this conversation's refused or held-back event
    for the same recipient: its one-event batch stops waiting for an operator (the new
    event goes in a new batch). Batches of several events (refused for credentials, say)
    still wait: they hold other conversations' events too."""
    return Batch.objects.filter(
        status__in=Batch.KRAEVER_HANDLING,
        antal=1,
        modtager__in=modtagere,
        haendelser__samtale=samtale,
    ).update(status=Batch.Status.ERSTATTET, sendes_til=None)


def kick_bestil() -> bool:
    """Defer the coalesced "kick" job in the current transaction.

    procrastinate's Django connector defers through Django's own connection, so inside
    ``atomic`` the job row commits or rolls back with the registration. One waiting kick
    serves every registration that commits before a worker takes it (the queueing lock);
    an event committed just after a worker took the kick is picked up by the next kick or
    by the periodic sweep within a minute. The savepoint keeps a lost race for the lock
    (a unique violation) from aborting the registration's transaction.
    """
    from procrastinate.contrib.django.models import ProcrastinateJob

    if ProcrastinateJob.objects.filter(queueing_lock=KICK_LAAS, status="todo").exists():
        return False
    return _bestil(lambda: _tasks().kick.configure(queueing_lock=KICK_LAAS).defer())


def send_bestil(batch_id, *, schedule_at: datetime.datetime | None = None) -> bool:
    """Defer the send job of one batch (at most one waiting per batch: a queueing lock)."""
    opsaet = {"queueing_lock": f"indberetning-batch-{batch_id}"}
    if schedule_at is not None:
        opsaet["schedule_at"] = schedule_at
    return _bestil(lambda: _tasks().batch_send.configure(**opsaet).defer(batch_id=str(batch_id)))


def _tasks():
    from . import tasks

    return tasks


def _bestil(defer: Callable[[], object]) -> bool:
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        with transaction.atomic():
            defer()
    except AlreadyEnqueued:
        return False
    return True


# --- batches ------------------------------------------------------------------------------

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
# start (``batches_byg``), or by the next run.
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
    graense = stoerrelse or batch_stoerrelse()
    batch_id = uuid.uuid4()
    parametre = {"modtager": modtager, "graense": graense, "batch": batch_id}
    if efter is not None:
        parametre["efter_tid"], parametre["efter_id"] = efter
    with transaction.atomic():
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


# Both read the pending-events index from its newest end. Claims take the oldest events
# first, so until vacuum runs the old end is a run of entries of claimed rows, which every
# read from that end steps over (and must look up in the table while, say, an autoanalyze
# holds an old snapshot). From the new end the first entries are live.
#
# Recipients with pending events: one index descent per recipient (a "loose index scan"),
# not a read of every pending event.
_MODTAGERE_SQL = """
WITH RECURSIVE m(modtager) AS (
    (SELECT modtager FROM indberetning_haendelse WHERE batch_id IS NULL ORDER BY modtager DESC LIMIT 1)
    UNION ALL
    SELECT (
        SELECT h.modtager FROM indberetning_haendelse AS h
        WHERE h.batch_id IS NULL AND h.modtager < m.modtager ORDER BY h.modtager DESC LIMIT 1
    ) FROM m WHERE m.modtager IS NOT NULL
)
SELECT modtager FROM m WHERE modtager IS NOT NULL ORDER BY modtager
"""

# More than ``graense`` events pending for one recipient?
_FLERE_SQL = """
SELECT EXISTS (
    SELECT 1 FROM indberetning_haendelse
    WHERE batch_id IS NULL AND modtager = %(modtager)s
    ORDER BY registreret DESC, id DESC OFFSET %(graense)s LIMIT 1
)
"""


def modtagere_med_afventende() -> list[str]:
    """Recipients with events not yet in a batch, in order."""
    with connection.cursor() as c:
        c.execute(_MODTAGERE_SQL)
        return [r[0] for r in c.fetchall()]


def flere_end_en_batch(*, modtager: str, stoerrelse: int | None = None) -> bool:
    """More events pending for ``modtager`` than one batch holds? (Events another worker is
    claiming right now still count: at worst one kick too many, which finds nothing.)"""
    with connection.cursor() as c:
        c.execute(_FLERE_SQL, {"modtager": modtager, "graense": stoerrelse or batch_stoerrelse()})
        return c.fetchone()[0]


def batches_byg(
    *,
    modtagere: Iterable[str] | None = None,
    maks_pr_modtager: int | None = None,
    hver: Callable[[Batch], object] | None = None,
) -> list[Batch]:
    """Build batches until no recipient has pending events left (that this worker can claim),
    or ``maks_pr_modtager`` per recipient. ``hver`` is called with each batch as soon as it
    is committed (to hand it to a send job at once, while building goes on)."""
    stoerrelse = batch_stoerrelse()
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


def batches_forfaldne(*, straks: bool = False) -> list[uuid.UUID]:
    """Batches to send now: ``klar`` and due (any ``klar`` when ``straks``), and ``sendes``
    whose worker has not reported back in time."""
    nu = timezone.now()
    klar = Batch.objects.filter(status=Batch.Status.KLAR)
    if not straks:
        klar = klar.filter(naeste_forsoeg__lte=nu)
    haengende = Batch.objects.filter(status=Batch.Status.SENDES, sendes_til__lt=nu)
    return list(klar.union(haengende).values_list("id", flat=True))


_KRAEV_BATCH_SQL = """
UPDATE indberetning_batch
SET status = 'sendes', sendes_til = %(til)s, forsoeg = forsoeg + 1, sidst_forsoegt = %(nu)s
WHERE id = %(id)s AND (
    (status = 'klar' AND (%(straks)s OR naeste_forsoeg <= %(nu)s))
    OR (status = 'sendes' AND sendes_til < %(nu)s)
)
RETURNING forsoeg
"""


def _batch_kraev(*, batch_id, straks: bool) -> int | None:
    nu = timezone.now()
    with transaction.atomic(), connection.cursor() as c:
        c.execute(_KRAEV_BATCH_SQL, {"id": batch_id, "nu": nu, "til": nu + lease(), "straks": straks})
        raekke = c.fetchone()
    return raekke[0] if raekke else None


def batch_dokument(*, batch: Batch) -> bytes:
    """The batch's document, rebuilt from its frozen events in a fixed order."""
    haendelser = Haendelse.objects.filter(batch=batch).order_by("registreret", "id").values_list("xml", flat=True)
    return dokument.dokument_byg(
        batch_id=batch.pk,
        modtager=batch.modtager,
        akasse_kode=batch.akasse_kode,
        dannet=batch.oprettet,
        haendelser=haendelser.iterator(chunk_size=1000),
    )


OPDELT = "opdelt"  # batch_send's result when a refused batch went on in smaller batches


def batch_send(*, batch_id, straks: bool = False) -> transport.Udfald | None:
    """Send one batch if it is due and nobody else is sending it; record what happened.

    The claim (``klar`` → ``sendes`` with a deadline) is committed before anything leaves,
    and the outcome is recorded in a second transaction after the receiver answered. A
    worker that dies in between leaves the batch ``sendes``; after the deadline it is sent
    again with the same id, and the receiver answers 412 ("already have it").

    An event whose element fails the schema is taken out into a batch of its own
    (``fejlet``, with the reason) before the rest is sent; a receiver's refusal of content
    (400/422) of several events splits the batch (:func:`_batch_opdel`), and the result
    is then ``OPDELT``. Returns ``None`` when the batch was not due or another worker has it.
    """
    forsoeg = _batch_kraev(batch_id=batch_id, straks=straks)
    if forsoeg is None:
        return None
    batch = Batch.objects.select_related("akasse").get(pk=batch_id)
    try:
        indhold = _gyldigt_dokument(batch=batch)
    except dokument.DokumentFejl as e:
        fejl = e
        indhold = None
        if batch.antal > 1 and not batch.dokument_sha256 and _ugyldige_udskil(batch=batch, forsoeg=forsoeg):
            batch.refresh_from_db()
            try:
                indhold = _gyldigt_dokument(batch=batch)
            except dokument.DokumentFejl as e2:
                fejl = e2
        if indhold is None:
            udfald = transport.Udfald(transport.AFVIST, besked=_("Holdt tilbage, ikke sendt: %(fejl)s") % {"fejl": fejl})
            _udfald_gem(batch=batch, forsoeg=forsoeg, udfald=udfald, adresse=None, sha="", stoerrelse=None, fejlet=True)
            logger.error("indberetning: batch %s er ikke gyldig efter skemaet og er ikke sendt", batch.pk)
            return udfald
    return _send_gyldig(batch=batch, forsoeg=forsoeg, indhold=indhold)


def _gyldigt_dokument(*, batch: Batch) -> bytes:
    indhold = batch_dokument(batch=batch)
    dokument.dokument_valider(indhold)
    return indhold


def _send_gyldig(*, batch: Batch, forsoeg: int, indhold: bytes) -> transport.Udfald:
    sha = hashlib.sha256(indhold).hexdigest()
    if batch.dokument_sha256 and batch.dokument_sha256 != sha:
        logger.warning("indberetning: batch %s: dokumentet afviger fra det først sendte (ny programversion?)", batch.pk)
    adresse = transport.adresse_for(modtager=batch.modtager, akasse=batch.akasse)
    try:
        udfald = transport.send(adresse=adresse, batch_id=batch.pk, dokument=indhold)
    except Exception as e:  # a transport bug must not leave the batch hanging until the deadline
        logger.exception("indberetning: batch %s: uventet fejl under afsendelse", batch.pk)
        udfald = transport.Udfald(transport.PROEV_IGEN, besked=f"Uventet fejl: {e.__class__.__name__}")
    if udfald.resultat == transport.AFVIST and udfald.http_status in INDHOLD_AFVIST and batch.antal > 1:
        if _batch_opdel(batch=batch, forsoeg=forsoeg, udfald=udfald, adresse=adresse, sha=sha, stoerrelse=len(indhold)):
            return transport.Udfald(OPDELT, besked=udfald.besked, http_status=udfald.http_status)
    _udfald_gem(batch=batch, forsoeg=forsoeg, udfald=udfald, adresse=adresse, sha=sha, stoerrelse=len(indhold))
    return udfald


def _nye_dele(*, batch: Batch, grupper: list[list], **felter) -> list[Batch]:
    """New batches (new ids) for groups of ``batch``'s events; in the caller's transaction."""
    dele = []
    for gruppe in grupper:
        del_ = Batch(modtager=batch.modtager, akasse_id=batch.akasse_id, antal=len(gruppe), opdelt_fra=batch, **felter)
        del_.save(force_insert=True)
        Haendelse.objects.filter(pk__in=gruppe).update(batch=del_)
        dele.append(del_)
    return dele


def _batch_opdel(*, batch: Batch, forsoeg: int, udfald: transport.Udfald, adresse, sha: str, stoerrelse: int) -> bool:
    """The receiver refused the content (400/422) of a batch of several events: its events
    go on in two new batches (new ids, so the receiver never sees one id with two
    contents), each sent at once. Halving again on each refusal, a refused event ends
    alone in a batch of one, where it is shown at its conversation, and every other event
    is delivered. The refused batch itself becomes ``opdelt`` and holds no events."""
    with transaction.atomic():
        if not Batch.objects.select_for_update().filter(pk=batch.pk, status=Batch.Status.SENDES, forsoeg=forsoeg).exists():
            logger.warning("indberetning: batch %s: en anden arbejder havde overtaget forsøget", batch.pk)
            return False
        ids = list(Haendelse.objects.filter(batch=batch).order_by("registreret", "id").values_list("id", flat=True))
        if len(ids) < 2:
            return False
        midte = len(ids) // 2
        dele = _nye_dele(batch=batch, grupper=[ids[:midte], ids[midte:]])
        Batch.objects.filter(pk=batch.pk).update(
            status=Batch.Status.OPDELT,
            sendes_til=None,
            sidste_besked=udfald.besked,
            sidste_http_status=udfald.http_status,
            adresse=str(adresse)[:500],
            dokument_sha256=batch.dokument_sha256 or sha,
            dokument_bytes=batch.dokument_bytes or stoerrelse,
        )
        for del_ in dele:
            send_bestil(del_.pk)
    batch.status = Batch.Status.OPDELT
    logger.info(
        "indberetning: batch %s til %s afvist (HTTP %s) og delt i %s",
        batch.pk, batch.modtager, udfald.http_status, ", ".join(str(d.pk) for d in dele),
    )
    return True


def _ugyldige_udskil(*, batch: Batch, forsoeg: int) -> bool:
    """The batch's document failed the schema: each event that fails on its own is moved
    to a batch of its own, ``fejlet`` with the reason (shown at its conversation), so it
    never holds back the others. False when no single event is to blame."""
    haendelser = list(Haendelse.objects.filter(batch=batch).order_by("registreret", "id").values_list("id", "xml"))
    ugyldige: dict = {}
    for haendelse_id, xml in haendelser:
        alene = dokument.dokument_byg(
            batch_id=batch.pk,
            modtager=batch.modtager,
            akasse_kode=batch.akasse_kode,
            dannet=batch.oprettet,
            haendelser=[xml],
        )
        try:
            dokument.dokument_valider(alene)
        except dokument.DokumentFejl as e:
            ugyldige[haendelse_id] = str(e)
    if not ugyldige or len(ugyldige) == len(haendelser):
        return False
    nu = timezone.now()
    with transaction.atomic():
        if not Batch.objects.select_for_update().filter(pk=batch.pk, status=Batch.Status.SENDES, forsoeg=forsoeg).exists():
            return False
        for haendelse_id, fejl in ugyldige.items():
            _nye_dele(
                batch=batch,
                grupper=[[haendelse_id]],
                status=Batch.Status.FEJLET,
                sidste_besked=_("Holdt tilbage, ikke sendt: %(fejl)s") % {"fejl": fejl},
                sidst_forsoegt=nu,
            )
        Batch.objects.filter(pk=batch.pk).update(antal=len(haendelser) - len(ugyldige))
    logger.error("indberetning: batch %s: %s hændelser er ikke gyldige efter skemaet og holdes tilbage", batch.pk, len(ugyldige))
    return True


def _udfald_gem(*, batch: Batch, forsoeg: int, udfald: transport.Udfald, adresse, sha: str, stoerrelse, fejlet=False) -> None:
    nu = timezone.now()
    felter = {
        "sendes_til": None,
        "sidste_besked": udfald.besked,
        "sidste_http_status": udfald.http_status,
    }
    if adresse is not None:
        felter["adresse"] = str(adresse)[:500]
    if sha and not batch.dokument_sha256:
        felter["dokument_sha256"] = sha
        felter["dokument_bytes"] = stoerrelse
    if udfald.resultat == transport.KVITTERET:
        felter.update(status=Batch.Status.KVITTERET, kvittering=udfald.kvittering, kvitteret=nu)
    elif udfald.resultat == transport.AFVIST:
        # Not the receiver's answer (held back before sending): ``fejlet``.
        felter["status"] = Batch.Status.FEJLET if fejlet or udfald.http_status is None else Batch.Status.AFVIST
    elif forsoeg >= maks_forsoeg():
        felter["status"] = Batch.Status.FEJLET
        felter["sidste_besked"] = _("Opgivet efter %(n)s forsøg. Seneste: %(besked)s") % {
            "n": forsoeg,
            "besked": udfald.besked,
        }
    else:
        felter.update(status=Batch.Status.KLAR, naeste_forsoeg=nu + ventetid(forsoeg))
    with transaction.atomic():
        # Only the worker that holds this attempt records it: one that lost its deadline
        # to another worker leaves the record to that one.
        opdateret = Batch.objects.filter(pk=batch.pk, status=Batch.Status.SENDES, forsoeg=forsoeg).update(**felter)
    for navn, vaerdi in felter.items():
        setattr(batch, navn, vaerdi)
    logger.info(
        "indberetning: batch %s til %s forsøg %s: %s%s",
        batch.pk,
        batch.modtager,
        forsoeg,
        felter.get("status"),
        f" (HTTP {udfald.http_status})" if udfald.http_status else "",
    )
    if not opdateret:
        logger.warning("indberetning: batch %s: en anden arbejder havde overtaget forsøget", batch.pk)


@transaction.atomic
def batch_genudsend(*, batch: Batch, bruger) -> Batch:
    """An operator sends a batch again: the same id and the same events, so the receiver
    can tell a repeat (412) from a new delivery."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if not batch.kan_genudsendes:
        raise ValidationError(_("Kun afviste, fejlede og ventende forsendelser kan sendes igen."))
    batch.status = Batch.Status.KLAR
    batch.forsoeg = 0
    batch.naeste_forsoeg = timezone.now()
    batch.genudsendt = batch.naeste_forsoeg
    batch.genudsendt_af = bruger
    batch.full_clean()
    batch.save()
    send_bestil(batch.pk)
    logger.info("indberetning: batch %s genudsendes af bruger %s", batch.pk, bruger.pk)
    return batch


# --- runs ---------------------------------------------------------------------------------


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
    koersel = Koersel.objects.create(kilde=kilde, vaert=_vaert())
    overdraget: set[uuid.UUID] = set()

    def overdrag(batch: Batch) -> None:
        overdraget.add(batch.pk)
        if send(batch.pk):
            koersel.sendinger += 1

    try:
        modtagere = modtagere_med_afventende()
        videre = any(flere_end_en_batch(modtager=m) for m in modtagere)
        if videre:
            kick_bestil()  # or a kick is already waiting: it continues the chain
        bygget = batches_byg(modtagere=modtagere, maks_pr_modtager=1 if en_runde else None, hver=overdrag)
        koersel.batches_bygget = len(bygget)
        koersel.haendelser_batchet = sum(b.antal for b in bygget)
        if not (en_runde and videre):
            for batch_id in batches_forfaldne():
                if batch_id not in overdraget and send(batch_id):
                    koersel.sendinger += 1
    except Exception as e:
        koersel.fejl = f"{e.__class__.__name__}: {e}"[:2000]
        raise
    finally:
        koersel.afsluttet = timezone.now()
        koersel.save()
    return koersel


def koersel_synkron(*, fremskridt: Callable[[list], Iterable] = iter, maks_runder: int = 200) -> tuple[Koersel, list[Batch]]:
    """``manage.py indberet``: build and send everything now, in this process, and keep
    going until nothing more can be sent: the halves of a split batch are sent in the next
    round, and so on until each refused event stands alone. A batch that met a retryable
    error is tried once per run (not again at once: its backoff stands).

    Returns the run and the batches still needing attention (refused or failed, from this
    run or earlier, and those left waiting for a retry by this run).
    """
    koersel = Koersel.objects.create(kilde=Koersel.Kilde.KOMMANDO, vaert=_vaert())
    ikke_leveret: list[uuid.UUID] = []
    proevet: set[uuid.UUID] = set()
    try:
        for _runde in range(maks_runder):
            bygget = batches_byg()
            koersel.batches_bygget += len(bygget)
            koersel.haendelser_batchet += sum(b.antal for b in bygget)
            koersel.save()
            ids = [i for i in batches_forfaldne(straks=True) if i not in proevet]
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
                elif udfald.resultat == OPDELT:
                    koersel.opdelt += 1
                else:
                    ikke_leveret.append(batch_id)
    except Exception as e:
        koersel.fejl = f"{e.__class__.__name__}: {e}"[:2000]
        raise
    finally:
        status = dict(Batch.objects.filter(pk__in=ikke_leveret).values_list("id", "status"))
        koersel.afvist = sum(1 for s in status.values() if s == Batch.Status.AFVIST)
        koersel.fejlet = len(ikke_leveret) - koersel.afvist
        koersel.afsluttet = timezone.now()
        koersel.save()
    til_opfoelgning = list(
        Batch.objects.filter(status__in=Batch.KRAEVER_HANDLING).union(
            Batch.objects.filter(pk__in=ikke_leveret)
        )
    )
    return koersel, til_opfoelgning


def oprydning(*, dage: int | None = None) -> int:
    """Delete run rows older than ``INDBERETNING_KOERSEL_DAGE`` days (default 30)."""
    dage = dage if dage is not None else int(_indstilling("INDBERETNING_KOERSEL_DAGE", 30))
    slettet, _ = Koersel.objects.filter(startet__lt=timezone.now() - datetime.timedelta(days=dage)).delete()
    return slettet

