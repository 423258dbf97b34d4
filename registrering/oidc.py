"""Citizens log in with MitID through an OpenID Connect broker (off by default).

The broker's CPR claim identifies the citizen; a user is linked to the citizen's record
the first time. No record, no access: a citizen unknown to the jobcenter cannot log in.
"""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import Bruger, Person


class BorgerOIDCBackend(OIDCAuthenticationBackend):
    def _cpr(self, claims) -> str:
        # ASCII digits only: str.isdigit() accepts every Unicode digit.
        return "".join(ch for ch in str(claims.get(settings.OIDC_CPR_CLAIM, "")) if ch in "0123456789")

    def verify_claims(self, claims) -> bool:
        return len(self._cpr(claims)) == 10

    def filter_users_by_claims(self, claims):
        cpr = self._cpr(claims)
        if len(cpr) != 10:
            return Bruger.objects.none()
        return Bruger.objects.filter(person__cpr=cpr, is_active=True)

    def create_user(self, claims):
        person = Person.objects.filter(cpr=self._cpr(claims)).first()
        if person is None:
            return None
        # The username is the opaque id, never the CPR number.
        return Bruger.objects.create_user(username=f"borger-{person.pk}", person=person)

    def update_user(self, user, claims):
        return user
