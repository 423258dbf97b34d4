from django.contrib import admin
from django.urls import include, path

from identitet.views import LoginSide, log_ud
from samtaler_site import fejl, session, sundhed
from samtaler_site.login import LoginFormular

urlpatterns = [
    # Only login and logout: password reset and change pages are not exposed (no e-mail is
    # configured; administrators set passwords in the admin). The login page adds the
    # municipality's and MitID's sign-in; logout ends the provider's session too (identitet/);
    # a GET of the logout address answers a Danish page whose button logs out (a POST).
    path("accounts/login/", LoginSide.as_view(authentication_form=LoginFormular), name="login"),
    path("accounts/logout/", log_ud, name="logout"),
    path("accounts/", include("identitet.urls")),
    # The admin's own password change is not exposed either (ASVS 2.1: passwords are set by
    # an administrator in the user admin); it answers 404 and its link is gone
    # (templates/admin/base_site.html).
    path("admin/password_change/", fejl.ikke_fundet),
    path("admin/password_change/done/", fejl.ikke_fundet),
    path("admin/", admin.site.urls),
    # The integration API (issue 22; docs/api.md): /api/v1/openapi.json, /api/v1/token …
    path("api/", include("api.urls")),
    path("sundhed/", sundhed.sundhed, name="sundhed"),
    path("session/forlaeng/", session.forlaeng, name="session-forlaeng"),
    path("", include("registrering.urls")),
    path("indberetning/", include("indberetning.urls")),
]

# Every failure a person meets is Danish, in the site's frame (samtaler_site/fejl.py).
handler400 = "samtaler_site.fejl.ugyldig_forespoergsel"
handler403 = "samtaler_site.fejl.ingen_adgang"
handler404 = "samtaler_site.fejl.ikke_fundet"
handler500 = "samtaler_site.fejl.serverfejl"
