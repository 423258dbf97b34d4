"""Forwarding follows the a-kasse periods (issue 18.5, § 28 stk. 5, DFDG order § 16).

A backdated period that moves held conversations to another a-kasse sends them to the new
a-kasse as registrations and to the old one as cancellations, in the period's transaction
and in sequence; a kontaktgruppe change that starts or stops forwarding does the same; a
later correction goes only to the a-kasse of the period in force on the conversation's
date. Through the real pages, delivered with ``manage.py indberet`` to the real local
receiver (HK) and the drop folder (3F), and read back from what they hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from indberetning.models import Haendelse
from registrering.models import PersonPeriode, Samtale
from tests import factories
from tests.factories import dage_siden, url

from .modtager import NS

pytestmark = pytest.mark.django_db


def modtaget_i_mappe(mappe: Path) -> list[tuple[str, str, int]]:
    """(samtale id, handling, sekvens) of every event in a recipient's drop folder."""
    ud = []
    for fil in sorted(mappe.glob("*.xml")):
        for h in etree.parse(str(fil)).getroot().findall("i:haendelse", NS):
            ud.append((h.find("i:samtale", NS).get("id"), h.get("handling"), int(h.get("sekvens"))))
    return ud


def modtaget_af(modtager) -> list[tuple[str, str, int]]:
    ud = []
    for b in modtager.batches.values():
        for h in etree.fromstring(b.dokument).findall("i:haendelse", NS):
            ud.append((h.find("i:samtale", NS).get("id"), h.get("handling"), int(h.get("sekvens"))))
    return ud


def registrer_paa_siden(klient, person, dage: int, **felter) -> Samtale:
    data = factories.formular(dato=dage_siden(dage).isoformat(), **felter)
    assert klient.post(url("samtale-opret", person_pk=person.pk), data).status_code == 302
    return Samtale.objects.get(person=person, dato=dage_siden(dage), annulleret__isnull=True)


def ny_periode(klient, person, *, kontaktgruppe: str, akasse: str, dage: int, begrundelse: str = "Skiftet a-kasse"):
    data = {
        "kontaktgruppe": kontaktgruppe,
        "akasse": akasse,
        "gyldig_fra": dage_siden(dage).isoformat(),
        "begrundelse": begrundelse,
    }
    return klient.post(url("person-ret", pk=person.pk), data, follow=True)


def indberet():
    call_command("indberet", "--uden-fremskridt")


def test_tilbagedateret_skift_af_akasse_flytter_samtalerne_og_senere_rettelser(
    klient, jobcenter, sagsbehandler, akasse, drop_mappe
):
    """The issue's case: a kontaktgruppe-1 citizen with 3F; from 5 days ago HK. The
    conversation held 3 days ago goes to HK as a registration and is cancelled at 3F; the one
    held 10 days ago stays with 3F; a later correction goes to HK only."""
    hk = akasse
    dorte = factories.person(kontaktgruppe="1", akasse="3F", jc=jobcenter, navn="Dorte Dagpenge")
    gammel = registrer_paa_siden(klient, dorte, 10)
    ny = registrer_paa_siden(klient, dorte, 3)
    indberet()
    tre_f = drop_mappe / "akasse-3F"
    assert sorted(modtaget_i_mappe(tre_f)) == sorted([(str(gammel.pk), "opret", 1), (str(ny.pk), "opret", 1)])

    svar = ny_periode(klient, dorte, kontaktgruppe="1", akasse="HK", dage=5)

    html = svar.content.decode()
    assert f"{ny}: sendt til A-kassen HK, annulleret hos A-kassen 3F." in html  # the result message
    perioder = re.search(r'id="perioder">(.*?)</ol>', html, re.S).group(1)
    assert f"{ny}: sendt til A-kassen HK, annulleret hos A-kassen 3F." in perioder  # and on the page
    assert str(gammel) not in perioder
    # Written in the period's transaction, in sequence.
    assert PersonPeriode.objects.get(person=dorte, gyldig_fra=dage_siden(5)).videresendelser[0]["samtale"] == str(ny.pk)
    assert sorted(Haendelse.objects.filter(samtale=ny, sekvens=2).values_list("modtager", "handling")) == [
        ("akasse-3F", "annuller"),
        ("akasse-HK", "opret"),
    ]
    indberet()
    assert sorted(modtaget_af(hk)) == [(str(ny.pk), "opret", 2)]
    assert (str(ny.pk), "annuller", 2) in modtaget_i_mappe(tre_f)

    data = factories.formular(dato=ny.dato.isoformat(), aftale="Søge 4 job om ugen.", begrundelse="Flere job")
    assert klient.post(url("samtale-ret", pk=ny.pk), data).status_code == 302
    indberet()
    assert sorted(modtaget_af(hk)) == [(str(ny.pk), "opret", 2), (str(ny.pk), "ret", 3)]
    assert sorted((e for e in modtaget_i_mappe(tre_f) if e[0] == str(ny.pk)), key=lambda e: e[2]) == [
        (str(ny.pk), "opret", 1),
        (str(ny.pk), "annuller", 2),
    ]
    # DFDG does not get the a-kasse's business: its content did not change.
    assert list(Haendelse.objects.filter(samtale=ny, modtager="dfdg").values_list("sekvens", flat=True)) == [1, 3]
    assert [e for e in modtaget_i_mappe(tre_f) if e[0] == str(gammel.pk)] == [(str(gammel.pk), "opret", 1)]


def test_skift_til_kontaktgruppe_1_starter_videresendelsen(klient, jobcenter, sagsbehandler, drop_mappe):
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    samtale = registrer_paa_siden(klient, karl, 2)
    assert not Haendelse.objects.filter(samtale=samtale, akasse__isnull=False).exists()

    svar = ny_periode(klient, karl, kontaktgruppe="1", akasse="3F", dage=4, begrundelse="Dagpenge")

    assert f"{samtale}: sendt til A-kassen 3F, indberettet til DFDG med kontaktgruppe 1." in svar.content.decode()
    samtale.refresh_from_db()
    assert samtale.kontaktgruppe.kode == "1"
    indberet()
    assert modtaget_i_mappe(drop_mappe / "akasse-3F") == [(str(samtale.pk), "opret", 2)]
    dfdg = Haendelse.objects.get(samtale=samtale, modtager="dfdg", sekvens=2)
    assert (dfdg.handling, dfdg.data["kontaktgruppe"]) == ("ret", "1")


def test_skift_fra_kontaktgruppe_1_stopper_videresendelsen(klient, jobcenter, sagsbehandler, drop_mappe):
    dorte = factories.person(kontaktgruppe="1", akasse="3F", jc=jobcenter)
    samtale = registrer_paa_siden(klient, dorte, 2)

    svar = ny_periode(klient, dorte, kontaktgruppe="2", akasse="", dage=4, begrundelse="Kontanthjælp")

    assert f"{samtale}: annulleret hos A-kassen 3F, indberettet til DFDG med kontaktgruppe 2." in svar.content.decode()
    indberet()
    assert modtaget_i_mappe(drop_mappe / "akasse-3F") == [
        (str(samtale.pk), "opret", 1),
        (str(samtale.pk), "annuller", 2),
    ]
    # A later correction goes to no a-kasse.
    data = factories.formular(dato=samtale.dato.isoformat(), aftale="Søge 4 job om ugen.", begrundelse="Flere job")
    assert klient.post(url("samtale-ret", pk=samtale.pk), data).status_code == 302
    assert set(Haendelse.objects.filter(samtale=samtale, sekvens=3).values_list("modtager", flat=True)) == {"dfdg"}


def test_rettet_dato_i_en_anden_periode_flytter_til_den_periodes_akasse(klient, jobcenter, sagsbehandler):
    """A correction moves the conversation's date into a period with another a-kasse: the
    new one gets it as a registration, the old one a cancellation."""
    dorte = factories.person(kontaktgruppe="1", akasse="3F", jc=jobcenter)
    ny_periode(klient, dorte, kontaktgruppe="1", akasse="HK", dage=5)
    samtale = registrer_paa_siden(klient, dorte, 8)
    assert Haendelse.objects.get(samtale=samtale, akasse__isnull=False).modtager == "akasse-3F"
    data = factories.formular(dato=dage_siden(2).isoformat(), begrundelse="Forkert dato")
    assert klient.post(url("samtale-ret", pk=samtale.pk), data).status_code == 302
    assert sorted(Haendelse.objects.filter(samtale=samtale, sekvens=2).values_list("modtager", "handling")) == [
        ("akasse-3F", "annuller"),
        ("akasse-HK", "opret"),
        ("dfdg", "ret"),
    ]
