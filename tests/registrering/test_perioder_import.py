"""The period import's bulk path (issue 22, ``borgere.perioder_importer``): the same rules
and the same rows as ``person_ret``, per row, with a refused row keeping the others."""

import datetime

import pytest
from django.db import IntegrityError

from indberetning.models import Haendelse
from registrering import borgere
from registrering.models import Adgangslog, Akasse, Kontaktgruppe, Person, PersonPeriode
from tests import factories
from tests.factories import dage_siden, idag

pytestmark = pytest.mark.django_db(transaction=False)


def ny(person, bruger, *, kontaktgruppe="3", akasse=None, fra=None, begrundelse="Indlæst af fagsystemet", **kw):
    return borgere.NyPeriode(
        person=person,
        kontaktgruppe=Kontaktgruppe.objects.get(kode=kontaktgruppe),
        akasse=Akasse.objects.get(kode=akasse) if akasse else None,
        gyldig_fra=fra or dage_siden(3),
        begrundelse=begrundelse,
        bruger=bruger,
        **kw,
    )


def spor(person):
    """What a new period leaves behind for a citizen, without ids and times."""
    periode = PersonPeriode.objects.filter(person=person).order_by("-registreret").first()
    historik = list(
        PersonPeriode.history.filter(id=periode.pk).values_list(
            "history_type", "history_user__username", "history_change_reason", "kontaktgruppe__kode", "begrundelse"
        )
    )
    personhistorik = list(
        Person.history.filter(id=person.pk).values_list(
            "history_type", "history_user__username", "history_change_reason", "kontaktgruppe__kode", "beskyttet"
        )
    )
    person.refresh_from_db()
    return {
        "periode": (
            periode.kontaktgruppe.kode,
            periode.akasse_id,
            periode.gyldig_fra,
            periode.registreret_af.username,
            periode.begrundelse,
            periode.videresendelser,
            periode.beskyttet,
        ),
        "historik": historik,
        "borger": (person.kontaktgruppe.kode, person.akasse_id, person.beskyttet),
        "borgerhistorik": personhistorik,
        "adgangslog": list(
            Adgangslog.objects.filter(person=person).values_list("handling", "bruger__username", "detaljer", "formaal")
        ),
    }


def test_bulkvejen_skriver_det_samme_som_person_ret(jobcenter, sagsbehandler):
    """A period written by the bulk path leaves the same period, history rows, citizen
    and access-log row as the one person_ret writes for the same input."""
    a = factories.person(kontaktgruppe="2", jc=jobcenter)
    b = factories.person(kontaktgruppe="2", jc=jobcenter)
    raekke = dict(kontaktgruppe="3", fra=dage_siden(3), beskyttet=True)
    [periode] = borgere.perioder_importer([ny(a, sagsbehandler, **raekke)])
    assert isinstance(periode, PersonPeriode) and (a.kontaktgruppe.kode, a.beskyttet) == ("3", True)
    d = ny(b, sagsbehandler, **raekke)
    borgere.person_ret(
        person=b,
        kontaktgruppe=d.kontaktgruppe,
        akasse=None,
        gyldig_fra=d.gyldig_fra,
        begrundelse=d.begrundelse,
        bruger=sagsbehandler,
        beskyttet=True,
    )
    assert spor(a) == spor(b)
    assert spor(a)["adgangslog"] == [
        ("ret", "sara", f"Kontaktgruppe 3 fra {dage_siden(3):%d.%m.%Y}", spor(a)["adgangslog"][0][3])
    ]


def test_en_afvist_raekke_midt_i_en_klump_beholder_raekkerne_foer_og_efter(jobcenter, sagsbehandler):
    foer, midt, konflikt, efter = (factories.person(kontaktgruppe="2", jc=jobcenter) for _ in range(4))
    # A held jobsamtale the new kontaktgruppe would make invalid: the row is a conflict.
    dagpenge = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    samtale = factories.registrer(
        dagpenge, sagsbehandler, dato=dage_siden(2), samtaletype="19", akasse_deltagelse="deltog"
    ).samtale
    resultater = borgere.perioder_importer(
        [
            ny(foer, sagsbehandler),
            ny(midt, sagsbehandler, fra=idag() + datetime.timedelta(days=1)),  # in the future
            ny(dagpenge, sagsbehandler, kontaktgruppe="2", fra=dage_siden(5)),
            ny(konflikt, sagsbehandler, kontaktgruppe="1"),  # kontaktgruppe 1 without an a-kasse
            ny(efter, sagsbehandler),
        ]
    )
    assert isinstance(resultater[0], PersonPeriode) and isinstance(resultater[4], PersonPeriode)
    assert "fremtiden" in resultater[1].message_dict["gyldig_fra"][0]
    assert isinstance(resultater[2], borgere.PeriodeKonflikt) and [k.samtale for k in resultater[2].konflikter] == [
        samtale
    ]
    assert "a-kasse" in resultater[3].message_dict["akasse"][0]
    for person, kg in ((foer, "3"), (midt, "2"), (dagpenge, "1"), (konflikt, "2"), (efter, "3")):
        person.refresh_from_db()
        assert person.kontaktgruppe.kode == kg
    assert PersonPeriode.objects.filter(person__in=[midt, konflikt, dagpenge], gyldig_fra__isnull=False).count() == 0
    assert Adgangslog.objects.filter(handling="ret", person__in=[foer, efter]).count() == 2
    assert not Adgangslog.objects.filter(handling="ret", person__in=[midt, konflikt, dagpenge]).exists()


def test_en_klump_databasen_afviser_tages_raekke_for_raekke(jobcenter, sagsbehandler, monkeypatch):
    """A chunk the database refuses (as when the page registers a period for one of its
    citizens meanwhile) is rolled back to its savepoint; each row then goes through
    person_ret, so the others are still registered."""
    personer = [factories.person(kontaktgruppe="2", jc=jobcenter) for _ in range(3)]
    ægte = PersonPeriode.objects.bulk_create

    def afvis(*args, **kw):
        ægte(*args, **kw)  # written, then refused: the savepoint must take it back
        raise IntegrityError("personperiode_en_pr_dato")

    monkeypatch.setattr(PersonPeriode.objects, "bulk_create", afvis)
    resultater = borgere.perioder_importer([ny(p, sagsbehandler) for p in personer])
    assert all(isinstance(r, PersonPeriode) for r in resultater)
    for p in personer:
        assert PersonPeriode.objects.filter(person=p).count() == 2
        assert Adgangslog.objects.filter(person=p, handling="ret").count() == 1


def test_tilbagedateret_akasse_skift_flytter_samtalen_ogsaa_ved_import(jobcenter, sagsbehandler):
    """A citizen with a held conversation from the row's date on goes through person_ret:
    the conversation is re-routed to the new a-kasse (§ 28 stk. 5), as on the page."""
    dorte = factories.person(kontaktgruppe="1", akasse="3F", jc=jobcenter)
    samtale = factories.registrer(dorte, sagsbehandler, dato=dage_siden(2)).samtale
    [periode] = borgere.perioder_importer([ny(dorte, sagsbehandler, kontaktgruppe="1", akasse="HK", fra=dage_siden(5))])
    assert periode.videresendelser[0]["samtale"] == str(samtale.pk)
    assert sorted(Haendelse.objects.filter(samtale=samtale, sekvens=2).values_list("modtager", "handling")) == [
        ("akasse-3F", "annuller"),
        ("akasse-HK", "opret"),
    ]


def test_samme_periode_igen_er_uaendret(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    borgere.perioder_importer([ny(person, sagsbehandler, fra=dage_siden(5))])
    [igen] = borgere.perioder_importer([ny(person, sagsbehandler, fra=dage_siden(2))])
    assert borgere.er_uaendret(igen)
    assert PersonPeriode.objects.filter(person=person).count() == 2
