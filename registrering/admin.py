"""The Django admin: code lists, the rule table, users, jobcentre and a-kasser are edited
here; citizens and everything registered about them are only *shown* (view and history):
they change through the services, as the caseworker's pages change them (issue 11, 15).
Every admin page that shows a citizen's data writes an access-log row with its purpose."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import admin_indberetning, beskyttelse, models, services  # noqa: F401 (admin_indberetning: reporting's pages)
from .admin_adgang import ADMIN_FORMAAL, AdgangLogges, KunLaesning  # noqa: F401

# The admin's own names, in Danish (issue 20): "Samtaleregistrering – administration", not
# Django's "Django administration".
admin.site.site_header = _("Samtaleregistrering – administration")
admin.site.site_title = _("Samtaleregistrering – administration")
admin.site.index_title = _("Administration")


class KunVisning(KunLaesning, AdgangLogges):
    """Registered data: view and history only. Corrections, cancellations and citizens'
    master data go through the services (the caseworker's pages), never the admin."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a posted historical version ("revert") for anyone who may
        # *view* the history: refuse the write here.
        if request.method != "GET":
            raise PermissionDenied
        self._beskyttelse(request, object_id)
        svar = super().history_form_view(request, object_id, version_id, extra_context)
        if svar.status_code == 200:
            self._log(request, object_id, models.Adgangslog.Handling.HISTORIK)
        return svar


class KodeAdmin(SimpleHistoryAdmin):
    list_display = ("kode", "navn", "gyldig_fra", "gyldig_til", "sortering")
    list_filter = ("gyldig_til",)
    search_fields = ("kode", "navn")


for model in models.KODELISTER:
    admin.site.register(model, KodeAdmin)


@admin.register(models.Akasse)
class AkasseAdmin(KodeAdmin):
    list_display = ("kode", "navn", "gyldig_fra", "gyldig_til", "endpoint_url")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "endpoint_url" in form.base_fields:
            # The real folder (the admin shows help texts as HTML: no "<kode>" placeholder).
            form.base_fields["endpoint_url"].help_text = format_html(
                _g("Tom: indberetninger lægges i a-kassens drop-mappe, {mappe} under INDBERETNING_DIR ({rod})."),
                mappe=obj.drop_mappe,
                rod=settings.INDBERETNING_DIR,
            )
        return form


@admin.register(models.Jobcenter)
class JobcenterAdmin(SimpleHistoryAdmin):
    list_display = ("kode", "navn")
    search_fields = ("kode", "navn")


class GyldighedAdmin(SimpleHistoryAdmin):
    list_filter = ("gyldig_til",)
    date_hierarchy = "gyldig_fra"


@admin.register(models.SamtaletypeRegel)
class SamtaletypeRegelAdmin(GyldighedAdmin):
    list_display = (
        "samtaletype",
        "aftale",
        "saerlig_indsats",
        "akasse_deltagelse",
        "praktiske_aftaler",
        "gyldig_fra",
        "gyldig_til",
    )
    list_select_related = ("samtaletype",)


@admin.register(models.KontaktgruppeRegel)
class KontaktgruppeRegelAdmin(GyldighedAdmin):
    list_display = ("kontaktgruppe", "cv_vurdering", "akasse_videregivelse", "gyldig_fra", "gyldig_til")
    list_select_related = ("kontaktgruppe",)


@admin.register(models.TilladtSamtaletype)
class TilladtSamtaletypeAdmin(GyldighedAdmin):
    list_display = ("kontaktgruppe", "samtaletype", "gyldig_fra", "gyldig_til")
    list_filter = ("kontaktgruppe", "samtaletype", "gyldig_til")
    list_select_related = ("kontaktgruppe", "samtaletype")


@admin.register(models.TilladtVisitationsgruppe)
class TilladtVisitationsgruppeAdmin(GyldighedAdmin):
    list_display = ("kontaktgruppe", "visitationsgruppe", "gyldig_fra", "gyldig_til")
    list_filter = ("kontaktgruppe", "visitationsgruppe", "gyldig_til")
    list_select_related = ("kontaktgruppe", "visitationsgruppe")


@admin.register(models.Bruger)
class BrugerAdmin(AdgangLogges, UserAdmin):
    """A citizen's login shows the citizen it is linked to: opening it is logged at the
    citizen (issue 19, finding 9). The list shows logins only (a citizen's is
    ``borger-<id>``), so it is not."""

    adgang_liste = False

    def adgang_personer(self, obj):
        return [obj.person_id] if obj.person_id else []

    list_display = ("username", "first_name", "last_name", "jobcenter", "is_staff")
    list_select_related = ("jobcenter",)
    list_filter = UserAdmin.list_filter + ("jobcenter",)
    fieldsets = UserAdmin.fieldsets + ((_("Jobcenter og borger"), {"fields": ("jobcenter", "person")}),)
    raw_id_fields = ("person",)

    def get_readonly_fields(self, request, obj=None):
        felter = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser grants superuser (nor may anyone else change a superuser's
            # direct permissions into more than their own).
            felter += ["is_superuser"]
        return felter

    def has_change_permission(self, request, obj=None):
        # A superuser's account (password, groups) is a superuser's business: otherwise an
        # administrator could take it over and so grant themselves superuser.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "person" in form.changed_data:
            # Linking a login to a citizen gives that login the citizen's data: logged at the
            # citizen, the old link and the new.
            foer = form.initial.get("person")
            if foer:
                services.adgang_log(
                    bruger=request.user,
                    personer=[foer],
                    handling=models.Adgangslog.Handling.RET,
                    detaljer=_g("Bruger %(u)s ikke længere knyttet til borgeren") % {"u": obj.username},
                    formaal=str(ADMIN_FORMAAL),
                )
            if obj.person_id:
                services.adgang_log(
                    bruger=request.user,
                    personer=[obj.person_id],
                    handling=models.Adgangslog.Handling.RET,
                    detaljer=_g("Bruger %(u)s knyttet til borgeren") % {"u": obj.username},
                    formaal=str(ADMIN_FORMAAL),
                )


class DeltagerInline(admin.TabularInline):
    model = models.Deltager
    extra = 0
    fields = ("navn", "rolle", "deltagelsesform", "aktiv")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Person)
class PersonAdmin(KunVisning, SimpleHistoryAdmin):
    """Citizens are created and changed on the caseworker's pages (person-opret, person-ret,
    person-flyt) with their validation, periods, reasons and access log; here only shown."""

    # No search on CPR here: admin searches travel in the URL (?q=), and CPR numbers must not.
    # The name through str(): "Beskyttet borger" for a protected citizen (issue 24).
    list_display = ("__str__", "kontaktgruppe", "akasse", "jobcenter")
    list_filter = ("jobcenter", "kontaktgruppe")
    list_select_related = ("kontaktgruppe", "akasse", "jobcenter")
    search_fields = ("navn",)
    exclude = ("cpr",)
    # Issue 24: an administrator sets or lifts the legal hold here (services.retshold_saet:
    # in the citizen's history with who and why); everything else is shown only.
    fields = ("navn", "kontaktgruppe", "akasse", "jobcenter", "retshold")
    readonly_fields = ("navn", "kontaktgruppe", "akasse", "jobcenter")

    def adgang_personer(self, obj):
        return [obj.pk]

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm("registrering.change_bruger")

    def save_model(self, request, obj, form, change):
        services.retshold_saet(person=obj, retshold=form.cleaned_data["retshold"], bruger=request.user)


@admin.register(models.PersonPeriode)
class PersonPeriodeAdmin(KunVisning, SimpleHistoryAdmin):
    list_display = ("person", "kontaktgruppe", "akasse", "gyldig_fra", "registreret")
    list_select_related = ("person", "kontaktgruppe", "akasse")
    raw_id_fields = ("person", "registreret_af")

    def adgang_personer(self, obj):
        return [obj.person_id]


@admin.register(models.Samtale)
class SamtaleAdmin(KunVisning, SimpleHistoryAdmin):
    list_display = ("dato", "samtaletype", "samtaleform", "person", "jobcenter", "registreret", "annulleret")
    # At national scale: no date hierarchy (a DISTINCT over every conversation) and no second
    # full count; a date filter instead.
    list_filter = (("dato", admin.DateFieldListFilter), "jobcenter", "samtaletype", "samtaleform")
    list_select_related = ("samtaletype", "samtaleform", "person", "jobcenter")
    show_full_result_count = False
    raw_id_fields = ("person", "registreret_af")
    inlines = [DeltagerInline]

    def adgang_personer(self, obj):
        return [obj.person_id]


@admin.register(models.Deltager)
class DeltagerAdmin(KunVisning, SimpleHistoryAdmin):
    list_display = ("navn", "rolle", "deltagelsesform", "samtale", "aktiv")
    list_select_related = ("rolle", "deltagelsesform", "samtale__samtaletype")
    raw_id_fields = ("samtale",)

    def adgang_personer(self, obj):
        return [obj.samtale.person_id]


@admin.register(models.Visitation)
class VisitationAdmin(KunVisning, SimpleHistoryAdmin):
    list_display = ("person", "visitationsgruppe", "gyldig_fra", "registreret", "registreret_af")
    list_select_related = ("person", "visitationsgruppe", "registreret_af")
    raw_id_fields = ("person", "samtale", "registreret_af")

    def adgang_personer(self, obj):
        return [obj.person_id]


@admin.register(models.PersonMarkering)
class PersonMarkeringAdmin(KunVisning, SimpleHistoryAdmin):
    list_display = ("person", "markering", "fra", "til")
    list_select_related = ("person", "markering")
    raw_id_fields = ("person", "samtale")

    def adgang_personer(self, obj):
        return [obj.person_id]


@admin.register(models.Adgangslog)
class AdgangslogAdmin(KunLaesning, AdgangLogges, admin.ModelAdmin):
    """Read-only: the access log is append-only (a database trigger refuses the rest). It
    names citizens and what was done with their data, so reading it is logged too: the list
    as search hits, one entry as a view (issue 19, finding 9)."""

    def adgang_personer(self, obj):
        return [obj.person_id]

    list_display = ("tidspunkt", "bruger", "person", "handling", "formaal")
    list_filter = (("tidspunkt", admin.DateFieldListFilter), "handling")
    list_select_related = ("bruger", "person")
    show_full_result_count = False
    raw_id_fields = ("person", "bruger")


# --- django-axes: the login-attempt log is evidence, never deleted from the admin (ASVS 7) ---


class _AxesUdenSletning:
    actions = None

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for _model, _admin in (
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(f"{_model.__name__}Admin", (_AxesUdenSletning, _admin), {}))


# --- retention (issue 24) ---------------------------------------------------------------------


@admin.register(models.Slettefrist)
class SlettefristAdmin(GyldighedAdmin):
    """Deadlines as dated data, edited like the code lists (with history)."""

    list_display = ("kode", "navn", "varighed", "regnes_fra", "gyldig_fra", "gyldig_til")


@admin.register(models.Sletning)
class SletningAdmin(KunLaesning, admin.ModelAdmin):
    """The erasure records: opaque id, time, rule and counts; nothing to change."""

    list_display = ("tidspunkt", "person_id", "regel", "antal")
