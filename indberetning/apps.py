from django.apps import AppConfig
from django.core import checks


class IndberetningConfig(AppConfig):
    name = "indberetning"
    verbose_name = "Indberetning"

    def ready(self):
        checks.register(dfdg_adresse_tjek)


def dfdg_adresse_tjek(app_configs=None, **kwargs):
    """``INDBERETNING_DFDG_URL`` must be HTTPS (loopback excepted): refuse to start otherwise."""
    from django.conf import settings

    from .transport import adresse_fejl

    fejl = adresse_fejl(settings.INDBERETNING_DFDG_URL)
    if fejl:
        return [
            checks.Error(
                f"INDBERETNING_DFDG_URL: {fejl}",
                hint="Sæt INDBERETNING_DFDG_URL til en https://-adresse.",
                id="indberetning.E001",
            )
        ]
    return []
