"""API clients in the admin: see the last use, revoke, rotate the secret (shown once)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiKlient, ApiKlientBruger


class JobcenterInline(admin.TabularInline):
    model = ApiKlientBruger
    extra = 0
    fields = ("jobcenter", "bruger")
    readonly_fields = ("jobcenter", "bruger")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiKlient)
class ApiKlientAdmin(admin.ModelAdmin):
    list_display = ("navn", "client_id", "aktiv", "sidst_brugt", "oprettet")
    list_filter = ("aktiv",)
    fields = ("navn", "client_id", "aktiv", "oprettet", "sidst_brugt")
    readonly_fields = ("navn", "client_id", "aktiv", "oprettet", "sidst_brugt")
    inlines = [JobcenterInline]
    actions = ["spaer", "forny_hemmelighed"]

    @admin.display(description=_("client_id"))
    def client_id(self, obj):
        return obj.application.client_id

    def has_add_permission(self, request):
        return False  # created by `manage.py api_klient_opret` (the secret is printed once)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the access log names its users

    @admin.action(description=_("Spær de valgte klienter (tokens tilbagekaldes straks)"))
    def spaer(self, request, queryset):
        for klient in queryset:
            services.klient_spaer(klient=klient)
        self.message_user(request, _("%(n)s klient(er) er spærret.") % {"n": queryset.count()})

    @admin.action(description=_("Forny hemmeligheden (den gamle holder op med at virke)"))
    def forny_hemmelighed(self, request, queryset):
        for klient in queryset:
            hemmelighed = services.hemmelighed_forny(klient=klient)
            self.message_user(
                request,
                _("Ny hemmelighed for %(navn)s (vises kun nu): %(h)s") % {"navn": klient.navn, "h": hemmelighed},
                messages.WARNING,
            )
