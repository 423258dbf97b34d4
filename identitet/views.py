"""Sign-in through the municipality (staff) and MitID (citizens), the login page, logout.

``log_ind`` sends the browser to the provider; ``retur`` takes its answer (klienter checks
it), makes or updates the user (services) and logs them in, or shows a Danish page saying
why not, with no session. ``log_ud`` ends the session here and, where the provider has an
``end_session_endpoint``, there too; both roads end on ``logget_ud``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from . import klienter, services
from .afvisning import Afvisning

log = logging.getLogger(__name__)

SESSION_OIDC = "identitet_oidc"
SESSION_NAESTE = "identitet_naeste"
BACKEND = "registrering.auth.Brugerbackend"  # its get_user ends the session of a deactivated user


def _naeste(request: HttpRequest) -> str | None:
    naeste = request.GET.get("next", "")
    sikker = url_has_allowed_host_and_scheme(naeste, {request.get_host()}, require_https=request.is_secure())
    return naeste if naeste and sikker else None


def _afvist(request: HttpRequest, udbyder: str, afvisning: Afvisning) -> HttpResponse:
    log.warning("Log ind via %s afvist: %s (%s)", udbyder, afvisning.aarsag, afvisning.detalje)
    kontekst = {"aarsag": afvisning.aarsag, "udbyder": udbyder}
    return render(request, "identitet/afvist.html", kontekst, status=afvisning.status)


@require_safe
def log_ind(request: HttpRequest, udbyder: str) -> HttpResponse:
    retur = request.build_absolute_uri(reverse("identitet:retur", kwargs={"udbyder": udbyder}))
    try:
        svar = klienter.til_udbyder(request, udbyder, redirect_uri=retur)
    except klienter.IkkeKonfigureret:
        raise Http404 from None
    except Afvisning as afvisning:
        return _afvist(request, udbyder, afvisning)
    request.session[SESSION_NAESTE] = _naeste(request)
    return svar


@require_safe
def retur(request: HttpRequest, udbyder: str) -> HttpResponse:
    try:
        claims, id_token, udsteder = klienter.modtag_svar(request, udbyder)
        if udbyder == "medarbejder":
            bruger = services.medarbejder_log_ind(udsteder=udsteder, claims=claims)
        else:
            bruger = services.borger_log_ind(claims=claims)
    except klienter.IkkeKonfigureret:
        raise Http404 from None
    except Afvisning as afvisning:
        return _afvist(request, udbyder, afvisning)
    naeste = request.session.pop(SESSION_NAESTE, None)
    bruger.identitet_sso = True  # not a password login (see apps.ved_login)
    login(request, bruger, backend=BACKEND)
    request.session[SESSION_OIDC] = {"udbyder": udbyder, "id_token": id_token}
    return redirect(naeste or settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "HEAD", "POST"])
def log_ud(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # A bookmark or a typed address (issue 20): nothing happens on a GET; the Danish
        # page asks, and its button logs out with a POST.
        return render(request, "registration/log_ud.html", {"logget_ind": request.user.is_authenticated})
    oidc = request.session.get(SESSION_OIDC)
    logout(request)
    tilbage = request.build_absolute_uri(reverse("identitet:logget-ud"))
    udlogning = klienter.udlogning(oidc, post_logout_redirect_uri=tilbage)
    if udlogning is None:
        return redirect("identitet:logget-ud")
    svar = render(request, "identitet/log_ud_udbyder.html", {"udlogning": udlogning})
    # The form posts to the provider: CSP's form-action allows that origin on this page only.
    svar._csp_update = {"form-action": [udlogning.oprindelse]}
    return svar


@require_safe
def logget_ud(request: HttpRequest) -> HttpResponse:
    return render(request, "identitet/logget_ud.html", {"udbydere": _udbydere()})


def _udbydere() -> dict[str, bool]:
    return {navn: klienter.konfigureret(navn) for navn in klienter.UDBYDERE}


class LoginSide(LoginView):
    """Django's login page with the sign-in links of the configured providers above the
    password form (which stays: break-glass accounts, and the demo users locally)."""

    def get_context_data(self, **kwargs):
        kontekst = super().get_context_data(**kwargs)
        kontekst["udbydere"] = _udbydere()
        kontekst["kun_noedadgang"] = settings.KODEORD_KUN_NOEDADGANG and kontekst["udbydere"]["medarbejder"]
        return kontekst
