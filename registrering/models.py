"""Citizens, code lists, the § 28 rule table, conversations and what hangs on them.

Every code list and every rule is data with a validity period (``gyldig_fra`` /
``gyldig_til``, both inclusive), loaded by a data migration and edited in the admin; a
registration is checked against what was valid on the conversation's date
(../shared/domain/kodelister.md).
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

GYLDIG_FRA_STANDARD = datetime.date(2020, 1, 1)


# --- validity periods ------------------------------------------------------------------


class GyldighedQuerySet(models.QuerySet):
    def gyldige(self, dato: datetime.date):
        """Rows in force on ``dato`` (both ends inclusive; an open end has no ``gyldig_til``)."""
        return self.filter(Q(gyldig_til__isnull=True) | Q(gyldig_til__gte=dato), gyldig_fra__lte=dato)


class Gyldighed(models.Model):
    gyldig_fra = models.DateField(_("gyldig fra"), default=GYLDIG_FRA_STANDARD)
    gyldig_til = models.DateField(_("gyldig til"), null=True, blank=True)
    # Every code list and rule row (the tables with a validity period) keeps its history:
    # one declaration, inherited by each concrete table.
    history = HistoricalRecords(inherit=True)

    objects = GyldighedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.gyldig_til and self.gyldig_til < self.gyldig_fra:
            raise ValidationError({"gyldig_til": _("Slutdatoen ligger før startdatoen.")})


class Kode(Gyldighed):
    """A code list entry: a stable code, a Danish name, and the period it may be used."""

    kode = models.CharField(_("kode"), max_length=40, unique=True)
    navn = models.CharField(_("navn"), max_length=200)
    sortering = models.PositiveIntegerField(_("sortering"), default=0)

    class Meta:
        abstract = True
        ordering = ["sortering", "kode"]

    def __str__(self):
        return self.navn


class Kontaktgruppe(Kode):
    class Meta(Kode.Meta):
        verbose_name = _("kontaktgruppe")
        verbose_name_plural = _("kontaktgrupper")

    def __str__(self):
        return f"{self.kode}: {self.navn}"


class Samtaletype(Kode):
    class Meta(Kode.Meta):
        verbose_name = _("samtaletype")
        verbose_name_plural = _("samtaletyper")

    def __str__(self):
        return f"{self.navn} ({self.kode})"


class Samtaleform(Kode):
    class Meta(Kode.Meta):
        verbose_name = _("samtaleform")
        verbose_name_plural = _("samtaleformer")


class Deltagelsesform(Kode):
    class Meta(Kode.Meta):
        verbose_name = _("deltagelsesform")
        verbose_name_plural = _("deltagelsesformer")


class Deltagerrolle(Kode):
    class Meta(Kode.Meta):
        verbose_name = _("deltagerrolle")
        verbose_name_plural = _("deltagerroller")


class Visitationsgruppe(Kode):
    class Meta(Kode.Meta):
        verbose_name = _("visitationsgruppe")
        verbose_name_plural = _("visitationsgrupper")


class AkasseDeltagelse(Kode):
    """§ 28 nr. 7: status for arbejdsløshedskassens deltagelse."""

    class Meta(Kode.Meta):
        verbose_name = _("a-kassens deltagelse")
        verbose_name_plural = _("a-kassens deltagelse")


class Persongruppemarkering(Kode):
    """§ 28 stk. 3: e.g. ``tidlig_opfoelgning_fast_track``."""

    class Meta(Kode.Meta):
        verbose_name = _("persongruppemarkering")
        verbose_name_plural = _("persongruppemarkeringer")


# An a-kasse's code names its drop folder (``akasse-<code>/`` under INDBERETNING_DIR) and its
# recipient key: capital letters A-Z and digits only, short (the codes in use, migration
# 0002, are at most five characters: "3F", "HK", "METAL"), so no code can step out of the
# drop folder (issue 19, finding 5). The database checks the same (migration 0014).
AKASSE_KODE_MOENSTER = r"^[A-Z0-9]{1,10}$"
valider_akasse_kode = RegexValidator(
    r"\A[A-Z0-9]{1,10}\Z",
    message=_(
        "En a-kasses kode er 1-10 tegn: store bogstaver A-Z og cifre 0-9 (koden navngiver a-kassens drop-mappe)."
    ),
    code="akasse_kode",
)


class Akasse(Kode):
    """A recognised unemployment fund (STAR's UnemploymentFundCode) and where its reports go."""

    kode = models.CharField(
        _("kode"),
        max_length=40,
        unique=True,
        validators=[valider_akasse_kode],
        help_text=_("STARs kode for a-kassen, fx HK eller 3F: store bogstaver A-Z og cifre, højst 10 tegn."),
    )
    endpoint_url = models.URLField(
        _("modtageradresse (HTTPS)"),
        blank=True,
        help_text=_("Tom: indberetninger lægges i a-kassens drop-mappe, akasse-KODE/ under INDBERETNING_DIR."),
    )

    class Meta(Kode.Meta):
        verbose_name = _("a-kasse")
        verbose_name_plural = _("a-kasser")
        ordering = ["navn"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kode__regex=AKASSE_KODE_MOENSTER),
                name="akasse_kode_mappenavn",
                violation_error_message=valider_akasse_kode.message,
            )
        ]

    @property
    def drop_mappe(self) -> str:
        """The folder its batches are put in when it has no endpoint: ``akasse-<code>/``."""
        return f"akasse-{self.kode}/"

    def clean(self):
        super().clean()
        from indberetning.transport import adresse_fejl

        fejl = adresse_fejl(self.endpoint_url)
        if fejl:
            raise ValidationError({"endpoint_url": fejl})


class Jobcenter(models.Model):
    kode = models.CharField(_("kommunekode"), max_length=10, unique=True)
    navn = models.CharField(_("navn"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jobcenter")
        verbose_name_plural = _("jobcentre")
        ordering = ["navn"]

    def __str__(self):
        return self.navn


# --- the § 28 rule table ----------------------------------------------------------------


class SamtaletypeRegel(Gyldighed):
    """Which § 28 parts apply to a samtaletype in a period."""

    class Aftale(models.TextChoices):
        INGEN = "", _("ingen aftale")
        BINDENDE = "bindende", _("bindende aftale om kontaktforløbet (§ 28 nr. 5)")
        FLEKSJOB = "fleksjob", _("aftale om fleksjobforløbet (§ 28 nr. 6)")

    samtaletype = models.ForeignKey(Samtaletype, on_delete=models.PROTECT, related_name="regler")
    aftale = models.CharField(_("aftale"), max_length=20, choices=Aftale.choices, blank=True)
    saerlig_indsats = models.BooleanField(_("særlig indsats (nr. 5)"), default=False)
    akasse_deltagelse = models.BooleanField(_("a-kassens deltagelse (nr. 7)"), default=False)
    praktiske_aftaler = models.BooleanField(_("praktiske aftaler (nr. 8)"), default=False)

    class Meta:
        verbose_name = _("regel for samtaletype")
        verbose_name_plural = _("regler for samtaletyper")
        ordering = ["samtaletype__sortering", "gyldig_fra"]

    def __str__(self):
        return f"{self.samtaletype} fra {self.gyldig_fra}"


class KontaktgruppeRegel(Gyldighed):
    """Which § 28 parts apply to a kontaktgruppe in a period (stk. 4 and 5)."""

    kontaktgruppe = models.ForeignKey(Kontaktgruppe, on_delete=models.PROTECT, related_name="regler")
    cv_vurdering = models.BooleanField(_("CV-vurdering (stk. 4)"), default=False)
    akasse_videregivelse = models.BooleanField(_("videregives til a-kassen (stk. 5)"), default=False)

    class Meta:
        verbose_name = _("regel for kontaktgruppe")
        verbose_name_plural = _("regler for kontaktgrupper")
        ordering = ["kontaktgruppe__sortering", "gyldig_fra"]

    def __str__(self):
        return f"{self.kontaktgruppe} fra {self.gyldig_fra}"


class TilladtSamtaletype(Gyldighed):
    """DFDG refuses a samtaletype not allowed for the citizen's kontaktgruppe on that day."""

    kontaktgruppe = models.ForeignKey(Kontaktgruppe, on_delete=models.PROTECT, related_name="+")
    samtaletype = models.ForeignKey(Samtaletype, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tilladt samtaletype")
        verbose_name_plural = _("tilladte samtaletyper")
        ordering = ["kontaktgruppe__sortering", "samtaletype__sortering"]
        indexes = [models.Index(fields=["kontaktgruppe", "samtaletype"])]

    def __str__(self):
        return f"{self.kontaktgruppe.kode} → {self.samtaletype.kode}"


class TilladtVisitationsgruppe(Gyldighed):
    """§ 28 nr. 9: visitation applies to a kontaktgruppe exactly when it allows some group."""

    kontaktgruppe = models.ForeignKey(Kontaktgruppe, on_delete=models.PROTECT, related_name="+")
    visitationsgruppe = models.ForeignKey(Visitationsgruppe, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tilladt visitationsgruppe")
        verbose_name_plural = _("tilladte visitationsgrupper")
        ordering = ["kontaktgruppe__sortering", "visitationsgruppe__sortering"]

    def __str__(self):
        return f"{self.kontaktgruppe.kode} → {self.visitationsgruppe.kode}"


# --- users, citizens and conversations ----------------------------------------------------


# The code lists an administrator edits with KodeAdmin, and every table the § 28 rules are
# read from (kodecache.py keeps these per process; migration 0008 versions exactly these
# tables, and tests/registrering/test_kodecache.py checks that the two lists agree).
KODELISTER = (
    Kontaktgruppe,
    Samtaletype,
    Samtaleform,
    Deltagelsesform,
    Deltagerrolle,
    Visitationsgruppe,
    AkasseDeltagelse,
    Persongruppemarkering,
)
REGELTABELLER = (SamtaletypeRegel, KontaktgruppeRegel, TilladtSamtaletype, TilladtVisitationsgruppe)
VERSIONEREDE = (*KODELISTER, Akasse, *REGELTABELLER)


class Bruger(AbstractUser):
    """A user of the system. Staff belong to a jobcenter; a citizen user links to a Person."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.PROTECT, null=True, blank=True, related_name="brugere", verbose_name=_("jobcenter")
    )
    person = models.OneToOneField(
        "Person", on_delete=models.PROTECT, null=True, blank=True, related_name="bruger", verbose_name=_("borger")
    )

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")


# § 28 nr. 1 and the receivers' schema (``[0-9]{10}``): exactly ten ASCII digits. Not ``\d``
# or ``str.isdigit()``, which accept every Unicode digit (fullwidth, Arabic-Indic, …).
CPR_TI_CIFRE = re.compile(r"[0-9]{10}")


# What may stand between the digits of a CPR number as people type and paste it: ASCII
# white space, a full stop, and every dash a keyboard or a word processor makes (hyphen,
# non-breaking hyphen, figure dash, en and em dash, minus sign). Not a no-break space or
# any other Unicode "space": see tests/registrering/test_cpr.py. The same set for creating
# a citizen and for searching (forms.cpr_normaliser, selectors.soegning_fortolk).
CPR_SKILLETEGN = " \t\n\r\f\v.-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_CPR_SKILLETEGN = re.compile(f"[{re.escape(CPR_SKILLETEGN)}]")


def cpr_uden_skilletegn(tekst: str) -> str:
    """``tekst`` without the separators a CPR number may be typed with (:data:`CPR_SKILLETEGN`);
    any other character, a Unicode digit included, is left for the validator to refuse."""
    return _CPR_SKILLETEGN.sub("", tekst or "")


def valider_cpr(vaerdi: str) -> None:
    """The stored CPR number: ten ASCII digits with a real birth date (no modulus 11:
    numbers failing it have been issued since 2007). Forms normalise first
    (``forms.cpr_normaliser``); the admin and ``full_clean`` meet this validator."""
    from stdnum.dk import cpr as stdnum_cpr
    from stdnum.exceptions import ValidationError as StdnumError

    if not isinstance(vaerdi, str) or not CPR_TI_CIFRE.fullmatch(vaerdi):
        raise ValidationError(_("Et CPR-nummer har 10 cifre (ddmmåå-xxxx)."), code="cpr_cifre")
    try:
        stdnum_cpr.get_birth_date(vaerdi)
    except StdnumError:
        raise ValidationError(
            _("De første seks cifre i CPR-nummeret er ikke en gyldig fødselsdato."), code="cpr_dato"
        ) from None


class Person(models.Model):
    """A citizen. Addressed by an opaque UUID; the CPR number never goes in a URL or a log."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cpr = models.CharField(_("CPR-nummer"), max_length=10, unique=True, validators=[valider_cpr])
    navn = models.CharField(_("navn"), max_length=200)
    kontaktgruppe = models.ForeignKey(Kontaktgruppe, on_delete=models.PROTECT, verbose_name=_("kontaktgruppe"))
    akasse = models.ForeignKey(Akasse, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("a-kasse"))
    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.PROTECT, related_name="personer", verbose_name=_("jobcenter")
    )
    oprettet = models.DateTimeField(_("oprettet"), default=timezone.now)
    # Navne- og adressebeskyttelse in force today (the current period's ``beskyttet``, kept
    # by borgere.person_ret like kontaktgruppe and a-kasse): lists and search mask the
    # citizen from one indexed column (registrering/beskyttelse.py).
    beskyttet = models.BooleanField(_("navne- og adressebeskyttelse"), default=False, db_default=False, editable=False)
    # Issue 24: an administrator's legal hold (the reason; empty: none). A citizen on hold is
    # never erased by slet_udloebne (registrering/sletning.py); set in the admin, through
    # services.retshold_saet, so it is in the citizen's history with who and why.
    retshold = models.CharField(
        _("retshold"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Begrundelse for at borgerens data ikke må slettes (fx en verserende klagesag). Tom: intet retshold."
        ),
    )
    history = HistoricalRecords(excluded_fields=["oprettet"])

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        ordering = ["navn"]
        permissions = [
            ("se_alle_jobcentre", _("Kan se borgere i alle jobcentre")),
            ("flyt_person", _("Kan flytte borgere til et andet jobcenter")),
            # Granted deliberately to a named user, never through a role (roller.py leaves it
            # out, superusers included): registrering/beskyttelse.py.
            ("se_beskyttede", _("Må se borgere med navne- og adressebeskyttelse")),
        ]
        indexes = [
            models.Index(fields=["jobcenter", "navn"]),
            # Name search by words in any order, each the start of a word of the name
            # (selectors.person_soeg_qs uses the same expression, NAVN_VEKTOR).
            GinIndex(SearchVector("navn", config="simple"), name="person_navn_ord"),
        ]
        constraints = [
            # The database refuses anything but ten ASCII digits, whatever writes (COPY too).
            # Migration 0010 adds it NOT VALID: rows from before are reported, not refused.
            models.CheckConstraint(
                condition=Q(cpr__regex=r"^[0-9]{10}$"),
                name="person_cpr_ti_ascii_cifre",
                violation_error_message=_("Et CPR-nummer har 10 cifre (ddmmåå-xxxx)."),
            ),
        ]

    def __str__(self):
        # Deliberately without the CPR number: str() ends up in logs and admin messages; and
        # without a protected citizen's name (issue 24: admin lists, messages).
        if self.beskyttet:
            return str(_("Beskyttet borger"))
        return self.navn


class PersonPeriode(models.Model):
    """The DFDG order § 16: the citizen's kontaktgruppe (and a-kasse) from a date.

    One row per period; a period runs until the next one starts. The first period has no
    start (``gyldig_fra`` empty): it reaches back before the citizen was created, so a
    conversation registered late is judged by it. ``Person.kontaktgruppe``/``akasse`` hold
    the current period's values (kept by ``borgere.person_ret``) for the pages that show
    only today's; every § 28 rule reads the period in force on the conversation's date
    (``selectors.periode_paa_dato``).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="perioder")
    kontaktgruppe = models.ForeignKey(
        Kontaktgruppe, on_delete=models.PROTECT, related_name="+", verbose_name=_("kontaktgruppe")
    )
    akasse = models.ForeignKey(
        Akasse, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("a-kasse")
    )
    # Issue 24: navne- og adressebeskyttelse in CPR (BEK 442/2023 § 169), a period like the
    # kontaktgruppe and a-kasse, set on person-ret and by the API's period import.
    beskyttet = models.BooleanField(_("navne- og adressebeskyttelse"), default=False, db_default=False)
    gyldig_fra = models.DateField(_("gyldig fra"), null=True, blank=True)
    registreret = models.DateTimeField(_("registreret"), default=timezone.now)
    registreret_af = models.ForeignKey(Bruger, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    begrundelse = models.TextField(_("begrundelse"), blank=True)
    # Issue 18, § 28 stk. 5 over time: the held conversations this period moved to another
    # a-kasse (or into or out of forwarding), as borgere.person_ret re-routed them: one
    # entry per conversation, {"samtale": id, "titel", "sendt_til": code or None,
    # "annulleret_hos": [codes], "kontaktgruppe": the conversation's new one or None}.
    # Empty (or NULL: rows written without it, e.g. by generer_data's COPY) when none.
    videresendelser = models.JSONField(
        _("videresendelser flyttet"), default=list, null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("periode for kontaktgruppe og a-kasse")
        verbose_name_plural = _("perioder for kontaktgruppe og a-kasse")
        ordering = ["person", "-gyldig_fra"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "gyldig_fra"],
                nulls_distinct=False,
                name="personperiode_en_pr_dato",
                violation_error_message=_("Borgeren har allerede en periode fra denne dato."),
            ),
        ]

    def __str__(self):
        fra = self.gyldig_fra.strftime("%d.%m.%Y") if self.gyldig_fra else _("oprettelsen")
        return f"{self.kontaktgruppe} fra {fra}"

    def videresendelser_tekster(self) -> list[str]:
        """What the period re-routed, one Danish sentence per conversation (the citizen's
        page, person-ret's result message)."""
        tekster = []
        for v in self.videresendelser or []:
            dele = []
            if v.get("sendt_til"):
                dele.append(str(_("sendt til A-kassen %(kode)s")) % {"kode": v["sendt_til"]})
            if v.get("annulleret_hos"):
                dele.append(
                    str(_("annulleret hos %(akasser)s"))
                    % {"akasser": ", ".join(str(_("A-kassen %(kode)s")) % {"kode": k} for k in v["annulleret_hos"])}
                )
            if v.get("kontaktgruppe"):
                dele.append(str(_("indberettet til DFDG med kontaktgruppe %(kg)s")) % {"kg": v["kontaktgruppe"]})
            tekster.append(f"{v['titel']}: {', '.join(dele)}.")
        return tekster


class SamtaleQuerySet(models.QuerySet):
    def aktive(self):
        return self.filter(annulleret__isnull=True)


class Samtale(models.Model):
    """One held conversation (§ 28 nr. 2-8, stk. 3-4). Never deleted: corrected or cancelled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="samtaler")
    dato = models.DateField(_("dato for samtalen"))
    samtaletype = models.ForeignKey(Samtaletype, on_delete=models.PROTECT, verbose_name=_("samtaletype"))
    samtaleform = models.ForeignKey(Samtaleform, on_delete=models.PROTECT, verbose_name=_("samtaleform"))
    # § 28 nr. 5/6, copied from the rule in force on ``dato`` so that "the current binding
    # agreement" is one indexed query.
    aftaletype = models.CharField(max_length=20, choices=SamtaletypeRegel.Aftale.choices, blank=True, editable=False)
    aftale = models.TextField(_("aftale"), blank=True)
    saerlig_indsats = models.TextField(_("særlig indsats"), blank=True)
    akasse_deltagelse = models.ForeignKey(
        AkasseDeltagelse, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("a-kassens deltagelse")
    )
    praktiske_aftaler = models.TextField(_("praktiske aftaler"), blank=True)
    tidlig_opfoelgning = models.BooleanField(_("borgeren anmoder om tidlig opfølgning"), default=False)
    cv_ikke_fyldestgoerende = models.BooleanField(_("CV er ikke længere fyldestgørende"), default=False)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="+")
    kontaktgruppe = models.ForeignKey(Kontaktgruppe, on_delete=models.PROTECT, related_name="+")
    registreret = models.DateTimeField(_("registreret"), default=timezone.now)
    registreret_af = models.ForeignKey(Bruger, on_delete=models.PROTECT, related_name="+")
    rettet = models.DateTimeField(_("senest rettet"), null=True, blank=True)
    annulleret = models.DateTimeField(_("annulleret"), null=True, blank=True)
    annulleringsbegrundelse = models.TextField(_("begrundelse for annullering"), blank=True)
    # Each registration, correction and cancellation counts one up (1 = opret); the report
    # events carry it (indberetning).
    sekvens = models.PositiveIntegerField(default=1, editable=False)
    # Issue 18: the one-time key of the registration form this conversation was registered
    # from: the same form sent again (after a lost answer, a login, a double click) answers
    # "already registered" instead of registering a second conversation.
    engangsnoegle = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords()

    objects = SamtaleQuerySet.as_manager()

    class Meta:
        verbose_name = _("samtale")
        verbose_name_plural = _("samtaler")
        ordering = ["-dato", "-registreret"]
        permissions = [("se_statistik", _("Kan se statistik over jobcentrets samtaler"))]
        indexes = [
            models.Index(fields=["person", "-dato", "-registreret"], name="samtale_person_dato"),
            # The admin's change list at national scale: its ordering (Meta.ordering plus the
            # primary key Django adds) read from an index, not a sort of every conversation.
            models.Index(fields=["-dato", "-registreret", "-id"], name="samtale_dato"),
            # The team lead's statistics: one jobcenter's conversations in a date range.
            models.Index(fields=["jobcenter", "dato"], name="samtale_jobcenter_dato"),
            # The start page: the caseworker's own latest registrations.
            models.Index(fields=["registreret_af", "-registreret"], name="samtale_registreret_af"),
            models.Index(
                fields=["person", "-dato", "-registreret"],
                condition=Q(annulleret__isnull=True, aftaletype="bindende"),
                name="samtale_gaeldende_aftale",
            ),
        ]
        constraints = [
            # DFDG refuses a conversation with the same type and time as one it holds.
            models.UniqueConstraint(
                fields=["person", "samtaletype", "dato"],
                condition=Q(annulleret__isnull=True),
                name="samtale_en_pr_type_og_dato",
                violation_error_message=_("Borgeren har allerede en samtale af denne type på denne dato."),
            ),
        ]

    def __str__(self):
        return f"{self.samtaletype} {self.dato:%d.%m.%Y}"

    @property
    def er_annulleret(self) -> bool:
        return self.annulleret is not None


class Deltager(models.Model):
    """§ 28 nr. 10: a participant with name, role and form of participation."""

    samtale = models.ForeignKey(Samtale, on_delete=models.PROTECT, related_name="deltagere")
    navn = models.CharField(_("navn"), max_length=200)
    rolle = models.ForeignKey(Deltagerrolle, on_delete=models.PROTECT, verbose_name=_("rolle"))
    deltagelsesform = models.ForeignKey(Deltagelsesform, on_delete=models.PROTECT, verbose_name=_("deltagelsesform"))
    aktiv = models.BooleanField(_("aktiv"), default=True, help_text=_("Fjernet ved en rettelse, når falsk."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        ordering = ["id"]

    def __str__(self):
        return self.navn


class Visitation(models.Model):
    """§ 28 nr. 9 and stk. 2: a change of visitationsgruppe, in force from its registration date.

    One row per change. "Which group on date D" is the newest row with ``gyldig_fra <= D``,
    answered from the (person, gyldig_fra, registreret) index.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visitationer")
    visitationsgruppe = models.ForeignKey(
        Visitationsgruppe, on_delete=models.PROTECT, verbose_name=_("visitationsgruppe")
    )
    gyldig_fra = models.DateField(_("har virkning fra"))
    registreret = models.DateTimeField(_("registreret"), default=timezone.now)
    registreret_af = models.ForeignKey(Bruger, on_delete=models.PROTECT, related_name="+")
    samtale = models.ForeignKey(Samtale, on_delete=models.PROTECT, null=True, blank=True, related_name="visitationer")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visitation")
        verbose_name_plural = _("visitationer")
        ordering = ["-gyldig_fra", "-registreret", "-id"]
        indexes = [models.Index(fields=["person", "-gyldig_fra", "-registreret", "-id"], name="visitation_person_dato")]

    def __str__(self):
        return f"{self.visitationsgruppe} fra {self.gyldig_fra:%d.%m.%Y}"


class PersonMarkering(models.Model):
    """§ 28 stk. 3: a persongruppemarkering on the citizen, from the registration date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="markeringer")
    markering = models.ForeignKey(Persongruppemarkering, on_delete=models.PROTECT, verbose_name=_("markering"))
    fra = models.DateField(_("fra"))
    til = models.DateField(_("til"), null=True, blank=True)
    samtale = models.ForeignKey(Samtale, on_delete=models.PROTECT, related_name="markeringer")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("persongruppemarkering på borger")
        verbose_name_plural = _("persongruppemarkeringer på borgere")
        ordering = ["-fra", "-id"]
        indexes = [models.Index(fields=["person", "til"])]

    def __str__(self):
        return f"{self.markering} fra {self.fra:%d.%m.%Y}"


class Adgangslog(models.Model):
    """Who read, searched, changed or exported a citizen's data, when and why.

    Append-only: a database trigger refuses UPDATE and DELETE (migration 0005), and the
    admin offers neither. Reading access is not history, so this is its own table.
    """

    class Handling(models.TextChoices):
        VIS = "vis", _("visning")
        SOEG = "soeg", _("søgeresultat")
        OPRET = "opret", _("oprettelse")
        RET = "ret", _("rettelse")
        ANNULLER = "annuller", _("annullering")
        HISTORIK = "historik", _("revisionsvisning")
        EKSPORT = "eksport", _("eksport")
        INDSIGT = "indsigt", _("borgerens egen indsigt")
        # Somebody tried to create a citizen with this CPR number: they learnt that the
        # citizen exists (also in another jobcenter), so the auditor sees who asked.
        OPRET_AFVIST = "opret_afvist", _("forsøg på oprettelse (findes allerede)")
        OVERSIGT = "oversigt", _("vist på forsiden")
        # Issue 24: a page of a citizen with navne- og adressebeskyttelse refused (403).
        AFVIST = "afvist", _("forsøg på adgang afvist (beskyttet borger)")

    tidspunkt = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("borger"))
    bruger = models.ForeignKey(Bruger, on_delete=models.PROTECT, related_name="+", verbose_name=_("bruger"))
    # The user's name as it was when the row was written (a name changes; the log does not).
    bruger_navn = models.CharField(_("brugerens navn"), max_length=300, blank=True, default="")
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices)
    formaal = models.CharField(_("formål"), max_length=200)
    detaljer = models.CharField(_("detaljer"), max_length=300, blank=True)
    # The API call's X-Request-ID (issue 22); empty for the pages.
    request_id = models.UUIDField(_("X-Request-ID"), null=True, blank=True)

    class Meta:
        verbose_name = _("adgangslog")
        verbose_name_plural = _("adgangslog")
        ordering = ["-tidspunkt", "-id"]
        indexes = [
            models.Index(fields=["person", "-tidspunkt"], name="adgangslog_person_tid"),
            # The start page: the citizens the user viewed recently.
            models.Index(fields=["bruger", "-tidspunkt"], name="adgangslog_bruger_tid"),
        ]
        permissions = [
            ("se_historik", _("Kan se revisionsspor og adgangslog for borgere")),
        ]
        default_permissions = ("view",)

    def __str__(self):
        # Danish time, as the admin shows the field itself (issue 20).
        return f"{timezone.localtime(self.tidspunkt):%d.%m.%Y %H:%M} {self.bruger} {self.get_handling_display()}"


# --- retention (issue 24, CONTRACT.md "Retention") ---------------------------------------------


class Slettefrist(Gyldighed):
    """A retention deadline as dated data, like the code lists: an ISO 8601 duration in days
    or weeks (KL's ``P1825D``, "5 år efter sagsafslutning") counted from ``regnes_fra``."""

    class RegnesFra(models.TextChoices):
        BORGER = "borger", _("borgerens seneste registrerede samtale, periode eller flytning")
        ADGANGSLOG = "adgangslog", _("adgangen (adgangsloggens egne rækker)")

    kode = models.CharField(_("kode"), max_length=40, unique=True)
    navn = models.CharField(_("navn"), max_length=200)
    varighed = models.CharField(
        _("varighed (ISO 8601)"),
        max_length=40,
        help_text=_("En ISO 8601-varighed i dage eller uger, fx P1825D (5 år)."),
    )
    regnes_fra = models.CharField(_("regnes fra"), max_length=20, choices=RegnesFra.choices)

    class Meta:
        verbose_name = _("slettefrist")
        verbose_name_plural = _("slettefrister")
        ordering = ["regnes_fra", "gyldig_fra"]

    def __str__(self):
        return f"{self.navn} ({self.varighed})"

    @property
    def tidsrum(self) -> datetime.timedelta:
        return varighed_tidsrum(self.varighed)

    def clean(self):
        super().clean()
        if varighed_tidsrum(self.varighed) is None:
            raise ValidationError({"varighed": _("Skriv en ISO 8601-varighed i dage eller uger, fx P1825D.")})


_VARIGHED = re.compile(r"\AP(?:(?P<uger>[0-9]{1,5})W|(?P<dage>[0-9]{1,6})D)\Z")


def varighed_tidsrum(varighed: str) -> datetime.timedelta | None:
    """``P1825D`` or ``P260W`` as a timedelta; None for anything else (years and months have
    no fixed length, and KL writes its deadlines in days)."""
    m = _VARIGHED.match(varighed or "")
    if m is None:
        return None
    return datetime.timedelta(weeks=int(m["uger"])) if m["uger"] else datetime.timedelta(days=int(m["dage"]))


class Sletning(models.Model):
    """The append-only record of one erasure: the citizen's opaque id, when, by which rule,
    and how many rows of each kind went. Never a CPR number or a name."""

    # Empty for the access log's own deadline (rows of citizens still kept).
    person_id = models.UUIDField(_("borgerens id"), db_index=True, null=True, blank=True)
    tidspunkt = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    slettefrist = models.ForeignKey(Slettefrist, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    regel = models.CharField(_("regel"), max_length=300)
    antal = models.JSONField(_("antal rækker"), default=dict)

    class Meta:
        verbose_name = _("sletning")
        verbose_name_plural = _("sletninger")
        ordering = ["-tidspunkt", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{timezone.localtime(self.tidspunkt):%d.%m.%Y %H:%M} {self.person_id}"


class StatistikArkiv(models.Model):
    """Anonymous counts kept when a citizen is erased, so the statistics of past years stay
    true (registrering/statistik.py adds them): per day, jobcenter, samtaletype, samtaleform
    and caseworker, or per visitationsgruppe for the visitations. No citizen in it."""

    dato = models.DateField()
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="+")
    samtaletype = models.ForeignKey(Samtaletype, on_delete=models.PROTECT, related_name="+", null=True)
    samtaleform = models.ForeignKey(Samtaleform, on_delete=models.PROTECT, related_name="+", null=True)
    registreret_af = models.ForeignKey(Bruger, on_delete=models.PROTECT, related_name="+", null=True)
    visitationsgruppe = models.ForeignKey(Visitationsgruppe, on_delete=models.PROTECT, related_name="+", null=True)
    antal = models.PositiveIntegerField(default=0)
    aftale_typer = models.PositiveIntegerField(default=0)
    aftale_med = models.PositiveIntegerField(default=0)
    tidlig = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("arkiveret optælling")
        verbose_name_plural = _("arkiverede optællinger")
        indexes = [models.Index(fields=["jobcenter", "dato"], name="statistikarkiv_jc_dato")]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.dato:%d.%m.%Y}: {self.antal}"


def _optalt(model, **kwargs):
    """A counted key: no foreign key constraint and no index of its own (the counts are kept by
    the database's triggers, registrering/statistiktal.py, and read by their unique key)."""
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+", **kwargs
    )


class StatistikDag(models.Model):
    """Held conversations per jobcenter, day, samtaletype, samtaleform and caseworker, kept
    current by the database in the writing transaction (registrering/statistiktal.py says
    how and which rule). Only the database writes here; the app role may only read."""

    jobcenter = _optalt(Jobcenter)
    dato = models.DateField()
    samtaletype = _optalt(Samtaletype)
    samtaleform = _optalt(Samtaleform)
    registreret_af = _optalt(Bruger)
    antal = models.IntegerField(default=0)
    aftale_typer = models.IntegerField(default=0)
    aftale_med = models.IntegerField(default=0)
    tidlig = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["jobcenter", "dato", "samtaletype", "samtaleform", "registreret_af"], name="statistikdag_noegle"
            )
        ]

    def __str__(self):
        return f"{self.dato:%d.%m.%Y}: {self.antal}"


class StatistikVisitationDag(models.Model):
    """Visitation assessments of held conversations per jobcenter, day and visitationsgruppe;
    kept like :class:`StatistikDag`."""

    jobcenter = _optalt(Jobcenter)
    dato = models.DateField()
    visitationsgruppe = _optalt(Visitationsgruppe)
    antal = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["jobcenter", "dato", "visitationsgruppe"], name="statistikvisitationdag_noegle"
            )
        ]

    def __str__(self):
        return f"{self.dato:%d.%m.%Y}: {self.antal}"
