"""Reporting: the outbox, reporting's one entrance for writes. The registration services
publish a conversation's registration, correction or cancellation here, inside their own
transaction, as a frozen snapshot (:class:`Udgivelse`); reporting imports nothing from
registration (docs/arkitektur.md, "The layers").

:func:`udgivelse_opret` writes one event per recipient (DFDG; the a-kasse the snapshot
names, § 28 stk. 5, and every other a-kasse that holds the conversation) and defers a
coalesced "kick" job, all committed with the registration or not at all.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection

from . import dokument
from .jobs import kick_bestil
from .models import DFDG, Batch, Haendelse, Handling, modtager_akasse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Udgivelse:
    """What registration hands to reporting about one registration, correction or
    cancellation: everything the events need, decided by registration under its rules in
    force, so reporting reads nothing of registration's.

    ``indhold`` is the report's element dict for ``handling`` (the § 28 content DFDG gets;
    an a-kasse gets its part, :func:`dokument.akasse_indhold`), ``annullering`` the element
    dict of a cancellation of the same conversation (what an a-kasse that no longer holds it
    gets). ``dfdg`` is false for a change of forwarding only. ``akasse`` is the a-kasse that
    is to hold the conversation (the citizen's on its date when its kontaktgruppe is
    forwarded), or None: a row of ``registrering.Akasse``, the model the events' foreign key
    names (a database dependency, not an import)."""

    samtale_id: int
    handling: str
    sekvens: int
    tidspunkt: datetime.datetime
    indhold: Mapping[str, Any]
    annullering: Mapping[str, Any]
    dfdg: bool = True
    akasse: Any = None


def udgivelse_opret(udgivelse: Udgivelse) -> list[Haendelse]:
    """Write the report events of one registration, correction or cancellation.

    Must run inside the caller's transaction (the registration services' ``atomic``).
    Recipients: DFDG (unless ``udgivelse.dfdg`` is false: a change of forwarding only), and
    the a-kasser as :func:`akasse_modtagere` says: the a-kasse the snapshot names (the one
    of the period in force on the conversation's date when its kontaktgruppe is forwarded,
    stk. 5), as a registration if it does not hold the conversation yet; every other a-kasse
    that holds it gets a cancellation, so no a-kasse keeps a conversation that is no longer
    its citizen's (issue 18: a backdated a-kasse change, or a corrected date in another
    period).
    """
    handling = udgivelse.handling
    if handling not in Handling.values:
        raise ValueError(f"ukendt handling: {handling}")
    if not connection.in_atomic_block:
        raise RuntimeError("haendelser_opret skal kaldes i registreringens transaktion")

    samtale_id, sekvens, tidspunkt = udgivelse.samtale_id, udgivelse.sekvens, udgivelse.tidspunkt
    modtagere: dict[str, tuple] = {DFDG: (None, handling)} if udgivelse.dfdg else {}
    modtagere |= akasse_modtagere(samtale=samtale_id, handling=handling, akasse=udgivelse.akasse)

    def data_for(h: str) -> dict:
        return dict(udgivelse.annullering if h == Handling.ANNULLER else udgivelse.indhold)

    haendelser = []
    for modtager, (akasse_, h_) in modtagere.items():
        data = data_for(h_) if modtager == DFDG else dokument.akasse_indhold(data_for(h_))
        h = Haendelse(
            samtale_id=samtale_id,
            modtager=modtager,
            akasse=akasse_,
            handling=h_,
            sekvens=sekvens,
            registreret=tidspunkt,
            data=data,
        )
        # Serialised once, here: a batch is then the concatenation of frozen elements.
        h.xml = dokument.haendelse_xml(
            haendelse_id=h.id,
            samtale_id=samtale_id,
            handling=h_,
            sekvens=sekvens,
            registreret=tidspunkt,
            data=data,
        )
        haendelser.append(h)
    Haendelse.objects.bulk_create(haendelser)
    if handling != Handling.OPRET:  # a new conversation has no earlier event to replace
        _afviste_erstat(samtale=samtale_id, modtagere=list(modtagere))
    kick_bestil()
    logger.info(
        "indberetning: %s sekvens %s for samtale %s til %s",
        handling,
        sekvens,
        samtale_id,
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


def akasse_modtagere(*, samtale, handling: str, akasse) -> dict[str, tuple]:
    """§ 28 stk. 5 over time: recipient key -> (``Akasse``, handling) for the a-kasse events
    of one registration, correction or cancellation of ``samtale`` (the conversation or its
    id). ``akasse`` is the a-kasse that is to hold it (None when its kontaktgruppe is not
    forwarded): it gets the conversation (``opret`` if it does not hold it); every other
    a-kasse that holds it gets ``annuller``; a cancellation goes to every holder."""
    holdere = akasse_holdere(samtale=samtale) if handling != Handling.OPRET else {}
    maal = None
    if handling != Handling.ANNULLER and akasse is not None:
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
