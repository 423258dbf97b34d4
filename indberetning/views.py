"""The operations page for team leads: what waits, what failed and why, and resend."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .models import Batch

drift_paakraevet = permission_required("indberetning.se_drift", raise_exception=True)


@login_required
@drift_paakraevet
@require_safe  # read-only: GET and HEAD
def drift(request: HttpRequest) -> HttpResponse:
    nu = timezone.now()
    afventende = {r["modtager"]: r for r in selectors.afventende_pr_modtager()}
    pr_status = selectors.batches_pr_modtager_og_status()
    modtagere = []
    for modtager in sorted(set(afventende) | set(pr_status), key=lambda m: (m != "dfdg", m)):
        a = afventende.get(modtager)
        modtagere.append(
            {
                "modtager": modtager,
                "afventer": a["antal"] if a else 0,
                "aeldste": a["aeldste"] if a else None,
                "alder": (nu - a["aeldste"]) if a else None,
                "status": [pr_status.get(modtager, {}).get(s, {}).get("batches", 0) for s in Batch.Status.values],
            }
        )
    return render(
        request,
        "indberetning/drift.html",
        {
            "modtagere": modtagere,
            "statusser": Batch.Status.choices,
            "til_opfoelgning": list(selectors.batches_til_opfoelgning()),
            "seneste": list(selectors.batches_seneste()),
            "koersler": list(selectors.koersler_seneste()),
            "kan_genudsende": {Batch.Status.AFVIST, Batch.Status.FEJLET, Batch.Status.KLAR},
        },
    )


@login_required
@drift_paakraevet
@require_POST
def batch_genudsend(request: HttpRequest, pk) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    try:
        services.batch_genudsend(batch=batch, bruger=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Batch %(id)s sendes igen med samme id.") % {"id": batch.pk})
    return redirect("indberetning:drift")
