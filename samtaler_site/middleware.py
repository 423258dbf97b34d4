"""An htmx request from an expired session must not swap the login page into the form.

Django's ``login_required`` answers with a redirect, which htmx follows and swaps in,
wiping what the caseworker typed. For htmx requests the redirect to the login page
becomes an ``HX-Redirect`` header, so the browser goes to the login page as a whole.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true" and response.status_code in (301, 302):
            login = resolve_url(settings.LOGIN_URL)
            if response.get("Location", "").startswith(login):
                svar = HttpResponse(status=204)
                svar["HX-Redirect"] = response["Location"]
                return svar
        return response


class UgyldigInputMiddleware:
    """Malformed input is answered 400 with the Danish error page before any view runs.

    A NUL character cannot be stored in PostgreSQL text (a query with one fails with a
    DataError, a 500), and no form here has a use for it or for a value longer than
    ``MAKS_LAENGDE``; both are refused for every query parameter, form field (names too),
    cookie and the path, so no view needs to guard against them.
    """

    MAKS_LAENGDE = 20_000  # far above every field (free texts allow 4,000 characters)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._ugyldig(request):
            from samtaler_site.fejl import ugyldig_forespoergsel

            return ugyldig_forespoergsel(request)
        return self.get_response(request)

    def _ugyldig(self, request) -> bool:
        if "\x00" in request.path:
            return True
        kilder = [request.GET, request.COOKIES]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            kilder.append(request.POST)
        for kilde in kilder:
            for key, vaerdier in kilde.lists() if hasattr(kilde, "lists") else ((k, [v]) for k, v in kilde.items()):
                for vaerdi in (key, *vaerdier):
                    if isinstance(vaerdi, str) and ("\x00" in vaerdi or len(vaerdi) > self.MAKS_LAENGDE):
                        return True
        return False
