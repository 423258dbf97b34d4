"""Write operations: one function per business action, each one database transaction.

A registration, correction or cancellation takes a row lock on the citizen first, so two
caseworkers registering for one citizen at once are serialised: neither can record a
visitation change from a "current" group the other has just replaced. Everything the
action writes (the conversation, participants, visitation row, marking and the report
events for every recipient) commits together or not at all.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indberetning.models import Handling
from indberetning.outbox import seneste_indberettede_visitation
from samtaler_site import forespoergsel

from . import historik, kodecache, selectors
from .models import (
    Adgangslog,
    Bruger,
    Deltager,
    Person,
    Persongruppemarkering,
    PersonMarkering,
    Samtale,
    Visitation,
    Visitationsgruppe,
)
from .regler import Regelsaet, dansk_dato, regelsaet, valider_samtale
from .samtaledata import DeltagerData, SamtaleData
from .udgivelse import haendelser_opret

TIDLIG_OPFOELGNING = "tidlig_opfoelgning_fast_track"


@dataclass
class Resultat:
    samtale: Samtale
    # The conversation's visitation assessment when this action wrote or changed it and it
    # gives another group than the one before it: a change, reported (§ 28 nr. 9), in
    # force from the registration date (stk. 2).
    visitation: Visitation | None = None
    # The assessment was kept with its conversation, but its group equals the one before
    # it, so it is not reported as a new group (§ 28 nr. 9).
    visitation_uaendret: bool = False
    # A correction withdrew the conversation's assessment; the group now in force (or None)
    # is ``gaeldende_visitation``.
    visitation_fjernet: bool = False
    gaeldende_visitation: Visitation | None = None
    markering: PersonMarkering | None = None
    # A correction that changes nothing writes nothing (no sekvens, no report).
    ingen_aendring: bool = False
    # Later conversations whose assessment became (or stopped being) a change because of
    # this action, and were reported again (§ 28 nr. 9).
    genindberettet: list[Samtale] = field(default_factory=list)
    # A correction made on an older version whose values the conversation already holds
    # (sent twice): nothing is stored.
    allerede_gemt: bool = False


class SamtidigAendring(ValidationError):
    """Optimistic concurrency (CONTRACT.md "Corrections never overwrite each other"): the
    caller acted on version ``forventet`` (``sekvens``) of a conversation, or of a citizen's
    periods, and somebody else stored version ``aktuel`` meanwhile. Checked under the row
    lock; nothing is stored or reported. ``aendringer`` is what the other person changed,
    field by field (simple-history). The pages show it with the form; the API (issue 22)
    answers 409 for this class."""

    def __init__(self, *, forventet: int, aktuel: int, aendringer: list, besked: str):
        super().__init__({NON_FIELD_ERRORS: [besked]}, code="samtidig_aendring")
        self.forventet, self.aktuel, self.aendringer = forventet, aktuel, aendringer


def _samtale_konflikt(*, samtale: Samtale, sekvens: int) -> SamtidigAendring:
    aendringer = historik.samtale_aendringer_siden(samtale=samtale, sekvens=sekvens)
    hvem = sorted({p.bruger for p in aendringer}) or [str(_("en anden"))]
    return SamtidigAendring(
        forventet=sekvens,
        aktuel=samtale.sekvens,
        aendringer=aendringer,
        besked=_(
            "Samtalen er ændret af %(hvem)s, mens du havde den åben. Din ændring er ikke gemt og ikke indberettet. "
            "Se ændringen herunder."
        )
        % {"hvem": ", ".join(hvem)},
    )


# --- the access log ---------------------------------------------------------------------------


def formaal_for(bruger: Bruger) -> str:
    """The purpose recorded with an access: what the user's role does with citizen data.
    An administrator (who also holds the caseworker's permissions) administers the system,
    on the start page too (issue 20)."""
    if bruger.person_id is not None:
        return _("Borgerens egen indsigt")
    if bruger.is_superuser or bruger.has_perm("registrering.change_bruger"):
        return _("Administration af systemet")
    if bruger.has_perm("registrering.se_historik") and not bruger.has_perm("registrering.add_samtale"):
        return _("Revision og tilsyn")
    return _("Sagsbehandling efter lov om en aktiv beskæftigelsesindsats")


def adgang_log(*, bruger: Bruger, personer, handling: str, detaljer: str = "", formaal: str | None = None) -> None:
    """Append one access-log row per citizen (never a CPR number in ``detaljer``)."""
    formaal = formaal or formaal_for(bruger)
    navn = (bruger.get_full_name() or bruger.username)[:300]
    nu = timezone.now()
    request_id = forespoergsel.request_id()  # the API call's X-Request-ID (issue 22)
    raekker = [
        Adgangslog(
            tidspunkt=nu,
            person_id=getattr(p, "pk", p),
            bruger=bruger,
            bruger_navn=navn,
            handling=handling,
            formaal=formaal,
            detaljer=detaljer[:300],
            request_id=request_id,
        )
        for p in personer
    ]
    if len(raekker) == 1:
        # One row (a citizen's page): a single INSERT, in the caller's transaction if any;
        # bulk_create would wrap it in BEGIN … COMMIT of its own, two more round trips.
        raekker[0].save(force_insert=True)
    else:
        Adgangslog.objects.bulk_create(raekker)


# --- conversations -------------------------------------------------------------------------


def _lock_person(person: Person) -> Person:
    return (
        Person.objects.select_for_update(of=("self",))
        .select_related("kontaktgruppe", "akasse", "jobcenter")
        .get(pk=person.pk)
    )


def _valider(*, person: Person, data: SamtaleData, samtale: Samtale | None = None) -> Regelsaet:
    # DFDG order § 16: the rules of the kontaktgruppe the citizen had on the conversation's
    # date (the rule table is kept per process, kodecache.py, so reading them costs nothing).
    kontaktgruppe = selectors.stilling_paa_dato(person=person, dato=data.dato).kontaktgruppe
    regler = regelsaet(kontaktgruppe=kontaktgruppe, samtaletype=data.samtaletype, dato=data.dato)
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
KNOWN_RELATIONS = {
    "Samtale": [
        "person",
        "samtaletype",
        "samtaleform",
        "akasse_deltagelse",
        "jobcenter",
        "kontaktgruppe",
        "registreret_af",
    ],
    "Deltager": ["samtale", "rolle", "deltagelsesform"],
    "Visitation": ["person", "visitationsgruppe", "registreret_af", "samtale"],
    "PersonMarkering": ["person", "markering", "samtale"],
}


def _full_clean(instance, *, constraints: bool = True) -> None:
    """full_clean() without re-fetching relations already validated above. The unique
    constraint on conversations is checked by valider_samtale under the citizen's lock (and
    by the database), so ``constraints=False`` spares the second look-up there. The primary
    key is not looked up either: it is a fresh UUID or the database's own serial."""
    instance.full_clean(
        exclude=[*KNOWN_RELATIONS.get(type(instance).__name__, ()), "id"], validate_constraints=constraints
    )


def _save(instance, *, bruger: Bruger, begrundelse: str | None = None) -> None:
    instance._history_user = bruger
    if begrundelse:
        instance._change_reason = begrundelse
    instance.save()


def _visitation(
    *, person: Person, samtale: Samtale, gruppe: Visitationsgruppe | None, bruger: Bruger, tidspunkt
) -> tuple[Visitation | None, bool]:
    """§ 28 nr. 9 and stk. 2: the caseworker's assessment is kept with its conversation, in
    force from the registration date in Danish time, also when it repeats the group in
    force (issue 18: every assessment is a fact). Returns the row and whether it repeats
    the group before it (then it is not reported as a new group)."""
    if gruppe is None:
        return None, False
    foer = _visitation_foer(person=person, gyldig_fra=dansk_dato(tidspunkt), registreret=tidspunkt)
    raekke = _visitation_opret(person=person, samtale=samtale, gruppe=gruppe, registreret=tidspunkt, bruger=bruger)
    return raekke, foer is not None and foer.visitationsgruppe_id == gruppe.pk


def _visitation_opret(
    *,
    person: Person,
    samtale: Samtale,
    gruppe: Visitationsgruppe,
    registreret,
    bruger: Bruger,
    begrundelse: str | None = None,
) -> Visitation:
    """The one way a visitation row is written: validated, with history."""
    visitation = Visitation(
        person=person,
        visitationsgruppe=gruppe,
        gyldig_fra=dansk_dato(registreret),  # § 28, stk. 2: virkning fra registreringsdatoen
        registreret=registreret,
        registreret_af=bruger,
        samtale=samtale,
    )
    _full_clean(visitation)
    _save(visitation, bruger=bruger, begrundelse=begrundelse)
    return visitation


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
    _full_clean(pm)
    _save(pm, bruger=bruger)
    return pm


def _markering_afslut(*, samtale: Samtale, bruger: Bruger, tidspunkt, begrundelse: str) -> None:
    dato = dansk_dato(tidspunkt)
    for pm in PersonMarkering.objects.filter(samtale=samtale, til__isnull=True):
        # In force up to yesterday; one withdrawn on its first day ends before it began
        # (til < fra), so it never counts as active.
        pm.til = dato - datetime.timedelta(days=1)
        _save(pm, bruger=bruger, begrundelse=begrundelse)


def _deltagere_opret(*, samtale: Samtale, deltagere: list[DeltagerData], bruger: Bruger) -> None:
    for d in deltagere:
        deltager = Deltager(samtale=samtale, navn=d.navn.strip(), rolle=d.rolle, deltagelsesform=d.deltagelsesform)
        _full_clean(deltager)
        _save(deltager, bruger=bruger)


@transaction.atomic
def samtale_registrer(
    *,
    person: Person,
    data: SamtaleData,
    bruger: Bruger,
    engangsnoegle: uuid.UUID | None = None,
    tidspunkt: datetime.datetime | None = None,
) -> Resultat:
    """Register one held conversation with everything § 28 asks for, in one transaction.

    ``engangsnoegle``: the registration form's one-time key. If this citizen already has a
    conversation registered from that form (it was sent again), nothing is registered and
    that conversation is returned (``allerede_gemt``); checked under the citizen's lock."""
    person = _lock_person(person)
    # Taken under the citizen's lock, so one citizen's registration times follow the order in
    # which the writes happen: a registration that waited for another's lock is later than it,
    # and sees its visitation assessment as the one before (§ 28 nr. 9).
    tidspunkt = tidspunkt or timezone.now()
    if engangsnoegle is not None:
        tidligere = Samtale.objects.filter(engangsnoegle=engangsnoegle).select_related("samtaletype").first()
        if tidligere is not None and tidligere.person_id == person.pk:
            return Resultat(samtale=tidligere, ingen_aendring=True, allerede_gemt=True)
        if tidligere is not None:  # another citizen's form key: not this form's, not kept
            engangsnoegle = None
    regler = _valider(person=person, data=data)
    samtale = Samtale(
        person=person,
        **data.model_values(),
        aftaletype=regler.aftale,
        jobcenter=person.jobcenter,
        kontaktgruppe=regler.kontaktgruppe,
        registreret=tidspunkt,
        registreret_af=bruger,
        sekvens=1,
        engangsnoegle=engangsnoegle,
    )
    _full_clean(samtale, constraints=False)
    _save(samtale, bruger=bruger)
    _deltagere_opret(samtale=samtale, deltagere=data.deltagere, bruger=bruger)
    vurdering, uaendret = _visitation(
        person=person, samtale=samtale, gruppe=data.visitationsgruppe, bruger=bruger, tidspunkt=tidspunkt
    )
    aendring = None if uaendret else vurdering
    markering = None
    if data.tidlig_opfoelgning:
        markering = _markering_start(person=person, samtale=samtale, bruger=bruger, tidspunkt=tidspunkt)
    haendelser_opret(samtale=samtale, handling=Handling.OPRET, tidspunkt=tidspunkt, visitation=aendring)
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.OPRET, detaljer=str(samtale))
    return Resultat(samtale=samtale, visitation=aendring, visitation_uaendret=uaendret, markering=markering)


# --- the visitation assessment of a corrected or cancelled conversation ------------------------
#
# Issue 18, § 28 nr. 9 and stk. 2. Every held, non-cancelled assessment is one row, with its
# conversation, in force from the conversation's registration date; the timeline is these rows
# in that order. A correction changes, adds or withdraws *its own* conversation's row (keeping
# the effective date), a cancellation withdraws it: no other assessment is touched. What is
# reported is an assessment whose group differs from the one before it. A correction or
# cancellation can change that for the next assessment in the timeline (its predecessor is
# now another); that conversation is then reported again (``_efterfoelger_indberet``).


def _visitation_foer(*, person: Person, gyldig_fra: datetime.date, registreret, undtagen=None) -> Visitation | None:
    """The assessment in force just before a row at (``gyldig_fra``, ``registreret``) in the
    timeline's order, leaving out ``undtagen`` (the row itself)."""
    qs = Visitation.objects.filter(person=person).filter(
        Q(gyldig_fra__lt=gyldig_fra) | Q(gyldig_fra=gyldig_fra, registreret__lt=registreret)
    )
    if undtagen is not None:
        qs = qs.exclude(pk=undtagen.pk)
    return qs.select_related("visitationsgruppe").order_by(*selectors.VISITATION_ORDEN).first()


def _er_aendring(raekke: Visitation, *, person: Person) -> bool:
    """§ 28 nr. 9: an assessment is reported when its group differs from the latest one
    registered before it (or none was)."""
    foer = _visitation_foer(
        person=person, gyldig_fra=raekke.gyldig_fra, registreret=raekke.registreret, undtagen=raekke
    )
    return foer is None or foer.visitationsgruppe_id != raekke.visitationsgruppe_id


@dataclass
class _VisitationsPlan:
    """What a correction does to its conversation's assessment: ``ret`` changes the row's
    group (same effective date, the original registration date, stk. 2), ``opret`` adds a
    row at the conversation's registration time, ``fjern`` deletes it (the caseworker chose
    "Ingen ny vurdering"), ``intet`` leaves it. The old value stays in the history with
    the reason."""

    handling: str  # "intet", "ret", "opret", "fjern"
    raekke: Visitation | None = None
    gruppe: Visitationsgruppe | None = None


def _visitation_plan(*, samtale: Samtale, gruppe: Visitationsgruppe | None) -> _VisitationsPlan:
    raekke = selectors.samtale_visitation(samtale=samtale)
    if raekke is not None:
        if gruppe is not None and gruppe.pk == raekke.visitationsgruppe_id:
            return _VisitationsPlan("intet", raekke)
        if gruppe is None:
            return _VisitationsPlan("fjern", raekke)
        return _VisitationsPlan("ret", raekke, gruppe)
    if gruppe is None:
        return _VisitationsPlan("intet")
    return _VisitationsPlan("opret", None, gruppe)


def _visitation_udfoer(
    *, plan: _VisitationsPlan, person: Person, samtale: Samtale, bruger: Bruger, begrundelse: str
) -> Visitation | None:
    """Carry out a plan; returns the conversation's assessment afterwards (or None)."""
    if plan.handling == "ret":
        plan.raekke.visitationsgruppe = plan.gruppe
        _full_clean(plan.raekke)
        _save(plan.raekke, bruger=bruger, begrundelse=begrundelse)
        return plan.raekke
    if plan.handling == "opret":
        return _visitation_opret(
            person=person,
            samtale=samtale,
            gruppe=plan.gruppe,
            registreret=samtale.registreret,
            bruger=bruger,
            begrundelse=begrundelse,
        )
    if plan.handling == "fjern":
        # The assessment is withdrawn: the row goes, its history ("-", with the reason) stays.
        plan.raekke._history_user = bruger
        plan.raekke._change_reason = begrundelse
        plan.raekke.delete()
        return None
    return plan.raekke


def _efterfoelger_indberet(
    *,
    person: Person,
    gyldig_fra: datetime.date,
    registreret,
    samtale: Samtale,
    bruger: Bruger,
    tidspunkt,
    begrundelse: str,
) -> list[Samtale]:
    """After the timeline changed at (``gyldig_fra``, ``registreret``): the next assessment
    (of another conversation) may now be a change where it was none, or the reverse, or
    report another effective group. If what it should report (§ 28 nr. 9) differs from what
    DFDG last received for it, that conversation is reported again as a correction, with a
    reason saying why. Its caseworker's content is untouched."""
    naeste = (
        Visitation.objects.filter(person=person)
        .filter(Q(gyldig_fra__gt=gyldig_fra) | Q(gyldig_fra=gyldig_fra, registreret__gt=registreret))
        .exclude(samtale=samtale)
        .select_related("visitationsgruppe")
        .order_by("gyldig_fra", "registreret", "id")
        .first()
    )
    if naeste is None or naeste.samtale_id is None:
        return []
    efter = (
        Samtale.objects.select_for_update(of=("self",))
        .select_related("samtaletype", "samtaleform", "akasse_deltagelse", "jobcenter", "kontaktgruppe")
        .get(pk=naeste.samtale_id)
    )
    if efter.annulleret is not None:
        return []
    rapporteres = naeste if _er_aendring(naeste, person=person) else None
    oensket = (
        {"visitationsgruppe": rapporteres.visitationsgruppe.kode, "gyldigFra": rapporteres.gyldig_fra.isoformat()}
        if rapporteres
        else None
    )
    if seneste_indberettede_visitation(samtale=efter) == oensket:
        return []
    efter.person = person
    efter.sekvens += 1
    grund = _(
        "En tidligere visitationsvurdering er rettet eller annulleret (%(begrundelse)s), så denne samtales vurdering "
        "indberettes igen (§ 28 nr. 9)."
    ) % {"begrundelse": begrundelse}
    _save(efter, bruger=bruger, begrundelse=grund)
    haendelser_opret(
        samtale=efter, handling=Handling.RET, tidspunkt=tidspunkt, visitation=rapporteres, begrundelse=grund
    )
    return [efter]


def _uaendret(*, samtale: Samtale, data: SamtaleData, plan: _VisitationsPlan) -> bool:
    """Whether a correction would change nothing at all (ISSUE 15.10: then it is a no-op)."""
    if plan.handling != "intet" or not data.same_as(samtale):
        return False
    aktive = sorted((d.navn, d.rolle_id, d.deltagelsesform_id) for d in samtale.deltagere.filter(aktiv=True))
    return aktive == sorted(d.key() for d in data.deltagere)


def _aendring_start(*, samtale: Samtale, begrundelse: str, tidspunkt: datetime.datetime | None) -> tuple:
    """How a correction and a cancellation begin: the time, the reason trimmed, the citizen
    locked first (as a registration does), the time taken under that lock, then the conversation
    itself, re-read under lock."""
    person = _lock_person(samtale.person)
    tidspunkt = tidspunkt or timezone.now()  # after the lock: times follow the order of the writes
    laast = Samtale.objects.select_for_update().get(pk=samtale.pk)
    laast.person = person
    return tidspunkt, (begrundelse or "").strip(), person, laast


@transaction.atomic
def samtale_ret(
    *,
    samtale: Samtale,
    data: SamtaleData,
    begrundelse: str,
    bruger: Bruger,
    sekvens: int | None = None,
    tidspunkt: datetime.datetime | None = None,
) -> Resultat:
    """Correct a registration. Nothing is deleted: the old values stay in the history with
    the reason, removed participants are marked inactive, and a new report event goes out.
    The rules are those of the citizen's kontaktgruppe on the conversation's (corrected)
    date. A correction that changes nothing writes nothing (``ingen_aendring``).

    ``sekvens`` is the version the correction was made on (the form's hidden field, the
    API's body): if the conversation has been changed since, :class:`SamtidigAendring` is
    raised and nothing is stored, unless the conversation already holds exactly these
    values (the same correction sent twice: ``ingen_aendring`` and ``allerede_gemt``)."""
    tidspunkt, begrundelse, person, samtale = _aendring_start(
        samtale=samtale, begrundelse=begrundelse, tidspunkt=tidspunkt
    )
    if sekvens is not None and sekvens != samtale.sekvens:
        plan = _visitation_plan(samtale=samtale, gruppe=data.visitationsgruppe)
        if samtale.annulleret is None and _uaendret(samtale=samtale, data=data, plan=plan):
            return Resultat(samtale=samtale, ingen_aendring=True, allerede_gemt=True)
        raise _samtale_konflikt(samtale=samtale, sekvens=sekvens)
    fejl = {}
    if not begrundelse:
        fejl["begrundelse"] = [_("Skriv en begrundelse for rettelsen.")]
    if samtale.annulleret is not None:
        fejl["__all__"] = [_("Samtalen er annulleret og kan ikke rettes.")]
    try:
        regler = _valider(person=person, data=data, samtale=samtale)
    except ValidationError as e:
        for felt, beskeder in e.message_dict.items():
            fejl.setdefault(felt, []).extend(beskeder)
    if fejl:
        raise ValidationError(fejl)

    plan = _visitation_plan(samtale=samtale, gruppe=data.visitationsgruppe)
    if _uaendret(samtale=samtale, data=data, plan=plan):
        return Resultat(samtale=samtale, ingen_aendring=True)

    tidlig_foer = samtale.tidlig_opfoelgning
    for navn, vaerdi in data.model_values().items():
        setattr(samtale, navn, vaerdi)
    samtale.aftaletype = regler.aftale
    samtale.kontaktgruppe = regler.kontaktgruppe
    samtale.rettet = tidspunkt
    samtale.sekvens += 1
    _full_clean(samtale, constraints=False)
    _save(samtale, bruger=bruger, begrundelse=begrundelse)

    # Participants: keep the unchanged ones, mark removed ones inactive, add the new ones.
    nye = {d.key(): d for d in data.deltagere}
    for deltager in samtale.deltagere.filter(aktiv=True):
        key = (deltager.navn, deltager.rolle_id, deltager.deltagelsesform_id)
        if key in nye:
            nye.pop(key)
        else:
            deltager.aktiv = False
            _save(deltager, bruger=bruger, begrundelse=begrundelse)
    _deltagere_opret(samtale=samtale, deltagere=list(nye.values()), bruger=bruger)

    fjernet_fra = (plan.raekke.gyldig_fra, plan.raekke.registreret) if plan.handling == "fjern" else None
    vurdering = _visitation_udfoer(plan=plan, person=person, samtale=samtale, bruger=bruger, begrundelse=begrundelse)
    aendring = vurdering if vurdering is not None and _er_aendring(vurdering, person=person) else None
    markering = None
    if data.tidlig_opfoelgning and not tidlig_foer:
        markering = _markering_start(person=person, samtale=samtale, bruger=bruger, tidspunkt=tidspunkt)
    elif tidlig_foer and not data.tidlig_opfoelgning:
        _markering_afslut(samtale=samtale, bruger=bruger, tidspunkt=tidspunkt, begrundelse=begrundelse)
    # The correction event carries the conversation's assessment as it now stands when it is
    # a change (none otherwise), so the receiver's latest sekvens is the truth.
    haendelser_opret(
        samtale=samtale, handling=Handling.RET, tidspunkt=tidspunkt, visitation=aendring, begrundelse=begrundelse
    )
    genindberettet = []
    if plan.handling != "intet":
        position = fjernet_fra or (vurdering.gyldig_fra, vurdering.registreret)
        genindberettet = _efterfoelger_indberet(
            person=person,
            gyldig_fra=position[0],
            registreret=position[1],
            samtale=samtale,
            bruger=bruger,
            tidspunkt=tidspunkt,
            begrundelse=begrundelse,
        )
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.RET, detaljer=str(samtale))
    return Resultat(
        samtale=samtale,
        visitation=aendring if plan.handling in {"ret", "opret"} else None,
        visitation_uaendret=plan.handling in {"ret", "opret"} and aendring is None,
        visitation_fjernet=plan.handling == "fjern",
        gaeldende_visitation=selectors.visitationsgruppe_paa_dato(person=person, dato=dansk_dato(tidspunkt))
        if plan.handling == "fjern"
        else None,
        markering=markering,
        genindberettet=genindberettet,
    )


@transaction.atomic
def samtale_annuller(
    *,
    samtale: Samtale,
    begrundelse: str,
    bruger: Bruger,
    sekvens: int | None = None,
    tidspunkt: datetime.datetime | None = None,
) -> Samtale:
    """Cancel a registration: it stays, marked cancelled with the reason; it no longer counts
    for the current agreement; a marking it started ends; its visitation assessment is
    withdrawn (the row goes, its history stays with the reason) and no other assessment is
    touched, so the timeline is that of the remaining ones; a cancellation event is reported,
    and the next assessment is reported again if it now is (or no longer is) a change.
    ``sekvens``: the version the cancellation was decided on (:class:`SamtidigAendring`)."""
    tidspunkt, begrundelse, person, samtale = _aendring_start(
        samtale=samtale, begrundelse=begrundelse, tidspunkt=tidspunkt
    )
    if sekvens is not None and sekvens != samtale.sekvens:
        raise _samtale_konflikt(samtale=samtale, sekvens=sekvens)
    if not begrundelse:
        raise ValidationError({"begrundelse": [_("Skriv en begrundelse for annulleringen.")]})
    if samtale.annulleret is not None:
        raise ValidationError(_("Samtalen er allerede annulleret."))
    samtale.annulleret = tidspunkt
    samtale.annulleringsbegrundelse = begrundelse
    samtale.sekvens += 1
    _full_clean(samtale, constraints=False)
    _save(samtale, bruger=bruger, begrundelse=begrundelse)
    _markering_afslut(samtale=samtale, bruger=bruger, tidspunkt=tidspunkt, begrundelse=begrundelse)
    fjernede = []
    for raekke in samtale.visitationer.all():
        fjernede.append((raekke.gyldig_fra, raekke.registreret))
        _visitation_udfoer(
            plan=_VisitationsPlan("fjern", raekke),
            person=person,
            samtale=samtale,
            bruger=bruger,
            begrundelse=begrundelse,
        )
    haendelser_opret(samtale=samtale, handling=Handling.ANNULLER, tidspunkt=tidspunkt, begrundelse=begrundelse)
    for gyldig_fra, registreret in fjernede:
        _efterfoelger_indberet(
            person=person,
            gyldig_fra=gyldig_fra,
            registreret=registreret,
            samtale=samtale,
            bruger=bruger,
            tidspunkt=tidspunkt,
            begrundelse=begrundelse,
        )
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.ANNULLER, detaljer=str(samtale))
    return samtale


# --- retention (issue 24) ---------------------------------------------------------------------


@transaction.atomic
def retshold_saet(*, person: Person, retshold: str, bruger: Bruger) -> Person:
    """An administrator's legal hold (the reason) on the citizen, or its end (empty): kept
    from erasure (registrering/sletning.py); in the citizen's history with who."""
    laast = _lock_person(person)
    retshold = (retshold or "").strip()[:300]
    if laast.retshold == retshold:
        return laast  # nothing changed: nothing in the history
    laast.retshold = retshold
    _save(laast, bruger=bruger, begrundelse=_("Retshold: %(grund)s") % {"grund": laast.retshold or _("ophævet")})
    person.retshold = laast.retshold
    return laast
