"""Who calls the API: an OAuth 2.0 bearer token from the token endpoint (client credentials,
django-oauth-toolkit) of an active client. A browser session never authenticates the API:
only the ``Authorization`` header is read, and nothing here logs in or touches a session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.oauth2_validators import OAuth2Validator

from . import selectors, services
from .problemer import Problem

SCOPE = "samtaler"


class Validator(OAuth2Validator):
    """django-oauth-toolkit's validator; a revoked client gets no token."""

    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return selectors.klient_for_application(request.client.pk) is not None


class KlientToken(HttpBearer):
    """The bearer token of an active client; the call is counted against its rate limit."""

    def authenticate(self, request, token):
        gyldig, oauth_request = get_oauthlib_core().verify_request(request, scopes=[SCOPE])
        if not gyldig:
            raise Problem(
                401,
                _("Adgangstokenet mangler, er udløbet eller tilbagekaldt. Hent et nyt fra token-adressen."),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        klient = selectors.klient_for_application(oauth_request.access_token.application_id)
        if klient is None:
            raise Problem(401, _("Klienten er spærret."), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        services.kald_tael(klient=klient)
        services.sidst_brugt(klient=klient)
        return klient
