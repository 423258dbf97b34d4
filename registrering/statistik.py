"""The team lead's statistics: held, non-cancelled conversations of one jobcenter (the
jobcenter that held them, ``Samtale.jobcenter``) in a date range.

Five aggregate queries whatever the number of conversations, each an index range scan on
(jobcenter, dato) (``samtale_jobcenter_dato``): per week and samtaletype; per samtaleform;
the totals (agreements on nr. 5/6 types, early follow-up requests); visitations by group;
conversations per caseworker. No citizen is named: counts only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from .models import Jobcenter, Samtale, Visitation

STANDARD_UGER = 12


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


def statistik(*, jobcenter_id: int | None, fra: datetime.date, til: datetime.date, graense_sagsbehandlere: int = 100) -> Statistik:
    """``jobcenter_id=None``: every jobcenter (auditors and administrators only)."""
    samtaler = Samtale.objects.filter(dato__gte=fra, dato__lte=til, annulleret__isnull=True)
    if jobcenter_id is not None:
        samtaler = samtaler.filter(jobcenter_id=jobcenter_id)
    s = Statistik(fra=fra, til=til)

    pr_uge: dict[datetime.date, int] = {}
    pr_type: dict[str, dict] = {}
    for r in (
        samtaler.annotate(uge=TruncWeek("dato"))
        .values("uge", kode=F("samtaletype__kode"), navn=F("samtaletype__navn"))
        .annotate(antal=Count("id"))
        .order_by("uge", "kode")
    ):
        uge = r["uge"].date() if isinstance(r["uge"], datetime.datetime) else r["uge"]
        s.pr_type_og_uge.append({"uge": uge, "kode": r["kode"], "navn": r["navn"], "antal": r["antal"]})
        pr_uge[uge] = pr_uge.get(uge, 0) + r["antal"]
        t = pr_type.setdefault(r["kode"], {"kode": r["kode"], "navn": r["navn"], "antal": 0})
        t["antal"] += r["antal"]
    # Every week of the range, also the empty ones, so the chart's gaps are true.
    uge = _mandag(fra)
    while uge <= til:
        iso = uge.isocalendar()
        s.uger.append({"uge": uge, "label": f"{iso.week}/{iso.year}", "antal": pr_uge.get(uge, 0)})
        uge += datetime.timedelta(weeks=1)
    s.pr_type = sorted(pr_type.values(), key=lambda t: (-t["antal"], t["kode"]))
    s.i_alt = sum(t["antal"] for t in s.pr_type)

    s.pr_form = list(
        samtaler.values(kode=F("samtaleform__kode"), navn=F("samtaleform__navn")).annotate(antal=Count("id")).order_by("-antal", "kode")
    )
    tal = samtaler.aggregate(
        aftale_typer=Count("id", filter=~Q(aftaletype="")),
        aftale_med=Count("id", filter=~Q(aftaletype="") & ~Q(aftale="")),
        tidlig=Count("id", filter=Q(tidlig_opfoelgning=True)),
    )
    s.aftale_typer, s.aftale_med, s.tidlig_opfoelgning = tal["aftale_typer"], tal["aftale_med"], tal["tidlig"]

    visitationer = Visitation.objects.filter(samtale__in=samtaler.values("pk"))
    s.visitationer = list(
        visitationer.values(kode=F("visitationsgruppe__kode"), navn=F("visitationsgruppe__navn"))
        .annotate(antal=Count("id"))
        .order_by("-antal", "kode")
    )
    s.pr_sagsbehandler = [
        {
            "navn": f"{r['fornavn']} {r['efternavn']}".strip() or r["brugernavn"],
            "antal": r["antal"],
        }
        for r in samtaler.values(
            "registreret_af_id",
            fornavn=F("registreret_af__first_name"),
            efternavn=F("registreret_af__last_name"),
            brugernavn=F("registreret_af__username"),
        )
        .annotate(antal=Count("id"))
        .order_by("-antal", "brugernavn")[:graense_sagsbehandlere]
    ]
    return s


def soejler(uger: list[dict], *, bredde: int = 640, hoejde: int = 220) -> dict:
    """Geometry of the per-week bar chart (server-rendered SVG, no script, no inline style)."""
    venstre, bund, top = 40, 30, 10
    maks = max((u["antal"] for u in uger), default=0) or 1
    plads = (bredde - venstre - 10) / max(len(uger), 1)
    stolpe = max(plads * 0.7, 2)
    hoejde_plot = hoejde - bund - top
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
            }
        )
    return {"bredde": bredde, "hoejde": hoejde, "soejler": resultat, "maks": maks, "bund_y": top + hoejde_plot, "venstre": venstre, "top": top}


# --- the page's GET parameters ---------------------------------------------------------------


class StatistikForm(forms.Form):
    """``fra``, ``til`` (ISO dates; default the last 12 weeks) and, for users who see every
    jobcenter, ``jobcenter`` (kommunekode; empty: all)."""

    fra = forms.DateField(label=_("Fra"), required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    til = forms.DateField(label=_("Til"), required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))
    jobcenter = forms.ModelChoiceField(
        label=_("Jobcenter"), queryset=Jobcenter.objects.order_by("navn"), to_field_name="kode", required=False, empty_label=_("Alle jobcentre")
    )

    def __init__(self, *args, vaelg_jobcenter: bool, idag: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.idag = idag
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

    def periode(self) -> tuple[datetime.date, datetime.date]:
        """The period asked for, or the default when the input is refused."""
        if self.is_valid():
            return self.cleaned_data["fra"], self.cleaned_data["til"]
        return standard_periode(self.idag)
