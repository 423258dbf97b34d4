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
from django.views.decorators.http import require_POST, require_safe

from . import levering, selectors
from .models import Batch

drift_paakraevet = permission_required("indberetning.se_drift", raise_exception=True)


@login_required
@drift_paakraevet
@require_safe  # read-only: GET and HEAD
def drift(request: HttpRequest) -> HttpResponse:
    jc = selectors.jobcenter_omfang(request.user)
    nu = timezone.now()
    return render(
        request,
        "indberetning/drift.html",
        {
            "advarsler": selectors.advarsler(jobcenter_id=jc, nu=nu),
            "alle_jobcentre": jc is None,
            "modtagere": selectors.modtagere_oversigt(jobcenter_id=jc, nu=nu),
            "statusser": selectors.VIST_STATUS,
            "status_dage": selectors.STATUS_DAGE,
            "til_opfoelgning": selectors.batches_til_opfoelgning(jobcenter_id=jc),
            "seneste": selectors.batches_seneste(jobcenter_id=jc),
            "koersler": selectors.koersler_seneste(jobcenter_id=jc),
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
