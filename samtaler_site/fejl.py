"""Every failure a person meets is a Danish page in the site's frame (``lang="da"``, the
menu, a way back): 400, 403, 404, 500, 503, the CSRF failure and the login lockout (429).

500 and 503 are rendered without the request, so no context processor touches the
database (the database may be what failed). A database that does not answer
(``OperationalError``/``InterfaceError`` anywhere in a request, in a view or a
middleware) is a 503 "try again shortly", not a 500: Django calls ``handler500`` inside
the ``except`` block, so ``sys.exc_info()`` names the cause.
"""

from __future__ import annotations

import logging
import math
import sys

import psycopg
from django import db
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

DATABASEFEJL = (db.OperationalError, db.InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
PROEV_IGEN_SEKUNDER = 30


def _side(request: HttpRequest | None, skabelon: str, status: int, context: dict | None = None) -> HttpResponse:
    """The page with the user's menu when the request can be rendered; the bare frame
    otherwise (a broken session or database must not turn a 4xx into a 500)."""
    if request is not None:
        try:
            return render(request, skabelon, context or {}, status=status)
        except Exception:  # noqa: BLE001 - the error page itself must not fail
            log.warning("Fejlsiden %s kunne ikke vises med brugerens menu", skabelon, exc_info=True)
    return HttpResponse(render_to_string(skabelon, context or {}), status=status)


def ugyldig_forespoergsel(request: HttpRequest, exception=None) -> HttpResponse:
    return _side(request, "400.html", 400)


def ingen_adgang(request: HttpRequest, exception=None) -> HttpResponse:
    return _side(request, "403.html", 403)


def ikke_fundet(request: HttpRequest, exception=None) -> HttpResponse:
    return _side(request, "404.html", 404)


def database_utilgaengelig(request: HttpRequest | None) -> HttpResponse:
    ikke_gemt = request is not None and request.method not in ("GET", "HEAD", "OPTIONS")
    svar = _side(None, "503.html", 503, {"ikke_gemt": ikke_gemt})
    svar["Retry-After"] = str(PROEV_IGEN_SEKUNDER)
    return svar


def serverfejl(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASEFEJL):
        return database_utilgaengelig(request)
    return _side(None, "500.html", 500)


def csrf_fejl(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _side(request, "403_csrf.html", 403)


def laast_ude(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout (AXES_LOCKOUT_CALLABLE): Danish, with how long to wait."""
    from axes.helpers import get_cool_off

    ventetid = get_cool_off(request)
    minutter = max(1, math.ceil(ventetid.total_seconds() / 60)) if ventetid else None
    return _side(request, "429.html", 429, {"minutter": minutter})
