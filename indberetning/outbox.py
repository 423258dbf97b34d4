"""Reporting: the outbox. The registration services write a conversation's report events
here, inside their own transaction.

:func:`haendelser_opret` writes one event per recipient (DFDG always; the citizen's a-kasse
for kontaktgruppe 1, § 28 stk. 5) and defers a coalesced "kick" job, all committed with the
registration or not at all.
"""

from __future__ import annotations

import logging

from django.db import connection

from registrering.regler import regelsaet
from registrering.selectors import stilling_paa_dato

from . import dokument
from .jobs import kick_bestil
from .models import DFDG, Batch, Haendelse, Handling, modtager_akasse

logger = logging.getLogger(__name__)


def haendelser_opret(
    *, samtale, handling: str, tidspunkt, visitation=None, begrundelse: str = "", dfdg: bool = True
) -> list[Haendelse]:
    """Write the report events of one registration, correction or cancellation.

    Must run inside the caller's transaction (the registration services' ``atomic``).
    Recipients: DFDG (unless ``dfdg`` is false: a change of forwarding only), and the
    a-kasser as :func:`akasse_modtagere` says: the a-kasse of the period in force on the
    conversation's date when its kontaktgruppe is forwarded (stk. 5), as a registration if
    it does not hold the conversation yet; every other a-kasse that holds it gets a
    cancellation, so no a-kasse keeps a conversation that is no longer its citizen's (issue
    18: a backdated a-kasse change, or a corrected date in another period).
    """
    if handling not in Handling.values:
        raise ValueError(f"ukendt handling: {handling}")
    if not connection.in_atomic_block:
        raise RuntimeError("haendelser_opret skal kaldes i registreringens transaktion")

    # DFDG order § 16: the rules of the kontaktgruppe the citizen had on the conversation's
    # date (stored on the conversation). A cancellation reports no content: no rules.
    regler = None
    if handling != Handling.ANNULLER:
        regler = regelsaet(kontaktgruppe=samtale.kontaktgruppe, samtaletype=samtale.samtaletype, dato=samtale.dato)
    akasse = None
    if regler is not None and regler.akasse_videregivelse:
        # Stk. 5 and the DFDG order § 16: the a-kasse the citizen had on the conversation's
        # date, the same period whose kontaktgruppe the rules were read for.
        akasse = stilling_paa_dato(person=samtale.person, dato=samtale.dato).akasse
        if akasse is None:
            logger.warning(
                "indberetning: samtale %s: kontaktgruppen videregives til a-kassen, men borgeren har ingen a-kasse",
                samtale.pk,
            )
    modtagere: dict[str, tuple] = {DFDG: (None, handling)} if dfdg else {}
    modtagere |= akasse_modtagere(samtale=samtale, handling=handling, regler=regler, akasse=akasse)
    indhold: dict[str, dict] = {}

    def data_for(h: str) -> dict:
        if h not in indhold:
            indhold[h] = dokument.samtale_indhold(
                samtale=samtale,
                handling=h,
                regler=regler if h != Handling.ANNULLER else None,
                visitation=visitation,
                begrundelse=begrundelse,
            )
        return indhold[h]

    haendelser = []
    for modtager, (akasse_, h_) in modtagere.items():
        data = data_for(h_) if modtager == DFDG else dokument.akasse_indhold(data_for(h_))
        h = Haendelse(
            samtale=samtale,
            modtager=modtager,
            akasse=akasse_,
            handling=h_,
            sekvens=samtale.sekvens,
            registreret=tidspunkt,
            data=data,
        )
        # Serialised once, here: a batch is then the concatenation of frozen elements.
        h.xml = dokument.haendelse_xml(
            haendelse_id=h.id,
            samtale_id=samtale.pk,
            handling=h_,
            sekvens=samtale.sekvens,
            registreret=tidspunkt,
            data=data,
        )
        haendelser.append(h)
    Haendelse.objects.bulk_create(haendelser)
    if handling != Handling.OPRET:  # a new conversation has no earlier event to replace
        _afviste_erstat(samtale=samtale, modtagere=list(modtagere))
    kick_bestil()
    logger.info(
        "indberetning: %s sekvens %s for samtale %s til %s",
        handling,
        samtale.sekvens,
        samtale.pk,
        ", ".join(f"{m} ({h})" for m, (_a, h) in modtagere.items()),
    )
    return haendelser


def akasse_holdere(*, samtale) -> dict:
    """The a-kasser that hold the conversation: recipient key -> ``Akasse`` for each whose
    newest event about it is not a cancellation (one query)."""
    seneste = (
        Haendelse.objects.filter(samtale=samtale, akasse__isnull=False)
        .select_related("akasse")
        .order_by("modtager", "-sekvens")
        .distinct("modtager")
    )
    return {h.modtager: h.akasse for h in seneste if h.handling != Handling.ANNULLER}


def akasse_modtagere(*, samtale, handling: str, regler, akasse) -> dict[str, tuple]:
    """§ 28 stk. 5 over time: recipient key -> (``Akasse``, handling) for the a-kasse events
    of one registration, correction or cancellation. ``akasse`` is the a-kasse of the period
    in force on the conversation's date (None when the kontaktgruppe is not forwarded). It
    gets the conversation (``opret`` if it does not hold it); every other a-kasse that holds
    it gets ``annuller``; a cancellation goes to every holder."""
    holdere = akasse_holdere(samtale=samtale) if handling != Handling.OPRET else {}
    maal = None
    if handling != Handling.ANNULLER and regler is not None and regler.akasse_videregivelse and akasse is not None:
        maal = modtager_akasse(akasse.kode)
    plan = {m: (a, Handling.ANNULLER) for m, a in holdere.items() if m != maal}
    if maal is not None:
        plan[maal] = (akasse, handling if maal in holdere else Handling.OPRET)
    return plan


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


def seneste_indberettede_visitation(*, samtale) -> dict | None:
    """The visitation (§ 28 nr. 9) that DFDG's newest event about the conversation carries:
    ``{"visitationsgruppe": …, "gyldigFra": …}``, or None (none reported, or no event)."""
    data = (
        Haendelse.objects.filter(samtale=samtale, modtager=DFDG)
        .order_by("-sekvens")
        .values_list("data", flat=True)
        .first()
    )
    return (data or {}).get("visitation")
