"""Reporting (indberetning): the outbox of report events, batches and runs.

The database rows are the source of truth; the procrastinate jobs only wake workers up.
A lost job costs at most one period (the periodic sweep finds every pending event and
every batch that is due), never a report.

* :class:`Haendelse` — one report event for one recipient, written in the registration's
  own transaction, with a frozen snapshot of what is reported (``data``), so a resend is
  the same document whatever happens to the conversation later.
* :class:`Batch` — the events one recipient gets in one document, with a stable UUID
  that the receiver uses to deduplicate (``X-Request-Id``).
* :class:`Koersel` — one row per run (periodic, kick, command, operator), saying what it did.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DFDG = "dfdg"
AKASSE_PRAEFIKS = "akasse-"


def modtager_akasse(kode: str) -> str:
    """The recipient key (and drop-folder name) of one a-kasse: ``akasse-<code>``."""
    return f"{AKASSE_PRAEFIKS}{kode}"


class Handling(models.TextChoices):
    OPRET = "opret", _("opret")
    RET = "ret", _("ret")
    ANNULLER = "annuller", _("annuller")


class Batch(models.Model):
    """The events for one recipient in one document. The id never changes, so a resend is
    recognised by the receiver (HTTP 412) and never becomes a second delivery."""

    class Status(models.TextChoices):
        KLAR = "klar", _("klar")
        SENDES = "sendes", _("sendes")
        KVITTERET = "kvitteret", _("kvitteret")
        AFVIST = "afvist", _("afvist")
        FEJLET = "fejlet", _("fejlet")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    modtager = models.CharField(_("modtager"), max_length=60, db_index=True)
    akasse = models.ForeignKey(
        "registrering.Akasse", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("a-kasse")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.KLAR)
    antal = models.PositiveIntegerField(_("hændelser"), default=0)
    # The document's ``dannet`` attribute: fixed when the batch is built, so that a rebuilt
    # document is byte for byte the one sent before.
    oprettet = models.DateTimeField(_("dannet"), default=timezone.now)
    forsoeg = models.PositiveIntegerField(_("forsøg"), default=0)
    naeste_forsoeg = models.DateTimeField(_("næste forsøg"), default=timezone.now)
    # While ``sendes``: when a worker that died mid-send is given up on and the batch is sent
    # again (with the same id).
    sendes_til = models.DateTimeField(_("sendes senest til"), null=True, blank=True)
    sidst_forsoegt = models.DateTimeField(_("sidst forsøgt"), null=True, blank=True)
    sidste_http_status = models.PositiveIntegerField(_("sidste HTTP-status"), null=True, blank=True)
    sidste_besked = models.TextField(_("modtagerens seneste besked"), blank=True)
    kvittering = models.TextField(_("kvittering"), blank=True)
    kvitteret = models.DateTimeField(_("kvitteret"), null=True, blank=True)
    adresse = models.CharField(_("sendt til"), max_length=500, blank=True)
    dokument_sha256 = models.CharField(_("dokumentets SHA-256"), max_length=64, blank=True)
    dokument_bytes = models.PositiveIntegerField(_("dokumentets størrelse"), null=True, blank=True)
    genudsendt = models.DateTimeField(_("genudsendt"), null=True, blank=True)
    genudsendt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("genudsendt af"),
    )

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-oprettet"]
        permissions = [("se_drift", _("Kan se driften af indberetningen og genudsende batches"))]
        indexes = [
            models.Index(fields=["status", "naeste_forsoeg"], name="batch_status_naeste"),
            models.Index(fields=["modtager", "status"], name="batch_modtager_status"),
        ]

    def __str__(self):
        return f"{self.modtager} {self.id}"

    @property
    def er_akasse(self) -> bool:
        return self.modtager != DFDG


class Haendelse(models.Model):
    """One registration, correction or cancellation, for one recipient (the outbox row)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    samtale = models.ForeignKey("registrering.Samtale", on_delete=models.PROTECT, related_name="haendelser")
    modtager = models.CharField(_("modtager"), max_length=60)
    akasse = models.ForeignKey(
        "registrering.Akasse", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("a-kasse")
    )
    handling = models.CharField(_("handling"), max_length=10, choices=Handling.choices)
    sekvens = models.PositiveIntegerField(_("sekvens"))
    registreret = models.DateTimeField(_("registreret"))
    # What is reported to this recipient, frozen when the event is written (see
    # indberetning.dokument): ``xml`` is the ``haendelse`` element exactly as it is sent,
    # ``data`` the same content as JSON, for people, the admin and checks.
    data = models.JSONField(_("indhold"))
    xml = models.TextField(_("XML som sendt"), default="", editable=False)
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="haendelser", verbose_name=_("batch")
    )

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["registreret", "id"]
        constraints = [
            models.UniqueConstraint(fields=["samtale", "modtager", "sekvens"], name="haendelse_en_pr_sekvens_og_modtager"),
        ]
        indexes = [
            # The claim query and the "pending per recipient" figures read only this.
            models.Index(
                fields=["modtager", "registreret", "id"], condition=Q(batch__isnull=True), name="haendelse_afventer"
            ),
        ]

    def __str__(self):
        return f"{self.handling} {self.sekvens} → {self.modtager}"


class Koersel(models.Model):
    """One run of the reporting engine and what it did."""

    class Kilde(models.TextChoices):
        PERIODISK = "periodisk", _("periodisk (hvert minut)")
        KICK = "kick", _("efter registrering")
        KOMMANDO = "kommando", _("manage.py indberet")

    kilde = models.CharField(_("kilde"), max_length=12, choices=Kilde.choices)
    startet = models.DateTimeField(_("startet"), default=timezone.now)
    afsluttet = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    vaert = models.CharField(_("vært"), max_length=200, blank=True)
    batches_bygget = models.PositiveIntegerField(_("batches bygget"), default=0)
    haendelser_batchet = models.PositiveIntegerField(_("hændelser lagt i batches"), default=0)
    sendinger = models.PositiveIntegerField(_("batches sat til afsendelse"), default=0)
    kvitteret = models.PositiveIntegerField(_("kvitteret"), default=0)
    afvist = models.PositiveIntegerField(_("afvist"), default=0)
    fejlet = models.PositiveIntegerField(_("fejlet"), default=0)
    fejl = models.TextField(_("fejl"), blank=True)

    class Meta:
        verbose_name = _("kørsel")
        verbose_name_plural = _("kørsler")
        ordering = ["-startet"]
        indexes = [models.Index(fields=["-startet"], name="koersel_startet")]

    def __str__(self):
        return f"{self.get_kilde_display()} {self.startet:%d.%m.%Y %H:%M:%S}"

    @property
    def beskrivelse(self) -> str:
        return _(
            "%(bygget)s batches med %(haendelser)s hændelser bygget; %(sendinger)s sat til afsendelse; "
            "%(kvitteret)s kvitteret, %(afvist)s afvist, %(fejlet)s fejlet"
        ) % {
            "bygget": self.batches_bygget,
            "haendelser": self.haendelser_batchet,
            "sendinger": self.sendinger,
            "kvitteret": self.kvitteret,
            "afvist": self.afvist,
            "fejlet": self.fejlet,
        }
