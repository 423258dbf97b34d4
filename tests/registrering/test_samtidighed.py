"""Corrections never overwrite each other (issue 18.2, CONTRACT.md): the correction form,
the cancellation form and person-ret carry the version they were opened on (``sekvens``);
a post made on an older version is refused under the row lock with a Danish message that
shows what the other person changed, and nothing is stored or reported. Two people, two
browsers' worth of sessions, through the real pages."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from indberetning.models import Haendelse
from registrering import services
from registrering.models import PersonPeriode, Samtale
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db

AFTALE_A = "Søge 5 job om ugen inden for lager; møde op hver 2. uge (Annas rettelse)."


def skjult(svar, navn: str) -> str:
    m = re.search(rf'<input type="hidden" name="{navn}" value="([^"]*)"', svar.content.decode())
    assert m, f"intet skjult felt {navn}"
    return m.group(1)


def valgt(svar, navn: str) -> str:
    html = svar.content.decode()
    vaelger = re.search(rf'<select name="{navn}".*?</select>', html, re.S).group(0)
    m = re.search(r'<option value="([^"]*)"[^>]*selected', vaelger)
    return m.group(1) if m else ""


def tekst(svar, navn: str) -> str:
    import html as h

    m = re.search(rf'<textarea name="{navn}"[^>]*>(.*?)</textarea>', svar.content.decode(), re.S)
    return h.unescape(m.group(1)).strip()


@pytest.fixture
def to(jobcenter):
    """Two caseworkers of one jobcenter, each logged in in their own browser."""
    anna = factories.bruger("anna", jc=jobcenter, first_name="Anna", last_name="Andersen")
    bo = factories.bruger("bo", jc=jobcenter, first_name="Bo", last_name="Berg")
    a, b = Client(), Client()
    a.force_login(anna)
    b.force_login(bo)
    return a, b, anna, bo


def ret_data(svar, **felter) -> dict:
    """The correction form as opened (its hidden version included), with ``felter`` changed."""
    samtale = svar.context["samtale"]
    data = factories.formular(
        dato=samtale.dato.isoformat(),
        samtaletype=samtale.samtaletype.kode,
        samtaleform=samtale.samtaleform.kode,
        aftale=samtale.aftale,
        sekvens=skjult(svar, "sekvens"),
    )
    data.update(felter)
    return data


def test_to_rettelser_overskriver_ikke_hinanden(to, jobcenter):
    """The issue's case: A changes the binding agreement, B (who opened the page before A
    saved) the samtaleform. B's save is refused with A's change shown; the form B gets back
    holds A's agreement and B's samtaleform, so saving again keeps both."""
    a, b, anna, _bo = to
    person = factories.person(jc=jobcenter)
    samtale = factories.registrer(person, anna).samtale
    side_a = a.get(url("samtale-ret", pk=samtale.pk))
    side_b = b.get(url("samtale-ret", pk=samtale.pk))
    assert skjult(side_a, "sekvens") == skjult(side_b, "sekvens") == "1"

    assert (
        a.post(
            url("samtale-ret", pk=samtale.pk), ret_data(side_a, aftale=AFTALE_A, begrundelse="Flere job")
        ).status_code
        == 302
    )
    haendelser = Haendelse.objects.count()
    svar = b.post(url("samtale-ret", pk=samtale.pk), ret_data(side_b, samtaleform="2", begrundelse="Var telefonisk"))

    assert svar.status_code == 200
    html = svar.content.decode()
    besked = re.search(r'id="samtidig-aendring"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "ændret af Anna Andersen, mens du havde den åben" in besked
    assert "Aftale" in besked and AFTALE_A in besked and "Flere job" in besked
    samtale.refresh_from_db()
    assert (samtale.aftale, samtale.samtaleform.kode, samtale.sekvens) == (AFTALE_A, "1", 2)
    assert Haendelse.objects.count() == haendelser  # nothing reported
    # Back on the stored version with B's own change on top, and the stored version's number.
    assert tekst(svar, "aftale") == AFTALE_A and valgt(svar, "samtaleform") == "2"
    assert skjult(svar, "sekvens") == "2"

    igen = ret_data(svar, aftale=tekst(svar, "aftale"), samtaleform="2", begrundelse="Var telefonisk")
    assert b.post(url("samtale-ret", pk=samtale.pk), igen).status_code == 302
    samtale.refresh_from_db()
    assert (samtale.aftale, samtale.samtaleform.kode, samtale.sekvens) == (AFTALE_A, "2", 3)


def test_felt_begge_har_aendret_viser_mit_og_siger_det(to, jobcenter):
    a, b, anna, _bo = to
    samtale = factories.registrer(factories.person(jc=jobcenter), anna).samtale
    side_a, side_b = a.get(url("samtale-ret", pk=samtale.pk)), b.get(url("samtale-ret", pk=samtale.pk))
    a.post(url("samtale-ret", pk=samtale.pk), ret_data(side_a, aftale=AFTALE_A, begrundelse="A"))
    svar = b.post(url("samtale-ret", pk=samtale.pk), ret_data(side_b, aftale="Bos aftale", begrundelse="B"))
    assert svar.status_code == 200
    assert "I har begge ændret: Bindende aftale om det fortsatte kontaktforløb (§ 28 nr. 5)" in svar.content.decode()
    assert tekst(svar, "aftale") == "Bos aftale"
    assert Samtale.objects.get(pk=samtale.pk).aftale == AFTALE_A


def test_samme_rettelse_sendt_to_gange_gemmes_en_gang(klient, jobcenter, sagsbehandler):
    samtale = factories.registrer(factories.person(jc=jobcenter), sagsbehandler).samtale
    side = klient.get(url("samtale-ret", pk=samtale.pk))
    data = ret_data(side, aftale=AFTALE_A, begrundelse="Flere job")
    assert klient.post(url("samtale-ret", pk=samtale.pk), data).status_code == 302
    svar = klient.post(url("samtale-ret", pk=samtale.pk), data, follow=True)
    assert "indeholder allerede din rettelse" in svar.content.decode()
    assert Samtale.objects.get(pk=samtale.pk).sekvens == 2


def test_rettelse_uden_sekvens_kontrolleres_ikke(klient, jobcenter, sagsbehandler):
    """An integrator posting CONTRACT.md's fields without the hidden version is not refused."""
    samtale = factories.registrer(factories.person(jc=jobcenter), sagsbehandler).samtale
    services.samtale_ret(samtale=samtale, data=factories.data(aftale="Ny"), begrundelse="x", bruger=sagsbehandler)
    data = factories.formular(dato=samtale.dato.isoformat(), aftale="Nyere", begrundelse="Stavefejl")
    assert klient.post(url("samtale-ret", pk=samtale.pk), data).status_code == 302
    assert Samtale.objects.get(pk=samtale.pk).aftale == "Nyere"


def test_annullering_paa_en_aeldre_version_afvises(to, jobcenter):
    a, b, anna, _bo = to
    samtale = factories.registrer(factories.person(jc=jobcenter), anna).samtale
    side_a = a.get(url("samtale-ret", pk=samtale.pk))
    side_b = b.get(url("samtale-annuller", pk=samtale.pk))
    a.post(url("samtale-ret", pk=samtale.pk), ret_data(side_a, aftale=AFTALE_A, begrundelse="Flere job"))

    svar = b.post(
        url("samtale-annuller", pk=samtale.pk), {"begrundelse": "Dobbelt", "sekvens": skjult(side_b, "sekvens")}
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "ændret af Anna Andersen" in html and AFTALE_A in html
    samtale.refresh_from_db()
    assert samtale.annulleret is None and samtale.sekvens == 2
    assert not Haendelse.objects.filter(samtale=samtale, handling="annuller").exists()
    # The page now shows (and carries) the stored version: cancelling again is a decision.
    assert skjult(svar, "sekvens") == "2"
    assert b.post(url("samtale-annuller", pk=samtale.pk), {"begrundelse": "Dobbelt", "sekvens": "2"}).status_code == 302
    assert Samtale.objects.get(pk=samtale.pk).annulleret is not None


def test_person_ret_paa_en_aeldre_version_afvises(to, jobcenter):
    a, b, _anna, _bo = to
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    side_a, side_b = a.get(url("person-ret", pk=person.pk)), b.get(url("person-ret", pk=person.pk))
    assert skjult(side_b, "sekvens") == "1"
    periode = {"kontaktgruppe": "3", "akasse": "", "gyldig_fra": dage_siden(3).isoformat(), "begrundelse": "Syg"}
    assert a.post(url("person-ret", pk=person.pk), periode | {"sekvens": skjult(side_a, "sekvens")}).status_code == 302

    andet = {"kontaktgruppe": "12", "akasse": "", "gyldig_fra": dage_siden(1).isoformat(), "begrundelse": "Ung"}
    svar = b.post(url("person-ret", pk=person.pk), andet | {"sekvens": "1"})
    assert svar.status_code == 200
    besked = re.search(r'id="samtidig-aendring"[^>]*>(.*?)</div>', svar.content.decode(), re.S).group(1)
    assert "Anna Andersen har registreret en ny periode" in besked and "Syg" in besked and "3: " in besked
    assert PersonPeriode.objects.filter(person=person).count() == 2
    assert skjult(svar, "sekvens") == "2"
    assert b.post(url("person-ret", pk=person.pk), andet | {"sekvens": "2"}).status_code == 302


def test_person_ret_starter_fra_den_gaeldende_periode(klient, jobcenter):
    """CONTRACT.md: kontaktgruppe and a-kasse from the period in force; the date is to choose."""
    person = factories.person(kontaktgruppe="1", akasse="3F", jc=jobcenter)
    svar = klient.get(url("person-ret", pk=person.pk))
    assert valgt(svar, "kontaktgruppe") == "1" and valgt(svar, "akasse") == "3F"
    assert not re.search(r'name="gyldig_fra"[^>]*value="', svar.content.decode())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_to_samtidige_rettelser_paa_samme_version_kun_den_ene_gemmes():
    """Under the row lock: two corrections of version 1 at the same moment; one is stored,
    the other is refused with SamtidigAendring (the class the API maps to 409)."""
    jc = factories.jobcenter()
    a, b = factories.bruger("a", jc=jc), factories.bruger("b", jc=jc)
    samtale = factories.registrer(factories.person(jc=jc), a).samtale
    barriere = threading.Barrier(2)
    udfald: dict[str, object] = {}

    def ret(bruger, aftale):
        try:
            barriere.wait(timeout=10)
            services.samtale_ret(
                samtale=samtale, data=factories.data(aftale=aftale), begrundelse="x", bruger=bruger, sekvens=1
            )
            udfald[aftale] = "gemt"
        except services.SamtidigAendring as e:
            udfald[aftale] = e
        finally:
            connection.close()

    traade = [threading.Thread(target=ret, args=(a, "A's")), threading.Thread(target=ret, args=(b, "B's"))]
    for t in traade:
        t.start()
    for t in traade:
        t.join(timeout=30)
    assert sorted(type(u).__name__ for u in udfald.values()) == ["SamtidigAendring", "str"]
    vinder = next(k for k, u in udfald.items() if u == "gemt")
    taber = next(u for u in udfald.values() if u != "gemt")
    assert (taber.forventet, taber.aktuel) == (1, 2) and taber.aendringer
    samtale.refresh_from_db()
    assert (samtale.aftale, samtale.sekvens) == (vinder, 2)
    assert Haendelse.objects.filter(samtale=samtale, handling="ret").count() == 1
