"""The admin's access logging (issue 15, 19, 20): the mixins for admin pages that show a
citizen's data (:class:`AdgangLogges`) and for append-only records (:class:`KunLaesning`),
used by registration's admin (``admin.py``) and reporting's (``admin_indberetning.py``)."""

from django.contrib.admin.utils import unquote
from django.utils.text import capfirst
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from . import beskyttelse, models, services


class KunLaesning:
    """Admin for append-only records (access log, report events, runs): look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


ADMIN_FORMAAL = _("Administration af systemet (Django admin)")


class AdgangLogges:
    """Admin pages that show a citizen's data write an access-log row (with purpose) for each
    citizen shown: the object's page and its history. ``adgang_personer(obj)`` names them.

    Their titles name the kind of record, never which one: a citizen's or a participant's
    name in ``<title>`` ends up in browser history and tab lists (issue 19, finding 10;
    templates/admin/base_site.html leaves the object out of every admin title)."""

    # Whether the change list shows citizens' data (then each listed citizen is logged as a
    # search hit, as the caseworker's search does).
    adgang_liste = True

    def adgang_personer(self, obj) -> list:
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        svar = super().changelist_view(request, extra_context)
        cl = (getattr(svar, "context_data", None) or {}).get("cl")
        if self.adgang_liste and request.method == "GET" and svar.status_code == 200 and cl is not None:
            personer = sorted({p for obj in cl.result_list for p in self.adgang_personer(obj)}, key=str)
            if personer:
                services.adgang_log(
                    bruger=request.user,
                    personer=personer,
                    handling=models.Adgangslog.Handling.SOEG,
                    detaljer=f"{_g('Django admin')}: {_g('liste over')} {self.model._meta.verbose_name_plural}",
                    formaal=str(ADMIN_FORMAAL),
                )
        return svar

    def _log(self, request, object_id, handling) -> None:
        obj = self.get_object(request, unquote(object_id))
        personer = self.adgang_personer(obj) if obj is not None else []
        if personer:
            detaljer = f"{_g('Django admin')}: {obj._meta.verbose_name} {obj.pk}"
            services.adgang_log(
                bruger=request.user,
                personer=personer,
                handling=handling,
                detaljer=detaljer,
                formaal=str(ADMIN_FORMAAL),
            )

    def _beskyttelse(self, request, object_id) -> None:
        """Issue 24: a page of a protected citizen's row is refused (and logged) for a user
        without ``se_beskyttede`` (registrering/beskyttelse.py)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            beskyttelse.kraev_adgang_til(bruger=request.user, person_ids=self.adgang_personer(obj), side="admin")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._beskyttelse(request, object_id)
        svar = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and svar.status_code == 200:
            self._log(request, object_id, models.Adgangslog.Handling.VIS)
        return svar

    def _titel(self, skabelon: str) -> str:
        return capfirst(skabelon % {"model": self.model._meta.verbose_name})

    def history_view_title(self, request, obj):  # simple-history's title of the history list
        return self._titel(_g("historik: %(model)s"))

    def history_form_view_title(self, request, obj):  # … and of one historical version
        return self._titel(_g("tidligere version: %(model)s"))

    def history_view(self, request, object_id, extra_context=None):
        # Django's own history page (admin log) puts the object in its title: not here.
        extra_context = {"title": self.history_view_title(request, None), **(extra_context or {})}
        self._beskyttelse(request, object_id)
        svar = super().history_view(request, object_id, extra_context)
        if request.method == "GET" and svar.status_code == 200:
            self._log(request, object_id, models.Adgangslog.Handling.HISTORIK)
        return svar
