"""Code lists and rules are data with validity periods: a change of law is an admin edit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registrering import services
from registrering.models import (
    Kontaktgruppe,
    KontaktgruppeRegel,
    Samtaletype,
    TilladtSamtaletype,
    TilladtVisitationsgruppe,
    Visitationsgruppe,
)
from registrering.regler import regelsaet
from tests import factories

pytestmark = pytest.mark.django_db

BEK_2023 = datetime.date(2023, 7, 1)


@pytest.fixture
def administrator(jobcenter):
    return factories.bruger("admin", rolle="administrator", is_staff=True, is_superuser=True)


def test_standardmatrix_fra_2020():
    kg = lambda k: Kontaktgruppe.objects.get(kode=k)  # noqa: E731
    st = lambda k: Samtaletype.objects.get(kode=k)  # noqa: E731
    dato = datetime.date(2021, 5, 1)
    r = regelsaet(kontaktgruppe=kg("1"), samtaletype=st("19"), dato=dato)
    assert r.samtaletype_tilladt and r.aftale == "bindende" and r.akasse_deltagelse and r.saerlig_indsats
    assert r.cv_vurdering and r.akasse_videregivelse and not r.visitation
    r = regelsaet(kontaktgruppe=kg("9"), samtaletype=st("902"), dato=dato)
    assert r.samtaletype_tilladt and r.aftale == "fleksjob" and not r.saerlig_indsats
    r = regelsaet(kontaktgruppe=kg("3"), samtaletype=st("4"), dato=dato)
    assert r.praktiske_aftaler and not r.aftale
    assert {g.kode for g in r.visitationsgrupper} == {
        "uddannelsesparat",
        "aabenlyst_uddannelsesparat",
        "aktivitetsparat",
    }
    assert not regelsaet(kontaktgruppe=kg("2"), samtaletype=st("19"), dato=dato).samtaletype_tilladt
    assert not regelsaet(
        kontaktgruppe=kg("2"), samtaletype=st("7"), dato=datetime.date(2019, 12, 31)
    ).samtaletype_tilladt


def test_bek_2023_visitation_for_kontaktgruppe_17_er_en_admin_aendring_med_gyldighedsdato(
    client, administrator, sagsbehandler, jobcenter
):
    """The 2023 order adds kontaktgruppe 17 (among others) to the groups that are
    visiteret. An administrator adds the code and the rule rows with a validity date in
    the Django admin; registrations before that date are refused, after it accepted."""
    client.force_login(administrator)
    svar = client.post(
        reverse("admin:registrering_kontaktgruppe_add"),
        {"kode": "17", "navn": "Kontaktgruppe 17 (BEK 442/2023)", "sortering": "17", "gyldig_fra": "2023-01-01"},
    )
    assert svar.status_code == 302, svar.content.decode()
    kg17 = Kontaktgruppe.objects.get(kode="17")
    svar = client.post(
        reverse("admin:registrering_tilladtsamtaletype_add"),
        {"kontaktgruppe": kg17.pk, "samtaletype": Samtaletype.objects.get(kode="7").pk, "gyldig_fra": "2023-01-01"},
    )
    assert svar.status_code == 302, svar.content.decode()
    for gruppe in ("jobparat", "aktivitetsparat"):
        svar = client.post(
            reverse("admin:registrering_tilladtvisitationsgruppe_add"),
            {
                "kontaktgruppe": kg17.pk,
                "visitationsgruppe": Visitationsgruppe.objects.get(kode=gruppe).pk,
                "gyldig_fra": "2023-07-01",
            },
        )
        assert svar.status_code == 302, svar.content.decode()

    person = factories.person(kontaktgruppe="17", jc=jobcenter)
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person,
            data=factories.data(dato=datetime.date(2023, 6, 30), visitationsgruppe="jobparat"),
            bruger=sagsbehandler,
        )
    assert "visiteres ikke" in e.value.message_dict["visitationsgruppe"][0]
    resultat = services.samtale_registrer(
        person=person, data=factories.data(dato=BEK_2023, visitationsgruppe="jobparat"), bruger=sagsbehandler
    )
    assert resultat.visitation.visitationsgruppe.kode == "jobparat"


def test_en_regel_kan_lukkes_med_slutdato(sagsbehandler):
    """Closing a rule row ends it from the day after; conversations held before keep it."""
    kg2 = Kontaktgruppe.objects.get(kode="2")
    raekke = TilladtVisitationsgruppe.objects.get(kontaktgruppe=kg2, visitationsgruppe__kode="aktivitetsparat")
    raekke.gyldig_til = datetime.date(2025, 12, 31)
    raekke.save()
    person = factories.person(kontaktgruppe="2")
    assert services.samtale_registrer(
        person=person,
        data=factories.data(dato=datetime.date(2025, 12, 31), visitationsgruppe="aktivitetsparat"),
        bruger=sagsbehandler,
    ).visitation
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person,
            data=factories.data(
                dato=datetime.date(2026, 1, 2), visitationsgruppe="aktivitetsparat", samtaletype="4", aftale=""
            ),
            bruger=sagsbehandler,
        )
    assert "kan ikke bruges for kontaktgruppe 2" in e.value.message_dict["visitationsgruppe"][0]


def test_samtaletype_der_udloeber_kan_ikke_vaelges_efter_slutdatoen(sagsbehandler):
    rad = Samtaletype.objects.get(kode="15")
    rad.gyldig_til = datetime.date(2024, 12, 31)
    rad.save()
    person = factories.person(kontaktgruppe="1")
    assert services.samtale_registrer(
        person=person, data=factories.data(samtaletype="15", dato=datetime.date(2024, 12, 31)), bruger=sagsbehandler
    ).samtale
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(person=person, data=factories.data(samtaletype="15"), bruger=sagsbehandler)
    assert "samtaletype" in e.value.message_dict


def test_cv_og_akasse_regel_foelger_kontaktgrupperegel(sagsbehandler):
    """Stk. 4 and 5 are data on the kontaktgruppe: a new rule period changes them."""
    kg1 = Kontaktgruppe.objects.get(kode="1")
    KontaktgruppeRegel.objects.filter(kontaktgruppe=kg1).update(gyldig_til=datetime.date(2025, 12, 31))
    KontaktgruppeRegel.objects.create(
        kontaktgruppe=kg1, gyldig_fra=datetime.date(2026, 1, 1), cv_vurdering=False, akasse_videregivelse=True
    )
    st = Samtaletype.objects.get(kode="7")
    assert regelsaet(kontaktgruppe=kg1, samtaletype=st, dato=datetime.date(2025, 6, 1)).cv_vurdering
    assert not regelsaet(kontaktgruppe=kg1, samtaletype=st, dato=datetime.date(2026, 6, 1)).cv_vurdering


def test_kodelister_er_redigerbare_i_admin_med_historik(client, administrator):
    client.force_login(administrator)
    rad = TilladtSamtaletype.objects.filter(samtaletype__kode="19").first()
    assert client.get(reverse("admin:registrering_tilladtsamtaletype_change", args=[rad.pk])).status_code == 200
    assert client.get(reverse("admin:registrering_tilladtsamtaletype_history", args=[rad.pk])).status_code == 200
    assert client.get(reverse("admin:registrering_samtaletyperegel_changelist")).status_code == 200
