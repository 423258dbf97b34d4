"""The idle session keeps the caseworker's work (issue 18.1).

A conversation with a citizen often takes longer than the idle limit
(``SESSION_INAKTIV_MINUTTER``), and typing sends no request. So:

* :func:`kontekst` (a template context processor) gives every page the limits, and
  ``static/js/app.js`` opens an accessible Danish dialog (``#session-dialog``,
  ``role="alertdialog"``) ``SESSION_ADVARSEL_SEKUNDER`` before the idle limit, with
  "Forlæng", which posts to :func:`forlaeng`: that request renews the idle clock
  (``SessionTidsgraenser``'s ``_sidst_aktiv``). The absolute limit (``SESSION_COOKIE_AGE``
  after login) is not extended.
* What was typed survives an expiry anyway: app.js keeps a form marked ``data-bevar`` in
  the tab's ``sessionStorage`` when it is submitted (per path and the form's hidden
  ``formularnoegle``), and puts it back after the next login. The key is cleared once the
  server has accepted that form: :class:`ModtagetMiddleware` notes the key of a post
  answered with a redirect (not to the login page) in a short-lived signed cookie
  (``MODTAGET_COOKIE``, not the session: no session write for it, issue 25), and the next
  HTML page names it (``<meta name="formular-modtaget">``) and deletes the cookie.
* :func:`marker_udloebet` (called by :class:`ModtagetMiddleware`): the redirect to the login
  page of a request whose session has just expired says so (``udloebet=1``, or ``udloebet=post`` when a form was sent), and the
  login page says in Danish that the session ended and, where app.js has kept it, that the
  input is kept.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import resolve_url
from django.views.decorators.http import require_POST

from samtaler_site.sikkerhed import LOGGET_IND, SIDST_AKTIV

FORMULARNOEGLE = "formularnoegle"
# The keys of accepted forms travel from the post's redirect to the next page in a signed
# cookie (issue 25: the session table is not written for them). Signed with its own salt, so
# a forged or altered cookie, or one older than MODTAGET_LEVETID seconds, is ignored.
MODTAGET_COOKIE = "formularer_modtaget"
MODTAGET_SALT = "samtaler_site.session.modtaget"
MODTAGET_LEVETID = 5 * 60
MODTAGET_HOEJST = 10  # the last ten keys: more accepted posts without a page between are not likely


def _modtagne(request: HttpRequest) -> list[str]:
    """The keys in the request's cookie; none when it is missing, forged, altered or old."""
    raa = request.get_signed_cookie(MODTAGET_COOKIE, default="", salt=MODTAGET_SALT, max_age=MODTAGET_LEVETID)
    noegler = []
    for n in raa.split(" ")[-MODTAGET_HOEJST:]:
        try:
            noegler.append(str(uuid.UUID(n)))
        except ValueError:
            continue
    return noegler


class _Modtaget:
    """The context's ``formularer_modtaget``: read when the page names it (base.html), not
    when a fragment without it is rendered, and never in an htmx answer (its head is not
    swapped in, so app.js would not see it): an htmx swap does not use up the keys.
    :class:`ModtagetMiddleware` then deletes the cookie on that response."""

    def __init__(self, request: HttpRequest):
        self.request = request

    def __call__(self) -> str:
        request = self.request
        if request.headers.get("HX-Request") == "true":
            return ""
        if not hasattr(request, "_formularer_modtaget"):
            request._formularer_modtaget = _modtagne(request)
        return " ".join(request._formularer_modtaget)


def kontekst(request: HttpRequest) -> dict:
    """The idle and absolute limits for the page's timer, in seconds; a fresh key for each
    kept form on the page; the keys of forms the server has just accepted (read once)."""
    ud = {"session_inaktiv_minutter": settings.SESSION_INAKTIV_MINUTTER, "formularnoegle": uuid.uuid4}
    bruger = getattr(request, "user", None)
    if bruger is None or not bruger.is_authenticated:
        return ud
    session = request.session
    logget_ind = session.get(LOGGET_IND) or time.time()
    ud["session_graenser"] = {
        "inaktiv": settings.SESSION_INAKTIV_MINUTTER * 60,
        "advarsel": min(settings.SESSION_ADVARSEL_SEKUNDER, settings.SESSION_INAKTIV_MINUTTER * 60),
        "absolut": max(int(settings.SESSION_COOKIE_AGE - (time.time() - logget_ind)), 0),
    }
    if MODTAGET_COOKIE in request.COOKIES:
        ud["formularer_modtaget"] = _Modtaget(request)
    return ud


@require_POST
def forlaeng(request: HttpRequest) -> JsonResponse:
    """ "Forlæng": the idle clock starts again now. 401 when the session has already ended
    (SessionTidsgraenser has logged it out before this view runs)."""
    if not request.user.is_authenticated:
        return JsonResponse({"udloebet": True}, status=401)
    request.session[SIDST_AKTIV] = time.time()
    return JsonResponse({"udloeber_om": settings.SESSION_INAKTIV_MINUTTER * 60})


def marker_udloebet(request: HttpRequest, svar) -> None:
    """A redirect to the login page because the session just expired carries ``udloebet``
    (``post`` when the request sent a form), for the login page's message."""
    login = resolve_url(settings.LOGIN_URL)
    for header in ("Location", "HX-Redirect"):
        adresse = svar.get(header, "")
        if adresse.startswith(login):
            dele = urlsplit(adresse)
            parametre = [(k, v) for k, v in parse_qsl(dele.query) if k != "udloebet"]
            parametre.append(("udloebet", "post" if request.method == "POST" else "1"))
            svar[header] = urlunsplit(dele._replace(query=urlencode(parametre)))


class ModtagetMiddleware:
    """Placed just inside ``SessionTidsgraenser``. A kept form's key (``formularnoegle``)
    whose post the server answered with a redirect elsewhere than the login page was
    accepted: it goes into the signed cookie ``MODTAGET_COOKIE`` (HttpOnly, SameSite=Lax,
    five minutes), and the next page that names it tells app.js to drop the form and
    deletes the cookie. A post answered with an error page, or sent to the login page,
    marks nothing. And a request whose session SessionTidsgraenser has just ended
    (``request.session_udloebet``) is sent to a login page that says so
    (:func:`marker_udloebet`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        svar = self.get_response(request)
        if getattr(request, "session_udloebet", False):
            marker_udloebet(request, svar)
        vist = getattr(request, "_formularer_modtaget", None) is not None
        noegle = _accepteret_noegle(request, svar)
        if noegle is not None:
            tidligere = [] if vist else _modtagne(request)
            svar.set_signed_cookie(
                MODTAGET_COOKIE,
                " ".join([*tidligere[-(MODTAGET_HOEJST - 1) :], noegle]),
                salt=MODTAGET_SALT,
                max_age=MODTAGET_LEVETID,
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif vist:
            svar.delete_cookie(MODTAGET_COOKIE, path="/", samesite="Lax")
        return svar


def _accepteret_noegle(request: HttpRequest, svar) -> str | None:
    """The kept form's key when the server accepted its post: a logged-in user's POST
    answered with a redirect elsewhere than the login page. None otherwise."""
    if not (
        request.method == "POST"
        and svar.status_code in (301, 302, 303)
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
        and not svar.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
    ):
        return None
    try:
        return str(uuid.UUID(request.POST.get(FORMULARNOEGLE, "")))
    except ValueError:
        return None
