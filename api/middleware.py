"""``X-Request-ID`` on every answer of the API (CONTRACT.md "Integration API"): the caller's
id when it is a UUID, else a new one; kept for the call's access-log rows
(:mod:`samtaler_site.forespoergsel`)."""

from __future__ import annotations

import uuid

from samtaler_site import forespoergsel

API_STI = "/api/"
HEADER = "X-Request-ID"


def _id(vaerdi: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(vaerdi or "")
    except ValueError:
        return uuid.uuid4()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_STI):
            return self.get_response(request)
        request.request_id = _id(request.headers.get(HEADER))
        token = forespoergsel.saet(request.request_id)
        try:
            svar = self.get_response(request)
        finally:
            forespoergsel.nulstil(token)
        svar[HEADER] = str(request.request_id)
        return svar
