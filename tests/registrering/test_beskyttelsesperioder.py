"""Navne- og adressebeskyttelse as a period (issue 24, CONTRACT.md person-ret's
``beskyttet``): set from a date on person-ret, kept beside kontaktgruppe and a-kasse, with
the same date and version rules as every other period."""

import pytest
from django.core.exceptions import ValidationError

from registrering import selectors, services
from registrering.forms import PersonRetForm
from registrering.models import Kontaktgruppe, PersonPeriode
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db


def beskyt(person, bruger, *, fra, beskyttet=True, **kw):
    return services.person_ret(
        person=person,
        kontaktgruppe=person.kontaktgruppe,
        akasse=person.akasse,
        gyldig_fra=fra,
        begrundelse="Navne- og adressebeskyttelse fra CPR",
        bruger=bruger,
        beskyttet=beskyttet,
        **kw,
    )


def test_beskyttelse_registreres_som_periode_fra_en_dato_paa_person_ret(klient, jobcenter):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {
            "kontaktgruppe": "1",
            "akasse": "HK",
            "beskyttet": "on",
            "gyldig_fra": dage_siden(3).isoformat(),
            "begrundelse": "Beskyttelse registreret i CPR",
            "sekvens": "1",
        },
    )
    assert svar.status_code == 302
    person.refresh_from_db()
    assert person.beskyttet
    nyeste, foerste = selectors.perioder(person=person)
    assert nyeste.beskyttet and nyeste.gyldig_fra == dage_siden(3) and not foerste.beskyttet
    # Before the date the citizen was not protected; from it on, protected.
    assert not selectors.periode_paa_dato(person=person, dato=dage_siden(4)).beskyttet
    assert selectors.periode_paa_dato(person=person, dato=dage_siden(3)).beskyttet


def test_en_periode_der_kun_aendrer_andet_beholder_beskyttelsen(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    beskyt(person, sagsbehandler, fra=dage_siden(10))
    services.person_ret(
        person=person,
        kontaktgruppe=Kontaktgruppe.objects.get(kode="2"),
        akasse=None,
        gyldig_fra=dage_siden(5),
        begrundelse="Kontanthjælp",
        bruger=sagsbehandler,
    )
    person.refresh_from_db()
    assert person.beskyttet and person.kontaktgruppe.kode == "2"
    assert PersonPeriode.objects.get(person=person, gyldig_fra=dage_siden(5)).beskyttet
    # And it ends only by a period that says so.
    beskyt(person, sagsbehandler, fra=dage_siden(1), beskyttet=False)
    person.refresh_from_db()
    assert not person.beskyttet


def test_beskyttelse_foelger_periodernes_regler(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    beskyt(person, sagsbehandler, fra=dage_siden(5))
    # The same again changes nothing and is refused.
    with pytest.raises(ValidationError) as e:
        beskyt(person, sagsbehandler, fra=dage_siden(2))
    assert "Intet er ændret" in str(e.value)
    # Not in the future, and not on or before the period in force.
    with pytest.raises(ValidationError) as e:
        beskyt(person, sagsbehandler, fra=dage_siden(-1), beskyttet=False)
    assert "fremtiden" in str(e.value.message_dict["gyldig_fra"])
    with pytest.raises(ValidationError) as e:
        beskyt(person, sagsbehandler, fra=dage_siden(5), beskyttet=False)
    assert "efter den" in str(e.value.message_dict["gyldig_fra"])
    # Opened on an older version (one period): somebody else's period refuses this one.
    with pytest.raises(services.SamtidigAendring):
        beskyt(person, sagsbehandler, fra=dage_siden(1), beskyttet=False, sekvens=1)
    person.refresh_from_db()
    assert person.beskyttet and person.perioder.count() == 2


def test_formularen_starter_fra_den_gaeldende_periodes_beskyttelse(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    assert klient.get(url("person-ret", pk=person.pk)).context["form"].initial.get("beskyttet") is False
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {"kontaktgruppe": "1", "akasse": "HK", "gyldig_fra": dage_siden(1).isoformat(), "begrundelse": "x"},
    )
    # Nothing changed (beskyttet unticked as before): refused at the form.
    assert svar.status_code == 200 and "Intet er ændret" in svar.content.decode()
    beskyt(person, sagsbehandler, fra=dage_siden(3))
    person.refresh_from_db()
    # The form for a protected citizen starts ticked.
    assert PersonRetForm.for_person(person=person).initial["beskyttet"] is True


def test_beskyttelse_staar_i_historikken(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    beskyt(person, sagsbehandler, fra=dage_siden(2))
    poster = selectors.historik_for_person(person=person)
    tekst = " ".join(f"{a.felt} {a.foer} {a.efter}" for p in poster for a in p.aendringer)
    assert "beskyttelse" in tekst
