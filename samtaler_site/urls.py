from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from samtaler_site import fejl, session, sundhed
from samtaler_site.login import LoginFormular

urlpatterns = [
    # Only login and logout from django.contrib.auth: password reset and change pages are
    # not exposed (no e-mail is configured; administrators set passwords in the admin).
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginFormular), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin's own password change is not exposed either (ASVS 2.1: passwords are set by
    # an administrator in the user admin); it answers 404 and its link is gone
    # (templates/admin/base_site.html).
    path("admin/password_change/", fejl.ikke_fundet),
    path("admin/password_change/done/", fejl.ikke_fundet),
    path("admin/", admin.site.urls),
    path("sundhed/", sundhed.sundhed, name="sundhed"),
    path("session/forlaeng/", session.forlaeng, name="session-forlaeng"),
    path("", include("registrering.urls")),
    path("indberetning/", include("indberetning.urls")),
]

if settings.OIDC_AKTIV:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# Every failure a person meets is Danish, in the site's frame (samtaler_site/fejl.py).
handler400 = "samtaler_site.fejl.ugyldig_forespoergsel"
handler403 = "samtaler_site.fejl.ingen_adgang"
handler404 = "samtaler_site.fejl.ikke_fundet"
handler500 = "samtaler_site.fejl.serverfejl"
