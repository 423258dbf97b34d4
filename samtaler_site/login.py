"""Logging in and out.

* :class:`LoginFormular` — Django's login form, with the username's length checked before
  authenticating. Django's AuthenticationForm sets the username's ``max_length`` only for
  the browser, so an overlong name reached ``authenticate()`` and django-axes' record of the
  failed attempt (a 255-character column): a 500. Here it is a Danish error at the field,
  and no attempt.
* Logging out is ``identitet.views.log_ud``: a POST ends the session (and the provider's);
  a GET (a bookmark) answers a Danish page whose button logs out (issue 20).
"""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginFormular(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        felt = self.fields["username"]
        felt.validators.append(MaxLengthValidator(felt.max_length or 150))
        self.fields["password"].validators.append(MaxLengthValidator(4096))
