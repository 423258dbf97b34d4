"""The API's operations over the pages' own forms, selectors and services (issue 22).

Each one parses the body into the same form the page uses (one validation, one set of
Danish messages), hands the form's result to the same service, and answers with a body or
a :class:`~api.problemer.Problem`. Nothing here writes a row itself."""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from indberetning import selectors as ind_selectors
from registrering import beskyttelse, borgere
from registrering import selectors as reg_selectors
from registrering import services as reg_services
from registrering.forms import BegrundelseForm, PersonForm, PersonRetForm, SamtaleFormular, cpr_normaliser
from registrering.models import Adgangslog, Person, PersonPeriode, Samtale
from registrering.samtaledata import DATO, FLAG, KODE, SAMTALE_FELTER

from . import selectors
from .problemer import Problem, felt_fejl, fra_formular, fra_validering, ikke_fundet

DELTAGER_FELTER = ("navn", "rolle", "deltagelsesform")


def _cpr(vaerdi) -> str:
    try:
        return cpr_normaliser(str(vaerdi or ""))
    except ValidationError as e:
        raise fra_formular({"cpr": e.messages}) from None


# --- citizens -------------------------------------------------------------------------------


def _beskyttet_afvis(*, bruger, person) -> None:
    """A protected citizen (navne- og adressebeskyttelse) is 403 for a client whose user was
    not given ``se_beskyttede``, as every page of that citizen is (issue 24): the one rule in
    ``registrering.beskyttelse``, which writes the refused attempt to the access log first."""
    try:
        beskyttelse.kraev_adgang(bruger=bruger, person=person, side="API")
    except PermissionDenied:
        raise Problem(403, _("Borgeren har navne- og adressebeskyttelse.")) from None


def person_ud(person: Person) -> dict:
    return {
        "id": str(person.pk),
        "navn": person.navn,
        "kontaktgruppe": person.kontaktgruppe.kode,
        "akasse": person.akasse.kode if person.akasse_id else None,
        "beskyttet": person.beskyttet,
    }


def person_find(klient, *, cpr: str) -> tuple[int, dict]:
    """A look-up by CPR number (in the body, never the URL): the citizen if the client's
    jobcentre have them, logged as a search hit; else 404."""
    fundet = selectors.person_ved_cpr(klient, _cpr(cpr))
    if fundet is None:
        raise ikke_fundet(_("Ingen borger med dette CPR-nummer i klientens jobcentre."))
    person, bruger = fundet
    _beskyttet_afvis(bruger=bruger, person=person)
    reg_services.adgang_log(
        bruger=bruger, personer=[person], handling=Adgangslog.Handling.SOEG, detaljer=_("Fundet ved CPR-opslag (API)")
    )
    return 200, person_ud(person)


def _jobcenter_bruger(klient, kode: str | None):
    brugere = list(klient.brugere.all())
    if kode:
        valgt = [kb.bruger for kb in brugere if kb.jobcenter.kode == kode]
        if not valgt:
            raise fra_formular({"jobcenter": [_("Klienten handler ikke for dette jobcenter.")]})
        return valgt[0]
    if len(brugere) != 1:
        raise fra_formular({"jobcenter": [_("Klienten handler for flere jobcentre: angiv jobcentrets kommunekode.")]})
    return brugere[0].bruger


def person_opret(klient, body: dict) -> tuple[int, dict]:
    bruger = _jobcenter_bruger(klient, body.get("jobcenter"))
    form = PersonForm({k: body.get(k) or "" for k in ("cpr", "navn", "kontaktgruppe", "akasse")})
    if not form.is_valid():
        raise fra_formular(form.errors)
    try:
        person = borgere.person_opret(bruger=bruger, **form.cleaned_data)
    except ValidationError as e:
        raise fra_validering(e) from None
    return 201, {"id": str(person.pk)}


# --- conversations --------------------------------------------------------------------------


def _formular_data(body: dict) -> dict:
    """The JSON body as the page's form posts it (a checkbox "on", participants as the
    formset's ``deltagere-N-…`` fields)."""
    data = {}
    for navn, vaerdi in body.items():
        if navn in ("person", "deltagere") or vaerdi is None or vaerdi is False:
            continue
        data[navn] = "on" if vaerdi is True else str(vaerdi)
    deltagere = body.get("deltagere") or []
    for i, deltager in enumerate(deltagere):
        for felt in DELTAGER_FELTER:
            data[f"deltagere-{i}-{felt}"] = str(deltager.get(felt) or "")
    data["deltagere-TOTAL_FORMS"], data["deltagere-INITIAL_FORMS"] = str(len(deltagere)), "0"
    return data


def _formular_fejl(formular: SamtaleFormular) -> Problem:
    fejl = felt_fejl(formular.form.errors)
    if formular.formset.non_form_errors():
        fejl["deltagere"] = [str(b) for b in formular.formset.non_form_errors()]
    for i, f in enumerate(formular.formset.forms):
        for felt, beskeder in f.errors.items():
            fejl[f"deltagere.{i}.{felt}"] = [str(b) for b in beskeder]
    return fra_formular(fejl)


def _gem(formular: SamtaleFormular, *, person, bruger, samtale=None) -> reg_services.Resultat:
    if not formular.is_valid():
        raise _formular_fejl(formular)
    try:
        if samtale is None:
            return reg_services.samtale_registrer(person=person, data=formular.samtale_data(), bruger=bruger)
        return reg_services.samtale_ret(
            samtale=samtale,
            data=formular.samtale_data(),
            begrundelse=formular.begrundelse,
            bruger=bruger,
            sekvens=formular.sekvens,
        )
    except reg_services.SamtidigAendring as e:
        raise _konflikt(e) from None
    except ValidationError as e:
        raise fra_validering(e) from None


def _konflikt(e: reg_services.SamtidigAendring) -> Problem:
    return Problem(
        409,
        e.messages[0],
        errors={"sekvens": [_("Samtalen er nu i version %(n)s.") % {"n": e.aktuel}]},
        sekvens=e.aktuel,
    )


def samtale_registrer(klient, body: dict) -> tuple[int, dict]:
    fundet = selectors.person(klient, body.get("person"))
    if fundet is None:
        raise ikke_fundet(_("Borgeren findes ikke i klientens jobcentre."))
    person, bruger = fundet
    _beskyttet_afvis(bruger=bruger, person=person)
    formular = SamtaleFormular.posted(_formular_data(body), person=person)
    resultat = _gem(formular, person=person, bruger=bruger)
    return 201, {"id": str(resultat.samtale.pk), "sekvens": resultat.samtale.sekvens}


def _samtale(klient, pk) -> tuple[Samtale, object]:
    fundet = selectors.samtale(klient, pk)
    if fundet is None:
        raise ikke_fundet(_("Samtalen findes ikke i klientens jobcentre."))
    _beskyttet_afvis(bruger=fundet[1], person=fundet[0].person)
    return fundet


def samtale_ret(klient, pk, body: dict) -> tuple[int, dict]:
    samtale, bruger = _samtale(klient, pk)
    formular = SamtaleFormular.posted(_formular_data(body), person=samtale.person, samtale=samtale)
    resultat = _gem(formular, person=samtale.person, bruger=bruger, samtale=samtale)
    return 200, {"id": str(samtale.pk), "sekvens": resultat.samtale.sekvens}


def samtale_annuller(klient, pk, body: dict) -> tuple[int, dict]:
    samtale, bruger = _samtale(klient, pk)
    form = BegrundelseForm({k: "" if body.get(k) is None else str(body[k]) for k in ("begrundelse", "sekvens")})
    if not form.is_valid():
        raise fra_formular(form.errors)
    try:
        annulleret = reg_services.samtale_annuller(samtale=samtale, bruger=bruger, **form.cleaned_data)
    except reg_services.SamtidigAendring as e:
        raise _konflikt(e) from None
    except ValidationError as e:
        raise fra_validering(e) from None
    return 200, {"id": str(samtale.pk), "sekvens": annulleret.sekvens}


def _indberetning(samtale: Samtale) -> list[dict]:
    raa = (
        Samtale.objects.filter(pk=samtale.pk)
        .annotate(t=RawSQL(ind_selectors.samtale_tilstand_sql(), []))  # nosec B611 (a constant statement)
        .values_list("t", flat=True)
        .first()
    )
    if isinstance(raa, str):
        raa = json.loads(raa)
    ud = []
    for modtager, status, forsoeg, _batch, besked, naeste in raa or []:
        naeste = datetime.datetime.fromisoformat(naeste) if naeste else None
        tilstand, tekst = ind_selectors.tilstand(status, forsoeg, naeste)
        ud.append({"modtager": modtager, "tilstand": tilstand, "tekst": tekst, "besked": besked or ""})
    return ud


def _felt(felt, vaerdi):
    if felt.kind == KODE:
        return vaerdi.kode if vaerdi is not None else None
    if felt.kind == DATO:
        return vaerdi.isoformat()
    return bool(vaerdi) if felt.kind == FLAG else vaerdi


def samtale_hent(klient, pk) -> tuple[int, dict]:
    samtale, bruger = _samtale(klient, pk)
    visitation = reg_selectors.samtale_visitation(samtale=samtale)
    deltagere = reg_selectors.deltagere_aktive(samtale=samtale).select_related("rolle", "deltagelsesform")
    reg_services.adgang_log(
        bruger=bruger, personer=[samtale.person], handling=Adgangslog.Handling.VIS, detaljer=f"{samtale} (API)"
    )
    return 200, {
        "id": str(samtale.pk),
        "person": str(samtale.person_id),
        **{f.name: _felt(f, getattr(samtale, f.name)) for f in SAMTALE_FELTER},
        "visitationsgruppe": visitation.visitationsgruppe.kode if visitation else None,
        "deltagere": [
            {"navn": d.navn, "rolle": d.rolle.kode, "deltagelsesform": d.deltagelsesform.kode} for d in deltagere
        ],
        "sekvens": samtale.sekvens,
        "annulleret": samtale.annulleret.isoformat() if samtale.annulleret else None,
        "indberetning": _indberetning(samtale),
    }


# --- periods in bulk ------------------------------------------------------------------------

OPRETTET, UAENDRET, AFVIST, KONFLIKT, IKKE_FUNDET = "oprettet", "uaendret", "afvist", "konflikt", "ikke_fundet"


def perioder_importer(klient, raekker: list[dict]) -> tuple[int, dict]:
    """Periods as DFDG and CPR deliver them, with the rules and conflicts of the page
    ``person-ret`` (``borgere.perioder_importer``: ``person_ret`` itself, or its bulk path
    for a citizen with nothing to judge again), in order of citizen and date, in the call's
    one transaction. Each row is parsed by the page's form; a period the citizen already
    has (or the same row earlier in the file) is ``uaendret``, so the same list again
    changes nothing."""
    jobcentre = selectors.brugere(klient)
    cprs = {}
    for nr, raekke in enumerate(raekker):
        try:
            cprs[nr] = cpr_normaliser(str(raekke.get("cpr") or ""))
        except ValidationError:
            cprs[nr] = None
    personer = {
        p.cpr: p
        for p in Person.objects.filter(cpr__in={c for c in cprs.values() if c}, jobcenter_id__in=list(jobcentre))
    }
    perioder: dict = {}
    for periode in PersonPeriode.objects.filter(person__in=list(personer.values())).values_list(
        "person_id", "gyldig_fra", "kontaktgruppe__kode", "akasse__kode", "beskyttet"
    ):
        perioder.setdefault(periode[0], set()).add(periode[1:])
    resultater: list = [None] * len(raekker)
    orden = sorted(range(len(raekker)), key=lambda nr: (cprs[nr] or "", str(raekker[nr].get("gyldig_fra") or "")))
    nye, nye_nr, gentagne = [], [], {}
    foerste: dict = {}
    formularer: dict = {}
    for nr in orden:
        svar = _periode_laes(klient, raekker[nr], cprs[nr], personer, perioder, jobcentre, formularer)
        if isinstance(svar, dict):
            resultater[nr] = {"raekke": nr} | svar
            continue
        person, noegle = svar.person, svar.noegle
        if (person.pk, noegle) in foerste:
            # The same period twice in the file: the second is "uaendret" if the first was registered.
            gentagne[nr] = foerste[(person.pk, noegle)]
            continue
        foerste[(person.pk, noegle)] = nr
        nye.append(svar.ny)
        nye_nr.append(nr)
    with transaction.atomic():
        udfald = borgere.perioder_importer(nye)
    for nr, ny, resultat in zip(nye_nr, nye, udfald, strict=True):
        resultater[nr] = {"raekke": nr} | _periode_resultat(ny.person, resultat)
    for nr, forrige in gentagne.items():
        svar = resultater[forrige]
        if svar["status"] == OPRETTET:
            svar = {"status": UAENDRET, "person": svar["person"]}
        resultater[nr] = svar | {"raekke": nr}
    antal = {}
    for r in resultater:
        antal[r["status"]] = antal.get(r["status"], 0) + 1
    return 200, {"antal": antal, "resultater": resultater}


class _Laest:
    def __init__(self, ny: borgere.NyPeriode, noegle: tuple):
        self.ny, self.person, self.noegle = ny, ny.person, noegle


def _periode_laes(klient, raekke: dict, cpr, personer, perioder, jobcentre, formularer: dict) -> dict | _Laest:
    """A row parsed by the page's form: its result already (refused, not found, a period
    the citizen has), or the new period to register."""
    if cpr is None:
        try:
            cpr_normaliser(str(raekke.get("cpr") or ""))
        except ValidationError as e:
            return _afvist({"cpr": e.messages})
    person = personer.get(cpr)
    if person is None:
        return {"status": IKKE_FUNDET, "detail": _("Ingen borger med dette CPR-nummer i klientens jobcentre.")}
    felter = (
        ("kontaktgruppe", raekke.get("kontaktgruppe") or ""),
        ("akasse", raekke.get("akasse") or ""),
        ("gyldig_fra", raekke.get("gyldig_fra") or ""),
        ("beskyttet", "on" if raekke.get("beskyttet") else ""),
        ("begrundelse", raekke.get("begrundelse") or _("Indlæst af %(klient)s") % {"klient": klient.navn}),
    )
    # The form's answer depends on these fields alone: a file's many rows with the same
    # ones are parsed once (formularer is the call's own memo).
    if felter not in formularer:
        form = PersonRetForm(dict(felter))
        formularer[felter] = (form.is_valid(), form.errors, form.cleaned_data)
    gyldig, fejl, d = formularer[felter]
    if not gyldig:
        return _afvist(fejl, person)
    noegle = (d["gyldig_fra"], d["kontaktgruppe"].kode, d["akasse"].kode if d["akasse"] else None, d["beskyttet"])
    if noegle in perioder.get(person.pk, ()):
        return {"status": UAENDRET, "person": str(person.pk)}
    ny = borgere.NyPeriode(
        person=person,
        kontaktgruppe=d["kontaktgruppe"],
        akasse=d["akasse"],
        gyldig_fra=d["gyldig_fra"],
        begrundelse=d["begrundelse"],
        beskyttet=d["beskyttet"],
        bruger=jobcentre[person.jobcenter_id],
    )
    return _Laest(ny, noegle)


def _periode_resultat(person, resultat) -> dict:
    if isinstance(resultat, borgere.PeriodeKonflikt):
        return {
            "status": KONFLIKT,
            "person": str(person.pk),
            "detail": resultat.messages[0],
            "errors": felt_fejl(resultat.message_dict),
            "samtaler": [str(k.samtale.pk) for k in resultat.konflikter],
        }
    if isinstance(resultat, ValidationError):
        if borgere.er_uaendret(resultat):
            return {"status": UAENDRET, "person": str(person.pk)}
        fejl = felt_fejl(resultat.message_dict) if hasattr(resultat, "error_dict") else {"__all__": resultat.messages}
        return _afvist(fejl, person)
    return {"status": OPRETTET, "person": str(person.pk)}


def _afvist(fejl: dict, person=None) -> dict:
    fejl = felt_fejl(fejl)
    svar = {"status": AFVIST, "detail": next(iter(fejl.values()))[0], "errors": fejl}
    return svar | ({"person": str(person.pk)} if person is not None else {})
