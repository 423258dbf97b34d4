"""Retention (issue 24, CONTRACT.md "Retention"): erase every citizen whose data has passed
its deadline, and the access log's rows past their own.

Which citizens: the ``Slettefrist`` in force today for ``borger`` (an ISO 8601 duration,
KL's ``P1825D``) counted from the citizen's last activity: the newest of their creation,
any change to the citizen (a period, a move: the citizen's history), and any conversation
registered, held, corrected or cancelled. A citizen with ``retshold`` is kept.

How: one transaction per citizen. The citizen's row is locked and judged again (a
registration that came meanwhile keeps them); the statistics' counts of their conversations
and visitations are kept as anonymous aggregates (``StatistikArkiv``), so past years'
statistics stay true; then the database function ``samtaler_slet_borger`` (owned by the
tables' owner, SECURITY DEFINER, the only way past the append-only triggers:
samtaler_site/append_only.py) deletes every row of the citizen, history and access log
included; and an append-only ``Sletning`` record keeps the opaque id, time, rule and counts,
never a CPR number or a name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import Person, Samtale, Sletning, Slettefrist, StatistikArkiv, Visitation
from .regler import DANSK_TID

# The citizen's last activity, in one expression (PostgreSQL's greatest() skips NULLs).
SIDSTE_AKTIVITET_SQL = """
SELECT p.id FROM registrering_person p
WHERE p.retshold = '' AND GREATEST(
    p.oprettet,
    (SELECT max(GREATEST(s.registreret, s.rettet, s.annulleret, s.dato::timestamptz))
       FROM registrering_samtale s WHERE s.person_id = p.id),
    (SELECT max(h.history_date) FROM registrering_historicalperson h WHERE h.id = p.id)
) < %s {og}
ORDER BY p.id
"""


def idag() -> datetime.date:
    return timezone.localtime(timezone.now(), timezone=DANSK_TID).date()


def frist_i_kraft(regnes_fra: str, dato: datetime.date | None = None) -> Slettefrist | None:
    """The deadline in force on ``dato`` for ``regnes_fra`` (the newest start wins)."""
    return Slettefrist.objects.gyldige(dato or idag()).filter(regnes_fra=regnes_fra).order_by("-gyldig_fra").first()


def udloebne(*, frist: Slettefrist, nu: datetime.datetime | None = None, person_id=None) -> list:
    """The ids of the citizens past ``frist`` and not on hold (``person_id``: just that one)."""
    graense = (nu or timezone.now()) - frist.tidsrum
    og, params = ("AND p.id = %s", [graense, person_id]) if person_id else ("", [graense])
    with connection.cursor() as c:
        c.execute(SIDSTE_AKTIVITET_SQL.format(og=og), params)
        return [r[0] for r in c.fetchall()]


def _arkiver_statistik(person_id) -> None:
    """The statistics' counts of the citizen's held conversations and visitations, without
    the citizen (registrering/statistik.py adds them to what is still there)."""
    med_aftaletype = ~Q(aftaletype="")
    raekker = [
        StatistikArkiv(**g)
        for g in Samtale.objects.filter(person_id=person_id, annulleret__isnull=True)
        .values("dato", "jobcenter_id", "samtaletype_id", "samtaleform_id", "registreret_af_id")
        .annotate(
            antal=Count("id"),
            aftale_typer=Count("id", filter=med_aftaletype),
            aftale_med=Count("id", filter=med_aftaletype & ~Q(aftale="")),
            tidlig=Count("id", filter=Q(tidlig_opfoelgning=True)),
        )
        .order_by()
    ]
    raekker += [
        StatistikArkiv(
            dato=g["samtale__dato"],
            jobcenter_id=g["samtale__jobcenter_id"],
            visitationsgruppe_id=g["visitationsgruppe_id"],
            antal=g["antal"],
        )
        for g in Visitation.objects.filter(person_id=person_id, samtale__annulleret__isnull=True)
        .exclude(samtale=None)
        .values("samtale__dato", "samtale__jobcenter_id", "visitationsgruppe_id")
        .annotate(antal=Count("id"))
        .order_by()
    ]
    StatistikArkiv.objects.bulk_create(raekker)


@transaction.atomic
def slet_borger(*, person_id, frist: Slettefrist, nu: datetime.datetime | None = None) -> Sletning | None:
    """Erase one citizen if still due (under the citizen's row lock); None if not."""
    if not list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True)):
        return None  # erased meanwhile
    if not udloebne(frist=frist, nu=nu, person_id=person_id):
        return None  # a registration or a hold came meanwhile
    _arkiver_statistik(person_id)
    with connection.cursor() as c:
        c.execute("SELECT samtaler_slet_borger(%s)", [person_id])
        antal = c.fetchone()[0]
    if isinstance(antal, str):
        import json

        antal = json.loads(antal)
    return Sletning.objects.create(
        person_id=person_id, slettefrist=frist, regel=f"{frist.navn} ({frist.varighed})", antal=antal
    )


@transaction.atomic
def slet_adgangslog(*, frist: Slettefrist, nu: datetime.datetime | None = None) -> Sletning | None:
    """The access log's own deadline: its rows older than ``frist`` (citizens still kept)."""
    with connection.cursor() as c:
        c.execute("SELECT samtaler_slet_adgangslog(%s)", [(nu or timezone.now()) - frist.tidsrum])
        (n,) = c.fetchone()
    if not n:
        return None
    return Sletning.objects.create(
        person_id=None, slettefrist=frist, regel=f"{frist.navn} ({frist.varighed})", antal={"adgangslog": n}
    )


@dataclass
class Koersel:
    borgere: int = 0
    paa_hold: int = 0
    adgangslog: int = 0
    antal: dict = field(default_factory=dict)


def slet_udloebne(*, dry_run: bool = False, nu: datetime.datetime | None = None) -> Koersel:
    """Everything past its deadline; ``dry_run``: only count. One transaction per citizen."""
    k = Koersel(paa_hold=Person.objects.exclude(retshold="").count())
    frist = frist_i_kraft(Slettefrist.RegnesFra.BORGER)
    if frist is not None:
        ids = udloebne(frist=frist, nu=nu)
        if dry_run:
            k.borgere = len(ids)
            k.antal = {
                "samtaler": Samtale.objects.filter(person_id__in=ids).count(),
            }
        else:
            for person_id in ids:
                sletning = slet_borger(person_id=person_id, frist=frist, nu=nu)
                if sletning is not None:
                    k.borgere += 1
                    for noegle, n in sletning.antal.items():
                        k.antal[noegle] = k.antal.get(noegle, 0) + n
    lfrist = frist_i_kraft(Slettefrist.RegnesFra.ADGANGSLOG)
    if lfrist is not None:
        if dry_run:
            from .models import Adgangslog

            k.adgangslog = Adgangslog.objects.filter(tidspunkt__lt=(nu or timezone.now()) - lfrist.tidsrum).count()
        else:
            s = slet_adgangslog(frist=lfrist, nu=nu)
            k.adgangslog = s.antal["adgangslog"] if s else 0
    return k
