from django.apps import AppConfig
from django.core import checks


class IdentitetConfig(AppConfig):
    name = "identitet"
    verbose_name = "Log ind (kommunens konto og MitID)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        checks.register(oidc_tjek)
        user_logged_in.connect(ved_login, dispatch_uid="identitet.noedadgang")


def oidc_tjek(app_configs=None, **kwargs):
    """Each configured provider has a client id and an https:// issuer (loopback excepted):
    refuse to start otherwise, as for the reporting endpoints."""
    from .klienter import UDBYDERE, konfigurationsfejl

    return [
        checks.Error(f"OIDC_{navn.upper()}: {fejl}", hint="Se docs/sikkerhed.md om log ind.", id="identitet.E001")
        for navn in UDBYDERE
        if (fejl := konfigurationsfejl(navn))
    ]


def ved_login(sender, request, user, **kwargs):
    """Every password login of a break-glass account is recorded, whichever page it came
    through (the login page or the admin's): a signal, because Django's own login views
    are the callers. Sign-ins through a provider mark the user (views.retur)."""
    if getattr(user, "identitet_sso", False):
        return
    from samtaler_site.sikkerhed import klient_ip

    from .services import er_noedadgang, noedadgang_login_registrer

    if er_noedadgang(user):
        noedadgang_login_registrer(bruger=user, ip=klient_ip(request) if request is not None else None)
