from django.apps import AppConfig


class IndberetningConfig(AppConfig):
    name = "indberetning"
    verbose_name = "Indberetning"
