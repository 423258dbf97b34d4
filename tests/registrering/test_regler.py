"""Code lists and rules are data with validity periods: a change of law is an admin edit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indberetning.models import Haendelse
from registrering import services
from registrering.models import (
    Deltagelsesform,
    Deltagerrolle,
    Kontaktgruppe,
    KontaktgruppeRegel,
    Samtale,
    Samtaleform,
    Samtaletype,
    SamtaletypeRegel,
    TilladtSamtaletype,
    TilladtVisitationsgruppe,
    Visitation,
    Visitationsgruppe,
)
from registrering.regler import regelsaet, samtaletyper_tilladte
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


# --- the rules' own validity dates: a change of law takes effect on its date, and a
# conversation held before it is still checked and reported by the rules of its own day ---

SKIFT = factories.dage_siden(30)  # the day the changed rule takes effect
FOER, EFTER = factories.dage_siden(60), factories.dage_siden(10)


def luk(raekker, *, dag=SKIFT) -> None:
    """End the rows (a queryset) the day before ``dag``."""
    assert raekker.exists()
    raekker.update(gyldig_til=dag - datetime.timedelta(days=1))


def test_samtaletypens_regel_paa_samtalens_dato_afgoer_hvilke_dele_der_gaelder_og_indberettes(sagsbehandler):
    """From SKIFT the jobsamtale carries practical arrangements instead of the binding
    agreement; a jobsamtale held before SKIFT is still checked and reported under nr. 5."""
    luk(SamtaletypeRegel.objects.filter(samtaletype__kode="7"))
    SamtaletypeRegel.objects.create(
        samtaletype=Samtaletype.objects.get(kode="7"), gyldig_fra=SKIFT, praktiske_aftaler=True
    )
    person = factories.person(kontaktgruppe="2")

    foer = services.samtale_registrer(
        person=person, data=factories.data(dato=FOER, aftale="Søge 2 job om ugen."), bruger=sagsbehandler
    ).samtale
    assert foer.aftaletype == "bindende"
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(person=person, data=factories.data(dato=FOER, aftale=""), bruger=sagsbehandler)
    assert "§ 28 nr. 5" in e.value.message_dict["aftale"][0]

    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(dato=EFTER, aftale="Søge 2 job om ugen."), bruger=sagsbehandler
        )
    assert "§ 28 nr. 8" in e.value.message_dict["aftale"][0]
    efter = services.samtale_registrer(
        person=person,
        data=factories.data(dato=EFTER, aftale="", praktiske_aftaler="Møde igen om 14 dage."),
        bruger=sagsbehandler,
    ).samtale
    assert efter.aftaletype == ""

    (h_foer,) = Haendelse.objects.filter(samtale=foer)
    (h_efter,) = Haendelse.objects.filter(samtale=efter)
    assert h_foer.data["aftale"] == "Søge 2 job om ugen." and "praktiskeAftaler" not in h_foer.data
    assert h_efter.data["praktiskeAftaler"] == "Møde igen om 14 dage." and "aftale" not in h_efter.data


def test_en_samtaletype_der_ikke_laengere_er_tilladt_for_kontaktgruppen_afvises_fra_datoen(sagsbehandler):
    kg2 = Kontaktgruppe.objects.get(kode="2")
    luk(TilladtSamtaletype.objects.filter(kontaktgruppe=kg2, samtaletype__kode="4"))
    person = factories.person(kontaktgruppe="2")
    assert "4" in {st.kode for st in samtaletyper_tilladte(kontaktgruppe=kg2, dato=FOER)}
    assert "4" not in {st.kode for st in samtaletyper_tilladte(kontaktgruppe=kg2, dato=EFTER)}
    assert services.samtale_registrer(
        person=person, data=factories.data(dato=FOER, samtaletype="4"), bruger=sagsbehandler
    ).samtale
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(dato=EFTER, samtaletype="4"), bruger=sagsbehandler
        )
    assert "kan ikke bruges for borgere i kontaktgruppe 2" in e.value.message_dict["samtaletype"][0]
    assert not Samtale.objects.filter(person=person, dato=EFTER).exists()


def test_en_visitationsgruppe_der_er_udloebet_kan_kun_vaelges_for_samtaler_foer_slutdatoen(sagsbehandler):
    luk(Visitationsgruppe.objects.filter(kode="jobparat"))
    kg2 = Kontaktgruppe.objects.get(kode="2")
    assert "jobparat" not in {
        g.kode for g in regelsaet(kontaktgruppe=kg2, samtaletype=None, dato=EFTER).visitationsgrupper
    }
    resultat = services.samtale_registrer(
        person=factories.person(kontaktgruppe="2"),
        data=factories.data(dato=FOER, visitationsgruppe="jobparat"),
        bruger=sagsbehandler,
    )
    assert resultat.visitation.visitationsgruppe.kode == "jobparat"
    person = factories.person(kontaktgruppe="2")
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(dato=EFTER, visitationsgruppe="jobparat"), bruger=sagsbehandler
        )
    assert "kan ikke bruges for kontaktgruppe 2" in e.value.message_dict["visitationsgruppe"][0]
    assert not Visitation.objects.filter(person=person).exists()


def test_en_deltagerrolle_der_er_udloebet_kan_kun_bruges_for_samtaler_foer_slutdatoen(sagsbehandler):
    luk(Deltagerrolle.objects.filter(kode="mentor"))
    person = factories.person(kontaktgruppe="2")
    mentor = [factories.deltager("Mona Mentor", "mentor")]
    samtale = services.samtale_registrer(
        person=person, data=factories.data(dato=FOER, deltagere=mentor), bruger=sagsbehandler
    ).samtale
    (haendelse,) = Haendelse.objects.filter(samtale=samtale)
    assert haendelse.data["deltager"] == [{"navn": "Mona Mentor", "rolle": "mentor", "deltagelsesform": "1"}]
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(dato=EFTER, deltagere=mentor), bruger=sagsbehandler
        )
    assert e.value.message_dict["deltagere"] == ["Deltager 1 har ikke en gyldig rolle."]


def test_en_samtaleform_der_er_udloebet_kan_kun_bruges_for_samtaler_foer_slutdatoen(sagsbehandler):
    luk(Samtaleform.objects.filter(kode="5"))
    person = factories.person(kontaktgruppe="2")
    assert services.samtale_registrer(
        person=person, data=factories.data(dato=FOER, samtaleform="5"), bruger=sagsbehandler
    ).samtale
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(dato=EFTER, samtaleform="5"), bruger=sagsbehandler
        )
    assert e.value.message_dict == {"samtaleform": ["Samtaleformen gælder ikke på denne dato."]}


def test_en_deltagelsesform_der_er_udloebet_kan_kun_bruges_for_samtaler_foer_slutdatoen(sagsbehandler):
    luk(Deltagelsesform.objects.filter(kode="5"))
    person = factories.person(kontaktgruppe="2")
    video = [factories.deltager("Tolk Tove", "tolk", "5")]
    assert services.samtale_registrer(
        person=person, data=factories.data(dato=FOER, deltagere=video), bruger=sagsbehandler
    ).samtale
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(dato=EFTER, deltagere=video), bruger=sagsbehandler
        )
    assert e.value.message_dict == {"deltagere": ["Deltager 1 har ikke en gyldig deltagelsesform."]}


def test_en_ny_regel_afloeser_den_aeldre_fra_sin_startdato_ogsaa_uden_slutdato_paa_den_aeldre(sagsbehandler):
    """An administrator adds the new rule from SKIFT and leaves the old one open: the newest
    rule that has started is the one in force."""
    SamtaletypeRegel.objects.create(
        samtaletype=Samtaletype.objects.get(kode="7"), gyldig_fra=SKIFT, praktiske_aftaler=True
    )
    kg2, st7 = Kontaktgruppe.objects.get(kode="2"), Samtaletype.objects.get(kode="7")
    assert regelsaet(kontaktgruppe=kg2, samtaletype=st7, dato=FOER).aftale == "bindende"
    efter = regelsaet(kontaktgruppe=kg2, samtaletype=st7, dato=EFTER)
    assert efter.aftale == "" and efter.praktiske_aftaler


def test_uden_samtaletype_eller_uden_regel_i_kraft_gaelder_ingen_af_samtaletypens_dele(sagsbehandler):
    """Before a samtaletype is chosen, the form shows only the kontaktgruppe's parts; a
    samtaletype with no rule in force is refused for that, and nothing else is asked for."""
    kg1 = Kontaktgruppe.objects.get(kode="1")
    assert regelsaet(kontaktgruppe=kg1, samtaletype=None, dato=EFTER).gaelder == {
        "aftale": False,
        "saerlig_indsats": False,
        "akasse_deltagelse": False,
        "praktiske_aftaler": False,
        "visitationsgruppe": False,
        "cv_ikke_fyldestgoerende": True,
    }
    luk(SamtaletypeRegel.objects.filter(samtaletype__kode="19"))
    uden_regel = regelsaet(kontaktgruppe=kg1, samtaletype=Samtaletype.objects.get(kode="19"), dato=EFTER)
    assert not uden_regel.samtaletype_tilladt and not uden_regel.akasse_deltagelse and not uden_regel.aftale
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=factories.person(kontaktgruppe="1"),
            data=factories.data(dato=EFTER, samtaletype="19", aftale=""),
            bruger=sagsbehandler,
        )
    assert set(e.value.message_dict) == {"samtaletype"}
