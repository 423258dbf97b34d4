"""The integration API's own data (issue 22): its clients, their Idempotency-Keys and their
call counts. The citizens' data is registrering's, written through its services only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKlient(models.Model):
    """An integrating system (a case system such as KMD Momentum, Opera, Workbase, FASIT).

    Authenticates with OAuth 2.0 client credentials (its ``application``, django-oauth-toolkit)
    and acts for its jobcentre only, each through a user of its own (:class:`ApiKlientBruger`),
    so the services, the history and the access log name the client as the actor."""

    navn = models.CharField(_("navn"), max_length=150, unique=True)
    application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.PROTECT,
        related_name="api_klient",
        verbose_name=_("OAuth-klient"),
    )
    aktiv = models.BooleanField(
        _("aktiv"), default=True, help_text=_("En spærret klient kan hverken få eller bruge tokens.")
    )
    oprettet = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sidst_brugt = models.DateTimeField(_("sidst brugt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")
        ordering = ["navn"]

    def __str__(self):
        return self.navn


class ApiKlientBruger(models.Model):
    """The user a client acts as in one of its jobcentre (a caseworker's permissions, no
    password, the client's name as full name)."""

    klient = models.ForeignKey(ApiKlient, on_delete=models.CASCADE, related_name="brugere")
    jobcenter = models.ForeignKey("registrering.Jobcenter", on_delete=models.PROTECT, related_name="+")
    bruger = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_klient")

    class Meta:
        verbose_name = _("jobcenter for API-klient")
        verbose_name_plural = _("jobcentre for API-klienten")
        constraints = [models.UniqueConstraint(fields=["klient", "jobcenter"], name="api_klient_jobcenter_unik")]

    def __str__(self):
        return str(self.jobcenter)


class Idempotensnoegle(models.Model):
    """A POST's ``Idempotency-Key`` and its first successful answer (replayed for the same
    body, 422 for another). Deleted after ``API_IDEMPOTENS_TIMER`` hours."""

    klient = models.ForeignKey(ApiKlient, on_delete=models.CASCADE, related_name="+")
    noegle = models.CharField(max_length=255)
    krop = models.CharField(max_length=64, help_text="SHA-256 af metode, sti og krop")
    status = models.PositiveSmallIntegerField()
    svar = models.JSONField()
    oprettet = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotensnøgle")
        verbose_name_plural = _("idempotensnøgler")
        constraints = [models.UniqueConstraint(fields=["klient", "noegle"], name="api_idempotens_unik")]

    def __str__(self):
        return self.noegle


class Kaldtaeller(models.Model):
    """Calls per client per minute, for the rate limit (one row per client and minute, shared
    by every web process through the database)."""

    klient = models.ForeignKey(ApiKlient, on_delete=models.CASCADE, related_name="+")
    minut = models.DateTimeField()
    antal = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["klient", "minut"], name="api_kaldtaeller_unik")]

    def __str__(self):
        return f"{self.klient_id} {self.minut:%H:%M} {self.antal}"
