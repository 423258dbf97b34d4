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
