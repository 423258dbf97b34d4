from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models


class KunLaesning:
    """Admin for append-only records (access log, report events, runs): look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KodeAdmin(SimpleHistoryAdmin):
    list_display = ("kode", "navn", "gyldig_fra", "gyldig_til", "sortering")
    list_filter = ("gyldig_til",)
    search_fields = ("kode", "navn")


for model in models.KODELISTER:
    admin.site.register(model, KodeAdmin)


@admin.register(models.Akasse)
class AkasseAdmin(KodeAdmin):
    list_display = ("kode", "navn", "gyldig_fra", "gyldig_til", "endpoint_url")


@admin.register(models.Jobcenter)
class JobcenterAdmin(SimpleHistoryAdmin):
    list_display = ("kode", "navn")
    search_fields = ("kode", "navn")


class GyldighedAdmin(SimpleHistoryAdmin):
    list_filter = ("gyldig_til",)
    date_hierarchy = "gyldig_fra"


@admin.register(models.SamtaletypeRegel)
class SamtaletypeRegelAdmin(GyldighedAdmin):
    list_display = ("samtaletype", "aftale", "saerlig_indsats", "akasse_deltagelse", "praktiske_aftaler", "gyldig_fra", "gyldig_til")
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
class BrugerAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "jobcenter", "is_staff")
    list_select_related = ("jobcenter",)
    list_filter = UserAdmin.list_filter + ("jobcenter",)
    fieldsets = UserAdmin.fieldsets + ((_("Jobcenter og borger"), {"fields": ("jobcenter", "person")}),)
    raw_id_fields = ("person",)


class DeltagerInline(admin.TabularInline):
    model = models.Deltager
    extra = 0
    fields = ("navn", "rolle", "deltagelsesform", "aktiv")
    readonly_fields = fields
    can_delete = False


@admin.register(models.Person)
class PersonAdmin(SimpleHistoryAdmin):
    # No search on CPR here: admin searches travel in the URL (?q=), and CPR numbers must not.
    list_display = ("navn", "kontaktgruppe", "akasse", "jobcenter")
    list_filter = ("jobcenter", "kontaktgruppe")
    list_select_related = ("kontaktgruppe", "akasse", "jobcenter")
    search_fields = ("navn",)


@admin.register(models.Samtale)
class SamtaleAdmin(SimpleHistoryAdmin):
    list_display = ("dato", "samtaletype", "samtaleform", "person", "jobcenter", "registreret", "annulleret")
    # At national scale: no date hierarchy (a DISTINCT over every conversation) and no second
    # full count; a date filter instead.
    list_filter = (("dato", admin.DateFieldListFilter), "jobcenter", "samtaletype", "samtaleform")
    list_select_related = ("samtaletype", "samtaleform", "person", "jobcenter")
    show_full_result_count = False
    raw_id_fields = ("person", "registreret_af")
    inlines = [DeltagerInline]

    def has_delete_permission(self, request, obj=None):
        return False  # corrections and cancellations never delete (§ 28 history)


@admin.register(models.Deltager)
class DeltagerAdmin(SimpleHistoryAdmin):
    list_display = ("navn", "rolle", "deltagelsesform", "samtale", "aktiv")
    list_select_related = ("rolle", "deltagelsesform", "samtale__samtaletype")
    raw_id_fields = ("samtale",)


@admin.register(models.Visitation)
class VisitationAdmin(SimpleHistoryAdmin):
    list_display = ("person", "visitationsgruppe", "gyldig_fra", "registreret", "registreret_af")
    list_select_related = ("person", "visitationsgruppe", "registreret_af")
    raw_id_fields = ("person", "samtale", "registreret_af")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.PersonMarkering)
class PersonMarkeringAdmin(SimpleHistoryAdmin):
    list_display = ("person", "markering", "fra", "til")
    list_select_related = ("person", "markering")
    raw_id_fields = ("person", "samtale")


@admin.register(models.Adgangslog)
class AdgangslogAdmin(KunLaesning, admin.ModelAdmin):
    """Read-only: the access log is append-only (a database trigger refuses the rest)."""

    list_display = ("tidspunkt", "bruger", "person", "handling", "formaal")
    list_filter = (("tidspunkt", admin.DateFieldListFilter), "handling")
    list_select_related = ("bruger", "person")
    show_full_result_count = False
    raw_id_fields = ("person", "bruger")
