"""Reads that several pages share. Every read of citizen data starts from
:func:`personer_synlige`, the one place that scopes citizens to the user's jobcenter."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone

from . import kodecache
from .models import (
    CPR_SKILLETEGN,
    Deltager,
    Person,
    PersonMarkering,
    PersonPeriode,
    Samtale,
    Samtaleform,
    SamtaletypeRegel,
    Visitation,
    cpr_uden_skilletegn,
)
from .regler import DANSK_TID, aftaletyper, kontaktgruppe_regler

# What a search for a number may look like: digits with the separators a CPR number may be
# typed with (spaces, full stops, any dash: models.CPR_SKILLETEGN, as person-opret takes it).
# ASCII digits only ([0-9], not \d): a fullwidth or Arabic-Indic "CPR number" finds nobody.
TAL_SOEG = re.compile(f"^[0-9{re.escape(CPR_SKILLETEGN)}]+$")
# A word of a name as PostgreSQL's text search parser splits it (letters and digits; a
# hyphen, an apostrophe or a space separates words).
NAVNEORD = re.compile(r"[^\W_]+")
# The search vector of migration 0013's GIN index ``person_navn_ord``: the same expression
# here and there, or PostgreSQL will not use the index. 'simple': lower case, no stemming
# (names are not Danish words to stem).
NAVN_VEKTOR = SearchVector("navn", config="simple")


def synlighed(*, bruger, felt: str = "") -> Q:
    """The condition :func:`personer_synlige` applies, for a query that reaches the citizen
    through ``felt`` (e.g. ``"person"`` on the access log or a conversation)."""
    foran = f"{felt}__" if felt else ""
    if not bruger.is_authenticated or (
        not (bruger.is_superuser or bruger.has_perm("registrering.se_alle_jobcentre")) and bruger.jobcenter_id is None
    ):
        return Q(**{f"{foran}pk__in": []})
    if bruger.is_superuser or bruger.has_perm("registrering.se_alle_jobcentre"):
        return Q()
    return Q(**{f"{foran}jobcenter_id": bruger.jobcenter_id})


def personer_synlige(*, bruger) -> QuerySet[Person]:
    """The citizens ``bruger`` may see: their own jobcenter's; every jobcenter's for auditors
    and administrators; nobody's for anyone else."""
    return Person.objects.select_related("kontaktgruppe", "akasse", "jobcenter").filter(synlighed(bruger=bruger))


def person_synlig(*, bruger, pk) -> bool:
    """Whether ``bruger`` may see the citizen ``pk`` (:func:`personer_synlige`)."""
    return personer_synlige(bruger=bruger).filter(pk=pk).exists()


def samtaler_synlige(*, bruger) -> QuerySet[Samtale]:
    """The conversations of the citizens ``bruger`` may see (:func:`personer_synlige`), with
    what a page about one of them shows."""
    return Samtale.objects.select_related(
        "person__kontaktgruppe", "samtaletype", "samtaleform", "akasse_deltagelse"
    ).filter(person__in=personer_synlige(bruger=bruger))


@dataclass(frozen=True)
class Soegning:
    """What a search query was read as: ``art`` is ``"cpr"``, ``"foedselsdato"``, ``"navn"``,
    or ``"ugyldig"`` (digits that are neither a CPR number nor a birth date)."""

    art: str
    vaerdi: str = ""
    ord: tuple[str, ...] = ()


def soegning_fortolk(q: str) -> Soegning | None:
    """A whole CPR number with or without spaces, hyphens or other dashes (``0101801234``,
    ``010180-1234``, ``010180–1234``, ``01 01 80 12 34``); a birth date ``DDMMÅÅ`` (or
    ``DD.MM.ÅÅ``, ``DDMMÅÅÅÅ``); otherwise words of a name, in any order, each the start of
    a word of the name."""
    q = (q or "").strip()
    if not q:
        return None
    if TAL_SOEG.match(q):
        cifre = cpr_uden_skilletegn(q)
        if len(cifre) == 10:
            return Soegning("cpr", cifre)
        if len(cifre) == 8:  # DDMMÅÅÅÅ: the CPR number holds the year's last two digits
            cifre = cifre[:4] + cifre[6:]
        if len(cifre) == 6:
            try:
                datetime.datetime.strptime(cifre, "%d%m%y")
            except ValueError:
                return Soegning("ugyldig", cifre)
            return Soegning("foedselsdato", cifre)
        return Soegning("ugyldig", cifre)
    ord_ = tuple(dict.fromkeys(o.lower() for o in NAVNEORD.findall(q)))
    return Soegning("navn", ord=ord_) if ord_ else Soegning("ugyldig", q)


def person_soeg_qs(*, bruger, q: str) -> QuerySet[Person]:
    """Every visible citizen matching ``q`` (see :func:`soegning_fortolk`), by name.

    Each form is answered from an index: the CPR number from its unique index (equality, or
    for a birth date the range of the ten-digit numbers that start with it), a name from the
    GIN index over its words (``to_tsvector('simple', navn)``, migration 0013), where
    ``ben:* & bor:*`` finds "Bente Borger" and "Borger Bente" alike. The embedded PostgreSQL
    has no pg_trgm, and text search is in every PostgreSQL."""
    soegning = soegning_fortolk(q)
    qs = personer_synlige(bruger=bruger)
    if soegning is None or soegning.art == "ugyldig":
        return qs.none()
    if soegning.art == "cpr":
        return qs.filter(cpr=soegning.vaerdi)
    if soegning.art == "foedselsdato":
        # Ten digits that start with DDMMÅÅ: from DDMMÅÅ0000 up to the next six-digit prefix.
        naeste = f"{int(soegning.vaerdi) + 1:06d}"
        return qs.filter(cpr__gte=soegning.vaerdi, cpr__lt=naeste).order_by("navn", "pk")
    forespoergsel = " & ".join(f"'{o}':*" for o in soegning.ord)
    return (
        qs.alias(navn_ord=NAVN_VEKTOR)
        .filter(navn_ord=SearchQuery(forespoergsel, search_type="raw", config="simple"))
        .order_by("navn", "pk")
    )


def person_soeg(*, bruger, q: str, graense: int = 50) -> QuerySet[Person]:
    """The first ``graense`` citizens matching ``q`` (:func:`person_soeg_qs`)."""
    return person_soeg_qs(bruger=bruger, q=q)[:graense]


def person_soeg_side(*, bruger, q: str, graense: int = 50) -> tuple[list[Person], int]:
    """The first ``graense`` hits and the number of all hits (counted only when the list is
    cut: two queries at most)."""
    qs = person_soeg_qs(bruger=bruger, q=q)
    fundne = list(qs[: graense + 1])
    if len(fundne) <= graense:
        return fundne, len(fundne)
    return fundne[:graense], qs.count()


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


def perioder_for(personer) -> None:
    """Read the periods of many citizens in one query, as :func:`perioder` would read each
    one's (same order), into each person object (the period import, issue 22)."""
    personer = {p.pk: p for p in personer}
    alle: dict = {pk: [] for pk in personer}
    for periode in (
        PersonPeriode.objects.filter(person_id__in=list(personer))
        .select_related("kontaktgruppe", "akasse", "registreret_af")
        .order_by("person_id", F("gyldig_fra").desc(nulls_last=True), "-registreret")
    ):
        alle[periode.person_id].append(periode)
    for pk, person in personer.items():
        person._perioder = alle[pk]


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


# The visitation timeline's order, newest first (one place: every read of visitations uses it,
# and the index ``visitation_person_dato`` has it).
VISITATION_ORDEN = ("-gyldig_fra", "-registreret", "-id")


def visitationsgruppe_paa_dato(*, person: Person, dato: datetime.date) -> Visitation | None:
    """§ 28 stk. 2: the assessment in force on ``dato``, whose group is the citizen's group
    that day (one query on the person/date index). Every held, non-cancelled assessment is a
    row (issue 18), so the row may repeat the group of the one before it: the day the group
    took effect is :func:`visitation_i_kraft_siden`'s."""
    return (
        Visitation.objects.filter(person=person, gyldig_fra__lte=dato)
        .select_related("visitationsgruppe", "samtale")
        .order_by(*VISITATION_ORDEN)
        .first()
    )


def visitation_seneste(*, person: Person) -> Visitation | None:
    """The latest registered assessment (§ 28 nr. 9 compares a new one with its group)."""
    return (
        Visitation.objects.filter(person=person).select_related("visitationsgruppe").order_by(*VISITATION_ORDEN).first()
    )


@dataclass(frozen=True)
class GaeldendeVisitation:
    """The group in force on a day and the day it took effect: the first of the unbroken run
    of assessments with that group (stk. 2: from its registration date)."""

    gruppe_kode: str
    gruppe_navn: str
    gyldig_fra: datetime.date
    # The conversation of the assessment that started the run (its held date, for stk. 2's
    # explanation when it differs from ``gyldig_fra``).
    samtale_dato: datetime.date | None


def visitation_i_kraft(raekker: list[dict], dato: datetime.date) -> GaeldendeVisitation | None:
    """From :func:`visitation_tidslinje`'s rows (newest first): the group in force on ``dato``
    and the day it took effect, computed in memory (the page has read the rows anyway)."""
    foer = [r for r in raekker if r["gyldig_fra"] <= dato]
    if not foer:
        return None
    start = foer[0]
    for r in foer[1:]:
        if r["gruppe_kode"] != start["gruppe_kode"]:
            break
        start = r
    return GaeldendeVisitation(
        gruppe_kode=start["gruppe_kode"],
        gruppe_navn=start["gruppe_navn"],
        gyldig_fra=start["gyldig_fra"],
        samtale_dato=start["samtale_dato"],
    )


def visitation_i_kraft_siden(*, person: Person, dato: datetime.date) -> GaeldendeVisitation | None:
    """The group in force on ``dato`` and the day it took effect (the auditor's "which group
    on date D", the registration form's help text): two queries on the person/date index,
    the assessment in force and the newest earlier one with another group."""
    i_kraft = visitationsgruppe_paa_dato(person=person, dato=dato)
    if i_kraft is None:
        return None
    anden = (
        Visitation.objects.filter(person=person, gyldig_fra__lte=i_kraft.gyldig_fra)
        .exclude(visitationsgruppe_id=i_kraft.visitationsgruppe_id)
        .order_by(*VISITATION_ORDEN)
        .values("gyldig_fra", "registreret", "id")
        .first()
    )
    run = Visitation.objects.filter(person=person, visitationsgruppe_id=i_kraft.visitationsgruppe_id)
    if anden is not None:
        run = run.filter(
            Q(gyldig_fra__gt=anden["gyldig_fra"])
            | Q(gyldig_fra=anden["gyldig_fra"], registreret__gt=anden["registreret"])
        )
    start = run.select_related("samtale").order_by("gyldig_fra", "registreret", "id").first() or i_kraft
    return GaeldendeVisitation(
        gruppe_kode=i_kraft.visitationsgruppe.kode,
        gruppe_navn=i_kraft.visitationsgruppe.navn,
        gyldig_fra=start.gyldig_fra,
        samtale_dato=start.samtale.dato if start.samtale_id else None,
    )


def samtale_visitation(*, samtale: Samtale) -> Visitation | None:
    """The conversation's visitation result (§ 28 nr. 9): its row, the newest in the
    timeline's order should there be more than one."""
    return samtale.visitationer.select_related("visitationsgruppe").order_by(*VISITATION_ORDEN).first()


def deltagere_aktive(*, samtale: Samtale) -> QuerySet[Deltager]:
    """The conversation's participants as it now stands (a correction marks removed ones
    inactive), in the order they were added."""
    return samtale.deltagere.filter(aktiv=True).select_related("rolle", "deltagelsesform").order_by("id")


def visitationer_for_person(*, person: Person) -> QuerySet[Visitation]:
    return (
        Visitation.objects.filter(person=person)
        .select_related("visitationsgruppe", "registreret_af", "samtale__samtaletype")
        .order_by(*VISITATION_ORDEN)
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


# The citizen's page's side reads in one statement (issue 25): the visitation timeline
# (§ 28 nr. 9, stk. 2), newest first in VISITATION_ORDEN, and the markings active on a day
# (stk. 3). Plain SQL, so that nothing is compiled per request; the rows come back as JSON.
SIDELAESNING_SQL = """
SELECT
    (SELECT coalesce(json_agg(json_build_object(
                'gyldig_fra', v.gyldig_fra, 'samtale_id', v.samtale_id,
                'gruppe_kode', g.kode, 'gruppe_navn', g.navn,
                'af_fornavn', b.first_name, 'af_efternavn', b.last_name, 'af_brugernavn', b.username,
                'samtale_dato', s.dato, 'samtaletype_navn', t.navn)
            ORDER BY v.gyldig_fra DESC, v.registreret DESC, v.id DESC), '[]')
     FROM registrering_visitation v
     JOIN registrering_visitationsgruppe g ON g.id = v.visitationsgruppe_id
     JOIN registrering_bruger b ON b.id = v.registreret_af_id
     LEFT JOIN registrering_samtale s ON s.id = v.samtale_id
     LEFT JOIN registrering_samtaletype t ON t.id = s.samtaletype_id
     WHERE v.person_id = %(person)s),
    (SELECT coalesce(json_agg(json_build_object('fra', m.fra, 'navn', k.navn) ORDER BY m.fra DESC, m.id DESC), '[]')
     FROM registrering_personmarkering m
     JOIN registrering_persongruppemarkering k ON k.id = m.markering_id
     WHERE m.person_id = %(person)s AND m.fra <= %(dato)s AND (m.til IS NULL OR m.til >= %(dato)s))
"""


def _dato(tekst: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(tekst) if tekst else None


def borgerside_sidelaesninger(*, person: Person, dato: datetime.date) -> tuple[list[dict], list[dict]]:
    """The visitation timeline (:func:`visitation_tidslinje`'s rows) and the markings active
    on ``dato`` (as :func:`markeringer_aktive`: ``fra`` and ``markering.navn``), one query."""
    with connection.cursor() as c:
        c.execute(SIDELAESNING_SQL, {"person": person.pk, "dato": dato})
        visitationer, markeringer = c.fetchone()
    for v in visitationer:
        v["gyldig_fra"], v["samtale_dato"] = _dato(v["gyldig_fra"]), _dato(v["samtale_dato"])
    markeringer = [{"fra": _dato(m["fra"]), "markering": {"navn": m["navn"]}} for m in markeringer]
    return visitation_tidslinje(visitationer), markeringer


def visitation_tidslinje(raekker: list[dict]) -> list[dict]:
    """The citizen's visitation assessments for the page's timeline, newest first, as plain
    rows (the model instances with three related objects cost a third of the page to build).
    ``aendring``: the assessment gave another group than the one before it, so it is what
    § 28 nr. 9 reports; an assessment repeating the group is kept as a fact, not reported."""
    for i, r in enumerate(raekker):
        _registreret_af(r)
        aeldre = raekker[i + 1] if i + 1 < len(raekker) else None
        r["aendring"] = aeldre is None or aeldre["gruppe_kode"] != r["gruppe_kode"]
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


def aftale_gaeldende_af_type(*, person: Person, aftaletype: str) -> Samtale | None:
    """The current agreement of one kind: binding (§ 28 nr. 5, :func:`aftale_gaeldende`) or
    the fleksjob agreement (nr. 6), on the most recently held non-cancelled conversation."""
    return (
        Samtale.objects.aktive()
        .filter(person=person, aftaletype=aftaletype)
        .select_related("samtaletype")
        .order_by("-dato", "-registreret")
        .first()
    )


def samtale_raekker(
    *, person: Person, samtaletype: str | None = None, aar: int | None = None, antal: int | None = None, pk=None
) -> list[dict]:
    """The citizen's conversations as plain rows for the citizen's page, newest held first:
    dicts instead of model instances, which cost more to build than the page's own work.
    One query for the conversations with their code names; :func:`samtale_raekker_udfyld`
    adds participants and visitations (the page does so only for rows its cache lacks).
    Each row also carries its reporting state (``indberetning``, the worst across its
    recipients, and ``indberetning_modtagere``), read as a column of the same query.
    ``samtaletype`` (a code) and ``aar`` filter; ``antal`` takes the newest so many; ``pk``
    reads one conversation."""
    from indberetning.selectors import samtale_tilstand

    qs = samtale_raekker_qs(person=person)
    if pk is not None:
        qs = qs.filter(pk=pk)
    if samtaletype is not None:
        qs = qs.filter(samtaletype__kode=samtaletype)
    if aar is not None:
        # A range, not __year: the (person, -dato) index answers it.
        qs = qs.filter(dato__gte=datetime.date(aar, 1, 1), dato__lte=datetime.date(aar, 12, 31))
    raekker = list(qs[:antal] if antal is not None else qs)
    for r in raekker:
        r.update(samtale_tilstand(r.pop("indberetning_raa")))
    return raekker


def samtale_optaelling(*, person: Person) -> list[dict]:
    """How many conversations the citizen has per samtaletype and year (``samtaletype_id``,
    ``samtaletype_kode``, ``samtaletype_navn``, ``aar``, ``antal``): one grouped query, from
    which the page takes its filter choices and its counts."""
    return list(
        Samtale.objects.filter(person=person)
        .values("samtaletype_id", "samtaletype__kode", "samtaletype__navn", aar=ExtractYear("dato"))
        .annotate(antal=Count("id"))
        .order_by()
    )


@dataclass
class SamtaleSide:
    """One view of the citizen's conversations: the rows shown and what the filter offers."""

    raekker: list[dict]
    antal_alle: int  # every conversation of the citizen
    antal_valgte: int  # those matching the filter
    typer: list[tuple[str, str]]  # (samtaletype code, name) the citizen has
    aar: list[int]  # years the citizen has conversations in, newest first

    @property
    def flere(self) -> bool:
        return len(self.raekker) < self.antal_valgte

    @property
    def alle_vist(self) -> bool:
        """Every conversation of the citizen is among the rows (no filter, nothing cut)."""
        return len(self.raekker) == self.antal_alle


def samtale_side(
    *, person: Person, samtaletype: str | None = None, aar: int | None = None, antal: int = 20
) -> SamtaleSide:
    """The newest ``antal`` conversations matching the filter, with the counts and choices
    (two queries, whatever the citizen's history)."""
    optaelling = samtale_optaelling(person=person)
    valgte = sum(
        o["antal"]
        for o in optaelling
        if (samtaletype is None or o["samtaletype__kode"] == samtaletype) and (aar is None or o["aar"] == aar)
    )
    raekker = samtale_raekker(person=person, samtaletype=samtaletype, aar=aar, antal=antal) if valgte else []
    typer = sorted({(o["samtaletype__kode"], o["samtaletype__navn"]) for o in optaelling}, key=lambda t: t[1])
    return SamtaleSide(
        raekker=raekker,
        antal_alle=sum(o["antal"] for o in optaelling),
        antal_valgte=valgte,
        typer=typer,
        aar=sorted({int(o["aar"]) for o in optaelling}, reverse=True),
    )


def borgerside(*, person: Person, samtaletype: str | None = None, aar: int | None = None, antal: int = 20) -> dict:
    """What the citizen's page shows besides the rendered rows: the conversations chosen by
    the filter (:func:`samtale_side`, not yet rendered) and the cards, each where the rule
    table says it applies to the citizen's kontaktgruppe today."""
    dato = idag()
    kg = kontaktgruppe_regler(kontaktgruppe=person.kontaktgruppe, dato=dato)
    arter = aftaletyper(kontaktgruppe=person.kontaktgruppe, dato=dato)
    side = samtale_side(person=person, samtaletype=samtaletype, aar=aar, antal=antal)
    aftaler, cv_vurdering = aftaler_og_cv(person=person, side=side, aftaletyper=arter)
    visitationer, markeringer = borgerside_sidelaesninger(person=person, dato=dato)
    # § 28 nr. 9: the visitation card only where visitation applies (or has been registered).
    vis_visitation = bool(kg["visitationsgrupper"]) or bool(visitationer)
    return {
        "side": side,
        "aftaler": aftaler,
        "aftaletyper": arter,
        "vis_visitation": vis_visitation,
        "visitation": visitation_i_kraft(visitationer, dato) if vis_visitation else None,
        "visitationer": visitationer,
        "markeringer": markeringer,
        # § 28 stk. 4: the CV judgement only where the rule table says so (KontaktgruppeRegel.cv_vurdering), or
        # where one was once made.
        "vis_cv": kg["cv_vurdering"] or cv_vurdering is not None,
        "cv_vurdering": cv_vurdering,
        "perioder": perioder(person=person),
    }


def aftaler_gaeldende(*, person: Person, aftaletyper: tuple[str, ...]) -> list[dict]:
    """The current agreement of each kind in ``aftaletyper`` that the citizen has, as rows
    with the keys of :func:`samtale_raekker`'s (``aftaletype``, ``aftale``, ``dato``,
    ``saerlig_indsats``, ``samtaletype_navn``)."""
    return [
        {
            "pk": a.pk,
            "aftaletype": a.aftaletype,
            "aftale": a.aftale,
            "dato": a.dato,
            "saerlig_indsats": a.saerlig_indsats,
            "samtaletype_navn": a.samtaletype.navn,
        }
        for t in aftaletyper
        for a in [aftale_gaeldende_af_type(person=person, aftaletype=t)]
        if a
    ]


def aftaler_og_cv(
    *, person: Person, side: SamtaleSide, aftaletyper: tuple[str, ...]
) -> tuple[list[dict | Samtale], dict | Samtale | None]:
    """The current agreement of each kind in ``aftaletyper`` (those that exist) and the latest
    CV judgement: taken from the page's rows when they hold every conversation, otherwise
    one query each (a fixed number either way)."""
    if side.alle_vist:
        aktive = [r for r in side.raekker if r["annulleret"] is None]
        aftaler = [a for t in aftaletyper for a in [next((r for r in aktive if r["aftaletype"] == t), None)] if a]
        return aftaler, next((r for r in aktive if r["cv_ikke_fyldestgoerende"]), None)
    # The latest held, non-cancelled conversation that judged the CV (§ 28 stk. 4).
    cv = (
        Samtale.objects.aktive()
        .filter(person=person, cv_ikke_fyldestgoerende=True)
        .order_by("-dato", "-registreret")
        .first()
    )
    return aftaler_gaeldende(person=person, aftaletyper=aftaletyper), cv


def samtale_raekker_udfyld(raekker: list[dict]) -> None:
    """Add ``registreret_af`` (a name), ``deltagere``, ``visitationer``, the latest
    correction (``rettelse``) and who cancelled (``annulleret_af``) to rows of
    :func:`samtale_raekker`: at most four queries, whatever the number of rows."""
    efter_pk = {r["pk"]: r for r in raekker}
    for r in raekker:
        _registreret_af(r)
        r["deltagere"], r["visitationer"], r["rettelse"], r["annulleret_af"] = [], [], None, ""
    rettede = [r["pk"] for r in raekker if r["rettet"]]
    if rettede:
        # Who corrected it, when and why: the latest correction's history row (a later
        # cancellation's row has ``annulleret`` set). One query for all corrected rows.
        for h in (
            Samtale.history.filter(id__in=rettede, history_type="~", annulleret__isnull=True)
            .order_by("id", "-history_date", "-history_id")
            .distinct("id")
            .values(
                "id",
                "history_date",
                "history_change_reason",
                af_fornavn=F("history_user__first_name"),
                af_efternavn=F("history_user__last_name"),
                af_brugernavn=F("history_user__username"),
            )
        ):
            _registreret_af(h)
            efter_pk[h["id"]]["rettelse"] = {
                "af": h["registreret_af"],
                "tidspunkt": h["history_date"],
                "begrundelse": h["history_change_reason"] or "",
            }
    annullerede = [r["pk"] for r in raekker if r["annulleret"]]
    if annullerede:
        # Who cancelled it: the history row that set ``annulleret`` (the first that has it).
        for h in (
            Samtale.history.filter(id__in=annullerede, annulleret__isnull=False)
            .order_by("id", "history_date", "history_id")
            .distinct("id")
            .values(
                "id",
                af_fornavn=F("history_user__first_name"),
                af_efternavn=F("history_user__last_name"),
                af_brugernavn=F("history_user__username"),
            )
        ):
            _registreret_af(h)
            efter_pk[h["id"]]["annulleret_af"] = h["registreret_af"] or ""
    if efter_pk:
        for d in (
            Deltager.objects.filter(samtale_id__in=efter_pk, aktiv=True)
            .order_by("id")
            .values("samtale_id", "navn", rolle_navn=F("rolle__navn"), form_navn=F("deltagelsesform__navn"))
        ):
            efter_pk[d["samtale_id"]]["deltagere"].append(d)
        for v in (
            Visitation.objects.filter(samtale_id__in=efter_pk)
            .order_by(*VISITATION_ORDEN)
            .values("samtale_id", "gyldig_fra", gruppe_navn=F("visitationsgruppe__navn"))
        ):
            efter_pk[v["samtale_id"]]["visitationer"].append(v)


def samtale_raekker_qs(*, person: Person) -> QuerySet:
    """The query behind :func:`samtale_raekker`'s rows (bench/plan.py prints its plan)."""
    from indberetning.selectors import samtale_tilstand_sql

    # The reporting state is a correlated subquery the ORM cannot say; its SQL is a constant.
    return (
        Samtale.objects.filter(person=person)
        .annotate(indberetning_raa=RawSQL(samtale_tilstand_sql(), ()))  # nosec B611
        .order_by("-dato", "-registreret")
        .values(
            "pk",
            "sekvens",
            "dato",
            "aftaletype",
            "aftale",
            "saerlig_indsats",
            "praktiske_aftaler",
            "tidlig_opfoelgning",
            "cv_ikke_fyldestgoerende",
            "registreret",
            "rettet",
            "annulleret",
            "annulleringsbegrundelse",
            "indberetning_raa",
            samtaletype_navn=F("samtaletype__navn"),
            samtaleform_navn=F("samtaleform__navn"),
            akasse_deltagelse_navn=F("akasse_deltagelse__navn"),
            **_REGISTRERET_AF,
        )
    )


def samtaler_registreret_af(*, bruger, antal: int = 10) -> list[dict]:
    """The user's own latest registrations (of citizens they may still see), newest first:
    one query on the ``(registreret_af, -registreret)`` index."""
    return list(
        Samtale.objects.filter(registreret_af=bruger)
        .filter(synlighed(bruger=bruger, felt="person"))
        .order_by("-registreret", "-id")
        .values(
            "pk",
            "dato",
            "registreret",
            "annulleret",
            "person_id",
            person_navn=F("person__navn"),
            person_beskyttet=F("person__beskyttet"),
            samtaletype_navn=F("samtaletype__navn"),
        )[:antal]
    )


def samtaleform_saedvanlig(*, bruger, dato: datetime.date, samtaletype=None, antal: int = 20) -> Samtaleform | None:
    """The samtaleform the user used most among their last ``antal`` registrations (of
    ``samtaletype`` when given and they have registered it), if it is in force on ``dato``:
    the registration form offers it as a suggestion to confirm, never as a silent default
    (issue 25). One query on the ``(registreret_af, -registreret)`` index (two when the type
    has none)."""
    seneste = Samtale.objects.filter(registreret_af=bruger, annulleret__isnull=True).order_by("-registreret")
    koder = []
    if samtaletype is not None:
        koder = list(seneste.filter(samtaletype=samtaletype).values_list("samtaleform_id", flat=True)[:antal])
    koder = koder or list(seneste.values_list("samtaleform_id", flat=True)[:antal])
    gyldige = {o.pk: o for o in kodecache.gyldige(Samtaleform, dato)}
    optaelling = Counter(k for k in koder if k in gyldige)
    if not optaelling:
        return None
    # The most used; between equally used, the one used most recently (koder is newest first).
    bedst = max(optaelling.values())
    return gyldige[next(k for k in koder if optaelling.get(k) == bedst)]


def personer_set_nylig(*, bruger, antal: int = 10, vindue: int = 200) -> list[dict]:
    """The citizens whose page or form the user opened most recently (their own access log,
    only citizens they may still see), each once, newest first: one query over the user's
    last ``vindue`` views on the ``(bruger, -tidspunkt)`` index."""
    from .models import Adgangslog

    set_: dict = {}
    for r in (
        Adgangslog.objects.filter(bruger=bruger, handling=Adgangslog.Handling.VIS)
        .filter(synlighed(bruger=bruger, felt="person"))
        .order_by("-tidspunkt", "-id")
        .values("person_id", "tidspunkt", navn=F("person__navn"), person_beskyttet=F("person__beskyttet"))[:vindue]
    ):
        if r["person_id"] not in set_:
            set_[r["person_id"]] = r
            if len(set_) == antal:
                break
    return list(set_.values())


def markeringer_aktive(*, person: Person, dato: datetime.date | None = None) -> QuerySet[PersonMarkering]:
    dato = dato or idag()
    return (
        PersonMarkering.objects.filter(person=person, fra__lte=dato)
        .filter(Q(til__isnull=True) | Q(til__gte=dato))
        .select_related("markering")
        .order_by("-fra")
    )


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
