"""Who signed in through which identity provider, and the break-glass accounts.

* :class:`EksternIdentitet`: a staff user's account at the municipality's identity provider
  (issuer + ``sub``). A just-in-time user is found by this pair, never by a username or an
  e-mail address that another account could carry.
* :class:`Noedadgang`: the flag that keeps password login open for one administrator when
  staff sign in through the municipality (break-glass). Its own table, granted in the admin
  by a superuser only (no role carries the permission).
* :class:`NoedadgangLogin`: every password login of such an account; append-only (the
  database refuses UPDATE, DELETE and TRUNCATE) and shown on the operations page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EksternIdentitet(models.Model):
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="eksterne_identiteter",
        verbose_name=_("bruger"),
    )
    udsteder = models.CharField(_("udsteder (issuer)"), max_length=500)
    subjekt = models.CharField(_("subjekt (sub)"), max_length=255)
    oprettet = models.DateTimeField(_("oprettet"), default=timezone.now)
    sidst_logget_ind = models.DateTimeField(_("sidst logget ind"), default=timezone.now)

    class Meta:
        verbose_name = _("ekstern identitet")
        verbose_name_plural = _("eksterne identiteter")
        constraints = [models.UniqueConstraint(fields=["udsteder", "subjekt"], name="ekstern_identitet_unik")]

    def __str__(self) -> str:
        return f"{self.subjekt} @ {self.udsteder}"


class Noedadgang(models.Model):
    bruger = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="noedadgang", verbose_name=_("bruger")
    )
    begrundelse = models.CharField(_("begrundelse"), max_length=300)
    oprettet = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        verbose_name = _("nødadgangskonto")
        verbose_name_plural = _("nødadgangskonti")

    def __str__(self) -> str:
        return str(self.bruger)


class NoedadgangLogin(models.Model):
    tidspunkt = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("bruger")
    )
    brugernavn = models.CharField(_("brugernavn"), max_length=150)
    ip = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)

    class Meta:
        verbose_name = _("login med nødadgang")
        verbose_name_plural = _("logins med nødadgang")
        ordering = ["-tidspunkt"]

    def __str__(self) -> str:
        return f"{self.brugernavn} {self.tidspunkt:%Y-%m-%d %H:%M}"
