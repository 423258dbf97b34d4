"""Write operations on citizens: create one (with the first period), a new period of
kontaktgruppe and a-kasse (DFDG order § 16; it re-routes the conversations whose recipients
it changes, § 28 stk. 5), and a move to another jobcenter. One function per business
action, each one database transaction that locks the citizen's row first, as the
conversation services in :mod:`registrering.services` do; the helpers both share (the row
lock, saving with history, the access log, :class:`~registrering.services.SamtidigAendring`)
stay there. Moved out of ``services.py`` (issue 21): a reader asking what happens to a
citizen reads this file, one asking what happens to a conversation reads that one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indberetning.models import Handling

from . import historik, kodecache, selectors
from .models import (
    Adgangslog,
    Akasse,
    Bruger,
    Jobcenter,
    Kontaktgruppe,
    Person,
    PersonPeriode,
    Samtale,
)
from .regler import dansk_dato, kontaktgruppe_regler, regelsaet, valider_samtale
from .samtaledata import DeltagerData, SamtaleData
from .services import SamtidigAendring, _er_aendring, _full_clean, _lock_person, _save, adgang_log
from .udgivelse import akasse_maal, haendelser_opret

# --- citizens ------------------------------------------------------------------------------


def person_opret(*, cpr: str, navn: str, kontaktgruppe: Kontaktgruppe, akasse: Akasse | None, bruger: Bruger) -> Person:
    """Create a citizen in the user's jobcenter.

    A CPR number that is already registered is refused, and the attempt is written to that
    citizen's access log first, in its own statement, so the refusal does not roll it back:
    a caseworker who tries numbers learns that a citizen exists (also in another jobcenter),
    and the auditor sees who asked (ASVS 7.1). The message names no jobcenter and shows
    nothing of the citizen; it says how to get the citizen moved.

    Two creations of the same citizen at once both pass the first check; the database's
    unique CPR number stops the second, which then gets the same refusal (and access-log
    row) as if the citizen had been there first (issue 19, findings 6 and 7), not a 500.
    """
    if bruger.jobcenter_id is None:
        raise ValidationError(_("Din bruger er ikke knyttet til et jobcenter."))
    _person_findes_afvis(cpr=cpr, bruger=bruger)
    try:
        return _person_opret(cpr=cpr, navn=navn, kontaktgruppe=kontaktgruppe, akasse=akasse, bruger=bruger)
    except IntegrityError:
        # Rolled back to _person_opret's savepoint; the other creation has committed.
        _person_findes_afvis(cpr=cpr, bruger=bruger)
        raise


def _person_findes_afvis(*, cpr: str, bruger: Bruger) -> None:
    """Refuse (and access-log) the creation of a citizen whose CPR number exists."""
    eksisterende = Person.objects.filter(cpr=cpr).values_list("pk", "jobcenter_id").first()
    if eksisterende is None:
        return
    pk, jobcenter_id = eksisterende
    adgang_log(
        bruger=bruger,
        personer=[pk],
        handling=Adgangslog.Handling.OPRET_AFVIST,
        detaljer=_("CPR-nummeret findes allerede"),
    )
    if jobcenter_id == bruger.jobcenter_id:
        raise ValidationError(
            {"cpr": [_("Der findes allerede en borger med dette CPR-nummer. Søg borgeren frem i stedet.")]}
        )
    raise ValidationError(
        {
            "cpr": [
                _(
                    "Borgeren er allerede oprettet i et andet jobcenter. Bed en teamleder eller en administrator i "
                    "borgerens jobcenter om at flytte borgeren til dit jobcenter med »Flyt borger«. Forsøget er "
                    "skrevet i borgerens adgangslog."
                )
            ]
        }
    )


@transaction.atomic
def _person_opret(
    *, cpr: str, navn: str, kontaktgruppe: Kontaktgruppe, akasse: Akasse | None, bruger: Bruger
) -> Person:
    person = Person(
        cpr=cpr, navn=navn.strip(), kontaktgruppe=kontaktgruppe, akasse=akasse, jobcenter_id=bruger.jobcenter_id
    )
    if (
        akasse is None
        and kontaktgruppe_regler(kontaktgruppe=kontaktgruppe, dato=selectors.idag())["akasse_videregivelse"]
    ):
        # § 28 stk. 5: the information is forwarded to the citizen's a-kasse.
        raise ValidationError(
            {"akasse": [_("Vælg borgerens a-kasse: oplysningerne videregives til a-kassen (§ 28 stk. 5).")]}
        )
    person.full_clean()
    person._history_user = bruger
    person.save()
    periode_foerste(person=person, bruger=bruger)
    adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.OPRET, detaljer=_("Borger oprettet"))
    return person


def periode_foerste(*, person: Person, bruger: Bruger | None) -> PersonPeriode:
    """The citizen's first period (no start: it covers every date before a later one).
    Called in the transaction that creates the citizen; demo data and tests call it too."""
    periode = PersonPeriode(
        person=person,
        kontaktgruppe_id=person.kontaktgruppe_id,
        akasse_id=person.akasse_id,
        gyldig_fra=None,
        registreret=person.oprettet,
        registreret_af=bruger,
    )
    periode._history_user = bruger
    periode.save()
    person._perioder = None
    return periode


@dataclass
class Konflikt:
    """A registered conversation a backdated period would make invalid."""

    samtale: Samtale
    fejl: list[str]


class PeriodeKonflikt(ValidationError):
    def __init__(self, konflikter: list[Konflikt]):
        super().__init__(
            {
                "gyldig_fra": [
                    _(
                        "Perioden ville gøre %(n)s registrerede samtaler ugyldige. Ret eller annullér dem først, eller vælg en senere dato."
                    )
                    % {"n": len(konflikter)}
                ]
            }
        )
        self.konflikter = konflikter


def _samtale_data(samtale: Samtale) -> SamtaleData:
    """A registered conversation as the data it was registered with (to judge it again)."""
    visitation = selectors.samtale_visitation(samtale=samtale)
    return SamtaleData.from_samtale(
        samtale,
        visitationsgruppe=visitation.visitationsgruppe if visitation else None,
        deltagere=[
            DeltagerData(navn=d.navn, rolle=d.rolle, deltagelsesform=d.deltagelsesform)
            for d in selectors.deltagere_aktive(samtale=samtale)
        ],
    )


UAENDRET = "uaendret"  # the code of the refusal of a period that changes nothing


def _periode_fejl(
    *, nuvaerende, kontaktgruppe, akasse, gyldig_fra, begrundelse: str, beskyttet: bool, tidspunkt
) -> dict[str, list]:
    """The rules a new period must meet before any conversation is judged again (the same
    for :func:`person_ret` and :func:`perioder_importer`): a reason, not in the future,
    after the period in force, codes valid on the date, an a-kasse where § 28 stk. 5 needs
    one, and a change. The refusal of a period that changes nothing carries the code
    :data:`UAENDRET`, so an import can tell it from a real refusal."""
    fejl: dict[str, list] = {}
    if not begrundelse:
        fejl["begrundelse"] = [_("Skriv en begrundelse for ændringen.")]
    if gyldig_fra > dansk_dato(tidspunkt):
        fejl["gyldig_fra"] = [_("Datoen ligger i fremtiden. Registrér ændringen, når den er trådt i kraft.")]
    elif nuvaerende is not None and nuvaerende.gyldig_fra is not None and gyldig_fra <= nuvaerende.gyldig_fra:
        fejl["gyldig_fra"] = [
            _("Den nuværende periode gælder fra %(dato)s. En ny periode skal starte efter den.")
            % {"dato": nuvaerende.gyldig_fra.strftime("%d.%m.%Y")}
        ]
    if kontaktgruppe not in kodecache.gyldige(Kontaktgruppe, gyldig_fra):
        fejl["kontaktgruppe"] = [_("Kontaktgruppen gælder ikke på denne dato.")]
    if akasse is not None and akasse not in kodecache.gyldige(Akasse, gyldig_fra):
        fejl["akasse"] = [_("A-kassen gælder ikke på denne dato.")]
    if akasse is None and kontaktgruppe_regler(kontaktgruppe=kontaktgruppe, dato=gyldig_fra)["akasse_videregivelse"]:
        fejl["akasse"] = [_("Vælg borgerens a-kasse: oplysningerne videregives til a-kassen (§ 28 stk. 5).")]
    if (
        not fejl
        and nuvaerende is not None
        and nuvaerende.kontaktgruppe_id == kontaktgruppe.pk
        and nuvaerende.akasse_id == getattr(akasse, "pk", None)
        and nuvaerende.beskyttet == beskyttet
    ):
        fejl["__all__"] = [
            ValidationError(_("Borgeren har allerede denne kontaktgruppe og a-kasse. Intet er ændret."), code=UAENDRET)
        ]
    return fejl


def er_uaendret(fejl: ValidationError) -> bool:
    """The refusal says only that the period changes nothing (the citizen already has it)."""
    raekker = getattr(fejl, "error_dict", {})
    return list(raekker) == ["__all__"] and all(e.code == UAENDRET for e in raekker["__all__"])


@transaction.atomic
def person_ret(
    *,
    person: Person,
    kontaktgruppe: Kontaktgruppe,
    akasse: Akasse | None,
    gyldig_fra: datetime.date,
    begrundelse: str,
    bruger: Bruger,
    sekvens: int | None = None,
    tidspunkt: datetime.datetime | None = None,
    beskyttet: bool | None = None,
) -> PersonPeriode:
    """DFDG order § 16: a new period of kontaktgruppe and a-kasse from ``gyldig_fra``.

    ``beskyttet`` (issue 24): navne- og adressebeskyttelse from ``gyldig_fra``; ``None``
    keeps the current period's. A period that changes only the protection is a period like
    any other (same date and version rules); it judges no conversation again.

    ``sekvens`` is the number of periods the caller saw (the form's hidden field): a period
    registered by somebody else meanwhile refuses this one (:class:`SamtidigAendring`).


    The period runs until a later one starts (none can exist: a new period starts after the
    latest). Every active conversation held from ``gyldig_fra`` on is judged again under the
    new kontaktgruppe; if one would no longer be valid, the period is refused with those
    conflicts (:class:`PeriodeKonflikt`), so a registration already reported never turns
    invalid behind the caseworker's back."""
    begrundelse = (begrundelse or "").strip()
    laast = _lock_person(person)
    tidspunkt = tidspunkt or timezone.now()  # after the lock: times follow the order of the writes
    perioder = selectors.perioder(person=laast)
    if sekvens is not None and sekvens != len(perioder):
        aendringer = historik.perioder_siden(person=laast, sekvens=sekvens)
        raise SamtidigAendring(
            forventet=sekvens,
            aktuel=len(perioder),
            aendringer=aendringer,
            besked=_(
                "%(hvem)s har registreret en ny periode for borgeren, mens du havde siden åben. Din periode er ikke "
                "gemt. Se den nye periode herunder, og registrér din igen, hvis den stadig skal gælde."
            )
            % {"hvem": ", ".join(sorted({p.bruger for p in aendringer})) or _("En anden")},
        )
    nuvaerende = perioder[0] if perioder else None
    if beskyttet is None:
        beskyttet = bool(nuvaerende and nuvaerende.beskyttet)
    fejl = _periode_fejl(
        nuvaerende=nuvaerende,
        kontaktgruppe=kontaktgruppe,
        akasse=akasse,
        gyldig_fra=gyldig_fra,
        begrundelse=begrundelse,
        beskyttet=beskyttet,
        tidspunkt=tidspunkt,
    )
    if fejl:
        raise ValidationError(fejl)

    konflikter = []
    if nuvaerende is None or nuvaerende.kontaktgruppe_id != kontaktgruppe.pk:
        berorte = (
            Samtale.objects.aktive()
            .filter(person=laast, dato__gte=gyldig_fra)
            .select_related("samtaletype", "samtaleform", "akasse_deltagelse")
            .order_by("dato", "registreret")
        )
        for samtale in berorte:
            data = _samtale_data(samtale)
            regler = regelsaet(kontaktgruppe=kontaktgruppe, samtaletype=samtale.samtaletype, dato=samtale.dato)
            beskeder = valider_samtale(person=laast, data=data, regler=regler, samtale=samtale)
            if beskeder:
                konflikter.append(Konflikt(samtale=samtale, fejl=[b for bs in beskeder.values() for b in bs]))
    if konflikter:
        raise PeriodeKonflikt(konflikter)

    flyttes = _videresendelse_plan(person=laast, kontaktgruppe=kontaktgruppe, akasse=akasse, gyldig_fra=gyldig_fra)
    periode = PersonPeriode(
        person=laast,
        kontaktgruppe=kontaktgruppe,
        akasse=akasse,
        gyldig_fra=gyldig_fra,
        registreret=tidspunkt,
        registreret_af=bruger,
        begrundelse=begrundelse,
        videresendelser=[f.oversigt() for f in flyttes],
        beskyttet=beskyttet,
    )
    _full_clean(periode)
    _save(periode, bruger=bruger, begrundelse=begrundelse)
    # The citizen's own fields hold the current period's values (the latest period is current:
    # it is not in the future).
    laast.kontaktgruppe, laast.akasse, laast.beskyttet, laast._perioder = kontaktgruppe, akasse, beskyttet, None
    _save(laast, bruger=bruger, begrundelse=begrundelse)
    person.kontaktgruppe, person.akasse, person.beskyttet, person._perioder = kontaktgruppe, akasse, beskyttet, None
    _videresendelse_flyt(flyttes, periode=periode, bruger=bruger, tidspunkt=tidspunkt)
    adgang_log(
        bruger=bruger,
        personer=[laast],
        handling=Adgangslog.Handling.RET,
        detaljer=_("Kontaktgruppe %(kg)s fra %(dato)s")
        % {"kg": kontaktgruppe.kode, "dato": gyldig_fra.strftime("%d.%m.%Y")},
    )
    return periode


@dataclass
class _Flytning:
    """A held conversation whose recipients a new period changes (§ 28 stk. 5 over time):
    the a-kasse events it gets (recipient -> (a-kasse, handling)), and whether its
    kontaktgruppe on its date changes (then DFDG gets the correction too)."""

    samtale: Samtale
    akasser: dict
    kontaktgruppe: Kontaktgruppe | None

    def oversigt(self) -> dict:
        return {
            "samtale": str(self.samtale.pk),
            "titel": str(self.samtale),
            "sendt_til": next((a.kode for a, h in self.akasser.values() if h != Handling.ANNULLER), None),
            "annulleret_hos": sorted(a.kode for a, h in self.akasser.values() if h == Handling.ANNULLER),
            "kontaktgruppe": self.kontaktgruppe.kode if self.kontaktgruppe else None,
        }


def _videresendelse_plan(*, person: Person, kontaktgruppe, akasse, gyldig_fra) -> list[_Flytning]:
    """The held, non-cancelled conversations from ``gyldig_fra`` on (all in the new period:
    it is the latest) whose a-kasse, forwarding or kontaktgruppe the new period changes."""
    from indberetning.outbox import akasse_modtagere

    flyttes = []
    for samtale in (
        Samtale.objects.aktive()
        .filter(person=person, dato__gte=gyldig_fra)
        .select_related("samtaletype", "samtaleform", "akasse_deltagelse", "jobcenter", "kontaktgruppe")
        .order_by("dato", "registreret")
    ):
        regler = regelsaet(kontaktgruppe=kontaktgruppe, samtaletype=samtale.samtaletype, dato=samtale.dato)
        akasser = akasse_modtagere(
            samtale=samtale, handling=Handling.RET, akasse=akasse_maal(regler=regler, akasse=akasse)
        )
        kg = kontaktgruppe if samtale.kontaktgruppe_id != kontaktgruppe.pk else None
        if kg is not None or any(h != Handling.RET for _a, h in akasser.values()):
            samtale.person = person
            flyttes.append(_Flytning(samtale=samtale, akasser=akasser, kontaktgruppe=kg))
    return flyttes


def _videresendelse_flyt(flyttes: list[_Flytning], *, periode: PersonPeriode, bruger: Bruger, tidspunkt) -> None:
    """Re-route what the new period moved, in its transaction: each conversation counts its
    sekvens up (history with the reason) and is reported: to the a-kasse of the period (as a
    registration if it does not hold it), a cancellation to the a-kasse that did, and to
    DFDG only when its kontaktgruppe changed. Its content is untouched."""
    fra = periode.gyldig_fra.strftime("%d.%m.%Y")
    for f in flyttes:
        samtale = Samtale.objects.select_for_update(of=("self",)).get(pk=f.samtale.pk)
        samtale.person = f.samtale.person
        if f.kontaktgruppe is not None:
            samtale.kontaktgruppe = f.kontaktgruppe
        samtale.sekvens += 1
        grund = _("Ny periode for kontaktgruppe og a-kasse fra %(fra)s: %(begrundelse)s") % {
            "fra": fra,
            "begrundelse": periode.begrundelse,
        }
        _save(samtale, bruger=bruger, begrundelse=grund)
        vurdering = selectors.samtale_visitation(samtale=samtale)
        aendring = vurdering if vurdering is not None and _er_aendring(vurdering, person=samtale.person) else None
        haendelser_opret(
            samtale=samtale,
            handling=Handling.RET,
            tidspunkt=tidspunkt,
            visitation=aendring,
            begrundelse=grund,
            dfdg=f.kontaktgruppe is not None,
        )


@transaction.atomic
def person_flyt(*, person: Person, jobcenter: Jobcenter, begrundelse: str, bruger: Bruger) -> Person:
    """Move the citizen to another jobcenter: from now on that jobcenter's caseworkers see
    the whole history (conversations keep the jobcenter that registered them)."""
    begrundelse = (begrundelse or "").strip()
    laast = _lock_person(person)
    fejl = {}
    if not begrundelse:
        fejl["begrundelse"] = [_("Skriv en begrundelse for flytningen.")]
    if jobcenter.pk == laast.jobcenter_id:
        fejl["jobcenter"] = [_("Borgeren hører allerede til %(jc)s.") % {"jc": jobcenter}]
    if fejl:
        raise ValidationError(fejl)
    fra = laast.jobcenter
    laast.jobcenter = jobcenter
    _save(laast, bruger=bruger, begrundelse=begrundelse)
    person.jobcenter = jobcenter
    adgang_log(
        bruger=bruger,
        personer=[laast],
        handling=Adgangslog.Handling.RET,
        detaljer=_("Flyttet fra %(fra)s til %(til)s") % {"fra": fra, "til": jobcenter},
    )
    return laast


# --- periods in bulk (issue 22) ------------------------------------------------------------

KLUMP = 500  # rows a chunk of the bulk path reads, locks and writes together


@dataclass
class NyPeriode:
    """One row of a period import: what :func:`person_ret` takes for one citizen."""

    person: Person
    kontaktgruppe: Kontaktgruppe
    akasse: Akasse | None
    gyldig_fra: datetime.date
    begrundelse: str
    bruger: Bruger
    beskyttet: bool | None = None


def perioder_importer(nye: list[NyPeriode]) -> list[PersonPeriode | ValidationError]:
    """Many citizens' new periods (the API's ``person_perioder_importer``): for each row the
    period registered, or the refusal (a :class:`ValidationError`, a :class:`PeriodeKonflikt`
    for a conflict), in the rows' order. Call it in a transaction.

    Every row meets the rules of :func:`person_ret`, under the citizen's row lock. A citizen
    with one row and no active conversation from the row's date on (nothing to judge again,
    nothing to re-route) goes the bulk path: up to :data:`KLUMP` such rows are locked, read
    (periods, conversations) and checked by the same :func:`_periode_fejl`, and their
    periods, history rows, citizens' updates and access-log rows written in a few
    statements, in one savepoint. Every other row (a citizen with held conversations from
    the date, or several rows in the file) goes through :func:`person_ret` itself, in the
    rows' order, one savepoint each. A refused row writes nothing and keeps the others; a
    chunk the database refuses (a period registered meanwhile by the page) is rolled back
    to its savepoint and its rows go through :func:`person_ret` one by one."""
    resultater: list = [None] * len(nye)
    antal: dict = {}
    for n in nye:
        antal[n.person.pk] = antal.get(n.person.pk, 0) + 1
    enkelte = [i for i, n in enumerate(nye) if antal[n.person.pk] == 1]
    enkeltvis = [i for i, n in enumerate(nye) if antal[n.person.pk] > 1]
    for start in range(0, len(enkelte), KLUMP):
        klump = enkelte[start : start + KLUMP]
        try:
            with transaction.atomic():
                udfald = _klump(nye, klump)
        except IntegrityError:
            udfald = {}
        for i in klump:
            if i in udfald:
                resultater[i] = udfald[i]
                if isinstance(udfald[i], PersonPeriode):
                    p, n = nye[i].person, udfald[i]
                    p.kontaktgruppe, p.akasse, p.beskyttet, p._perioder = n.kontaktgruppe, n.akasse, n.beskyttet, None
            else:
                enkeltvis.append(i)
    for i in sorted(enkeltvis):
        n = nye[i]
        try:
            resultater[i] = person_ret(
                person=n.person,
                kontaktgruppe=n.kontaktgruppe,
                akasse=n.akasse,
                gyldig_fra=n.gyldig_fra,
                begrundelse=n.begrundelse,
                bruger=n.bruger,
                beskyttet=n.beskyttet,
            )
        except ValidationError as e:
            resultater[i] = e
    return resultater


def _klump(nye: list[NyPeriode], klump: list[int]) -> dict:
    """One chunk of the bulk path, in the caller's savepoint: the result of each row it
    decided (a period or a refusal); the rows it leaves out go through :func:`person_ret`."""
    laaste = {
        p.pk: p
        for p in Person.objects.select_for_update(of=("self",))
        .select_related("kontaktgruppe", "akasse", "jobcenter")
        .filter(pk__in=[nye[i].person.pk for i in klump])
        # In CPR order, as the API sorts the rows: two imports lock their citizens in one order.
        .order_by("cpr")
    }
    tidspunkt = timezone.now()  # after the lock, as in person_ret
    selectors.perioder_for(laaste.values())
    # Active conversations from a row's date on: person_ret judges them again and re-routes
    # them; those rows take its path.
    fra = min(nye[i].gyldig_fra for i in klump)
    samtaler: dict = {}
    for person_id, dato in (
        Samtale.objects.aktive().filter(person_id__in=list(laaste), dato__gte=fra).values_list("person_id", "dato")
    ):
        samtaler[person_id] = max(dato, samtaler.get(person_id, dato))
    udfald: dict = {}
    nye_perioder, personer, log = [], [], {}
    for i in klump:
        n = nye[i]
        laast = laaste.get(n.person.pk)
        if laast is None or samtaler.get(laast.pk, datetime.date.min) >= n.gyldig_fra:
            continue
        perioder = selectors.perioder(person=laast)
        nuvaerende = perioder[0] if perioder else None
        beskyttet = n.beskyttet if n.beskyttet is not None else bool(nuvaerende and nuvaerende.beskyttet)
        begrundelse = (n.begrundelse or "").strip()
        fejl = _periode_fejl(
            nuvaerende=nuvaerende,
            kontaktgruppe=n.kontaktgruppe,
            akasse=n.akasse,
            gyldig_fra=n.gyldig_fra,
            begrundelse=begrundelse,
            beskyttet=beskyttet,
            tidspunkt=tidspunkt,
        )
        if fejl:
            udfald[i] = ValidationError(fejl)
            continue
        periode = PersonPeriode(
            person=laast,
            kontaktgruppe=n.kontaktgruppe,
            akasse=n.akasse,
            gyldig_fra=n.gyldig_fra,
            registreret=tidspunkt,
            registreret_af=n.bruger,
            begrundelse=begrundelse,
            videresendelser=[],
            beskyttet=beskyttet,
        )
        try:
            # The relations were just loaded (the locked citizen, codes from the code cache,
            # the caller's user); the one period per date holds, as the date is after the
            # current period's under the lock (and the database's constraint refuses it).
            periode.full_clean(
                exclude=["id", "person", "kontaktgruppe", "akasse", "registreret_af"], validate_constraints=False
            )
        except ValidationError as e:
            udfald[i] = e
            continue
        periode._history_user, periode._change_reason = n.bruger, begrundelse
        laast.kontaktgruppe, laast.akasse, laast.beskyttet = n.kontaktgruppe, n.akasse, beskyttet
        laast._history_user, laast._change_reason = n.bruger, begrundelse
        nye_perioder.append(periode)
        personer.append(laast)
        detaljer = _("Kontaktgruppe %(kg)s fra %(dato)s") % {
            "kg": n.kontaktgruppe.kode,
            "dato": n.gyldig_fra.strftime("%d.%m.%Y"),
        }
        log.setdefault((n.bruger, detaljer), []).append(laast)
        udfald[i] = periode
    if nye_perioder:
        PersonPeriode.objects.bulk_create(nye_perioder)
        PersonPeriode.history.bulk_history_create(nye_perioder)
        # One UPDATE per new (kontaktgruppe, a-kasse, protection): a file has few of them.
        ens: dict = {}
        for p in personer:
            ens.setdefault((p.kontaktgruppe_id, p.akasse_id, p.beskyttet), []).append(p.pk)
        for (kontaktgruppe_id, akasse_id, beskyttet), ider in ens.items():
            Person.objects.filter(pk__in=ider).update(
                kontaktgruppe_id=kontaktgruppe_id, akasse_id=akasse_id, beskyttet=beskyttet
            )
        Person.history.bulk_history_create(personer, update=True)
        for (bruger, detaljer), hvem in log.items():
            adgang_log(bruger=bruger, personer=hvem, handling=Adgangslog.Handling.RET, detaljer=detaljer)
    return udfald
