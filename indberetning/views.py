"""The operations page for team leads: what waits, what was refused and why, and resend.

Scoped by :func:`indberetning.selectors.jobcenter_omfang`: a team lead sees their own
jobcenter's events, conversations and batches; an administrator sees all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST, require_safe

from . import levering, selectors
from .models import DFDG, Batch, modtager_navn

drift_paakraevet = permission_required("indberetning.se_drift", raise_exception=True)

# The batch states the recipients table counts, with the words the page uses for them.
VIST_STATUS = [
    (Batch.Status.KVITTERET, _l("Modtaget")),
    (Batch.Status.AFVIST, _l("Afvist")),
    (Batch.Status.FEJLET, _l("Ikke leveret")),
    (Batch.Status.KLAR, _l("Venter på afsendelse/nyt forsøg")),
    (Batch.Status.SENDES, _l("Sendes nu")),
]


def alder_tekst(alder) -> str:
    """A waiting time in words: "40 min.", "3 t. 5 min.", "2 døgn"."""
    minutter = int(alder.total_seconds() // 60)
    if minutter < 60:
        return _("%(m)s min.") % {"m": minutter}
    if minutter < 48 * 60:
        return _("%(t)s t. %(m)s min.") % {"t": minutter // 60, "m": minutter % 60}
    return _("%(d)s døgn") % {"d": minutter // (24 * 60)}


@login_required
@drift_paakraevet
@require_safe  # read-only: GET and HEAD
def drift(request: HttpRequest) -> HttpResponse:
    jc = selectors.jobcenter_omfang(request.user)
    nu = timezone.now()
    afventende = {r["modtager"]: r for r in selectors.afventende_pr_modtager(jobcenter_id=jc)}
    pr_status = selectors.haendelser_pr_modtager_og_status(jobcenter_id=jc)
    modtagere = []
    for modtager in sorted(set(afventende) | set(pr_status), key=lambda m: (m != DFDG, m)):
        a = afventende.get(modtager)
        modtagere.append(
            {
                "modtager": modtager,
                "navn": modtager_navn(modtager),
                "afventer": a["antal"] if a else 0,
                "aeldste": a["aeldste"] if a else None,
                "alder": (nu - a["aeldste"]) if a else None,
                "alder_tekst": alder_tekst(nu - a["aeldste"]) if a else "",
                "status": [pr_status.get(modtager, {}).get(s, 0) for s, _navn in VIST_STATUS],
            }
        )
    return render(
        request,
        "indberetning/drift.html",
        {
            "advarsler": selectors.advarsler(jobcenter_id=jc, nu=nu),
            "alle_jobcentre": jc is None,
            "modtagere": modtagere,
            "statusser": VIST_STATUS,
            "status_dage": selectors.STATUS_DAGE,
            "til_opfoelgning": selectors.batches_til_opfoelgning(jobcenter_id=jc),
            "seneste": selectors.batches_seneste(jobcenter_id=jc),
            "koersler": list(selectors.koersler_seneste()),
        },
    )


def _batch(request: HttpRequest, pk) -> tuple[Batch, int | None]:
    jc = selectors.jobcenter_omfang(request.user)
    batch = selectors.batch_i_omfang(pk=pk, jobcenter_id=jc).first()
    if batch is None:
        raise Http404
    return batch, jc


@login_required
@drift_paakraevet
@require_safe
def batch_detalje(request: HttpRequest, pk) -> HttpResponse:
    batch, jc = _batch(request, pk)
    return render(
        request,
        "indberetning/batch_detalje.html",
        {
            "b": batch,
            "haendelser": selectors.batch_haendelser(batch=batch, jobcenter_id=jc),
            "dele": selectors.batch_dele(batch=batch) if jc is None else [],
        },
    )


@login_required
@drift_paakraevet
@require_POST
def batch_genudsend(request: HttpRequest, pk) -> HttpResponse:
    batch, _jc = _batch(request, pk)
    try:
        levering.batch_genudsend(batch=batch, bruger=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("Forsendelsen til %(modtager)s sendes igen (samme id, så modtageren ikke får den to gange).")
            % {"modtager": batch.modtager_navn},
        )
    return redirect("indberetning:drift")
