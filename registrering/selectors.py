"""Reads that several pages share. Every read of citizen data starts from
:func:`personer_synlige`, the one place that scopes citizens to the user's jobcenter."""

from __future__ import annotations

import datetime
import re

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Deltager, Person, PersonMarkering, Samtale, SamtaletypeRegel, Visitation
from .regler import DANSK_TID

CPR_SOEG = re.compile(r"^\s*(\d{6})-?(\d{4})\s*$")


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


def samtaler_for_person(*, person: Person) -> QuerySet[Samtale]:
    """The citizen's conversations, newest held first, with what the page shows (fixed query count)."""
    return (
        Samtale.objects.filter(person=person)
        .select_related("samtaletype", "samtaleform", "akasse_deltagelse", "registreret_af")
        .prefetch_related(
            Prefetch(
                "deltagere",
                queryset=Deltager.objects.filter(aktiv=True).select_related("rolle", "deltagelsesform"),
                to_attr="aktive_deltagere",
            ),
            Prefetch("visitationer", queryset=Visitation.objects.select_related("visitationsgruppe")),
        )
        .order_by("-dato", "-registreret")
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
