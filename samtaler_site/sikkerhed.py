"""Sessions, caching and login throttling (OWASP ASVS 2.2, 3.3, 8.2).

* :func:`klient_ip` — the client's address: ``REMOTE_ADDR``, or the address the trusted
  proxy saw (``X-Forwarded-For``) when, and only when, the request comes from a proxy in
  ``TRUSTED_PROXIES``. Otherwise anybody could choose their own address per attempt, and
  behind the proxy every client would share one address. django-axes uses it
  (``AXES_CLIENT_IP_CALLABLE``), so its per-user lockout (username *and* address) locks
  out the attacker's address, not the user everywhere.
* :func:`brugernavn_normaliseret` — the username as Django authenticates it: the login
  form's ``UsernameField`` (surrounding whitespace stripped, then Unicode NFKC) and the
  backend's exact, case-sensitive match. ``offer2 `` and ``ｏffer2`` log in as ``offer2``, so
  they are counted as ``offer2`` too, by this throttle and by django-axes
  (``AXES_USERNAME_CALLABLE``); ``Offer2`` is another user (or none), as at login.
* :class:`LoginDroesling` — growing delays, never a lockout for everyone (ASVS 2.2.1).
  Failed logins are django-axes' failure log (``AccessFailureLog``, shared by every worker
  process), counted within ``AXES_COOLOFF_TIME`` by three counters:

  - per address (any username): beyond ``LOGIN_FRIE_FEJL_PR_IP`` failures, each attempt from
    that address waits 1, 2, 4 … seconds after its last failure (credential spraying);
  - per username *and* address: django-axes locks the pair after ``AXES_FAILURE_LIMIT``
    failures (the attacker's address, not the user's);
  - per username (any address): beyond ``LOGIN_FRIE_FEJL_PR_BRUGER`` failures, each attempt
    waits 1, 2, 4 … seconds (at most ``LOGIN_MAKS_VENTETID``) after the last failure, so
    guessing from many addresses stays slow (under 100 failures an hour) — except from an
    address the user logged in from within ``LOGIN_KENDT_ADRESSE_DAGE`` days (axes'
    ``AccessLog``): the user's own, clean address is not held back by failures elsewhere,
    and keeps only its own two counters.

  An attempt too early gets 429 with ``Retry-After``; it is not a failure and extends nothing.
* :class:`SessionTidsgraenser` — a session ends after ``SESSION_INAKTIV_MINUTTER``
  without a request (idle timeout) and ``SESSION_COOKIE_AGE`` after login (absolute),
  whichever comes first. Django's session expiry alone slides with every save.
* :class:`IngenCache` — every response to a logged-in user is ``Cache-Control: no-store``:
  pages and exports with personal data are not kept by browsers or proxies.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import math
import time

from django.conf import settings
from django.contrib.auth import logout
from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

# --- the client's address ---------------------------------------------------------------------


@functools.cache
def _proxynet(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _betroet(adresse: str) -> bool:
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return False
    return any(ip in net for net in _proxynet(tuple(settings.TRUSTED_PROXIES)))


def klient_ip(request) -> str:
    """The address the login throttling counts (see the module's docstring).

    From a trusted proxy, the rightmost ``X-Forwarded-For`` entry that is not itself a
    trusted proxy: entries to its left were written by the client and prove nothing.
    """
    fjern = request.META.get("REMOTE_ADDR", "")
    if not _betroet(fjern):
        return fjern
    kaede = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for adresse in reversed(kaede):
        if _betroet(adresse):
            continue
        try:
            return str(ipaddress.ip_address(adresse))
        except ValueError:
            return fjern
    return fjern


# --- login throttling -------------------------------------------------------------------------


@functools.cache
def _brugernavnfelt():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.forms import UsernameField

    model = get_user_model()
    # The login form's field, with the length the form gives it (AuthenticationForm).
    return UsernameField(max_length=model._meta.get_field(model.USERNAME_FIELD).max_length or 254)


def brugernavn_normaliseret(raa) -> str:
    """The name ``authenticate()`` looks up for what was typed (see the module's docstring)."""
    if not isinstance(raa, str):
        return ""
    return _brugernavnfelt().to_python(raa)


def axes_brugernavn(request, credentials=None) -> str:
    """django-axes' ``AXES_USERNAME_CALLABLE``: its lockouts and logs count the same name."""
    if credentials:
        return brugernavn_normaliseret(credentials.get("username"))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return brugernavn_normaliseret(data.get("username", ""))


def ventetid(*, fejl: int, frie: int) -> float:
    """Seconds an attempt must wait after the last failure: 0 up to ``frie`` failures, then
    1, 2, 4 … capped at ``LOGIN_MAKS_VENTETID``."""
    if fejl < frie:
        return 0.0
    return float(min(2 ** min(fejl - frie, 30), settings.LOGIN_MAKS_VENTETID))


def _login_stier() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


def _tilbage(*, fejl: int, sidst, frie: int, nu) -> float:
    if sidst is None:
        return 0.0
    return (sidst + datetime.timedelta(seconds=ventetid(fejl=fejl, frie=frie)) - nu).total_seconds()


def kendt_adresse(*, brugernavn: str, ip: str, nu) -> bool:
    """Has ``brugernavn`` logged in from ``ip`` within ``LOGIN_KENDT_ADRESSE_DAGE`` days?"""
    from axes.models import AccessLog

    siden = nu - datetime.timedelta(days=settings.LOGIN_KENDT_ADRESSE_DAGE)
    return AccessLog.objects.filter(username=brugernavn, ip_address=ip, attempt_time__gte=siden).exists()


def login_ventetid(*, ip: str, brugernavn: str) -> float:
    """Seconds the next login attempt from ``ip`` for ``brugernavn`` (normalised) must wait."""
    from axes.models import AccessFailureLog

    nu = timezone.now()
    vindue = nu - settings.AXES_COOLOFF_TIME
    # One query on axes' indexes (address, username) for both counters.
    tal = AccessFailureLog.objects.filter(
        Q(ip_address=ip) | Q(username=brugernavn), attempt_time__gte=vindue
    ).aggregate(
        ip_fejl=Count("id", filter=Q(ip_address=ip)),
        ip_sidst=Max("attempt_time", filter=Q(ip_address=ip)),
        bruger_fejl=Count("id", filter=Q(username=brugernavn)),
        bruger_sidst=Max("attempt_time", filter=Q(username=brugernavn)),
    )
    vent = _tilbage(fejl=tal["ip_fejl"], sidst=tal["ip_sidst"], frie=settings.LOGIN_FRIE_FEJL_PR_IP, nu=nu)
    bruger = _tilbage(
        fejl=tal["bruger_fejl"], sidst=tal["bruger_sidst"], frie=settings.LOGIN_FRIE_FEJL_PR_BRUGER, nu=nu
    )
    if bruger > vent and not kendt_adresse(brugernavn=brugernavn, ip=ip, nu=nu):
        vent = bruger
    return max(vent, 0.0)


class LoginDroesling:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and settings.AXES_ENABLED and request.path in _login_stier():
            vent = login_ventetid(
                ip=klient_ip(request), brugernavn=brugernavn_normaliseret(request.POST.get("username", ""))
            )
            if vent > 0:
                svar = render(request, "registration/login_vent.html", {"sekunder": math.ceil(vent)}, status=429)
                svar["Retry-After"] = str(math.ceil(vent))
                return svar
        return self.get_response(request)


# --- sessions and caching ---------------------------------------------------------------------

SIDST_AKTIV = "_sidst_aktiv"
LOGGET_IND = "_logget_ind"
# The idle clock is written to the session at most this often (each write is an UPDATE).
SKRIV_HVERT = 60


def ved_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: both clocks start at login (also for ``Client.force_login``), so
    the first pages after it write nothing to the session."""
    if request is not None and hasattr(request, "session"):
        nu = time.time()
        request.session[LOGGET_IND] = nu
        request.session[SIDST_AKTIV] = nu


class SessionTidsgraenser:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            nu = time.time()
            session = request.session
            sidst = session.get(SIDST_AKTIV)
            logget_ind = session.setdefault(LOGGET_IND, nu)
            if (
                sidst is not None and nu - sidst > settings.SESSION_INAKTIV_MINUTTER * 60
            ) or nu - logget_ind > settings.SESSION_COOKIE_AGE:
                # The view then sees an anonymous user: login_required sends to the login page,
                # which then says why (samtaler_site/session.py, issue 18).
                logout(request)
                request.session_udloebet = True
            elif sidst is None or nu - sidst >= SKRIV_HVERT:
                session[SIDST_AKTIV] = nu
        return self.get_response(request)


class IngenCache:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
