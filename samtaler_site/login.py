"""Logging in and out.

* :class:`LoginFormular` — Django's login form, with the username's length checked before
  authenticating. Django's AuthenticationForm sets the username's ``max_length`` only for
  the browser, so an overlong name reached ``authenticate()`` and django-axes' record of the
  failed attempt (a 255-character column): a 500. Here it is a Danish error at the field,
  and no attempt.
* :class:`LogUd` — Django's logout (POST only, so no link or image can log a person out),
  with a page for a GET: a bookmark or a typed address got an empty 405, which Chromium
  shows as an English error page while the person stays logged in (issue 20). Now a GET
  answers a Danish page whose button logs out (a POST).
"""

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LogoutView
from django.core.validators import MaxLengthValidator
from django.shortcuts import render


class LoginFormular(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        felt = self.fields["username"]
        felt.validators.append(MaxLengthValidator(felt.max_length or 150))
        self.fields["password"].validators.append(MaxLengthValidator(4096))


class LogUd(LogoutView):
    http_method_names = ["get", "head", "post", "options"]

    def get(self, request, *args, **kwargs):
        # Nothing happens on a GET: the page asks, and its button posts.
        return render(request, "registration/log_ud.html", {"logget_ind": request.user.is_authenticated})
