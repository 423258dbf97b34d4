"""Write operations: one function per business action, each one database transaction.

A registration, correction or cancellation takes a row lock on the citizen first, so two
caseworkers registering for one citizen at once are serialised: neither can record a
visitation change from a "current" group the other has just replaced. Everything the
action writes (the conversation, participants, visitation row, marking and the report
events for every recipient) commits together or not at all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indberetning.services import haendelser_opret

from . import kodecache, selectors
from .models import (
    Adgangslog,
    Akasse,
    AkasseDeltagelse,
    Bruger,
    Deltagelsesform,
    Deltager,
    Deltagerrolle,
    Kontaktgruppe,
    Person,
    Persongruppemarkering,
    PersonMarkering,
    Samtale,
    Samtaleform,
    Samtaletype,
    Visitation,
    Visitationsgruppe,
)
from .regler import Regelsaet, dansk_dato, kontaktgruppe_regler, regel_noegle, regelsaet, valider_samtale

TIDLIG_OPFOELGNING = "tidlig_opfoelgning_fast_track"


@dataclass
class DeltagerData:
    navn: str
    rolle: Deltagerrolle | None
    deltagelsesform: Deltagelsesform | None

    def noegle(self) -> tuple:
        return (self.navn.strip(), getattr(self.rolle, "pk", None), getattr(self.deltagelsesform, "pk", None))


@dataclass
class SamtaleData:
    """What a caseworker enters for one conversation (§ 28 nr. 2-10, stk. 3-4)."""

    dato: datetime.date
    samtaletype: Samtaletype | None
    samtaleform: Samtaleform | None
    aftale: str = ""
    saerlig_indsats: str = ""
    akasse_deltagelse: AkasseDeltagelse | None = None
    praktiske_aftaler: str = ""
    visitationsgruppe: Visitationsgruppe | None = None
    tidlig_opfoelgning: bool = False
    cv_ikke_fyldestgoerende: bool = False
    deltagere: list[DeltagerData] = field(default_factory=list)


@dataclass
class Resultat:
    samtale: Samtale
    visitation: Visitation | None = None
    visitation_uaendret: bool = False
    markering: PersonMarkering | None = None


# --- the access log ---------------------------------------------------------------------------


def formaal_for(bruger: Bruger) -> str:
    """The purpose recorded with an access: what the user's role does with citizen data."""
    if bruger.person_id is not None:
        return _("Borgerens egen indsigt")
    if bruger.has_perm("registrering.se_historik") and not bruger.has_perm("registrering.add_samtale"):
        return _("Revision og tilsyn")
    return _("Sagsbehandling efter lov om en aktiv beskæftigelsesindsats")


def adgang_log(*, bruger: Bruger, personer, handling: str, detaljer: str = "", formaal: str | None = None) -> None:
    """Append one access-log row per citizen (never a CPR number in ``detaljer``)."""
    formaal = formaal or formaal_for(bruger)
    navn = (bruger.get_full_name() or bruger.username)[:300]
    nu = timezone.now()
    raekker = [
        Adgangslog(
            tidspunkt=nu,
            person_id=getattr(p, "pk", p),
            bruger=bruger,
            bruger_navn=navn,
            handling=handling,
            formaal=formaal,
            detaljer=detaljer[:300],
        )
        for p in personer
    ]
    if len(raekker) == 1:
        # One row (a citizen's page): a single INSERT, in the caller's transaction if any;
        # bulk_create would wrap it in BEGIN … COMMIT of its own, two more round trips.
        raekker[0].save(force_insert=True)
    else:
        Adgangslog.objects.bulk_create(raekker)


# --- citizens ------------------------------------------------------------------------------


def person_opret(*, cpr: str, navn: str, kontaktgruppe: Kontaktgruppe, akasse: Akasse | None, bruger: Bruger) -> Person:
    """Create a citizen in the user's jobcenter.

    A CPR number that is already registered is refused, and the attempt is written to that
    citizen's access log first, in its own statement, so the refusal does not roll it back:
    a caseworker who tries numbers learns that a citizen exists (also in another jobcenter),
    and the auditor sees who asked (ASVS 7.1). The message names no jobcenter and shows
    nothing of the citizen; it says how to get the citizen moved.
    """
    if bruger.jobcenter_id is None:
        raise ValidationError(_("Din bruger er ikke knyttet til et jobcenter."))
    eksisterende = Person.objects.filter(cpr=cpr).values_list("pk", "jobcenter_id").first()
    if eksisterende is not None:
        pk, jobcenter_id = eksisterende
        adgang_log(bruger=bruger, personer=[pk], handling=Adgangslog.Handling.OPRET_AFVIST, detaljer=_("CPR-nummeret findes allerede"))
        if jobcenter_id == bruger.jobcenter_id:
            raise ValidationError({"cpr": [_("Der findes allerede en borger med dette CPR-nummer. Søg borgeren frem i stedet.")]})
        raise ValidationError(
            {
                "cpr": [
                    _(
                        "Borgeren er allerede oprettet i et andet jobcenter. Bed en teamleder eller en administrator i "
                        "borgerens jobcenter om at flytte borgeren til dit jobcenter med »Flyt borger«. Forsøget er "
                        "skrevet i borgerens adgangslog."
                    )
                ]
            }
        )
    return _person_opret(cpr=cpr, navn=navn, kontaktgruppe=kontaktgruppe, akasse=akasse, bruger=bruger)


@transaction.atomic
def _person_opret(*, cpr: str, navn: str, kontaktgruppe: Kontaktgruppe, akasse: Akasse | None, bruger: Bruger) -> Person:
    person = Person(cpr=cpr, navn=navn.strip(), kontaktgruppe=kontaktgruppe, akasse=akasse, jobcenter_id=bruger.jobcenter_id)
    if akasse is None and kontaktgruppe_regler(kontaktgruppe=kontaktgruppe, dato=selectors.idag())["akasse_videregivelse"]:
        # § 28 stk. 5: the information is forwarded to the citizen's a-kasse.
        raise ValidationError({"akasse": [_("Vælg borgerens a-kasse: oplysningerne videregives til a-kassen (§ 28 stk. 5).")]})
    person.full_clean()
    person._history_user = bruger
    person.save()
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.OPRET, detaljer=_("Borger oprettet"))
    return person


# --- conversations -------------------------------------------------------------------------


def _laas_person(person: Person) -> Person:
    return Person.objects.select_for_update(of=("self",)).select_related("kontaktgruppe", "akasse", "jobcenter").get(pk=person.pk)


def _valider(*, person: Person, data: SamtaleData, samtale: Samtale | None = None, regler: Regelsaet | None = None) -> Regelsaet:
    # A caller (the form) may hand over the rules it just read; they are used only if they
    # were read for this citizen's kontaktgruppe, this type and this date.
    if regler is None or regler.noegle != regel_noegle(kontaktgruppe_id=person.kontaktgruppe_id, samtaletype=data.samtaletype, dato=data.dato):
        regler = regelsaet(kontaktgruppe=person.kontaktgruppe, samtaletype=data.samtaletype, dato=data.dato)
    fejl = {}
    if data.samtaletype is None:
        fejl["samtaletype"] = [_("Vælg en samtaletype.")]
    if data.samtaleform is None:
        fejl["samtaleform"] = [_("Vælg en samtaleform.")]
    for felt, beskeder in valider_samtale(person=person, data=data, regler=regler, samtale=samtale).items():
        fejl.setdefault(felt, []).extend(beskeder)
    if fejl:
        raise ValidationError(fejl)
    return regler


# Relations the services set from objects they have just loaded (or locked) themselves:
# full_clean() need not look each of them up again, one query per key.
KENDTE_RELATIONER = {
    "Samtale": ["person", "samtaletype", "samtaleform", "akasse_deltagelse", "jobcenter", "kontaktgruppe", "registreret_af"],
    "Deltager": ["samtale", "rolle", "deltagelsesform"],
    "Visitation": ["person", "visitationsgruppe", "registreret_af", "samtale"],
    "PersonMarkering": ["person", "markering", "samtale"],
}


def _valider_felter(instance, *, constraints: bool = True) -> None:
    """full_clean() without re-fetching relations already validated above. The unique
    constraint on conversations is checked by valider_samtale under the citizen's lock (and
    by the database), so ``constraints=False`` spares the second look-up there. The primary
    key is not looked up either: it is a fresh UUID or the database's own serial."""
    instance.full_clean(exclude=[*KENDTE_RELATIONER.get(type(instance).__name__, ()), "id"], validate_constraints=constraints)


def _gem(instance, *, bruger: Bruger, begrundelse: str | None = None) -> None:
    instance._history_user = bruger
    if begrundelse:
        instance._change_reason = begrundelse
    instance.save()


def _visitation(*, person: Person, samtale: Samtale, gruppe: Visitationsgruppe | None, bruger: Bruger, tidspunkt) -> tuple:
    """§ 28 nr. 9 and stk. 2: a row only when the group differs from the latest registered
    one, in force from the registration date in Danish time."""
    if gruppe is None:
        return None, False
    seneste = selectors.visitation_seneste(person=person)
    if seneste is not None and seneste.visitationsgruppe_id == gruppe.pk:
        return None, True
    visitation = Visitation(
        person=person,
        visitationsgruppe=gruppe,
        gyldig_fra=dansk_dato(tidspunkt),  # § 28, stk. 2: virkning fra registreringsdatoen
        registreret=tidspunkt,
        registreret_af=bruger,
        samtale=samtale,
    )
    _valider_felter(visitation)
    _gem(visitation, bruger=bruger)
    return visitation, False


def _markering_start(*, person: Person, samtale: Samtale, bruger: Bruger, tidspunkt) -> PersonMarkering | None:
    """§ 28 stk. 3: the request for early follow-up as the persongruppemarkering
    "Tidlig opfølgning - fast track", from the registration date."""
    dato = dansk_dato(tidspunkt)
    markering = next((m for m in kodecache.gyldige(Persongruppemarkering, dato) if m.kode == TIDLIG_OPFOELGNING), None)
    if markering is None:
        raise Persongruppemarkering.DoesNotExist(f"{TIDLIG_OPFOELGNING} gælder ikke {dato}")
    if selectors.markeringer_aktive(person=person, dato=dato).filter(markering=markering).exists():
        return None
    pm = PersonMarkering(person=person, markering=markering, fra=dato, samtale=samtale)
    _valider_felter(pm)
    _gem(pm, bruger=bruger)
    return pm


def _markering_afslut(*, samtale: Samtale, bruger: Bruger, tidspunkt, begrundelse: str) -> None:
    dato = dansk_dato(tidspunkt)
    for pm in PersonMarkering.objects.filter(samtale=samtale, til__isnull=True):
        # In force up to yesterday; one withdrawn on its first day ends before it began
        # (til < fra), so it never counts as active.
        pm.til = dato - datetime.timedelta(days=1)
        _gem(pm, bruger=bruger, begrundelse=begrundelse)


def _deltagere_opret(*, samtale: Samtale, deltagere: list[DeltagerData], bruger: Bruger) -> None:
    for d in deltagere:
        deltager = Deltager(samtale=samtale, navn=d.navn.strip(), rolle=d.rolle, deltagelsesform=d.deltagelsesform)
        _valider_felter(deltager)
        _gem(deltager, bruger=bruger)


@transaction.atomic
def samtale_registrer(
    *, person: Person, data: SamtaleData, bruger: Bruger, tidspunkt: datetime.datetime | None = None, regler: Regelsaet | None = None
) -> Resultat:
    """Register one held conversation with everything § 28 asks for, in one transaction."""
    tidspunkt = tidspunkt or timezone.now()
    person = _laas_person(person)
    regler = _valider(person=person, data=data, regler=regler)
    samtale = Samtale(
        person=person,
        dato=data.dato,
        samtaletype=data.samtaletype,
        samtaleform=data.samtaleform,
        aftaletype=regler.aftale,
        aftale=data.aftale.strip(),
        saerlig_indsats=data.saerlig_indsats.strip(),
        akasse_deltagelse=data.akasse_deltagelse,
        praktiske_aftaler=data.praktiske_aftaler.strip(),
        tidlig_opfoelgning=data.tidlig_opfoelgning,
        cv_ikke_fyldestgoerende=data.cv_ikke_fyldestgoerende,
        jobcenter=person.jobcenter,
        kontaktgruppe=person.kontaktgruppe,
        registreret=tidspunkt,
        registreret_af=bruger,
        sekvens=1,
    )
    _valider_felter(samtale, constraints=False)
    _gem(samtale, bruger=bruger)
    _deltagere_opret(samtale=samtale, deltagere=data.deltagere, bruger=bruger)
    visitation, uaendret = _visitation(
        person=person, samtale=samtale, gruppe=data.visitationsgruppe, bruger=bruger, tidspunkt=tidspunkt
    )
    markering = None
    if data.tidlig_opfoelgning:
        markering = _markering_start(person=person, samtale=samtale, bruger=bruger, tidspunkt=tidspunkt)
    haendelser_opret(samtale=samtale, handling="opret", tidspunkt=tidspunkt, regler=regler, visitation=visitation)
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.OPRET, detaljer=str(samtale))
    return Resultat(samtale=samtale, visitation=visitation, visitation_uaendret=uaendret, markering=markering)


@transaction.atomic
def samtale_ret(
    *,
    samtale: Samtale,
    data: SamtaleData,
    begrundelse: str,
    bruger: Bruger,
    tidspunkt: datetime.datetime | None = None,
    regler: Regelsaet | None = None,
) -> Resultat:
    """Correct a registration. Nothing is deleted: the old values stay in the history with
    the reason, removed participants are marked inactive, and a new report event goes out."""
    tidspunkt = tidspunkt or timezone.now()
    begrundelse = (begrundelse or "").strip()
    person = _laas_person(samtale.person)
    samtale = Samtale.objects.select_for_update().get(pk=samtale.pk)
    fejl = {}
    if not begrundelse:
        fejl["begrundelse"] = [_("Skriv en begrundelse for rettelsen.")]
    if samtale.annulleret is not None:
        fejl["__all__"] = [_("Samtalen er annulleret og kan ikke rettes.")]
    try:
        regler = _valider(person=person, data=data, samtale=samtale, regler=regler)
    except ValidationError as e:
        for felt, beskeder in e.message_dict.items():
            fejl.setdefault(felt, []).extend(beskeder)
    if fejl:
        raise ValidationError(fejl)

    samtale.dato = data.dato
    samtale.samtaletype = data.samtaletype
    samtale.samtaleform = data.samtaleform
    samtale.aftaletype = regler.aftale
    samtale.aftale = data.aftale.strip()
    samtale.saerlig_indsats = data.saerlig_indsats.strip()
    samtale.akasse_deltagelse = data.akasse_deltagelse
    samtale.praktiske_aftaler = data.praktiske_aftaler.strip()
    samtale.cv_ikke_fyldestgoerende = data.cv_ikke_fyldestgoerende
    tidlig_foer = samtale.tidlig_opfoelgning
    samtale.tidlig_opfoelgning = data.tidlig_opfoelgning
    samtale.rettet = tidspunkt
    samtale.sekvens += 1
    _valider_felter(samtale, constraints=False)
    _gem(samtale, bruger=bruger, begrundelse=begrundelse)

    # Participants: keep the unchanged ones, mark removed ones inactive, add the new ones.
    nye = {d.noegle(): d for d in data.deltagere}
    for deltager in samtale.deltagere.filter(aktiv=True):
        noegle = (deltager.navn, deltager.rolle_id, deltager.deltagelsesform_id)
        if noegle in nye:
            nye.pop(noegle)
        else:
            deltager.aktiv = False
            _gem(deltager, bruger=bruger, begrundelse=begrundelse)
    _deltagere_opret(samtale=samtale, deltagere=list(nye.values()), bruger=bruger)

    visitation, uaendret = _visitation(
        person=person, samtale=samtale, gruppe=data.visitationsgruppe, bruger=bruger, tidspunkt=tidspunkt
    )
    markering = None
    if data.tidlig_opfoelgning and not tidlig_foer:
        markering = _markering_start(person=person, samtale=samtale, bruger=bruger, tidspunkt=tidspunkt)
    elif tidlig_foer and not data.tidlig_opfoelgning:
        _markering_afslut(samtale=samtale, bruger=bruger, tidspunkt=tidspunkt, begrundelse=begrundelse)
    haendelser_opret(
        samtale=samtale, handling="ret", tidspunkt=tidspunkt, regler=regler, visitation=visitation, begrundelse=begrundelse
    )
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.RET, detaljer=str(samtale))
    return Resultat(samtale=samtale, visitation=visitation, visitation_uaendret=uaendret, markering=markering)


@transaction.atomic
def samtale_annuller(
    *, samtale: Samtale, begrundelse: str, bruger: Bruger, tidspunkt: datetime.datetime | None = None
) -> Samtale:
    """Cancel a registration: it stays, marked cancelled with the reason; it no longer counts
    for the current agreement; a marking it started ends; if its visitation change is still
    the latest, the previous group is registered again; a cancellation event is reported."""
    tidspunkt = tidspunkt or timezone.now()
    begrundelse = (begrundelse or "").strip()
    person = _laas_person(samtale.person)
    samtale = Samtale.objects.select_for_update().get(pk=samtale.pk)
    if not begrundelse:
        raise ValidationError({"begrundelse": [_("Skriv en begrundelse for annulleringen.")]})
    if samtale.annulleret is not None:
        raise ValidationError(_("Samtalen er allerede annulleret."))
    samtale.annulleret = tidspunkt
    samtale.annulleringsbegrundelse = begrundelse
    samtale.sekvens += 1
    _valider_felter(samtale, constraints=False)
    _gem(samtale, bruger=bruger, begrundelse=begrundelse)
    _markering_afslut(samtale=samtale, bruger=bruger, tidspunkt=tidspunkt, begrundelse=begrundelse)

    seneste = selectors.visitation_seneste(person=person)
    if seneste is not None and seneste.samtale_id == samtale.pk:
        forrige = (
            selectors.visitationer_for_person(person=person).exclude(samtale=samtale).exclude(pk=seneste.pk).first()
        )
        if forrige is not None and forrige.visitationsgruppe_id != seneste.visitationsgruppe_id:
            tilbage = Visitation(
                person=person,
                visitationsgruppe_id=forrige.visitationsgruppe_id,
                gyldig_fra=dansk_dato(tidspunkt),
                registreret=tidspunkt,
                registreret_af=bruger,
                samtale=None,
            )
            _gem(tilbage, bruger=bruger, begrundelse=begrundelse)
    haendelser_opret(samtale=samtale, handling="annuller", tidspunkt=tidspunkt, begrundelse=begrundelse)
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.ANNULLER, detaljer=str(samtale))
    return samtale
