"""Code lists and rules by the conversation's date in every choice the form offers (issue
18.4): types, forms, roles, a-kasse participation and visitation groups, as the server
validates them. The page asks for its fields again when the date changes (the htmx
re-render, as a browser posts it); the lists it gets back are those in force on the date."""

from __future__ import annotations

import re

import pytest

from registrering.models import (
    AkasseDeltagelse,
    Deltagelsesform,
    Deltagerrolle,
    Samtale,
    Samtaleform,
    Samtaletype,
    TilladtVisitationsgruppe,
)
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db


def valg(html: str, navn: str) -> list[str]:
    m = re.search(rf'<select name="{navn}".*?</select>', html, re.S)
    assert m, f"ingen liste {navn}"
    return [v for v in re.findall(r'<option value="([^"]*)"', m.group(0)) if v]


def genindlaes(klient, person, dato, **felter) -> str:
    """The re-render the page asks for when the date changes (htmx: the fields only)."""
    data = factories.formular(dato=dato.isoformat(), _opdater="1", aftale="", **felter)
    svar = klient.post(url("samtale-opret", person_pk=person.pk), data, HTTP_HX_REQUEST="true")
    assert svar.status_code == 200
    return svar.content.decode()


def afslut(model, slut, **noegle):
    """An administrator ends an entry: its last day is ``slut`` (saved as the admin saves it)."""
    raekke = model.objects.get(**noegle)
    raekke.gyldig_til = slut
    raekke.save()


def test_afsluttet_samtaletype_tilbydes_og_godtages_paa_en_dato_hvor_den_gjaldt(klient, jobcenter):
    """The issue's case: samtaletype 12 ended 5 days ago. A late registration of a
    conversation held 10 days ago is offered it and accepted; yesterday it is not offered."""
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    afslut(Samtaletype, dage_siden(5), kode="12")

    assert "12" not in valg(klient.get(url("samtale-opret", person_pk=karl.pk)).content.decode(), "samtaletype")
    assert "12" in valg(genindlaes(klient, karl, dage_siden(10)), "samtaletype")
    assert "12" not in valg(genindlaes(klient, karl, dage_siden(1)), "samtaletype")

    data = factories.formular(dato=dage_siden(10).isoformat(), samtaletype="12", aftale="", praktiske_aftaler="Ring")
    assert klient.post(url("samtale-opret", person_pk=karl.pk), data).status_code == 302
    assert Samtale.objects.get(person=karl).samtaletype.kode == "12"


def test_samtaleform_roller_og_deltagelsesformer_foelger_datoen(klient, jobcenter):
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    afslut(Samtaleform, dage_siden(5), kode="6")
    afslut(Deltagerrolle, dage_siden(5), kode="tolk")
    afslut(Deltagelsesform, dage_siden(5), kode="5")
    raekke = {
        "deltagere-TOTAL_FORMS": "1",
        "deltagere-0-navn": "",
        "deltagere-0-rolle": "",
        "deltagere-0-deltagelsesform": "",
    }
    for dage, gaelder in ((10, True), (1, False)):
        html = genindlaes(klient, karl, dage_siden(dage), samtaletype="4", **raekke)
        assert ("6" in valg(html, "samtaleform")) is gaelder
        assert ("tolk" in valg(html, "deltagere-0-rolle")) is gaelder
        assert ("5" in valg(html, "deltagere-0-deltagelsesform")) is gaelder


def test_akassens_deltagelse_foelger_datoen(klient, jobcenter):
    dorte = factories.person(kontaktgruppe="1", akasse="3F", jc=jobcenter)
    afslut(AkasseDeltagelse, dage_siden(5), kode="udeblev")
    assert "udeblev" in valg(genindlaes(klient, dorte, dage_siden(10), samtaletype="19"), "akasse_deltagelse")
    assert "udeblev" not in valg(genindlaes(klient, dorte, dage_siden(1), samtaletype="19"), "akasse_deltagelse")


def test_visitationsgrupper_foelger_datoen(klient, jobcenter):
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    afslut(TilladtVisitationsgruppe, dage_siden(5), kontaktgruppe__kode="2", visitationsgruppe__kode="aktivitetsparat")
    assert "aktivitetsparat" in valg(genindlaes(klient, karl, dage_siden(10), samtaletype="4"), "visitationsgruppe")
    assert "aktivitetsparat" not in valg(genindlaes(klient, karl, dage_siden(1), samtaletype="4"), "visitationsgruppe")
