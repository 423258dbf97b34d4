"""Issue 15, finding 1: a CPR number is ten ASCII digits, everywhere.

``str.isdigit()`` and ``\\d`` accept every Unicode digit, so a fullwidth or Arabic-Indic
number once passed validation and uniqueness (one person, three records) and then made
the receivers' schema (``[0-9]{10}``) refuse the whole batch.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from indberetning import dokument
from registrering import borgere, selectors
from registrering.forms import cpr_normaliser
from registrering.models import Adgangslog, Kontaktgruppe, Person
from tests import factories

pytestmark = pytest.mark.django_db

FULDBREDDE = "０１０１９０１２３４"  # 0101901234 in fullwidth digits
ARABISK_INDISK = "٠١٠١٩٠١٢٣٤"
IKKE_ASCII = [
    FULDBREDDE,
    ARABISK_INDISK,
    "٠١٠١٩٠-١٢٣٤",
    "0101901２34",  # one fullwidth digit among ASCII ones
    "०१०१९०१२३४",  # Devanagari
    "010190\u00a01234",  # a no-break space is not a space
]


@pytest.mark.parametrize("cpr", IKKE_ASCII)
def test_cpr_med_andre_cifre_end_ascii_afvises_af_formularen(klient, cpr):
    svar = klient.post(
        reverse("registrering:person-opret"), {"cpr": cpr, "navn": "Dobbelt Borger", "kontaktgruppe": "2"}
    )
    assert svar.status_code == 200
    assert "10 cifre" in str(svar.context["form"].errors["cpr"])
    assert not Person.objects.exists()


@pytest.mark.parametrize("cpr", IKKE_ASCII)
def test_cpr_normaliser_godtager_kun_ascii_cifre(cpr):
    with pytest.raises(ValidationError):
        cpr_normaliser(cpr)


def test_cpr_normaliser_fjerner_mellemrum_og_bindestreg():
    assert cpr_normaliser("010190-1234") == cpr_normaliser("010190 1234") == "0101901234"


def test_samme_borger_med_fuldbredde_cifre_bliver_ikke_en_ny_borger(klient, jobcenter):
    """The reviewer's case: the ASCII number exists; its fullwidth twin was accepted."""
    Person.objects.create(
        cpr="0101901234", navn="Bente", kontaktgruppe=Kontaktgruppe.objects.get(kode="2"), jobcenter=jobcenter
    )
    for cpr in (FULDBREDDE, ARABISK_INDISK):
        assert (
            klient.post(
                reverse("registrering:person-opret"), {"cpr": cpr, "navn": "Bente", "kontaktgruppe": "2"}
            ).status_code
            == 200
        )
    assert Person.objects.count() == 1


@pytest.mark.parametrize("cpr", [FULDBREDDE, ARABISK_INDISK, "12ab", "3213901234"])
def test_modellen_afviser_cpr_i_full_clean(cpr, jobcenter):
    """The admin's and every service's ``full_clean`` meet the field's validator."""
    person = Person(cpr=cpr, navn="X", kontaktgruppe=Kontaktgruppe.objects.get(kode="2"), jobcenter=jobcenter)
    with pytest.raises(ValidationError) as fejl:
        person.full_clean()
    assert "cpr" in fejl.value.message_dict


def test_tjenesten_afviser_cpr_med_andre_cifre(sagsbehandler):
    with pytest.raises(ValidationError):
        borgere.person_opret(
            cpr=FULDBREDDE,
            navn="X",
            kontaktgruppe=Kontaktgruppe.objects.get(kode="2"),
            akasse=None,
            bruger=sagsbehandler,
        )
    assert not Person.objects.exists()


@pytest.mark.parametrize("cpr", [FULDBREDDE, ARABISK_INDISK, "010190-123"])
def test_databasen_afviser_cpr_der_ikke_er_ti_ascii_cifre(cpr, jobcenter):
    """Also what bypasses the model (bulk loads, raw SQL)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(cpr=cpr, navn="X", kontaktgruppe=Kontaktgruppe.objects.get(kode="2"), jobcenter=jobcenter)


def test_soegning_med_andre_cifre_finder_ingen_og_logger_intet(sagsbehandler, jobcenter, klient):
    person = factories.person(jc=jobcenter)
    fuldbredde = "".join(chr(ord(c) - ord("0") + ord("０")) for c in person.cpr)
    assert list(selectors.person_soeg(bruger=sagsbehandler, q=fuldbredde)) == []
    assert list(selectors.person_soeg(bruger=sagsbehandler, q=person.cpr)) == [person]
    svar = klient.post(reverse("registrering:person-soeg"), {"q": fuldbredde})
    assert not svar.context["resultater"]
    assert not Adgangslog.objects.filter(handling=Adgangslog.Handling.SOEG).exists()


def test_mitid_med_andre_cifre_giver_ingen_borger(jobcenter):
    """The broker's CPR claim meets the same validator as every other CPR number."""
    from identitet.afvisning import Afvisning
    from identitet.services import borger_log_ind

    person = factories.person(jc=jobcenter)
    fuldbredde = "".join(chr(ord(c) - ord("0") + ord("０")) for c in person.cpr)
    claims = {"loa": factories.NSIS + "Substantial", "identity_type": "private"}
    with pytest.raises(Afvisning) as afvist:
        borger_log_ind(claims={**claims, "dk.cpr": fuldbredde})
    assert afvist.value.aarsag == "cpr_ugyldig"
    assert borger_log_ind(claims={**claims, "dk.cpr": person.cpr}).person == person


def test_dokumentet_afviser_cpr_med_andre_cifre():
    with pytest.raises(dokument.DokumentFejl):
        dokument.cpr_10_cifre(FULDBREDDE)
    assert dokument.cpr_10_cifre("010190-1234") == "0101901234"


@pytest.mark.som_ejer  # it drops the constraint, as before the migration: the owner's right
def test_datamigrationen_rapporterer_ugyldige_cpr_uden_at_vise_eller_slette_dem(jobcenter):
    """Rows from before the constraint are reported by id (never by number) and left alone."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("registrering.migrations.0010_cpr_ascii_og_adgangslog_navn")
    kg = Kontaktgruppe.objects.get(kode="2")
    god = Person.objects.create(cpr="0101901234", navn="Bente", kontaktgruppe=kg, jobcenter=jobcenter)
    with connection.cursor() as c:
        # As before migration 0010 (the test's transaction is rolled back afterwards).
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        c.execute("ALTER TABLE registrering_person DROP CONSTRAINT person_cpr_ti_ascii_cifre")
    dublet = Person.objects.create(cpr=FULDBREDDE, navn="Bente", kontaktgruppe=kg, jobcenter=jobcenter)
    anden = Person.objects.create(cpr="12ab", navn="Anden", kontaktgruppe=kg, jobcenter=jobcenter)
    beskeder = []
    raekker = migration.rapporter_ugyldige_cpr(apps, None, skriv=beskeder.append)
    assert sorted(raekker, key=str) == sorted([(dublet.pk, god.pk), (anden.pk, None)], key=str)
    (besked,) = beskeder
    assert besked.startswith("2 borger(e)") and str(dublet.pk) in besked and str(god.pk) in besked
    assert FULDBREDDE not in besked and "0101901234" not in besked and "12ab" not in besked
    assert Person.objects.count() == 3


# --- finding 4: probing CPR numbers across jobcentres ------------------------------------------


def test_forsoeg_paa_at_oprette_en_borger_fra_et_andet_jobcenter_logges_og_forklares(
    client, jobcenter, andet_jobcenter
):
    aarhus = factories.person(jc=jobcenter, navn="Aase Aarhus")
    odense = factories.bruger("odin", jc=andet_jobcenter, first_name="Odin", last_name="Odense")
    client.force_login(odense)
    svar = client.post(
        reverse("registrering:person-opret"),
        {"cpr": f"{aarhus.cpr[:6]}-{aarhus.cpr[6:]}", "navn": "Prøve", "kontaktgruppe": "2"},
    )
    assert svar.status_code == 200
    fejl = " ".join(svar.context["form"].errors["cpr"])
    assert "andet jobcenter" in fejl and "Flyt borger" in fejl and "teamleder" in fejl
    side = svar.content.decode()
    # Nothing of the citizen or the other jobcenter is shown.
    assert "Aase" not in side and jobcenter.navn not in side
    assert Person.objects.count() == 1
    (log,) = Adgangslog.objects.filter(person=aarhus)
    assert (log.bruger, log.handling, log.bruger_navn) == (odense, Adgangslog.Handling.OPRET_AFVIST, "Odin Odense")
    assert aarhus.cpr not in log.detaljer


def test_forsoeg_i_eget_jobcenter_logges_og_henviser_til_soegning(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    svar = klient.post(reverse("registrering:person-opret"), {"cpr": person.cpr, "navn": "X", "kontaktgruppe": "2"})
    assert "findes allerede" in " ".join(svar.context["form"].errors["cpr"])
    assert list(Adgangslog.objects.filter(person=person).values_list("handling", "bruger")) == [
        ("opret_afvist", sagsbehandler.pk)
    ]


def test_en_ny_borger_logges_ikke_som_forsoeg(klient):
    svar = klient.post(reverse("registrering:person-opret"), {"cpr": "0101901234", "navn": "Ny", "kontaktgruppe": "2"})
    assert svar.status_code == 302
    assert list(Adgangslog.objects.values_list("handling", flat=True)) == ["opret"]
