"""Reporting's admin pages (batches, events, runs), registered here rather than in
``indberetning/admin.py``: they log each citizen they show with registration's access log
(:class:`~registrering.admin_adgang.AdgangLogges`), and reporting imports nothing from
registration (docs/arkitektur.md, "The layers"). ``registrering/admin.py`` imports this
module, so Django's admin discovery registers it."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indberetning import levering
from indberetning.models import Batch, Haendelse, Koersel

from .admin_adgang import AdgangLogges, KunLaesning


class HaendelseInline(admin.TabularInline):
    model = Haendelse
    fields = ("id", "samtale", "handling", "sekvens", "registreret")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("registreret", "id")


@admin.register(Batch)
class BatchAdmin(AdgangLogges, admin.ModelAdmin):
    """A batch is shown, never edited (issue 20: no "Ret forsendelse", no save buttons); it
    changes only through delivery and the resend action, which calls the service. Its page
    lists its conversations and the receiver's receipt, so opening it is logged at each of
    their citizens (issue 19, finding 9); the list shows ids and states only."""

    list_display = ("id", "modtager", "status", "antal", "forsoeg", "oprettet", "naeste_forsoeg", "kvitteret")
    list_filter = ("status", "modtager")
    search_fields = ("=id",)
    date_hierarchy = "oprettet"
    actions = ["genudsend"]
    inlines = [HaendelseInline]
    readonly_fields = [f.name for f in Batch._meta.fields]

    adgang_liste = False

    def adgang_personer(self, obj):
        return list(
            Haendelse.objects.filter(batch=obj).order_by().values_list("samtale__person_id", flat=True).distinct()
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_genudsend_permission(self, request):
        return request.user.has_perm("indberetning.change_batch")

    @admin.action(description=_("Send valgte forsendelser igen (samme id)"), permissions=["genudsend"])
    def genudsend(self, request, queryset):
        antal = 0
        for batch in queryset:
            try:
                levering.batch_genudsend(batch=batch, bruger=request.user)
                antal += 1
            except ValidationError as e:
                self.message_user(request, f"{batch.pk}: {' '.join(e.messages)}", messages.WARNING)
        self.message_user(request, _("%(n)s forsendelser sendes igen.") % {"n": antal}, messages.SUCCESS)


@admin.register(Haendelse)
class HaendelseAdmin(AdgangLogges, KunLaesning, admin.ModelAdmin):
    """Read-only. An event's data and XML hold the citizen's CPR number and agreement: opening
    one writes an access-log row at the citizen (issue 15, ASVS 7)."""

    list_display = ("id", "modtager", "handling", "sekvens", "registreret", "batch")
    list_filter = ("modtager", "handling")
    search_fields = ("=id", "=samtale__id", "=batch__id")
    raw_id_fields = ("samtale", "batch", "akasse")
    readonly_fields = (
        "id",
        "samtale",
        "modtager",
        "akasse",
        "handling",
        "sekvens",
        "registreret",
        "batch",
        "data",
        "xml",
    )
    list_select_related = ("batch",)

    adgang_liste = False  # the list shows ids and states, no citizen's data

    def adgang_personer(self, obj):
        return [obj.samtale.person_id]


@admin.register(Koersel)
class KoerselAdmin(KunLaesning, admin.ModelAdmin):
    list_display = (
        "startet",
        "kilde",
        "vaert",
        "batches_bygget",
        "haendelser_batchet",
        "sendinger",
        "kvitteret",
        "afvist",
        "fejlet",
        "fejl",
    )
    list_filter = ("kilde",)
    date_hierarchy = "startet"
    readonly_fields = [f.name for f in Koersel._meta.fields]
