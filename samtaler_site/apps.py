"""Danish names in the admin for the two third-party apps it shows (issue 20: "Access
attempts/failures/logs", "Procrastinate jobs").

Django's documented way to rename another project's app is to subclass its ``AppConfig``
and list the subclass in ``INSTALLED_APPS``. django-axes' model names are translatable and
come from ``locale/da`` (the same catalogue translates django-simple-history's history
pages). procrastinate's models have no translatable names, so they are given here, on the
model's options only: not in ``_meta.original_attrs``, which is what migrations compare, so
no migration of procrastinate's tables follows (``makemigrations --check`` stays clean).
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django.apps import ProcrastinateConfig

PROCRASTINATE_NAVNE = {
    "ProcrastinateJob": (_("baggrundsjob"), _("baggrundsjob")),
    "ProcrastinateEvent": (_("hændelse i et baggrundsjob"), _("hændelser i baggrundsjob")),
    "ProcrastinateWorker": (_("arbejder"), _("arbejdere")),
    "ProcrastinatePeriodicDefer": (_("periodisk kørsel"), _("periodiske kørsler")),
}


class AxesDansk(AxesAppConfig):
    verbose_name = _("Login-forsøg (django-axes)")


class ProcrastinateDansk(ProcrastinateConfig):
    verbose_name = _("Baggrundsjob (procrastinate)")

    def ready(self) -> None:
        super().ready()
        for navn, (ental, flertal) in PROCRASTINATE_NAVNE.items():
            meta = self.get_model(navn)._meta
            meta.verbose_name, meta.verbose_name_plural = ental, flertal
