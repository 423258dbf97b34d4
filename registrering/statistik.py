"""The team lead's statistics: held, non-cancelled conversations of one jobcenter (the
jobcenter that held them, ``Samtale.jobcenter``) in a date range.

Read from the counts per day that the database keeps current in every writing transaction
(registrering/statistiktal.py states the rule: held, i.e. not cancelled, conversations under
the jobcenter that held them), plus the anonymous counts kept for erased citizens
(``StatistikArkiv``), added up by PostgreSQL into the sums the page shows: a quarter of one
jobcenter is some thousands of day rows (19,160 for Aarhus at 10 million conversations), read
by an index range scan on (jobcenter, dato). Six queries whatever the number of conversations.
No citizen is named: counts only.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import F, Sum
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .datofelt import DatoFelt
from .models import (
    Bruger,
    Jobcenter,
    Samtaleform,
    Samtaletype,
    StatistikArkiv,
    StatistikVisitationDag,
)

STANDARD_UGER = 12
# How wide a week label ("37/2026") is in the chart's units: at font size 10, and at the
# larger size a phone's stylesheet gives it (static/css/app.css, .uge-etiket).
ETIKET_BREDDE = 42
ETIKET_BREDDE_SMAL = 76


@dataclass
class Statistik:
    fra: datetime.date
    til: datetime.date
    i_alt: int = 0
    uger: list[dict] = field(default_factory=list)  # {"uge": date (Monday), "label", "antal"}
    pr_type: list[dict] = field(default_factory=list)  # {"kode", "navn", "antal"}
    pr_type_og_uge: list[dict] = field(default_factory=list)
    pr_form: list[dict] = field(default_factory=list)
    aftale_typer: int = 0  # held conversations of a type with an agreement (§ 28 nr. 5/6)
    aftale_med: int = 0  # ... of which an agreement was made
    tidlig_opfoelgning: int = 0
    visitationer: list[dict] = field(default_factory=list)
    pr_sagsbehandler: list[dict] = field(default_factory=list)

    @property
    def aftale_andel(self) -> float | None:
        return self.aftale_med / self.aftale_typer if self.aftale_typer else None


def standard_periode(idag: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 12 weeks up to today."""
    return idag - datetime.timedelta(weeks=STANDARD_UGER) + datetime.timedelta(days=1), idag


def _mandag(d: datetime.date) -> datetime.date:
    return d - datetime.timedelta(days=d.weekday())


# The conversations' figures in one statement: the day counts kept by the database
# (registrering/statistiktal.py: held conversations, under the jobcenter that held them) and
# the anonymous counts kept for erased citizens (issue 24), added up by PostgreSQL into just
# the sums the page shows: per ISO week and samtaletype, per samtaleform, per caseworker, and
# in all. ``saet`` is GROUPING()'s bit mask (uge 8, samtaletype 4, samtaleform 2, caseworker 1;
# a bit is set when the column is not in the row's grouping).
GRUPPER_SQL = """
WITH d AS (
    SELECT date_trunc('week', dato)::date AS uge, samtaletype_id, samtaleform_id, registreret_af_id,
           antal, aftale_typer, aftale_med, tidlig
    FROM registrering_statistikdag
    WHERE dato BETWEEN %(fra)s AND %(til)s AND (%(jc)s::bigint IS NULL OR jobcenter_id = %(jc)s::bigint)
    UNION ALL
    SELECT date_trunc('week', dato)::date, samtaletype_id, samtaleform_id, registreret_af_id,
           antal, aftale_typer, aftale_med, tidlig
    FROM registrering_statistikarkiv
    WHERE samtaletype_id IS NOT NULL AND dato BETWEEN %(fra)s AND %(til)s
      AND (%(jc)s::bigint IS NULL OR jobcenter_id = %(jc)s::bigint)
)
SELECT GROUPING(uge, samtaletype_id, samtaleform_id, registreret_af_id) AS saet,
       uge, samtaletype_id, samtaleform_id, registreret_af_id,
       sum(antal), sum(aftale_typer), sum(aftale_med), sum(tidlig)
FROM d
GROUP BY GROUPING SETS ((uge, samtaletype_id), (samtaleform_id), (registreret_af_id), ())
HAVING sum(antal) > 0
"""
UGE_OG_TYPE, FORM, SAGSBEHANDLER, I_ALT = 0b0011, 0b1101, 0b1110, 0b1111


def statistik(
    *, jobcenter_id: int | None, fra: datetime.date, til: datetime.date, graense_sagsbehandlere: int = 100
) -> Statistik:
    """``jobcenter_id=None``: every jobcenter (auditors and administrators only).

    One statement for the conversations' figures (:data:`GRUPPER_SQL`: the sums the page
    shows, a few hundred rows whatever the number of conversations), one for the
    visitations' day counts and one for their archived counts, and three small look-ups of
    names by id: six queries."""
    s = Statistik(fra=fra, til=til)
    with connection.cursor() as c:
        c.execute(GRUPPER_SQL, {"fra": fra, "til": til, "jc": jobcenter_id})
        saet: dict[int, list[tuple]] = {}
        for raekke in c.fetchall():
            saet.setdefault(raekke[0], []).append(raekke[1:])
    uge_type = saet.get(UGE_OG_TYPE, [])
    typer = {
        i: (k, n)
        for i, k, n in Samtaletype.objects.filter(pk__in={r[1] for r in uge_type}).values_list("id", "kode", "navn")
    }
    former = {
        i: (k, n)
        for i, k, n in Samtaleform.objects.filter(pk__in={r[2] for r in saet.get(FORM, [])}).values_list(
            "id", "kode", "navn"
        )
    }
    brugere = {
        b["id"]: f"{b['first_name']} {b['last_name']}".strip() or b["username"]
        for b in Bruger.objects.filter(pk__in={r[3] for r in saet.get(SAGSBEHANDLER, [])}).values(
            "id", "first_name", "last_name", "username"
        )
    }
    pr_uge: dict = {}
    pr_type: dict = {}
    for uge, type_id, _form, _bruger, antal, *_resten in sorted(uge_type, key=lambda r: (r[0], typer[r[1]][0])):
        kode, navn = typer[type_id]
        s.pr_type_og_uge.append({"uge": uge, "kode": kode, "navn": navn, "antal": antal})
        pr_uge[uge] = pr_uge.get(uge, 0) + antal
        pr_type[type_id] = pr_type.get(type_id, 0) + antal
    # Every week of the range, also the empty ones, so the chart's gaps are true.
    uge = _mandag(fra)
    while uge <= til:
        iso = uge.isocalendar()
        s.uger.append({"uge": uge, "label": f"{iso.week}/{iso.year}", "antal": pr_uge.get(uge, 0)})
        uge += datetime.timedelta(weeks=1)
    s.pr_type = sorted(
        ({"kode": typer[i][0], "navn": typer[i][1], "antal": n} for i, n in pr_type.items()),
        key=lambda t: (-t["antal"], t["kode"]),
    )
    s.pr_form = sorted(
        ({"kode": former[r[2]][0], "navn": former[r[2]][1], "antal": r[4]} for r in saet.get(FORM, [])),
        key=lambda t: (-t["antal"], t["kode"]),
    )
    s.pr_sagsbehandler = sorted(
        ({"navn": brugere[r[3]], "antal": r[4]} for r in saet.get(SAGSBEHANDLER, [])),
        key=lambda t: (-t["antal"], t["navn"]),
    )[:graense_sagsbehandlere]
    for _uge, _type, _form, _bruger, antal, aftale_typer, aftale_med, tidlig in saet.get(I_ALT, []):
        s.i_alt, s.aftale_typer, s.aftale_med, s.tidlig_opfoelgning = antal, aftale_typer, aftale_med, tidlig

    visitationer = StatistikVisitationDag.objects.filter(dato__gte=fra, dato__lte=til)
    if jobcenter_id is not None:
        visitationer = visitationer.filter(jobcenter_id=jobcenter_id)
    s.visitationer = list(
        visitationer.values(kode=F("visitationsgruppe__kode"), navn=F("visitationsgruppe__navn"))
        .annotate(antal=Sum("antal"))
        .filter(antal__gt=0)
        .order_by("-antal", "kode")
    )
    arkiv = _arkiv_visitationer(jobcenter_id=jobcenter_id, fra=fra, til=til)  # erased citizens (issue 24)
    if arkiv:
        s.visitationer = _visitationer_med_arkiv(s.visitationer, arkiv)
    return s


def _arkiv_visitationer(*, jobcenter_id: int | None, fra: datetime.date, til: datetime.date) -> list[dict]:
    """The anonymous visitation counts kept for erased citizens (registrering/sletning.py)."""
    qs = StatistikArkiv.objects.filter(dato__gte=fra, dato__lte=til, visitationsgruppe__isnull=False)
    if jobcenter_id is not None:
        qs = qs.filter(jobcenter_id=jobcenter_id)
    return list(qs.values("visitationsgruppe_id").annotate(antal=Sum("antal")).order_by())


def _visitationer_med_arkiv(visitationer: list[dict], arkiv: list[dict]) -> list[dict]:
    from .models import Visitationsgruppe

    antal = {v["kode"]: dict(v) for v in visitationer}
    navne = {g.pk: g for g in Visitationsgruppe.objects.filter(pk__in={a["visitationsgruppe_id"] for a in arkiv})}
    for a in arkiv:
        g = navne[a["visitationsgruppe_id"]]
        antal.setdefault(g.kode, {"kode": g.kode, "navn": g.navn, "antal": 0})["antal"] += a["antal"]
    return sorted(antal.values(), key=lambda v: (-v["antal"], v["kode"]))


def soejler(uger: list[dict], *, bredde: int = 640, hoejde: int = 220) -> dict:
    """Geometry of the per-week bar chart (server-rendered SVG, no script, no inline style).
    The template writes every coordinate through ``maskintal`` (never a Danish decimal
    comma). Week labels are thinned out so that they never overlap: every ``n``-th week
    carries its label, where ``n`` weeks are as wide as one label; on a phone, where the
    chart is drawn at about half size and the labels larger, the ``kun_bred`` ones are
    hidden too."""
    # Room at the right for half of the last week's label.
    venstre, hoejre, bund, top = 40, ETIKET_BREDDE_SMAL // 2, 30, 10
    maks = max((u["antal"] for u in uger), default=0) or 1
    plads = (bredde - venstre - hoejre) / max(len(uger), 1)
    stolpe = max(plads * 0.7, 2)
    hoejde_plot = hoejde - bund - top
    hver = max(1, math.ceil(ETIKET_BREDDE / plads))
    hver_smal = max(1, math.ceil(ETIKET_BREDDE_SMAL / plads / hver)) * hver
    resultat = []
    for i, u in enumerate(uger):
        h = hoejde_plot * u["antal"] / maks
        x = venstre + i * plads + (plads - stolpe) / 2
        resultat.append(
            {
                **u,
                "x": round(x, 1),
                "y": round(top + hoejde_plot - h, 1),
                "b": round(stolpe, 1),
                "h": round(h, 1),
                "tx": round(x + stolpe / 2, 1),
                "vis_etiket": i % hver == 0,
                # A phone shows the labels larger, so fewer of them.
                "kun_bred": i % hver_smal != 0,
            }
        )
    return {
        "bredde": bredde,
        "hoejde": hoejde,
        "soejler": resultat,
        "maks": maks,
        "bund_y": top + hoejde_plot,
        "venstre": venstre,
        "top": top,
        "etiket_x": venstre - 4,
        "maks_y": top + 8,
        "uge_y": top + hoejde_plot + 16,
    }


# --- the page's GET parameters ---------------------------------------------------------------


class StatistikForm(forms.Form):
    """``fra``, ``til`` (ISO dates; default the last 12 weeks) and, for users who see every
    jobcenter, ``jobcenter`` (kommunekode; empty: all)."""

    fra = DatoFelt(
        label=_("Fra"), required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"})
    )
    til = DatoFelt(
        label=_("Til"), required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"})
    )
    jobcenter = forms.ModelChoiceField(
        label=_("Jobcenter"),
        queryset=Jobcenter.objects.order_by("navn"),
        to_field_name="kode",
        required=False,
        empty_label=_("Alle jobcentre"),
    )

    def __init__(self, *args, bruger: Bruger, idag: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.idag = idag
        self.bruger = bruger
        # Auditors and administrators choose a jobcenter (or all); a team lead sees their own.
        vaelg_jobcenter = self.vaelg_jobcenter = bruger.is_superuser or bruger.has_perm(
            "registrering.se_alle_jobcentre"
        )
        self.fields["fra"].initial, self.fields["til"].initial = (d.isoformat() for d in standard_periode(idag))
        if not vaelg_jobcenter:
            del self.fields["jobcenter"]

    def clean(self):
        data = super().clean()
        standard_fra, standard_til = standard_periode(self.idag)
        fra, til = data.get("fra") or standard_fra, data.get("til") or standard_til
        if fra > til:
            self.add_error("til", _("Til-datoen skal være samme dag som eller efter fra-datoen."))
        elif (til - fra).days > 3 * 366:
            self.add_error("fra", _("Vælg en periode på højst tre år."))
        data["fra"], data["til"] = fra, til
        return data

    def jobcenter_valgt(self) -> Jobcenter | None:
        """The jobcenter counted: the chosen one (None: all) or the user's own."""
        if not self.vaelg_jobcenter:
            return self.bruger.jobcenter
        return self.cleaned_data.get("jobcenter") if self.is_valid() else None

    def csv_query(self, *, fra: datetime.date, til: datetime.date, jobcenter: Jobcenter | None) -> str:
        """The CSV link's query: the period and jobcenter the page shows (the default when
        the input was refused), so the download is what the person sees."""
        q = QueryDict(mutable=True)
        q.update({"fra": fra.isoformat(), "til": til.isoformat()})
        if self.vaelg_jobcenter and jobcenter is not None:
            q["jobcenter"] = jobcenter.kode
        q["format"] = "csv"
        return q.urlencode()

    def periode(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for, or the default when the input is refused."""
        if self.is_valid():
            return self.cleaned_data["fra"], self.cleaned_data["til"]
        return standard_periode(self.idag)
