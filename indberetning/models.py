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


# Receivers' answers: a refusal of content is split until each refused event stands
# alone; a refusal of credentials is not (every batch would meet it).
INDHOLD_AFVIST = frozenset({400, 422})
ADGANG_NAEGTET = frozenset({401, 403})


def modtager_akasse(kode: str) -> str:
    """The recipient key (and drop-folder name) of one a-kasse: ``akasse-<code>``."""
    return f"{AKASSE_PRAEFIKS}{kode}"


def modtager_navn(modtager: str) -> str:
    """The recipient as people name it: "DFDG (STAR)", "A-kassen 3F"."""
    if modtager == DFDG:
        return str(_("DFDG (STAR)"))
    if modtager.startswith(AKASSE_PRAEFIKS):
        return str(_("A-kassen %(kode)s")) % {"kode": modtager.removeprefix(AKASSE_PRAEFIKS)}
    return modtager


class Handling(models.TextChoices):
    OPRET = "opret", _("opret")
    RET = "ret", _("ret")
    ANNULLER = "annuller", _("annuller")


class Batch(models.Model):
    """The events for one recipient in one document. The id never changes, so a resend is
    recognised by the receiver (HTTP 412) and never becomes a second delivery."""

    class Status(models.TextChoices):
        KLAR = "klar", _("venter på afsendelse")
        SENDES = "sendes", _("sendes nu")
        # The receiver answered with a receipt (HTTP 2xx, or 412 for an id it already has).
        KVITTERET = "kvitteret", _("kvitteret")
        # Written whole to the recipient's drop folder: delivered as far as this system can
        # tell, but nobody has acknowledged it, so it is never called received.
        AFLEVERET = "afleveret", _("lagt i drop-mappen")
        AFVIST = "afvist", _("afvist")
        FEJLET = "fejlet", _("fejlet")
        # A refused batch of several events whose events went on in smaller batches
        # (new ids): it holds no events any more.
        OPDELT = "opdelt", _("delt op")
        # A refused or held-back event that a later correction or cancellation replaced.
        ERSTATTET = "erstattet", _("erstattet af rettelse")

    # Waiting for an operator: the receiver refused it, or it was given up or held back.
    KRAEVER_HANDLING = frozenset({Status.AFVIST, Status.FEJLET})
    # What an operator may send again (same id): those, and one still waiting for a retry.
    GENSENDBARE = KRAEVER_HANDLING | {Status.KLAR}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    modtager = models.CharField(_("modtager"), max_length=60, db_index=True)
    akasse = models.ForeignKey(
        "registrering.Akasse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("a-kasse"),
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
    opdelt_fra = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="dele", verbose_name=_("delt ud af")
    )
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
        # "Forsendelse" as every page calls it (issue 20: the admin said "Batches").
        verbose_name = _("forsendelse")
        verbose_name_plural = _("forsendelser")
        ordering = ["-oprettet"]
        permissions = [("se_drift", _("Kan se driften af indberetningen og genudsende batches"))]
        indexes = [
            models.Index(fields=["status", "naeste_forsoeg"], name="batch_status_naeste"),
            models.Index(fields=["modtager", "status"], name="batch_modtager_status"),
            # The operations page's latest batches and its last days' figures.
            models.Index(fields=["-oprettet"], name="batch_oprettet"),
        ]

    def __str__(self):
        return f"{modtager_navn(self.modtager)} {self.id}"

    @property
    def er_akasse(self) -> bool:
        return self.modtager != DFDG

    @property
    def akasse_kode(self) -> str | None:
        """The a-kasse's code in the recipient key (``akasse-<code>``); ``None`` for DFDG."""
        return self.modtager.removeprefix(AKASSE_PRAEFIKS) if self.er_akasse else None

    @property
    def modtager_navn(self) -> str:
        return modtager_navn(self.modtager)

    @property
    def kraever_handling(self) -> bool:
        return self.status in self.KRAEVER_HANDLING

    @property
    def kan_genudsendes(self) -> bool:
        return self.status in self.GENSENDBARE

    @property
    def adgang_naegtet(self) -> bool:
        """Refused for credentials or authorisation (401/403): splitting cannot help."""
        return self.status == self.Status.AFVIST and self.sidste_http_status in ADGANG_NAEGTET


class Haendelse(models.Model):
    """One registration, correction or cancellation, for one recipient (the outbox row)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    samtale = models.ForeignKey("registrering.Samtale", on_delete=models.PROTECT, related_name="haendelser")
    modtager = models.CharField(_("modtager"), max_length=60)
    akasse = models.ForeignKey(
        "registrering.Akasse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("a-kasse"),
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
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="haendelser", verbose_name=_("forsendelse")
    )

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["registreret", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["samtale", "modtager", "sekvens"], name="haendelse_en_pr_sekvens_og_modtager"
            ),
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
        PERIODISK = "periodisk", _("Fast kørsel hvert minut")
        KICK = "kick", _("Straks efter en registrering")
        KOMMANDO = "kommando", _("Kørt i hånden (kommandoen indberet)")

    kilde = models.CharField(_("kilde"), max_length=12, choices=Kilde.choices)
    startet = models.DateTimeField(_("startet"), default=timezone.now)
    afsluttet = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    vaert = models.CharField(_("vært"), max_length=200, blank=True)
    batches_bygget = models.PositiveIntegerField(_("batches bygget"), default=0)
    haendelser_batchet = models.PositiveIntegerField(_("hændelser lagt i batches"), default=0)
    sendinger = models.PositiveIntegerField(_("batches sat til afsendelse"), default=0)
    kvitteret = models.PositiveIntegerField(_("kvitteret"), default=0)
    afleveret = models.PositiveIntegerField(_("lagt i drop-mappen"), default=0)
    afvist = models.PositiveIntegerField(_("afvist"), default=0)
    fejlet = models.PositiveIntegerField(_("fejlet"), default=0)
    opdelt = models.PositiveIntegerField(_("delt op"), default=0)
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
        """What the run did, in words (no machine names)."""
        dele = []
        if self.haendelser_batchet:
            dele.append(
                _("%(haendelser)s nye indberetninger samlet i %(bygget)s forsendelser")
                % {"haendelser": self.haendelser_batchet, "bygget": self.batches_bygget}
            )
        if self.sendinger:
            dele.append(_("%(n)s forsendelser sat til afsendelse") % {"n": self.sendinger})
        if self.kvitteret:
            dele.append(_("%(n)s modtaget (kvitteret)") % {"n": self.kvitteret})
        if self.afleveret:
            dele.append(_("%(n)s lagt i drop-mappen") % {"n": self.afleveret})
        if self.opdelt:
            dele.append(_("%(n)s afviste forsendelser delt op for at finde den afviste samtale") % {"n": self.opdelt})
        if self.afvist:
            dele.append(_("%(n)s afvist af modtageren") % {"n": self.afvist})
        if self.fejlet:
            dele.append(_("%(n)s ikke leveret endnu") % {"n": self.fejlet})
        if not dele:
            return str(_("Intet nyt at sende."))
        tekst = "; ".join(str(d) for d in dele)
        return tekst[0].upper() + tekst[1:] + "."
