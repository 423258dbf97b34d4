"""The § 28 rule table, read for one citizen, one samtaletype and one date.

One function, :func:`regelsaet`, answers "which parts of § 28 apply here"; the form uses
it to decide which fields to show, :func:`valider_samtale` uses it to refuse what does
not apply (for the form and the service alike), and the report uses it for what to send.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from . import kodecache
from .models import (
    Deltagelsesform,
    Deltagerrolle,
    KontaktgruppeRegel,
    Samtaleform,
    Samtaletype,
    SamtaletypeRegel,
    TilladtSamtaletype,
    TilladtVisitationsgruppe,
    Visitationsgruppe,
)
from .samtaledata import MAKS_TEKST, SAMTALE_FELTER, TEKST, tekst_laengde

# Form fields that belong to one part of § 28 each; the rule table says which apply.
DELFELTER = (
    "aftale",
    "saerlig_indsats",
    "akasse_deltagelse",
    "praktiske_aftaler",
    "visitationsgruppe",
    "cv_ikke_fyldestgoerende",
)


@dataclass(frozen=True)
class Regelsaet:
    samtaletype: Samtaletype | None = None
    samtaletype_tilladt: bool = False
    aftale: str = ""  # SamtaletypeRegel.Aftale: "", "bindende" (nr. 5) or "fleksjob" (nr. 6)
    saerlig_indsats: bool = False
    akasse_deltagelse: bool = False
    praktiske_aftaler: bool = False
    visitationsgrupper: tuple[Visitationsgruppe, ...] = field(default_factory=tuple)
    cv_vurdering: bool = False
    akasse_videregivelse: bool = False
    # The kontaktgruppe these rules were read for: the citizen's on the conversation's date.
    kontaktgruppe: object = None

    @property
    def visitation(self) -> bool:
        return bool(self.visitationsgrupper)

    @property
    def gaelder(self) -> dict[str, bool]:
        """Field name -> whether that part of § 28 applies."""
        return {
            "aftale": bool(self.aftale),
            "saerlig_indsats": self.saerlig_indsats,
            "akasse_deltagelse": self.akasse_deltagelse,
            "praktiske_aftaler": self.praktiske_aftaler,
            "visitationsgruppe": self.visitation,
            "cv_ikke_fyldestgoerende": self.cv_vurdering,
        }


DANSK_TID = ZoneInfo("Europe/Copenhagen")


def dansk_dato(tidspunkt: datetime.datetime) -> datetime.date:
    """The calendar date in Denmark (§ 28 stk. 2 counts days in Danish time)."""
    return timezone.localtime(tidspunkt, timezone=DANSK_TID).date()


_gyldig = kodecache.i_kraft


def _newest_first(raekker):
    """Newest first by ``gyldig_fra`` (then by id, so ties always resolve the same way)."""
    return tuple(sorted(raekker, key=lambda r: (r.gyldig_fra, r.pk), reverse=True))


@dataclass(frozen=True)
class Regeltabel:
    """The whole rule table and the code lists it names, as read for one version."""

    kontaktgrupperegler: dict  # kontaktgruppe id -> KontaktgruppeRegel rows, newest first
    samtaletyperegler: dict  # samtaletype id -> SamtaletypeRegel rows, newest first
    tilladte_samtaletyper: dict  # kontaktgruppe id -> TilladtSamtaletype rows
    tilladte_visitationsgrupper: dict  # kontaktgruppe id -> TilladtVisitationsgruppe rows
    samtaletyper: dict  # id -> Samtaletype
    visitationsgrupper: dict  # id -> Visitationsgruppe


def _group_by(raekker, felt: str) -> dict:
    grupperet: dict = {}
    for r in raekker:
        grupperet.setdefault(getattr(r, felt), []).append(r)
    return grupperet


def _regeltabel_laes() -> Regeltabel:
    return Regeltabel(
        kontaktgrupperegler={
            k: _newest_first(v) for k, v in _group_by(KontaktgruppeRegel.objects.all(), "kontaktgruppe_id").items()
        },
        samtaletyperegler={
            k: _newest_first(v) for k, v in _group_by(SamtaletypeRegel.objects.all(), "samtaletype_id").items()
        },
        tilladte_samtaletyper=_group_by(TilladtSamtaletype.objects.all(), "kontaktgruppe_id"),
        tilladte_visitationsgrupper=_group_by(TilladtVisitationsgruppe.objects.all(), "kontaktgruppe_id"),
        samtaletyper={o.pk: o for o in Samtaletype.objects.all()},
        visitationsgrupper={o.pk: o for o in Visitationsgruppe.objects.all()},
    )


def regeltabel() -> Regeltabel:
    """The rule table, read once per version of it and kept in the process (kodecache.py)."""
    return kodecache.cached("regeltabel", _regeltabel_laes)


def kontaktgruppe_regler(*, kontaktgruppe, dato: datetime.date) -> dict:
    t = regeltabel()
    regel = next((r for r in t.kontaktgrupperegler.get(kontaktgruppe.pk, ()) if _gyldig(r, dato)), None)
    grupper = {
        r.visitationsgruppe_id: t.visitationsgrupper[r.visitationsgruppe_id]
        for r in t.tilladte_visitationsgrupper.get(kontaktgruppe.pk, ())
        if _gyldig(r, dato) and _gyldig(t.visitationsgrupper[r.visitationsgruppe_id], dato)
    }
    return {
        "visitationsgrupper": tuple(sorted(grupper.values(), key=lambda g: (g.sortering, g.kode))),
        "cv_vurdering": bool(regel and regel.cv_vurdering),
        "akasse_videregivelse": bool(regel and regel.akasse_videregivelse),
    }


def regelsaet(*, kontaktgruppe, samtaletype: Samtaletype | None, dato: datetime.date) -> Regelsaet:
    """Which § 28 parts apply to ``samtaletype`` for ``kontaktgruppe`` on ``dato``."""
    t = regeltabel()
    kg = kontaktgruppe_regler(kontaktgruppe=kontaktgruppe, dato=dato)
    kg["kontaktgruppe"] = kontaktgruppe
    if samtaletype is None:
        return Regelsaet(**kg)
    regel = next((r for r in t.samtaletyperegler.get(samtaletype.pk, ()) if _gyldig(r, dato)), None)
    if regel is None:
        return Regelsaet(samtaletype=samtaletype, **kg)
    tilladt = (
        samtaletype.pk in t.samtaletyper
        and _gyldig(t.samtaletyper[samtaletype.pk], dato)
        and any(
            r.samtaletype_id == samtaletype.pk and _gyldig(r, dato)
            for r in t.tilladte_samtaletyper.get(kontaktgruppe.pk, ())
        )
    )
    return Regelsaet(
        samtaletype=samtaletype,
        samtaletype_tilladt=tilladt,
        aftale=regel.aftale,
        saerlig_indsats=regel.saerlig_indsats,
        akasse_deltagelse=regel.akasse_deltagelse,
        praktiske_aftaler=regel.praktiske_aftaler,
        **kg,
    )


def samtaletyper_tilladte(*, kontaktgruppe, dato: datetime.date) -> tuple[Samtaletype, ...]:
    """The samtaletyper a caseworker may choose for this kontaktgruppe on ``dato``: in force,
    allowed for the kontaktgruppe, and with a rule in force."""
    t = regeltabel()
    tilladte = {r.samtaletype_id for r in t.tilladte_samtaletyper.get(kontaktgruppe.pk, ()) if _gyldig(r, dato)}
    return tuple(
        sorted(
            (
                st
                for st in t.samtaletyper.values()
                if st.pk in tilladte
                and _gyldig(st, dato)
                and any(_gyldig(r, dato) for r in t.samtaletyperegler.get(st.pk, ()))
            ),
            key=lambda st: (st.sortering, st.kode),
        )
    )


def valider_samtale(
    *, person, data, regler: Regelsaet, nuvaerende_visitationsgruppe=None, samtale=None, engangsnoegle=None
) -> dict[str, list[str]]:
    """Every § 28 rule for one registration; returns Danish messages per field.

    ``data`` is a :class:`registrering.samtaledata.SamtaleData`; ``samtale`` is the
    conversation being corrected (excluded from the duplicate check). ``engangsnoegle``: the
    registration form's one-time key; a "duplicate" registered from that same form is the
    form sent again, which the service answers "already registered" (issue 18).
    """
    from .models import Samtale

    fejl: dict[str, list[str]] = {}
    # The kontaktgruppe on the conversation's date (DFDG order § 16), as the rules were read.
    kg_kode = (regler.kontaktgruppe or person.kontaktgruppe).kode

    def tilfoej(felt: str, besked: str) -> None:
        fejl.setdefault(felt, []).append(besked)

    idag = dansk_dato(timezone.now())
    if data.dato > idag:
        tilfoej("dato", _("Datoen ligger i fremtiden. Kun afholdte samtaler registreres (§ 28 nr. 2)."))
    if not kodecache.gyldige(Samtaletype, data.dato):
        # A date before every samtaletype (01.01.1899, a slip of the year): the date is what
        # is wrong, not the type, the form or the agreement, which all follow from it.
        foerste = min((t.gyldig_fra for t in kodecache.alle(Samtaletype).values()), default=None)
        tilfoej(
            "dato",
            _(
                "Der kan ikke registreres samtaler med datoen %(dato)s: samtaletyperne gælder fra %(fra)s. Tjek årstallet."
            )
            % {"dato": data.dato.strftime("%d.%m.%Y"), "fra": foerste.strftime("%d.%m.%Y") if foerste else "—"},
        )
        return fejl

    if data.samtaletype is not None and not regler.samtaletype_tilladt:
        tilfoej(
            "samtaletype",
            _("Samtaletypen %(type)s kan ikke bruges for borgere i kontaktgruppe %(kg)s på denne dato.")
            % {"type": data.samtaletype, "kg": kg_kode},
        )
    if data.samtaleform is not None and data.samtaleform not in kodecache.gyldige(Samtaleform, data.dato):
        tilfoej("samtaleform", _("Samtaleformen gælder ikke på denne dato."))

    # The same limit as the form's and the page's counter (samtaledata.MAKS_TEKST): a caller
    # without the form (an integration) meets it here, nothing is cut.
    for f in SAMTALE_FELTER:
        if f.kind == TEKST and (n := tekst_laengde(getattr(data, f.name))) > MAKS_TEKST:
            tilfoej(
                f.name,
                _("Teksten har %(n)s tegn, og der er plads til %(maks)s. Forkort den med %(over)s tegn.")
                % {"n": n, "maks": MAKS_TEKST, "over": n - MAKS_TEKST},
            )

    aftale = (data.aftale or "").strip()
    if regler.aftale:
        if not aftale:
            if regler.aftale == SamtaletypeRegel.Aftale.FLEKSJOB:
                tilfoej("aftale", _("Aftalen om det fortsatte fleksjobforløb skal udfyldes (§ 28 nr. 6)."))
            else:
                tilfoej("aftale", _("Den bindende aftale om det fortsatte kontaktforløb skal udfyldes (§ 28 nr. 5)."))
    elif aftale:
        tilfoej(
            "aftale",
            _(
                "Denne samtaletype må ikke indeholde en bindende aftale (§ 28 nr. 8). Brug en jobsamtale, hvis aftalen er bindende for borgeren."
            ),
        )

    if (data.saerlig_indsats or "").strip() and not regler.saerlig_indsats:
        tilfoej(
            "saerlig_indsats", _("Særlig indsats registreres kun ved jobsamtaler og integrationssamtaler (§ 28 nr. 5).")
        )

    if regler.akasse_deltagelse and data.akasse_deltagelse is None:
        tilfoej("akasse_deltagelse", _("Angiv status for a-kassens deltagelse (§ 28 nr. 7)."))
    elif data.akasse_deltagelse is not None and not regler.akasse_deltagelse:
        tilfoej(
            "akasse_deltagelse",
            _("A-kassens deltagelse registreres kun ved fælles jobsamtaler med a-kassen (§ 28 nr. 7)."),
        )

    if (data.praktiske_aftaler or "").strip() and not regler.praktiske_aftaler:
        tilfoej(
            "praktiske_aftaler",
            _("Denne samtaletype har en aftale i stedet for praktiske aftaler. Skriv aftalerne i aftalefeltet."),
        )

    if data.visitationsgruppe is not None:
        if not regler.visitation:
            tilfoej(
                "visitationsgruppe",
                _("Borgere i kontaktgruppe %(kg)s visiteres ikke (§ 28 nr. 9).") % {"kg": kg_kode},
            )
        elif data.visitationsgruppe not in regler.visitationsgrupper:
            tilfoej(
                "visitationsgruppe",
                _("Visitationsgruppen %(gruppe)s kan ikke bruges for kontaktgruppe %(kg)s.")
                % {"gruppe": data.visitationsgruppe, "kg": kg_kode},
            )

    if data.cv_ikke_fyldestgoerende and not regler.cv_vurdering:
        tilfoej(
            "cv_ikke_fyldestgoerende", _("CV-vurderingen registreres kun for borgere i kontaktgruppe 1 (§ 28 stk. 4).")
        )

    if data.samtaletype is not None:
        dubletter = Samtale.objects.aktive().filter(person=person, samtaletype=data.samtaletype, dato=data.dato)
        if samtale is not None:
            dubletter = dubletter.exclude(pk=samtale.pk)
        dublet, noegle = dubletter.values_list("pk", "engangsnoegle").first() or (None, None)
        if dublet is not None and not (engangsnoegle is not None and noegle == engangsnoegle):
            # Link to the existing conversation and its correction: the usual cause is a
            # second registration of the same conversation, which should be a correction.
            from django.urls import reverse
            from django.utils.html import format_html

            tilfoej(
                "samtaletype",
                format_html(
                    '{} <a href="{}">{}</a> {} <a href="{}">{}</a>.',
                    _("Borgeren har allerede en samtale af denne type på denne dato."),
                    reverse("registrering:person-detalje", kwargs={"pk": person.pk}) + f"#samtale-{dublet}",
                    _("Se samtalen"),
                    _("eller"),
                    reverse("registrering:samtale-ret", kwargs={"pk": dublet}),
                    _("ret den i stedet"),
                ),
            )

    if data.deltagere:
        roller = {o.pk for o in kodecache.gyldige(Deltagerrolle, data.dato)}
        former = {o.pk for o in kodecache.gyldige(Deltagelsesform, data.dato)}
    for nr, deltager in enumerate(data.deltagere, start=1):
        if not (deltager.navn or "").strip():
            tilfoej("deltagere", _("Deltager %(nr)s mangler et navn (§ 28 nr. 10).") % {"nr": nr})
        if deltager.rolle is None or deltager.rolle.pk not in roller:
            tilfoej("deltagere", _("Deltager %(nr)s har ikke en gyldig rolle.") % {"nr": nr})
        if deltager.deltagelsesform is None or deltager.deltagelsesform.pk not in former:
            tilfoej("deltagere", _("Deltager %(nr)s har ikke en gyldig deltagelsesform.") % {"nr": nr})
    return fejl


# The agreements in the order the citizen's page shows them: the fleksjob agreement (nr. 6)
# first where it applies, as a fleksjob citizen's course runs on it.
AFTALE_ORDEN = (SamtaletypeRegel.Aftale.FLEKSJOB, SamtaletypeRegel.Aftale.BINDENDE)


def aftaletyper(*, kontaktgruppe, dato: datetime.date) -> tuple[str, ...]:
    """The agreements (§ 28 nr. 5 binding, nr. 6 fleksjob) carried by the samtaletyper a
    kontaktgruppe may have on ``dato``: which agreement cards the citizen's page shows."""
    arter = {
        regelsaet(kontaktgruppe=kontaktgruppe, samtaletype=st, dato=dato).aftale
        for st in samtaletyper_tilladte(kontaktgruppe=kontaktgruppe, dato=dato)
    }
    return tuple(a for a in AFTALE_ORDEN if a in arter)
