"""Baselines for the web benchmark: what Django itself costs, without the app.

* :func:`bar_indsaettelse` — the same rows a registration writes at its core (one Samtale
  and two Deltager) in one transaction, from a plain POST: no form, no rule table, no row
  lock, no history, no outbox, no access log. The floor for "register".
* :func:`triviel_laesning` — one indexed read of one citizen, a few bytes of text. The
  floor for "open a citizen".

Both sit behind the same middleware and login as the app (session, CSRF, auth), so the
difference to the app's pages is the app's own work.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from registrering.models import Deltagelsesform, Deltager, Deltagerrolle, Person, Samtale, Samtaleform, Samtaletype

_koder: dict = {}


def _kode(model, kode):
    noegle = (model, kode)
    if noegle not in _koder:
        _koder[noegle] = model.objects.get(kode=kode).pk
    return _koder[noegle]


@login_required
@require_POST
def bar_indsaettelse(request):
    person = request.POST["person"]
    dato = datetime.date.fromisoformat(request.POST["dato"])
    try:
        with transaction.atomic():
            # bulk_create: no signals, so no history rows (that is the point of the floor).
            (samtale,) = Samtale.objects.bulk_create(
                [
                    Samtale(
                        person_id=person,
                        dato=dato,
                        samtaletype_id=_kode(Samtaletype, "12"),
                        samtaleform_id=_kode(Samtaleform, "1"),
                        praktiske_aftaler=request.POST.get("praktiske_aftaler", ""),
                        jobcenter_id=request.user.jobcenter_id,
                        kontaktgruppe_id=int(request.POST["kontaktgruppe"]),
                        registreret_af=request.user,
                    )
                ]
            )
            Deltager.objects.bulk_create(
                [
                    Deltager(
                        samtale=samtale,
                        navn=request.POST.get(f"navn{i}", "x"),
                        rolle_id=_kode(Deltagerrolle, "mentor"),
                        deltagelsesform_id=_kode(Deltagelsesform, "1"),
                    )
                    for i in range(2)
                ]
            )
    except IntegrityError:
        return HttpResponse("findes", status=409)
    return HttpResponse(str(samtale.pk), status=201)


@login_required
def triviel_laesning(request, pk):
    person = get_object_or_404(Person.objects.only("navn"), pk=pk)
    return HttpResponse(person.navn, content_type="text/plain; charset=utf-8")
