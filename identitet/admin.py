"""Break-glass accounts are granted here, by a superuser (no role carries the permission);
their logins and the staff's provider identities are shown, never edited."""

from django.contrib import admin

from .models import EksternIdentitet, Noedadgang, NoedadgangLogin


class KunVisning(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Noedadgang)
class NoedadgangAdmin(admin.ModelAdmin):
    list_display = ("bruger", "begrundelse", "oprettet")
    raw_id_fields = ("bruger",)
    readonly_fields = ("oprettet",)


@admin.register(NoedadgangLogin)
class NoedadgangLoginAdmin(KunVisning):
    list_display = ("tidspunkt", "brugernavn", "ip")
    date_hierarchy = "tidspunkt"


@admin.register(EksternIdentitet)
class EksternIdentitetAdmin(KunVisning):
    list_display = ("bruger", "udsteder", "sidst_logget_ind")
    list_select_related = ("bruger",)
    list_filter = ("udsteder",)
    search_fields = ("bruger__username",)
