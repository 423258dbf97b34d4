"""Health status for load balancers (URL name ``sundhed``): no login, no personal data.

200 and a small JSON body when the database answers, with the reporting backlog (how many
report events wait for a batch and how old the oldest is) and the codes of the operations
page's warnings (``indberetning.selectors.advarsler``: a stall, no worker seen, a refusal or
a failed batch; codes only, never a citizen); 503 and JSON when it does not. A reporting
warning does not make the answer 503: the web node is healthy, and a load balancer must not
take it out because a receiver refuses.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from samtaler_site.fejl import DATABASEFEJL


@never_cache
@require_safe
def sundhed(request: HttpRequest) -> JsonResponse:
    from indberetning import selectors

    try:
        antal, aeldste = selectors.afventende_samlet()
        advarsler = [a.kode for a in selectors.advarsler()]
    except DATABASEFEJL:
        return JsonResponse({"status": "fejl", "database": "svarer ikke"}, status=503)
    alder = round((timezone.now() - aeldste).total_seconds()) if aeldste else 0
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "indberetning": {"afventende": antal, "aeldste_sekunder": max(alder, 0), "advarsler": advarsler},
        }
    )
