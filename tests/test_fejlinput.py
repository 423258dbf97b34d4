"""Malformed input never causes a 500, and input that no field can accept changes nothing.

Every URL pattern of tests/test_adgang.py (its REGLER, plus login and logout), visited as
every role there, with GET and POST: NUL bytes, overlong values, broken UUIDs and
impossible dates in every query parameter and form field the pages have (their names are
read from the pages themselves, so a new field is covered without editing this file).
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from indberetning.models import Haendelse
from registrering.models import Adgangslog, Person, Samtale
from tests import factories
from tests.test_adgang import LOGIN, REGLER, ROLLER, verden  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db

URL_NAVNE = sorted(REGLER) + ["login", "logout"]

# Refused by every field (and by the middleware, before any view): nothing may change.
UGYLDIGE_OVERALT = {
    "nul": "ab\x00cd",
    "overlang": "x" * 25_000,
    "for_lang_til_alle_felter": "y" * 5_000,  # above every field's maximum (4,000)
}
# Wrong for the fields they aim at (dates, codes, ids); a text field may take them.
FORKERTE = {
    "umulig_dato": "2026-02-30",
    "dato_ved_kalenderens_ende": "9999-12-31",  # issue 19, finding 7: date arithmetic overflowed
    "ødelagt_uuid": "00000000-0000-0000-0000-00000000000g",
    "stort_tal": "9" * 40,
    "fuldbredde_cifre": "０１０１８０１２３４",
}
KENDTE_PARAMETRE = {
    "q",
    "samtaletype",
    "dato",
    "fra",
    "til",
    "format",
    "next",
    "username",
    "password",
    "begrundelse",
    "deltagere-TOTAL_FORMS",
    "deltagere-INITIAL_FORMS",
    "deltagere-0-navn",
    "deltagere-0-rolle",
    "deltagere-0-deltagelsesform",
    "cpr",
    "navn",
    "kontaktgruppe",
    "akasse",
    "gyldig_fra",
    "jobcenter",
}
QUERY_PARAMETRE = ("q", "samtaletype", "dato", "fra", "til", "format", "next")
NAVN_I_HTML = re.compile(r'\bname="([^"]+)"')
UUID_I_STI = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ØDELAGTE_ID = ["ikke-en-uuid", "%00", "0" * 5000, "00000000-0000-0000-0000-00000000000g", str(uuid.UUID(int=1))]


def _tilstand():
    return (
        Person.objects.count(),
        Samtale.objects.count(),
        Samtale.objects.filter(annulleret__isnull=False).count(),
        list(Samtale.objects.values_list("sekvens", flat=True).order_by("pk")),
        Haendelse.objects.count(),
    )


def _feltnavne(client, brugere, adresser) -> set[str]:
    """Every form field name on the pages, as the administrator and the caseworker see them."""
    navne = set(KENDTE_PARAMETRE)
    for rolle in ("administrator", "sagsbehandler"):
        client.force_login(brugere[rolle])
        for adresse in adresser.values():
            svar = client.get(adresse)
            if svar.status_code == 200 and svar.get("Content-Type", "").startswith("text/html"):
                navne |= set(NAVN_I_HTML.findall(svar.content.decode()))
    navne.discard("csrfmiddlewaretoken")
    return navne


def _log_ind(client, bruger):
    client.logout()
    if bruger is not None:
        client.force_login(bruger)


def test_ingen_500_for_ugyldigt_input_paa_nogen_adresse_for_nogen_rolle(verden):  # noqa: F811
    brugere, kwargs = verden
    client = Client()
    adresser = {navn: reverse(navn, kwargs=kwargs.get(navn)) for navn in URL_NAVNE}
    navne = _feltnavne(client, brugere, adresser)
    knapper = {n for n in navne if n.startswith("_")}
    fejl = []

    def tjek(metode, adresse, rolle, data):
        svar = getattr(client, metode)(adresse, data)
        if svar.status_code >= 500:
            fejl.append((metode, adresse, rolle, {k: v[:20] for k, v in data.items()}, svar.status_code))
        if "logout" in adresse:
            _log_ind(client, brugere[rolle])

    def fej(vaerdier: dict):
        for navn, adresse in adresser.items():
            for rolle in ROLLER:
                _log_ind(client, brugere[rolle])
                # A role that is refused the page meets only the refusal: two values will do.
                naar_frem = REGLER.get(navn, {}).get(rolle, 200) not in (LOGIN, 403, 404)
                for vaerdi in list(vaerdier.values())[: None if naar_frem else 1]:
                    tjek("get", adresse, rolle, dict.fromkeys(QUERY_PARAMETRE, vaerdi))
                    tjek("post", adresse, rolle, {n: vaerdi for n in navne if n not in knapper})
                if naar_frem and vaerdier is FORKERTE:
                    # The re-render buttons (htmx and no-JavaScript) with impossible values.
                    tjek("post", adresse, rolle, dict.fromkeys(navne, "2026-02-30"))
                if UUID_I_STI.search(adresse):
                    for ødelagt in ØDELAGTE_ID:  # broken ids in the path: a 4xx or the login redirect
                        svar = client.get(UUID_I_STI.sub(ødelagt, adresse, count=1))
                        assert 300 <= svar.status_code < 500, (adresse, rolle, ødelagt, svar.status_code)

    foer = _tilstand()
    fej(UGYLDIGE_OVERALT)
    assert not fejl, fejl[:10]
    assert _tilstand() == foer, "ugyldigt input ændrede noget"
    fej(FORKERTE)
    assert not fejl, fejl[:10]
    # A FORKERTE value can be good text (a cancellation's reason "2026-02-30" is one), so
    # only creations are checked here.
    efter = _tilstand()
    assert efter[:2] == foer[:2], "ugyldigt input oprettede en borger eller en samtale"


@pytest.mark.parametrize("vaerdi", ["ab\x00cd", "x" * 25_000])
def test_ugyldigt_input_afvises_med_dansk_400_og_aendrer_intet(klient, jobcenter, vaerdi):
    person = factories.person(jc=jobcenter, navn="Bente Borger")
    foer = (Samtale.objects.count(), Adgangslog.objects.count())
    for metode, adresse, data in (
        ("get", reverse("registrering:person-soeg"), {"q": vaerdi}),
        ("post", reverse("registrering:person-soeg"), {"q": vaerdi}),
        (
            "post",
            reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}),
            {**factories.formular(), "praktiske_aftaler": vaerdi},
        ),
    ):
        svar = getattr(klient, metode)(adresse, data)
        assert svar.status_code == 400, (metode, adresse)
        html = svar.content.decode()
        assert '<html lang="da">' in html and "Forespørgslen kunne ikke læses" in html
        assert 'href="/"' in html and "Hovedmenu" in html
    assert (Samtale.objects.count(), Adgangslog.objects.count()) == foer


def test_umulig_dato_i_registreringen_giver_dansk_fejl_ved_feltet(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    adresse = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    for dato in ("2026-02-30", "0000-01-01", "99999-12-31"):
        svar = klient.post(adresse, {**factories.formular(), "dato": dato})
        assert svar.status_code == 200
        assert svar.context["form"].errors["dato"] == ["Indtast en gyldig dato."]
    assert not Samtale.objects.exists()


# --- issue 19, finding 7: dates outside the calendar a person means --------------------------

YDERDATO_FEJL = "Skriv en dato mellem 01.01.1900 og 31.12.2099."


@pytest.mark.parametrize(
    "fra,til", [("9999-12-20", "9999-12-31"), ("0001-01-01", "0001-01-07"), ("2025-01-01", "9999-12-31")]
)
def test_statistik_med_dato_uden_for_kalenderen_giver_dansk_fejl_ved_feltet(client, jobcenter, fra, til):
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    svar = client.get(reverse("registrering:statistik"), {"fra": fra, "til": til})
    assert svar.status_code == 200
    fejl = svar.context["form"].errors
    assert YDERDATO_FEJL in fejl.get("fra", []) + fejl.get("til", [])
    assert YDERDATO_FEJL in svar.content.decode()
    assert client.get(reverse("registrering:statistik"), {"fra": fra, "til": til, "format": "csv"}).status_code < 500


@pytest.mark.parametrize("dato", ["9999-12-31", "31.12.9999", "0001-01-01", "1899-12-31", "2100-01-01"])
def test_datoer_uden_for_kalenderen_er_danske_feltfejl_overalt(client, klient, jobcenter, sagsbehandler, dato):
    person = factories.person(jc=jobcenter)
    samtale = factories.registrer(person, sagsbehandler).samtale
    for adresse, data, felt in (
        (
            reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}),
            {**factories.formular(), "dato": dato},
            "dato",
        ),
        (
            reverse("registrering:samtale-ret", kwargs={"pk": samtale.pk}),
            {**factories.formular(), "dato": dato, "begrundelse": "Ret dato", "sekvens": samtale.sekvens},
            "dato",
        ),
        (
            reverse("registrering:person-ret", kwargs={"pk": person.pk}),
            {"kontaktgruppe": "2", "akasse": "", "gyldig_fra": dato, "begrundelse": "Skift"},
            "gyldig_fra",
        ),
    ):
        svar = klient.post(adresse, data)
        assert svar.status_code == 200, adresse
        assert svar.context["form"].errors[felt] == [YDERDATO_FEJL], adresse
    client.force_login(factories.bruger("revisor", rolle="revisor"))
    svar = client.get(reverse("registrering:person-historik", kwargs={"pk": person.pk}), {"dato": dato})
    assert svar.status_code == 200 and svar.context["dato_form"].errors["dato"] == [YDERDATO_FEJL]
    assert Samtale.objects.count() == 1 and Samtale.objects.get().sekvens == 1


def test_datofelterne_siger_kalenderens_graenser_til_browseren(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    html = klient.get(reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})).content.decode()
    felt = re.search(r'<input[^>]*name="dato"[^>]*>', html).group(0)
    assert 'min="1900-01-01"' in felt and 'max="2099-12-31"' in felt
