"""Password login is refused, before the password is looked at, for an account that must
sign in elsewhere (``services.kodeord_tilladt``): staff once the municipality's sign-in is
configured in production (break-glass accounts excepted), citizens once MitID is.

Raising ``PermissionDenied`` stops Django's ``authenticate()`` at this backend: the person
sees the ordinary "wrong username or password" (nothing tells whether the password was
right), and django-axes counts the attempt like any other failure.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from . import services


class Kodeordspolitik:
    # No get_user or has_perm: this backend never holds a session (Client.force_login and
    # django.contrib.auth take the first backend with get_user) nor grants anything.

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username:
            return None
        bruger = get_user_model()._default_manager.filter(username=username).first()
        if bruger is not None and not services.kodeord_tilladt(bruger):
            raise PermissionDenied
        return None
