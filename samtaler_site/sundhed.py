"""Health status for load balancers (URL name ``sundhed``): no login, no personal data.

Anyone (a load balancer) gets only the status: 200 and ``{"status": "ok"}`` when the
database answers, 503 and ``{"status": "fejl"}`` when it does not. The details, the
reporting backlog (how many report events wait for a batch and how old the oldest is) and
the codes of the operations page's warnings (``indberetning.selectors.advarsler``: a stall,
no worker seen, a refusal or a failed batch; codes only, never a citizen), are for
monitoring with the token ``SUNDHED_TOKEN`` (``Authorization: Bearer …``; every jobcentre)
or for a logged-in operator (``indberetning.se_drift``; a team lead's own jobcenter, as on
the operations page). Anonymous callers learned the national backlog and warning codes
before (issue 19, finding 12).

A reporting warning does not make the answer 503: the web node is healthy, and a load
balancer must not take it out because a receiver refuses.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from samtaler_site.fejl import DATABASEFEJL

INGEN = object()  # no details for this caller


def _token_gyldigt(request: HttpRequest) -> bool:
    forventet = getattr(settings, "SUNDHED_TOKEN", "")
    type_, _, token = request.headers.get("Authorization", "").partition(" ")
    if not forventet or type_.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode(), forventet.encode())


def _omfang(request: HttpRequest):
    """Whose details the caller may see: every jobcentre (``None``), one jobcenter's id, or
    ``INGEN``."""
    from indberetning import selectors

    if _token_gyldigt(request):
        return selectors.ALLE
    bruger = request.user
    if bruger.is_authenticated and bruger.has_perm("indberetning.se_drift"):
        return selectors.jobcenter_omfang(bruger)
    return INGEN


@never_cache
@require_safe
def sundhed(request: HttpRequest) -> JsonResponse:
    from indberetning import selectors

    try:
        omfang = _omfang(request)
        if omfang is INGEN:
            with connection.cursor() as c:
                c.execute("SELECT 1")
            return JsonResponse({"status": "ok"})
        antal, aeldste = selectors.afventende_samlet(jobcenter_id=omfang)
        advarsler = [a.kode for a in selectors.advarsler(jobcenter_id=omfang)]
    except DATABASEFEJL:
        return JsonResponse({"status": "fejl"}, status=503)
    alder = round((timezone.now() - aeldste).total_seconds()) if aeldste else 0
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "indberetning": {"afventende": antal, "aeldste_sekunder": max(alder, 0), "advarsler": advarsler},
        }
    )
