"""Reads that several pages share. Every read of citizen data starts from
:func:`personer_synlige`, the one place that scopes citizens to the user's jobcenter."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Deltager, Person, PersonMarkering, PersonPeriode, Samtale, SamtaletypeRegel, Visitation
from .regler import DANSK_TID

# ASCII digits only ([0-9], not \d): a fullwidth or Arabic-Indic "CPR number" finds nobody.
CPR_SOEG = re.compile(r"^\s*([0-9]{6})-?([0-9]{4})\s*$")


def personer_synlige(*, bruger) -> QuerySet[Person]:
    """The citizens ``bruger`` may see: their own jobcenter's; every jobcenter's for auditors
    and administrators; nobody's for anyone else."""
    qs = Person.objects.select_related("kontaktgruppe", "akasse", "jobcenter")
    if not bruger.is_authenticated:
        return qs.none()
    if bruger.is_superuser or bruger.has_perm("registrering.se_alle_jobcentre"):
        return qs
    if bruger.jobcenter_id is None:
        return qs.none()
    return qs.filter(jobcenter_id=bruger.jobcenter_id)


def person_soeg(*, bruger, q: str, graense: int = 50) -> QuerySet[Person]:
    """Exact CPR number (with or without the dash) or part of the name."""
    q = (q or "").strip()
    if not q:
        return Person.objects.none()
    qs = personer_synlige(bruger=bruger)
    cpr = CPR_SOEG.match(q)
    if cpr:
        return qs.filter(cpr=cpr.group(1) + cpr.group(2))
    return qs.filter(navn__icontains=q).order_by("navn")[:graense]


def idag() -> datetime.date:
    return timezone.localtime(timezone.now(), timezone=DANSK_TID).date()


# --- kontaktgruppe and a-kasse over time (DFDG order § 16) ----------------------------------


def perioder(*, person: Person) -> list[PersonPeriode]:
    """The citizen's periods, newest first (the one without a start last). Read once per
    person object: a page or a service asks for several dates of one citizen."""
    cache = getattr(person, "_perioder", None)
    if cache is None:
        cache = list(
            PersonPeriode.objects.filter(person_id=person.pk)
            .select_related("kontaktgruppe", "akasse", "registreret_af")
            .order_by(F("gyldig_fra").desc(nulls_last=True), "-registreret")
        )
        person._perioder = cache
    return cache


def periode_paa_dato(*, person: Person, dato: datetime.date) -> PersonPeriode | None:
    """The period in force on ``dato``: the newest that started on or before it; the first
    period (no start) covers every date before the next one."""
    for p in perioder(person=person):
        if p.gyldig_fra is None or p.gyldig_fra <= dato:
            return p
    return None


@dataclass(frozen=True)
class Stilling:
    """How the citizen stood on a date: the kontaktgruppe and a-kasse the rules use."""

    kontaktgruppe: object
    akasse: object


def stilling_paa_dato(*, person: Person, dato: datetime.date) -> Stilling:
    """Kontaktgruppe and a-kasse on ``dato``; a citizen without periods (none should be) is
    judged by the values on the citizen."""
    p = periode_paa_dato(person=person, dato=dato)
    if p is None:
        return Stilling(kontaktgruppe=person.kontaktgruppe, akasse=person.akasse)
    return Stilling(kontaktgruppe=p.kontaktgruppe, akasse=p.akasse)


def visitationsgruppe_paa_dato(*, person: Person, dato: datetime.date) -> Visitation | None:
    """§ 28 stk. 2: the group in force on ``dato`` (one query on the person/date index)."""
    return (
        Visitation.objects.filter(person=person, gyldig_fra__lte=dato)
        .select_related("visitationsgruppe")
        .order_by("-gyldig_fra", "-registreret", "-id")
        .first()
    )


def visitation_seneste(*, person: Person) -> Visitation | None:
    """The latest registered visitation (§ 28 nr. 9 compares with this one)."""
    return (
        Visitation.objects.filter(person=person)
        .select_related("visitationsgruppe")
        .order_by("-gyldig_fra", "-registreret", "-id")
        .first()
    )


def visitationer_for_person(*, person: Person) -> QuerySet[Visitation]:
    return (
        Visitation.objects.filter(person=person)
        .select_related("visitationsgruppe", "registreret_af", "samtale__samtaletype")
        .order_by("-gyldig_fra", "-registreret", "-id")
    )


_REGISTRERET_AF = {
    "af_fornavn": F("registreret_af__first_name"),
    "af_efternavn": F("registreret_af__last_name"),
    "af_brugernavn": F("registreret_af__username"),
}


def _registreret_af(raekke: dict) -> None:
    """The user's full name, or their username (as ``get_full_name|default:username``)."""
    navn = f"{raekke.pop('af_fornavn')} {raekke.pop('af_efternavn')}".strip()
    raekke["registreret_af"] = navn or raekke.pop("af_brugernavn")
    raekke.pop("af_brugernavn", None)


def visitation_tidslinje(*, person: Person) -> list[dict]:
    """The citizen's visitations for the page's timeline, newest first, as plain rows (the
    model instances with three related objects cost a third of the page to build)."""
    raekker = list(
        Visitation.objects.filter(person=person)
        .order_by("-gyldig_fra", "-registreret", "-id")
        .values(
            "gyldig_fra",
            "samtale_id",
            gruppe_navn=F("visitationsgruppe__navn"),
            **_REGISTRERET_AF,
            samtale_dato=F("samtale__dato"),
            samtaletype_navn=F("samtale__samtaletype__navn"),
        )
    )
    for r in raekker:
        _registreret_af(r)
    return raekker


def aftale_gaeldende(*, person: Person) -> Samtale | None:
    """§ 28 nr. 5: the binding agreement on the most recently *held* (by ``dato``, then by
    registration time) non-cancelled conversation of the nr. 5 types."""
    return (
        Samtale.objects.aktive()
        .filter(person=person, aftaletype=SamtaletypeRegel.Aftale.BINDENDE)
        .select_related("samtaletype")
        .order_by("-dato", "-registreret")
        .first()
    )


def samtale_raekker(*, person: Person) -> list[dict]:
    """The citizen's conversations as plain rows for the citizen's page, newest held first:
    dicts instead of model instances, which cost more to build than the page's own work.
    One query for the conversations with their code names; :func:`samtale_raekker_udfyld`
    adds participants and visitations (the page does so only for rows its cache lacks).
    Each row also carries its reporting state (``indberetning``, the worst across its
    recipients, and ``indberetning_modtagere``), read as a column of the same query."""
    from indberetning.selectors import samtale_tilstand

    raekker = list(samtale_raekker_qs(person=person))
    for r in raekker:
        r.update(samtale_tilstand(r.pop("indberetning_raa")))
    return raekker


def aftale_og_cv_af_raekker(raekker: list[dict]) -> tuple[dict | None, dict | None]:
    """From the rows of :func:`samtale_raekker` (newest held first): the current binding
    agreement (§ 28 nr. 5) and the latest CV judgement (stk. 4), the same answers as
    :func:`aftale_gaeldende` and :func:`cv_vurdering_seneste` give (a test holds them equal),
    without their two queries on a page that has read the rows anyway."""
    aktive = [r for r in raekker if r["annulleret"] is None]
    aftale = next((r for r in aktive if r["aftaletype"] == SamtaletypeRegel.Aftale.BINDENDE), None)
    cv = next((r for r in aktive if r["cv_ikke_fyldestgoerende"]), None)
    return aftale, cv


def samtale_raekker_udfyld(raekker: list[dict]) -> None:
    """Add ``registreret_af`` (a name), ``deltagere`` and ``visitationer`` to rows of
    :func:`samtale_raekker`: two queries, whatever the number of rows."""
    efter_pk = {r["pk"]: r for r in raekker}
    for r in raekker:
        _registreret_af(r)
        r["deltagere"], r["visitationer"] = [], []
    if efter_pk:
        for d in (
            Deltager.objects.filter(samtale_id__in=efter_pk, aktiv=True)
            .order_by("id")
            .values("samtale_id", "navn", rolle_navn=F("rolle__navn"), form_navn=F("deltagelsesform__navn"))
        ):
            efter_pk[d["samtale_id"]]["deltagere"].append(d)
        for v in (
            Visitation.objects.filter(samtale_id__in=efter_pk)
            .order_by("-gyldig_fra", "-registreret", "-id")
            .values("samtale_id", "gyldig_fra", gruppe_navn=F("visitationsgruppe__navn"))
        ):
            efter_pk[v["samtale_id"]]["visitationer"].append(v)


def samtale_raekker_qs(*, person: Person) -> QuerySet:
    """The query behind :func:`samtale_raekker`'s rows (bench/plan.py prints its plan)."""
    from indberetning.selectors import samtale_tilstand_sql

    return (
        Samtale.objects.filter(person=person)
        .annotate(indberetning_raa=RawSQL(samtale_tilstand_sql(), ()))
        .order_by("-dato", "-registreret")
        .values(
            "pk", "sekvens", "dato", "aftaletype", "aftale", "saerlig_indsats", "praktiske_aftaler",
            "tidlig_opfoelgning", "cv_ikke_fyldestgoerende", "registreret", "rettet", "annulleret",
            "annulleringsbegrundelse", "indberetning_raa",
            samtaletype_navn=F("samtaletype__navn"),
            samtaleform_navn=F("samtaleform__navn"),
            akasse_deltagelse_navn=F("akasse_deltagelse__navn"),
            **_REGISTRERET_AF,
        )
    )


def markeringer_aktive(*, person: Person, dato: datetime.date | None = None) -> QuerySet[PersonMarkering]:
    dato = dato or idag()
    return (
        PersonMarkering.objects.filter(person=person, fra__lte=dato)
        .filter(Q(til__isnull=True) | Q(til__gte=dato))
        .select_related("markering")
        .order_by("-fra")
    )


def cv_vurdering_seneste(*, person: Person) -> Samtale | None:
    """The latest held, non-cancelled conversation that judged the CV (§ 28 stk. 4)."""
    return (
        Samtale.objects.aktive()
        .filter(person=person, cv_ikke_fyldestgoerende=True)
        .order_by("-dato", "-registreret")
        .first()
    )


# --- the auditor's timeline -------------------------------------------------------------------


@dataclass
class Aendring:
    felt: str
    foer: str
    efter: str


@dataclass
class Historikpost:
    tidspunkt: datetime.datetime
    bruger: str
    objekt: str
    handling: str  # "oprettet", "ændret", "slettet"
    begrundelse: str
    aendringer: list[Aendring] = field(default_factory=list)


HANDLINGER = {"+": _("oprettet"), "~": _("ændret"), "-": _("slettet")}
# Fields that are bookkeeping, not content, and are left out of the diff.
UDELADTE_FELTER = {"id", "person", "samtale", "registreret_af", "aftaletype", "sekvens", "jobcenter", "kontaktgruppe_snapshot"}


def _kodenavne() -> dict:
    from .models import (
        Akasse,
        AkasseDeltagelse,
        Deltagelsesform,
        Deltagerrolle,
        Jobcenter,
        Kontaktgruppe,
        Persongruppemarkering,
        Samtaleform,
        Samtaletype,
        Visitationsgruppe,
    )

    modeller = (
        Akasse, AkasseDeltagelse, Deltagelsesform, Deltagerrolle, Jobcenter, Kontaktgruppe,
        Persongruppemarkering, Samtaleform, Samtaletype, Visitationsgruppe,
    )
    return {m: {o.pk: str(o) for o in m.objects.all()} for m in modeller}


def _vis(vaerdi, felt, navne) -> str:
    if vaerdi is None or vaerdi == "":
        return "—"
    if isinstance(vaerdi, bool):
        return str(_("ja") if vaerdi else _("nej"))
    if felt.is_relation and felt.related_model in navne:
        return navne[felt.related_model].get(vaerdi, str(vaerdi))
    if isinstance(vaerdi, datetime.datetime):
        return timezone.localtime(vaerdi, DANSK_TID).strftime("%d.%m.%Y %H:%M")
    if isinstance(vaerdi, datetime.date):
        return vaerdi.strftime("%d.%m.%Y")
    return str(vaerdi)


def historik_for_person(*, person: Person) -> list[Historikpost]:
    """Every change to the citizen, their conversations, participants, visitation rows,
    markings and periods of kontaktgruppe and a-kasse, newest first, with who, when, the reason and a field-by-field diff.

    A fixed number of queries whatever the history's length: one per history table (with
    the acting user joined), one for the conversations' labels and one per code list;
    the diffs are computed in memory (STYLE.md: avoid Suila's N+1 trap)."""
    navne = _kodenavne()
    samtaler = {
        s.pk: f"{s.samtaletype} {s.dato:%d.%m.%Y}"
        for s in Samtale.objects.filter(person=person).select_related("samtaletype")
    }
    kilder = [
        (Person.history.filter(id=person.pk), lambda r: str(_("Borger"))),
        (Samtale.history.filter(person_id=person.pk), lambda r: str(_("Samtale %(s)s")) % {"s": samtaler.get(r.id, r.id)}),
        (
            Deltager.history.filter(samtale_id__in=list(samtaler)),
            lambda r: str(_("Deltager ved %(s)s")) % {"s": samtaler.get(r.samtale_id, r.samtale_id)},
        ),
        (Visitation.history.filter(person_id=person.pk), lambda r: str(_("Visitation"))),
        (PersonMarkering.history.filter(person_id=person.pk), lambda r: str(_("Persongruppemarkering"))),
        (PersonPeriode.history.filter(person_id=person.pk), lambda r: str(_("Periode for kontaktgruppe og a-kasse"))),
    ]
    poster: list[Historikpost] = []
    for qs, etiket in kilder:
        model = qs.model.instance_type
        sporede = {f.attname for f in qs.model._meta.concrete_fields}
        # The citizen's jobcenter is content (a move, person-flyt); a conversation's is bookkeeping.
        udeladte = UDELADTE_FELTER - {"jobcenter"} if model is Person else UDELADTE_FELTER
        felter = [f for f in model._meta.concrete_fields if f.name not in udeladte and f.attname in sporede]
        forrige: dict = {}
        for r in qs.select_related("history_user").order_by("history_date", "history_id"):
            foer = forrige.get(r.id)
            aendringer = []
            for f in felter:
                ny = getattr(r, f.attname)
                gammel = getattr(foer, f.attname) if foer is not None else None
                if foer is None and (ny is None or ny == "" or ny is False):
                    continue
                if foer is not None and ny == gammel:
                    continue
                aendringer.append(Aendring(str(f.verbose_name), _vis(gammel, f, navne) if foer is not None else "—", _vis(ny, f, navne)))
            forrige[r.id] = r
            poster.append(
                Historikpost(
                    tidspunkt=r.history_date,
                    bruger=(r.history_user.get_full_name() or r.history_user.username) if r.history_user else str(_("system")),
                    objekt=etiket(r),
                    handling=str(HANDLINGER.get(r.history_type, r.history_type)),
                    begrundelse=r.history_change_reason or "",
                    aendringer=aendringer,
                )
            )
    poster.sort(key=lambda p: p.tidspunkt, reverse=True)
    return poster


def adgangslog_for_person(*, person: Person):
    from .models import Adgangslog

    return Adgangslog.objects.filter(person=person).select_related("bruger").order_by("-tidspunkt", "-id")


def samtaler_for_borger(*, person: Person) -> QuerySet[Samtale]:
    """What the citizen is shown (§ 28 stk. 6, as on Jobnet): held, non-cancelled conversations."""
    return (
        Samtale.objects.aktive()
        .filter(person=person, dato__lte=idag())
        .select_related("samtaletype", "samtaleform")
        .order_by("-dato", "-registreret")
    )
