"""Reporting: delivering a batch and recording what happened.

* :func:`batch_send` — claims one batch (``klar`` → ``sendes``), builds and validates its
  document, delivers it and records the outcome.
* :func:`batch_genudsend` — an operator sends a refused or failed batch again, same id.

Retries: a batch that met a 5xx, a timeout or a refused connection stays ``klar`` with
``naeste_forsoeg`` pushed out by exponential backoff with jitter; after
``INDBERETNING_MAKS_FORSOEG`` attempts it becomes ``fejlet`` and waits for an operator,
like a refused (``afvist``) batch. A refusal of the content of several events splits the
batch; an event that fails the schema is held back alone. No log line carries a CPR
number or a document.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import conf, dokument, transport
from .batches import batch_dokument, batch_kraev
from .jobs import send_bestil
from .models import INDHOLD_AFVIST, Batch, Haendelse

logger = logging.getLogger(__name__)

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
    forsoeg = batch_kraev(batch_id=batch_id, straks=straks)
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
            udfald = transport.Udfald(transport.AFVIST, besked=_holdt_tilbage(fejl))
            _udfald_gem(batch=batch, forsoeg=forsoeg, udfald=udfald, adresse=None, sha="", stoerrelse=None, fejlet=True)
            logger.error("indberetning: batch %s er ikke gyldig efter skemaet og er ikke sendt", batch.pk)
            return udfald
    return _send_gyldig(batch=batch, forsoeg=forsoeg, indhold=indhold)


def _holdt_tilbage(fejl) -> str:
    return _("Holdt tilbage, ikke sendt: %(fejl)s") % {"fejl": fejl}


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


def _forsoeget_er_vores(*, batch: Batch, forsoeg: int) -> bool:
    """Lock the batch; is this worker's attempt still the one running? (One that lost its
    deadline to another worker leaves the batch to that one.)"""
    return Batch.objects.select_for_update().filter(pk=batch.pk, status=Batch.Status.SENDES, forsoeg=forsoeg).exists()


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
        if not _forsoeget_er_vores(batch=batch, forsoeg=forsoeg):
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
        batch.pk,
        batch.modtager,
        udfald.http_status,
        ", ".join(str(d.pk) for d in dele),
    )
    return True


def _ugyldige_udskil(*, batch: Batch, forsoeg: int) -> bool:
    """The batch's document failed the schema: each event that fails on its own is moved
    to a batch of its own, ``fejlet`` with the reason (shown at its conversation), so it
    never holds back the others. False when no single event is to blame."""
    haendelser = list(Haendelse.objects.filter(batch=batch).order_by("registreret", "id").values_list("id", "xml"))
    ugyldige: dict = {}
    for haendelse_id, xml in haendelser:
        try:
            dokument.dokument_valider(batch_dokument(batch=batch, haendelser=[xml]))
        except dokument.DokumentFejl as e:
            ugyldige[haendelse_id] = str(e)
    if not ugyldige or len(ugyldige) == len(haendelser):
        return False
    nu = timezone.now()
    with transaction.atomic():
        if not _forsoeget_er_vores(batch=batch, forsoeg=forsoeg):
            return False
        for haendelse_id, fejl in ugyldige.items():
            _nye_dele(
                batch=batch,
                grupper=[[haendelse_id]],
                status=Batch.Status.FEJLET,
                sidste_besked=_holdt_tilbage(fejl),
                sidst_forsoegt=nu,
            )
        Batch.objects.filter(pk=batch.pk).update(antal=len(haendelser) - len(ugyldige))
    logger.error(
        "indberetning: batch %s: %s hændelser er ikke gyldige efter skemaet og holdes tilbage", batch.pk, len(ugyldige)
    )
    return True


def _udfald_gem(
    *, batch: Batch, forsoeg: int, udfald: transport.Udfald, adresse, sha: str, stoerrelse, fejlet=False
) -> None:
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
    elif udfald.resultat == transport.AFLEVERET:
        felter["status"] = Batch.Status.AFLEVERET
    elif udfald.resultat == transport.AFVIST:
        # Not the receiver's answer (held back before sending): ``fejlet``.
        felter["status"] = Batch.Status.FEJLET if fejlet or udfald.http_status is None else Batch.Status.AFVIST
    elif forsoeg >= conf.max_attempts():
        felter["status"] = Batch.Status.FEJLET
        felter["sidste_besked"] = _("Opgivet efter %(n)s forsøg. Seneste: %(besked)s") % {
            "n": forsoeg,
            "besked": udfald.besked,
        }
    else:
        felter.update(status=Batch.Status.KLAR, naeste_forsoeg=nu + conf.backoff(forsoeg))
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
