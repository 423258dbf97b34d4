"""What a registration publishes to reporting: the frozen snapshot of one event-to-be.

Registration knows reporting; reporting knows nothing of registration
(docs/arkitektur.md, "The layers"). So what a report event says is decided here, inside the
registration's transaction: the § 28 content as the report's element dict
(:func:`samtale_indhold`, with the persongruppemarkering in force), and the recipients the
rules in force on the conversation's date decide (DFDG, and the a-kasse of that date when
its kontaktgruppe is forwarded, § 28 stk. 5). :func:`haendelser_opret` hands that snapshot
(:class:`indberetning.outbox.Udgivelse`) to the outbox, which writes the events, their
frozen XML and the kick job in the same transaction.
"""

from __future__ import annotations

import logging

from indberetning.dokument import cpr_10_cifre
from indberetning.models import Handling
from indberetning.outbox import Udgivelse, udgivelse_opret

from . import samtaledata
from .models import PersonMarkering
from .regler import regelsaet
from .selectors import stilling_paa_dato

logger = logging.getLogger(__name__)


def _markering(samtale) -> dict | None:
    """§ 28 stk. 3: the persongruppemarkering this conversation asked for, if still in force."""
    if not samtale.tidlig_opfoelgning:
        return None

    pm = (
        PersonMarkering.objects.filter(samtale=samtale, til__isnull=True)
        .select_related("markering")
        .order_by("-fra")
        .first()
        or PersonMarkering.objects.filter(
            person_id=samtale.person_id, til__isnull=True, markering__kode="tidlig_opfoelgning_fast_track"
        )
        .select_related("markering")
        .order_by("-fra")
        .first()
    )
    if pm is None:
        return None
    return {"markering": pm.markering.kode, "fra": pm.fra.isoformat()}


def samtale_indhold(*, samtale, handling: str, regler=None, visitation=None, begrundelse: str = "") -> dict:
    """The full (DFDG) content of one event, as stored in ``Haendelse.data``."""
    person = samtale.person
    data: dict = {
        "cpr": cpr_10_cifre(person.cpr),
        "dato": samtale.dato.isoformat(),
        "samtaletype": samtale.samtaletype.kode,
    }
    if handling != Handling.ANNULLER:
        data["jobcenter"] = samtale.jobcenter.kode
        data["kontaktgruppe"] = samtale.kontaktgruppe.kode
        # The § 28 fields sent as entered, whenever given (registrering's one field list).
        for felt in samtaledata.SAMTALE_FELTER:
            if felt.report_element and getattr(samtale, felt.column):
                vaerdi = getattr(samtale, felt.name)
                data[felt.report_element] = vaerdi.kode if felt.kind == samtaledata.KODE else vaerdi
        if visitation is not None:
            # § 28 nr. 9 and stk. 2: only a changed group, in force from the registration date.
            data["visitation"] = {
                "visitationsgruppe": visitation.visitationsgruppe.kode,
                "gyldigFra": visitation.gyldig_fra.isoformat(),
            }
        markering = _markering(samtale)
        if markering:
            data["persongruppemarkering"] = markering
        if regler is not None and regler.cv_vurdering:
            data["cvIkkeFyldestgoerende"] = bool(samtale.cv_ikke_fyldestgoerende)
        deltagere = [
            {"navn": d.navn, "rolle": d.rolle.kode, "deltagelsesform": d.deltagelsesform.kode}
            for d in samtale.deltagere.filter(aktiv=True).select_related("rolle", "deltagelsesform").order_by("id")
        ]
        if deltagere:
            data["deltager"] = deltagere
    if begrundelse:
        data["begrundelse"] = begrundelse
    return data


def akasse_maal(*, regler, akasse):
    """§ 28 stk. 5: the a-kasse that is to hold the conversation: ``akasse`` (the citizen's
    on the conversation's date) when the rules in force forward its kontaktgruppe, else None."""
    return akasse if regler is not None and regler.akasse_videregivelse else None


def udgivelse(
    *, samtale, handling: str, tidspunkt, visitation=None, begrundelse: str = "", dfdg: bool = True
) -> Udgivelse:
    """The snapshot of one registration, correction or cancellation of ``samtale`` (already
    saved with its new ``sekvens``)."""
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
    indhold = samtale_indhold(
        samtale=samtale, handling=handling, regler=regler, visitation=visitation, begrundelse=begrundelse
    )
    if handling != Handling.ANNULLER:
        annullering = samtale_indhold(samtale=samtale, handling=Handling.ANNULLER, begrundelse=begrundelse)
    else:
        annullering = indhold
    return Udgivelse(
        samtale_id=samtale.pk,
        handling=handling,
        sekvens=samtale.sekvens,
        tidspunkt=tidspunkt,
        indhold=indhold,
        annullering=annullering,
        dfdg=dfdg,
        akasse=akasse_maal(regler=regler, akasse=akasse),
    )


def haendelser_opret(
    *, samtale, handling: str, tidspunkt, visitation=None, begrundelse: str = "", dfdg: bool = True
) -> list:
    """Publish one registration, correction or cancellation to reporting: the snapshot
    (:func:`udgivelse`) written to the outbox. Must run inside the caller's transaction (the
    registration services' ``atomic``)."""
    return udgivelse_opret(
        udgivelse(
            samtale=samtale,
            handling=handling,
            tidspunkt=tidspunkt,
            visitation=visitation,
            begrundelse=begrundelse,
            dfdg=dfdg,
        )
    )
