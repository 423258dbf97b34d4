from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("registrering.urls")),
    path("indberetning/", include("indberetning.urls")),
]

if settings.OIDC_AKTIV:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
