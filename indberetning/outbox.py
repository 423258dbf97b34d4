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


def haendelser_opret(*, samtale, handling: str, tidspunkt, visitation=None, begrundelse: str = "") -> list[Haendelse]:
    """Write the report events of one registration, correction or cancellation.

    Must run inside the caller's transaction (the registration services' ``atomic``).
    Recipients: DFDG always; the citizen's a-kasse when the rules for the conversation's
    kontaktgruppe say so (stk. 5); and, for a correction or a cancellation, every a-kasse
    that was sent an earlier event about this conversation, so it never keeps a version
    the jobcenter has corrected or withdrawn.
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
    data = dokument.samtale_indhold(
        samtale=samtale, handling=handling, regler=regler, visitation=visitation, begrundelse=begrundelse
    )
    modtagere: dict[str, object] = {DFDG: None}
    if regler is not None and regler.akasse_videregivelse:
        # Stk. 5 and the DFDG order § 16: the a-kasse the citizen had on the conversation's
        # date, the same period whose kontaktgruppe the rules were read for.
        akasse = stilling_paa_dato(person=samtale.person, dato=samtale.dato).akasse
        if akasse is not None:
            modtagere[modtager_akasse(akasse.kode)] = akasse
        else:
            logger.warning(
                "indberetning: samtale %s: kontaktgruppen videregives til a-kassen, men borgeren har ingen a-kasse",
                samtale.pk,
            )
    if handling != Handling.OPRET:
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
    if handling != Handling.OPRET:  # a new conversation has no earlier event to replace
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
