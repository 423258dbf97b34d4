"""The team lead's statistics: held, non-cancelled conversations of one jobcenter (the
jobcenter that held them, ``Samtale.jobcenter``) in a date range.

Read from the counts per day that the database keeps current in every writing transaction
(registrering/statistiktal.py states the rule: held, i.e. not cancelled, conversations under
the jobcenter that held them), plus the anonymous counts kept for erased citizens
(``StatistikArkiv``): a quarter of one jobcenter is a few thousand rows however many
conversations there are, read by an index range scan on (jobcenter, dato). Six queries
whatever the number of conversations. No citizen is named: counts only.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django import forms
from django.db.models import F, Sum
from django.db.models.functions import TruncWeek
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .datofelt import DatoFelt
from .models import (
    Bruger,
    Jobcenter,
    Samtaleform,
    Samtaletype,
    StatistikArkiv,
    StatistikDag,
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


def statistik(
    *, jobcenter_id: int | None, fra: datetime.date, til: datetime.date, graense_sagsbehandlere: int = 100
) -> Statistik:
    """``jobcenter_id=None``: every jobcenter (auditors and administrators only).

    One pass over the day counts, grouped by week, samtaletype, samtaleform and caseworker
    with the agreement and follow-up counts beside (every figure but the visitations is a sum
    of those groups), one over the archived counts, one over the visitations' day counts, and
    three small look-ups of names by id."""
    # The counts per day (registrering/statistiktal.py: held conversations, under the jobcenter
    # that held them, kept by the database in each writing transaction).
    dage = StatistikDag.objects.filter(dato__gte=fra, dato__lte=til)
    if jobcenter_id is not None:
        dage = dage.filter(jobcenter_id=jobcenter_id)
    s = Statistik(fra=fra, til=til)
    grupper = list(
        dage.annotate(uge=TruncWeek("dato"))
        .values("uge", "samtaletype_id", "samtaleform_id", "registreret_af_id")
        .annotate(
            antal=Sum("antal"), aftale_typer=Sum("aftale_typer"), aftale_med=Sum("aftale_med"), tidlig=Sum("tidlig")
        )
        .filter(antal__gt=0)
        .order_by()
    )
    arkiv = _arkiv(jobcenter_id=jobcenter_id, fra=fra, til=til)  # erased citizens (issue 24)
    grupper += [g for g in arkiv if g["samtaletype_id"] is not None]

    def summer(key) -> dict:
        ud: dict = {}
        for g in grupper:
            ud[key(g)] = ud.get(key(g), 0) + g["antal"]
        return ud

    typer = {
        i: (k, n)
        for i, k, n in Samtaletype.objects.filter(pk__in={g["samtaletype_id"] for g in grupper}).values_list(
            "id", "kode", "navn"
        )
    }
    former = {
        i: (k, n)
        for i, k, n in Samtaleform.objects.filter(pk__in={g["samtaleform_id"] for g in grupper}).values_list(
            "id", "kode", "navn"
        )
    }
    brugere = {
        b["id"]: f"{b['first_name']} {b['last_name']}".strip() or b["username"]
        for b in Bruger.objects.filter(pk__in={g["registreret_af_id"] for g in grupper}).values(
            "id", "first_name", "last_name", "username"
        )
    }

    def _dag(uge) -> datetime.date:
        return uge.date() if isinstance(uge, datetime.datetime) else uge

    for (uge, type_id), antal in sorted(
        summer(lambda g: (_dag(g["uge"]), g["samtaletype_id"])).items(), key=lambda x: (x[0][0], typer[x[0][1]][0])
    ):
        kode, navn = typer[type_id]
        s.pr_type_og_uge.append({"uge": uge, "kode": kode, "navn": navn, "antal": antal})
    pr_uge = summer(lambda g: _dag(g["uge"]))
    # Every week of the range, also the empty ones, so the chart's gaps are true.
    uge = _mandag(fra)
    while uge <= til:
        iso = uge.isocalendar()
        s.uger.append({"uge": uge, "label": f"{iso.week}/{iso.year}", "antal": pr_uge.get(uge, 0)})
        uge += datetime.timedelta(weeks=1)
    s.pr_type = sorted(
        (
            {"kode": typer[i][0], "navn": typer[i][1], "antal": n}
            for i, n in summer(lambda g: g["samtaletype_id"]).items()
        ),
        key=lambda t: (-t["antal"], t["kode"]),
    )
    s.pr_form = sorted(
        (
            {"kode": former[i][0], "navn": former[i][1], "antal": n}
            for i, n in summer(lambda g: g["samtaleform_id"]).items()
        ),
        key=lambda t: (-t["antal"], t["kode"]),
    )
    s.pr_sagsbehandler = sorted(
        ({"navn": brugere[i], "antal": n} for i, n in summer(lambda g: g["registreret_af_id"]).items()),
        key=lambda t: (-t["antal"], t["navn"]),
    )[:graense_sagsbehandlere]
    s.i_alt = sum(g["antal"] for g in grupper)
    s.aftale_typer = sum(g["aftale_typer"] for g in grupper)
    s.aftale_med = sum(g["aftale_med"] for g in grupper)
    s.tidlig_opfoelgning = sum(g["tidlig"] for g in grupper)

    visitationer = StatistikVisitationDag.objects.filter(dato__gte=fra, dato__lte=til)
    if jobcenter_id is not None:
        visitationer = visitationer.filter(jobcenter_id=jobcenter_id)
    s.visitationer = list(
        visitationer.values(kode=F("visitationsgruppe__kode"), navn=F("visitationsgruppe__navn"))
        .annotate(antal=Sum("antal"))
        .filter(antal__gt=0)
        .order_by("-antal", "kode")
    )
    if any(g["visitationsgruppe_id"] for g in arkiv):
        s.visitationer = _visitationer_med_arkiv(s.visitationer, arkiv)
    return s


def _arkiv(*, jobcenter_id: int | None, fra: datetime.date, til: datetime.date) -> list[dict]:
    """The anonymous counts kept for erased citizens (registrering/sletning.py), in the
    shape of the conversations' groups above; visitations carry ``visitationsgruppe_id``."""
    qs = StatistikArkiv.objects.filter(dato__gte=fra, dato__lte=til)
    if jobcenter_id is not None:
        qs = qs.filter(jobcenter_id=jobcenter_id)
    return list(
        qs.annotate(uge=TruncWeek("dato"))
        .values("uge", "samtaletype_id", "samtaleform_id", "registreret_af_id", "visitationsgruppe_id")
        .annotate(
            antal=Sum("antal"), aftale_typer=Sum("aftale_typer"), aftale_med=Sum("aftale_med"), tidlig=Sum("tidlig")
        )
        .order_by()
    )


def _visitationer_med_arkiv(visitationer: list[dict], arkiv: list[dict]) -> list[dict]:
    from .models import Visitationsgruppe

    antal = {v["kode"]: dict(v) for v in visitationer}
    navne = {g.pk: g for g in Visitationsgruppe.objects.filter(pk__in={a["visitationsgruppe_id"] for a in arkiv})}
    for a in arkiv:
        if a["visitationsgruppe_id"]:
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
