"""§ 28 rules enforced by the registration services (the same rules the form shows)."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registrering import borgere, selectors, services
from registrering.models import Adgangslog, Deltager, PersonMarkering, Samtale, Visitation
from tests import factories
from tests.factories import dage_siden, idag, igaar, registrer

pytestmark = pytest.mark.django_db

KBH = ZoneInfo("Europe/Copenhagen")


def fejl(exc_info) -> dict:
    return exc_info.value.message_dict


# --- nr. 2: only held conversations --------------------------------------------------------


def test_dato_i_fremtiden_afvises(sagsbehandler):
    person = factories.person()
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, dato=factories.idag() + datetime.timedelta(days=1))
    assert "fremtiden" in fejl(e)["dato"][0]
    assert not Samtale.objects.exists()


def test_samtale_i_dag_kan_registreres(sagsbehandler):
    person = factories.person()
    resultat = registrer(person, sagsbehandler, dato=factories.idag())
    assert resultat.samtale.dato == factories.idag()


# --- nr. 3: the type must be allowed for the kontaktgruppe ---------------------------------


@pytest.mark.parametrize(
    ("kontaktgruppe", "samtaletype", "tilladt"),
    [
        ("1", "19", True),
        ("2", "19", False),
        ("12", "901", True),
        ("2", "901", False),
        ("9", "902", True),
        ("1", "902", False),
    ],
)
def test_samtaletype_skal_vaere_tilladt_for_kontaktgruppen(sagsbehandler, kontaktgruppe, samtaletype, tilladt):
    person = factories.person(kontaktgruppe=kontaktgruppe)
    ekstra = {"akasse_deltagelse": "deltog"} if samtaletype == "19" else {}
    if tilladt:
        assert registrer(person, sagsbehandler, samtaletype=samtaletype, **ekstra).samtale.pk
    else:
        with pytest.raises(ValidationError) as e:
            registrer(person, sagsbehandler, samtaletype=samtaletype, **ekstra)
        assert "kan ikke bruges for borgere i kontaktgruppe" in fejl(e)["samtaletype"][0]


# --- nr. 5, 6, 7, 8: agreement, særlig indsats, a-kasse participation, practical only ---------


@pytest.mark.parametrize(("kontaktgruppe", "samtaletype"), [("2", "7"), ("1", "19"), ("12", "901"), ("9", "902")])
def test_aftale_er_paakraevet_for_nr_5_og_6_typer(sagsbehandler, kontaktgruppe, samtaletype):
    person = factories.person(kontaktgruppe=kontaktgruppe)
    ekstra = {"akasse_deltagelse": "deltog"} if samtaletype == "19" else {}
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, samtaletype=samtaletype, aftale="  ", **ekstra)
    assert "skal udfyldes" in fejl(e)["aftale"][0]


@pytest.mark.parametrize("samtaletype", ["4", "8", "9", "10", "11", "12", "13", "15"])
def test_bindende_aftale_afvises_paa_oevrige_typer(sagsbehandler, samtaletype):
    person = factories.person()
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, samtaletype=samtaletype, aftale="Du skal søge 5 job om ugen")
    assert "må ikke indeholde en bindende aftale" in fejl(e)["aftale"][0]


def test_praktiske_aftaler_paa_oevrige_typer_gemmes(sagsbehandler):
    person = factories.person()
    samtale = registrer(person, sagsbehandler, samtaletype="4", praktiske_aftaler="Ringer torsdag").samtale
    samtale.refresh_from_db()
    assert samtale.praktiske_aftaler == "Ringer torsdag"
    assert samtale.aftaletype == ""


def test_praktiske_aftaler_afvises_paa_jobsamtale(sagsbehandler):
    person = factories.person()
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, samtaletype="7", praktiske_aftaler="Ringer torsdag")
    assert "praktiske_aftaler" in fejl(e)


def test_saerlig_indsats_kun_paa_nr_5_typer(sagsbehandler):
    person = factories.person()
    assert registrer(person, sagsbehandler, samtaletype="7", saerlig_indsats="Mentor 2 timer om ugen").samtale.pk
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, samtaletype="4", saerlig_indsats="Mentor")
    assert "saerlig_indsats" in fejl(e)
    with pytest.raises(ValidationError) as e:
        registrer(factories.person(kontaktgruppe="9"), sagsbehandler, samtaletype="902", saerlig_indsats="Mentor")
    assert "saerlig_indsats" in fejl(e)


def test_akasse_deltagelse_paakraevet_for_19_og_afvist_ellers(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, samtaletype="19")
    assert "a-kassens deltagelse" in fejl(e)["akasse_deltagelse"][0]
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler, samtaletype="7", akasse_deltagelse="deltog")
    assert "akasse_deltagelse" in fejl(e)
    samtale = registrer(person, sagsbehandler, samtaletype="19", akasse_deltagelse="fravalgt_af_borger").samtale
    assert samtale.akasse_deltagelse.kode == "fravalgt_af_borger"


# --- nr. 9 and stk. 2: visitation -------------------------------------------------------------


def test_visitation_afvises_for_kontaktgruppe_uden_visitation(sagsbehandler):
    with pytest.raises(ValidationError) as e:
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, visitationsgruppe="jobparat")
    assert "visiteres ikke" in fejl(e)["visitationsgruppe"][0]


@pytest.mark.parametrize(
    ("kontaktgruppe", "gruppe", "tilladt"),
    [
        ("2", "jobparat", True),
        ("2", "uddannelsesparat", False),
        ("3", "aabenlyst_uddannelsesparat", True),
        ("3", "jobparat", False),
        ("12", "aktivitetsparat", True),
    ],
)
def test_kun_tilladte_visitationsgrupper(sagsbehandler, kontaktgruppe, gruppe, tilladt):
    person = factories.person(kontaktgruppe=kontaktgruppe)
    samtaletype = "901" if kontaktgruppe == "12" else "7"
    if tilladt:
        assert (
            registrer(person, sagsbehandler, samtaletype=samtaletype, visitationsgruppe=gruppe).visitation is not None
        )
    else:
        with pytest.raises(ValidationError) as e:
            registrer(person, sagsbehandler, samtaletype=samtaletype, visitationsgruppe=gruppe)
        assert "kan ikke bruges for kontaktgruppe" in fejl(e)["visitationsgruppe"][0]


def test_uaendret_visitationsgruppe_gemmes_ved_samtalen_men_indberettes_ikke(sagsbehandler):
    """Issue 18: every assessment is a fact kept with its conversation; § 28 nr. 9 reports
    only one that gives another group than the latest registered."""
    person = factories.person(kontaktgruppe="2")
    foerste = registrer(person, sagsbehandler, visitationsgruppe="jobparat", dato=dage_siden(6))
    assert foerste.visitation is not None and not foerste.visitation_uaendret
    anden = registrer(person, sagsbehandler, samtaletype="4", visitationsgruppe="jobparat", aftale="")
    assert anden.visitation is None and anden.visitation_uaendret
    assert anden.samtale.visitationer.get().visitationsgruppe.kode == "jobparat"
    assert Visitation.objects.filter(person=person).count() == 2
    assert "visitation" not in _rapporteret(anden.samtale, "opret").data


def test_visitationsgruppe_gaelder_fra_registreringsdato_i_dansk_tid(sagsbehandler):
    """§ 28 stk. 2: registered at 00:30 on 16 January in Copenhagen (still 15 January in
    UTC), held on 10 January: in force from 16 January."""
    person = factories.person(kontaktgruppe="2")
    tidspunkt = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    assert tidspunkt.astimezone(KBH).date() == datetime.date(2026, 1, 16)
    resultat = services.samtale_registrer(
        person=person,
        data=factories.data(dato=datetime.date(2026, 1, 10), visitationsgruppe="aktivitetsparat"),
        bruger=sagsbehandler,
        tidspunkt=tidspunkt,
    )
    assert resultat.visitation.gyldig_fra == datetime.date(2026, 1, 16)
    assert selectors.visitationsgruppe_paa_dato(person=person, dato=datetime.date(2026, 1, 15)) is None
    assert (
        selectors.visitationsgruppe_paa_dato(person=person, dato=datetime.date(2026, 1, 16)).visitationsgruppe.kode
        == "aktivitetsparat"
    )


def test_visitationsgruppe_paa_dato_svarer_for_enhver_dag(sagsbehandler):
    person = factories.person(kontaktgruppe="3")
    for dag, gruppe in [(1, "uddannelsesparat"), (10, "aktivitetsparat"), (20, "aabenlyst_uddannelsesparat")]:
        services.samtale_registrer(
            person=person,
            data=factories.data(dato=datetime.date(2026, 3, dag), visitationsgruppe=gruppe),
            bruger=sagsbehandler,
            tidspunkt=datetime.datetime(2026, 3, dag, 10, 0, tzinfo=KBH),
        )
    paa = lambda d: selectors.visitationsgruppe_paa_dato(person=person, dato=datetime.date(2026, 3, d))  # noqa: E731
    assert paa(1).visitationsgruppe.kode == "uddannelsesparat"
    assert paa(9).visitationsgruppe.kode == "uddannelsesparat"
    assert paa(10).visitationsgruppe.kode == "aktivitetsparat"
    assert paa(25).visitationsgruppe.kode == "aabenlyst_uddannelsesparat"


def test_visitationsgruppe_paa_dato_er_en_forespoergsel(sagsbehandler, django_assert_num_queries):
    person = factories.person(kontaktgruppe="2")
    registrer(person, sagsbehandler, visitationsgruppe="jobparat")
    with django_assert_num_queries(1):
        v = selectors.visitationsgruppe_paa_dato(person=person, dato=factories.idag())
        assert v.visitationsgruppe.kode == "jobparat"


# --- stk. 3 and 4 --------------------------------------------------------------------------------


def test_tidlig_opfoelgning_bliver_persongruppemarkering_fra_registreringsdatoen(sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    tidspunkt = datetime.datetime(2026, 2, 1, 23, 15, tzinfo=datetime.UTC)  # 2 Feb in Copenhagen
    resultat = services.samtale_registrer(
        person=person,
        data=factories.data(dato=datetime.date(2026, 1, 28), tidlig_opfoelgning=True),
        bruger=sagsbehandler,
        tidspunkt=tidspunkt,
    )
    markering = resultat.markering
    assert markering.markering.kode == "tidlig_opfoelgning_fast_track"
    assert markering.markering.navn == "Tidlig opfølgning - fast track"
    assert markering.fra == datetime.date(2026, 2, 2)
    aktive = selectors.markeringer_aktive(person=person, dato=datetime.date(2026, 2, 2))
    assert list(aktive) == [markering]


def test_cv_flag_kun_for_kontaktgruppe_1(sagsbehandler):
    samtale = registrer(factories.person(kontaktgruppe="1"), sagsbehandler, cv_ikke_fyldestgoerende=True).samtale
    assert samtale.cv_ikke_fyldestgoerende
    with pytest.raises(ValidationError) as e:
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, cv_ikke_fyldestgoerende=True)
    assert "kontaktgruppe 1" in fejl(e)["cv_ikke_fyldestgoerende"][0]


# --- duplicates, participants, the one transaction ------------------------------------------------


def test_to_samtaler_af_samme_type_paa_samme_dato_afvises(sagsbehandler):
    person = factories.person()
    registrer(person, sagsbehandler)
    with pytest.raises(ValidationError) as e:
        registrer(person, sagsbehandler)
    assert "allerede en samtale af denne type" in fejl(e)["samtaletype"][0]
    assert registrer(person, sagsbehandler, samtaletype="4", aftale="").samtale.pk  # another type that day is fine


def test_deltagere_gemmes_med_navn_rolle_og_form(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(
        person,
        sagsbehandler,
        deltagere=[factories.deltager("Karin", "akassekonsulent", "2"), factories.deltager("Tariq", "tolk", "5")],
    ).samtale
    assert [(d.navn, d.rolle.kode, d.deltagelsesform.kode) for d in samtale.deltagere.order_by("id")] == [
        ("Karin", "akassekonsulent", "2"),
        ("Tariq", "tolk", "5"),
    ]


def test_deltager_uden_navn_afvises(sagsbehandler):
    with pytest.raises(ValidationError) as e:
        registrer(factories.person(), sagsbehandler, deltagere=[factories.deltager(navn=" ")])
    assert "mangler et navn" in fejl(e)["deltagere"][0]


def test_en_fejlende_deltager_efterlader_intet(sagsbehandler):
    """One transaction: the conversation, visitation and marking are written before the
    participants; a participant that fails its own validation leaves nothing behind."""
    person = factories.person(kontaktgruppe="2")
    for_lang = factories.deltager(navn="x" * 201)
    with pytest.raises(ValidationError):
        registrer(person, sagsbehandler, visitationsgruppe="jobparat", tidlig_opfoelgning=True, deltagere=[for_lang])
    assert not Samtale.objects.exists()
    assert not Deltager.objects.exists()
    assert not Visitation.objects.exists()
    assert not PersonMarkering.objects.exists()
    assert not Samtale.history.exists()


# --- nr. 5: the current binding agreement ------------------------------------------------------------


def test_gaeldende_aftale_er_fra_senest_afholdte_samtale_ikke_senest_registrerede(sagsbehandler):
    person = factories.person()
    idag = factories.idag()
    nyest_afholdt = registrer(person, sagsbehandler, dato=factories.dage_siden(3), aftale="Aftale B").samtale
    registrer(person, sagsbehandler, dato=factories.dage_siden(30), aftale="Aftale A (registreret senere)")
    registrer(person, sagsbehandler, dato=idag, samtaletype="4", aftale="", praktiske_aftaler="Ikke en aftale")
    assert selectors.aftale_gaeldende(person=person) == nyest_afholdt


def test_annulleret_samtale_taeller_ikke_for_gaeldende_aftale(sagsbehandler):
    person = factories.person()
    aeldre = registrer(person, sagsbehandler, dato=factories.dage_siden(30), aftale="Aftale A").samtale
    nyere = registrer(person, sagsbehandler, dato=factories.dage_siden(3), aftale="Aftale B").samtale
    services.samtale_annuller(samtale=nyere, begrundelse="Registreret på forkert borger", bruger=sagsbehandler)
    assert selectors.aftale_gaeldende(person=person) == aeldre


def test_fleksjobaftale_er_ikke_den_bindende_aftale(sagsbehandler):
    person = factories.person(kontaktgruppe="9")
    registrer(person, sagsbehandler, samtaletype="7", aftale="Bindende")
    registrer(person, sagsbehandler, samtaletype="902", aftale="Fleksjob", dato=factories.idag())
    assert selectors.aftale_gaeldende(person=person).aftale == "Bindende"


# --- corrections and cancellations ----------------------------------------------------------------------


def test_rettelse_aendrer_felter_taeller_sekvens_op_og_gemmer_begrundelse(sagsbehandler, jobcenter):
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler, aftale="Gammel", deltagere=[factories.deltager("Mona")]).samtale
    anden = factories.bruger("kollega", jc=jobcenter)
    ny = factories.data(aftale="Ny aftale", samtaleform="2", deltagere=[factories.deltager("Tariq", "tolk", "5")])
    services.samtale_ret(samtale=samtale, data=ny, begrundelse="Forkert samtaleform", bruger=anden)
    samtale.refresh_from_db()
    assert samtale.aftale == "Ny aftale"
    assert samtale.samtaleform.kode == "2"
    assert samtale.sekvens == 2
    assert samtale.rettet is not None
    # Nothing deleted: the removed participant is inactive, the new one active.
    assert [(d.navn, d.aktiv) for d in samtale.deltagere.order_by("id")] == [("Mona", False), ("Tariq", True)]
    seneste = samtale.history.first()
    assert seneste.history_change_reason == "Forkert samtaleform"
    assert seneste.history_user == anden
    assert seneste.prev_record.aftale == "Gammel"
    assert seneste.prev_record.history_user == sagsbehandler


def test_rettelse_kraever_begrundelse(sagsbehandler):
    samtale = registrer(factories.person(), sagsbehandler).samtale
    with pytest.raises(ValidationError) as e:
        services.samtale_ret(samtale=samtale, data=factories.data(aftale="Ny"), begrundelse=" ", bruger=sagsbehandler)
    assert "begrundelse" in fejl(e)
    samtale.refresh_from_db()
    assert samtale.sekvens == 1


def test_rettelse_foelger_samme_regler(sagsbehandler):
    samtale = registrer(factories.person(), sagsbehandler).samtale
    with pytest.raises(ValidationError) as e:
        services.samtale_ret(samtale=samtale, data=factories.data(aftale=""), begrundelse="Fejl", bruger=sagsbehandler)
    assert "aftale" in fejl(e)


def _registrer_kl(person, bruger, tidspunkt, **kw):
    kw.setdefault("dato", tidspunkt.date())
    return services.samtale_registrer(person=person, data=factories.data(**kw), bruger=bruger, tidspunkt=tidspunkt)


def _gruppe_paa(person, dato):
    v = selectors.visitationsgruppe_paa_dato(person=person, dato=dato)
    return v.visitationsgruppe.kode if v else None


def _rapporteret(samtale, handling):
    from indberetning.models import Haendelse

    return Haendelse.objects.get(samtale=samtale, handling=handling, modtager="dfdg")


def test_rettet_visitationsresultat_erstatter_samtalens_resultat_med_samme_virkningsdato(sagsbehandler):
    """Issue 11: Jobparat corrected to Aktivitetsparat is current, from the original
    registration date (stk. 2); the old value stays in the history with the reason; the
    correction is reported in sequence with the new result."""
    person = factories.person(kontaktgruppe="2")
    samtale = _registrer_kl(
        person, sagsbehandler, datetime.datetime(2026, 3, 2, 12, tzinfo=KBH), visitationsgruppe="jobparat"
    ).samtale
    resultat = services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=datetime.date(2026, 3, 2), visitationsgruppe="aktivitetsparat"),
        begrundelse="Forkert gruppe valgt",
        bruger=sagsbehandler,
        tidspunkt=datetime.datetime(2026, 3, 5, 9, tzinfo=KBH),
    )
    assert resultat.visitation is not None and not resultat.visitation_uaendret
    assert _gruppe_paa(person, datetime.date(2026, 3, 2)) == "aktivitetsparat"
    assert _gruppe_paa(person, factories.idag()) == "aktivitetsparat"
    raekker = list(Visitation.objects.filter(person=person))
    assert [(v.visitationsgruppe.kode, v.gyldig_fra) for v in raekker] == [
        ("aktivitetsparat", datetime.date(2026, 3, 2))
    ]
    historik = raekker[0].history.first()
    assert historik.history_change_reason == "Forkert gruppe valgt"
    assert historik.prev_record.visitationsgruppe.kode == "jobparat"
    h = _rapporteret(samtale, "ret")
    assert h.sekvens == 2
    assert h.data["visitation"] == {"visitationsgruppe": "aktivitetsparat", "gyldigFra": "2026-03-02"}


def test_rettelse_til_gruppen_foer_gemmer_vurderingen_uden_at_indberette_en_ny_gruppe(sagsbehandler):
    """Issue 18: corrected to the group in force before it, the assessment stays with its
    conversation (a fact), and the correction reports no new group (§ 28 nr. 9)."""
    person = factories.person(kontaktgruppe="2")
    _registrer_kl(person, sagsbehandler, datetime.datetime(2026, 3, 1, 12, tzinfo=KBH), visitationsgruppe="jobparat")
    samtale = _registrer_kl(
        person, sagsbehandler, datetime.datetime(2026, 3, 2, 12, tzinfo=KBH), visitationsgruppe="aktivitetsparat"
    ).samtale
    resultat = services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=datetime.date(2026, 3, 2), visitationsgruppe="jobparat"),
        begrundelse="Gruppen var ikke ændret",
        bruger=sagsbehandler,
        tidspunkt=datetime.datetime(2026, 3, 5, 9, tzinfo=KBH),
    )
    assert resultat.visitation_uaendret and resultat.visitation is None and not resultat.visitation_fjernet
    raekke = Visitation.objects.get(samtale=samtale)
    assert (raekke.visitationsgruppe.kode, raekke.gyldig_fra) == ("jobparat", datetime.date(2026, 3, 2))
    assert _gruppe_paa(person, datetime.date(2026, 3, 3)) == "jobparat"
    historik = raekke.history.first()
    assert historik.history_change_reason == "Gruppen var ikke ændret"
    assert historik.prev_record.visitationsgruppe.kode == "aktivitetsparat"
    assert "visitation" not in _rapporteret(samtale, "ret").data


def test_rettelse_til_ingen_ny_vurdering_fjerner_visitationsaendringen(sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler, visitationsgruppe="jobparat").samtale
    resultat = services.samtale_ret(
        samtale=samtale, data=factories.data(), begrundelse="Ingen vurdering foretaget", bruger=sagsbehandler
    )
    assert resultat.visitation_fjernet and resultat.gaeldende_visitation is None
    assert selectors.visitation_seneste(person=person) is None


def test_rettelse_tilfoejer_visitation_fra_den_oprindelige_registreringsdato(sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    _registrer_kl(person, sagsbehandler, datetime.datetime(2026, 3, 1, 12, tzinfo=KBH), visitationsgruppe="jobparat")
    samtale = _registrer_kl(person, sagsbehandler, datetime.datetime(2026, 3, 2, 12, tzinfo=KBH)).samtale
    services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=datetime.date(2026, 3, 2), visitationsgruppe="aktivitetsparat"),
        begrundelse="Vurderingen blev glemt",
        bruger=sagsbehandler,
        tidspunkt=datetime.datetime(2026, 3, 9, 9, tzinfo=KBH),
    )
    assert samtale.visitationer.get().gyldig_fra == datetime.date(2026, 3, 2)
    assert _gruppe_paa(person, datetime.date(2026, 3, 1)) == "jobparat"
    assert _gruppe_paa(person, datetime.date(2026, 3, 2)) == "aktivitetsparat"
    # The same group as the one in force then is no change (nr. 9): kept, not reported.
    anden = _registrer_kl(person, sagsbehandler, datetime.datetime(2026, 3, 10, 12, tzinfo=KBH)).samtale
    resultat = services.samtale_ret(
        samtale=anden,
        data=factories.data(
            dato=datetime.date(2026, 3, 10), visitationsgruppe="aktivitetsparat", aftale="Søge 3 job om ugen."
        ),
        begrundelse="Vurderingen blev glemt",
        bruger=sagsbehandler,
    )
    assert resultat.visitation_uaendret
    assert anden.visitationer.get().gyldig_fra == datetime.date(2026, 3, 10)
    assert "visitation" not in _rapporteret(anden, "ret").data


def test_annullering_fjerner_visitationsaendringen_fra_dens_virkningsdato(sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    _registrer_kl(person, sagsbehandler, datetime.datetime(2026, 3, 1, 12, tzinfo=KBH), visitationsgruppe="jobparat")
    samtale = _registrer_kl(
        person, sagsbehandler, datetime.datetime(2026, 3, 2, 12, tzinfo=KBH), visitationsgruppe="aktivitetsparat"
    ).samtale
    services.samtale_annuller(
        samtale=samtale,
        begrundelse="Forkert borger",
        bruger=sagsbehandler,
        tidspunkt=datetime.datetime(2026, 3, 5, 9, tzinfo=KBH),
    )
    # The change never stood: jobparat on every day, not aktivitetsparat until the cancellation.
    assert _gruppe_paa(person, datetime.date(2026, 3, 3)) == "jobparat"
    assert [v.visitationsgruppe.kode for v in Visitation.objects.filter(person=person)] == ["jobparat"]
    assert Visitation.history.get(samtale_id=samtale.pk, history_type="-").history_change_reason == "Forkert borger"


def test_rettelse_der_intet_aendrer_er_en_noop(sagsbehandler):
    """Issue 15.10: no new sekvens, no report, nothing in the history."""
    from indberetning.models import Haendelse

    person = factories.person(kontaktgruppe="2")
    data = factories.data(visitationsgruppe="jobparat", deltagere=[factories.deltager("Mona")])
    samtale = services.samtale_registrer(person=person, data=data, bruger=sagsbehandler).samtale
    foer = (Haendelse.objects.count(), samtale.history.count(), Visitation.history.count())
    resultat = services.samtale_ret(samtale=samtale, data=data, begrundelse="Tjek", bruger=sagsbehandler)
    assert resultat.ingen_aendring
    samtale.refresh_from_db()
    assert samtale.sekvens == 1 and samtale.rettet is None
    assert (Haendelse.objects.count(), samtale.history.count(), Visitation.history.count()) == foer
    # A changed participant is a change.
    andet = factories.data(visitationsgruppe="jobparat", deltagere=[factories.deltager("Mona", form="2")])
    assert not services.samtale_ret(
        samtale=samtale, data=andet, begrundelse="Telefonisk", bruger=sagsbehandler
    ).ingen_aendring
    samtale.refresh_from_db()
    assert samtale.sekvens == 2


def test_annullering_sletter_intet_og_kraever_begrundelse(sagsbehandler):
    samtale = registrer(factories.person(), sagsbehandler).samtale
    with pytest.raises(ValidationError):
        services.samtale_annuller(samtale=samtale, begrundelse="", bruger=sagsbehandler)
    services.samtale_annuller(samtale=samtale, begrundelse="Dobbeltregistrering", bruger=sagsbehandler)
    samtale.refresh_from_db()
    assert samtale.er_annulleret
    assert samtale.annulleringsbegrundelse == "Dobbeltregistrering"
    assert samtale.sekvens == 2
    assert samtale.history.first().history_change_reason == "Dobbeltregistrering"
    assert Samtale.objects.filter(pk=samtale.pk).exists()


def test_annulleret_samtale_kan_ikke_rettes_eller_annulleres_igen(sagsbehandler):
    samtale = registrer(factories.person(), sagsbehandler).samtale
    services.samtale_annuller(samtale=samtale, begrundelse="Fejl", bruger=sagsbehandler)
    with pytest.raises(ValidationError):
        services.samtale_ret(samtale=samtale, data=factories.data(), begrundelse="Ret", bruger=sagsbehandler)
    with pytest.raises(ValidationError):
        services.samtale_annuller(samtale=samtale, begrundelse="Igen", bruger=sagsbehandler)


def test_annulleret_samtale_frigiver_type_og_dato(sagsbehandler):
    person = factories.person()
    samtale = registrer(person, sagsbehandler).samtale
    services.samtale_annuller(samtale=samtale, begrundelse="Forkert type", bruger=sagsbehandler)
    assert registrer(person, sagsbehandler).samtale.pk != samtale.pk


def test_annullering_genindsaetter_forrige_visitationsgruppe_og_afslutter_markering(sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    registrer(person, sagsbehandler, visitationsgruppe="jobparat", dato=dage_siden(4))
    fejlagtig = registrer(person, sagsbehandler, visitationsgruppe="aktivitetsparat", tidlig_opfoelgning=True).samtale
    assert selectors.visitation_seneste(person=person).visitationsgruppe.kode == "aktivitetsparat"
    services.samtale_annuller(samtale=fejlagtig, begrundelse="Forkert borger", bruger=sagsbehandler)
    assert selectors.visitation_seneste(person=person).visitationsgruppe.kode == "jobparat"
    assert not selectors.markeringer_aktive(person=person).exists()


# --- concurrency ----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_to_samtidige_registreringer_registrerer_kun_et_gruppeskift():
    """Two caseworkers register for one citizen at the same moment, both assessing
    aktivitetsparat against the same "current" jobparat: the row lock on the citizen
    serialises them, so only one visitation change is recorded."""
    jc = factories.jobcenter()
    a = factories.bruger("a", jc=jc)
    b = factories.bruger("b", jc=jc)
    person = factories.person(kontaktgruppe="2", jc=jc)
    registrer(person, a, visitationsgruppe="jobparat", dato=dage_siden(3))

    barriere = threading.Barrier(2)
    fejlede = []

    def arbejde(bruger, samtaletype):
        try:
            data = factories.data(
                samtaletype=samtaletype,
                visitationsgruppe="aktivitetsparat",
                **({"aftale": ""} if samtaletype == "4" else {}),
            )
            barriere.wait(timeout=10)
            services.samtale_registrer(person=person, data=data, bruger=bruger)
        except Exception as exc:  # pragma: no cover - reported below
            fejlede.append(exc)
        finally:
            connection.close()

    traade = [threading.Thread(target=arbejde, args=(a, "7")), threading.Thread(target=arbejde, args=(b, "4"))]
    for t in traade:
        t.start()
    for t in traade:
        t.join(timeout=30)
    assert fejlede == []
    assert Samtale.objects.filter(person=person).count() == 3
    # Both assessments are kept (issue 18); only the first of them is a change, and only it
    # is reported as one (§ 28 nr. 9).
    assert list(
        Visitation.objects.filter(person=person)
        .order_by("registreret")
        .values_list("visitationsgruppe__kode", flat=True)
    ) == ["jobparat", "aktivitetsparat", "aktivitetsparat"]
    from indberetning.models import Haendelse

    rapporteret = [
        h.data["visitation"]["visitationsgruppe"]
        for h in Haendelse.objects.filter(samtale__person=person, modtager="dfdg").order_by("registreret")
        if "visitation" in h.data
    ]
    assert rapporteret == ["jobparat", "aktivitetsparat"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_en_registrering_der_ventede_paa_borgerens_laas_kommer_efter_den_den_ventede_paa():
    """The race above made certain: B starts while A holds the citizen's lock, and A's
    registration commits first. B's registration time is taken under the lock, so it is
    later than A's, B sees A's assessment as the one before it, and only A's is reported as a
    change (§ 28 nr. 9). (With the time taken before the lock, B's came first in the
    timeline and both were reported as changes.)"""
    import time

    from django.db import transaction

    from indberetning.models import Haendelse

    jc = factories.jobcenter()
    a = factories.bruger("a", jc=jc)
    b = factories.bruger("b", jc=jc)
    person = factories.person(kontaktgruppe="2", jc=jc)
    registrer(person, a, visitationsgruppe="jobparat", dato=dage_siden(3))
    data = factories.data(visitationsgruppe="aktivitetsparat")
    fejlede = []

    def b_registrerer():
        try:
            services.samtale_registrer(
                person=person,
                data=factories.data(samtaletype="4", aftale="", visitationsgruppe="aktivitetsparat"),
                bruger=b,
            )
        except Exception as exc:  # pragma: no cover - reported below
            fejlede.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        laast = services._lock_person(person)
        traad = threading.Thread(target=b_registrerer)
        traad.start()
        with connection.cursor() as c:  # until B waits for the citizen's row
            for _ in range(600):
                c.execute("SELECT pg_stat_clear_snapshot()")
                c.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database() AND pid <> pg_backend_pid()"
                )
                if c.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("B kom aldrig til at vente på borgerens lås")
        foerste = services.samtale_registrer(person=laast, data=data, bruger=a).samtale
    traad.join(timeout=30)
    assert not traad.is_alive() and fejlede == []
    anden = Samtale.objects.filter(person=person, registreret_af=b).get()
    assert anden.registreret > foerste.registreret
    rapporteret = [
        h.data["visitation"]["visitationsgruppe"]
        for h in Haendelse.objects.filter(samtale__person=person, modtager="dfdg").order_by("registreret")
        if "visitation" in h.data
    ]
    assert rapporteret == ["jobparat", "aktivitetsparat"]
    assert (
        selectors.visitationsgruppe_paa_dato(person=person, dato=factories.idag()).visitationsgruppe.kode
        == "aktivitetsparat"
    )


def test_dagpengemodtager_kan_ikke_oprettes_uden_akasse(sagsbehandler):
    from registrering.models import Kontaktgruppe

    with pytest.raises(ValidationError) as e:
        borgere.person_opret(
            cpr="0101901234",
            navn="X",
            kontaktgruppe=Kontaktgruppe.objects.get(kode="1"),
            akasse=None,
            bruger=sagsbehandler,
        )
    assert "akasse" in fejl(e)


def test_tjenesten_laeser_reglerne_for_borgerens_egen_kontaktgruppe(sagsbehandler):
    """The service reads the rules itself, for the citizen's kontaktgruppe on the date: a type
    the rules allow another kontaktgruppe (the form may have shown them, say, before the
    citizen's group changed) is refused. No caller hands rules to the service."""
    from registrering.models import Kontaktgruppe, Samtaletype
    from registrering.regler import regelsaet

    person = factories.person(kontaktgruppe="2")
    forkerte = regelsaet(
        kontaktgruppe=Kontaktgruppe.objects.get(kode="1"), samtaletype=Samtaletype.objects.get(kode="19"), dato=igaar()
    )
    assert forkerte.samtaletype_tilladt
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person, data=factories.data(samtaletype="19", akasse_deltagelse="deltog"), bruger=sagsbehandler
        )
    assert "samtaletype" in fejl(e)


def test_en_sagsbehandler_med_de_laengste_navne_kan_registrere_og_adgangsloggen_holder_300_tegn(jobcenter):
    """Django allows 150 characters of first and of last name (301 with the space); the access
    log keeps 300 of them, so such a caseworker's registration is not refused by the database."""
    bruger = factories.bruger(jc=jobcenter, first_name="A" * 150, last_name="B" * 150)
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(), bruger=bruger)
    (log,) = Adgangslog.objects.filter(person=person, bruger=bruger)
    assert log.bruger_navn == ("A" * 150 + " " + "B" * 149)


@pytest.mark.parametrize(
    ("rolle", "formaal"),
    [
        ("sagsbehandler", "Sagsbehandling"),
        ("teamleder", "Sagsbehandling"),
        ("administrator", "Administration af systemet"),  # administers the system (issue 20)
        ("revisor", "Revision og tilsyn"),  # reads history, writes nothing
    ],
)
def test_formaalet_i_adgangsloggen_foelger_brugerens_rolle(jobcenter, rolle, formaal):
    """The citizen and the auditor read each access's purpose (databeskyttelse): it follows
    what the user's role does with citizen data."""
    bruger = factories.bruger(rolle=rolle, jc=jobcenter)
    person = factories.person(jc=jobcenter)
    services.adgang_log(bruger=bruger, personer=[person], handling=Adgangslog.Handling.VIS)
    assert Adgangslog.objects.get(person=person, bruger=bruger).formaal.startswith(formaal)


def test_adgangsloggen_gemmer_300_tegn_af_lange_detaljer(sagsbehandler):
    person = factories.person()
    services.adgang_log(bruger=sagsbehandler, personer=[person], handling=Adgangslog.Handling.VIS, detaljer="x" * 400)
    assert Adgangslog.objects.get(person=person).detaljer == "x" * 300


def test_en_rettelse_og_dens_indberetning_er_een_transaktion(sagsbehandler, monkeypatch):
    """Nothing corrected that is not reported: when the report events cannot be written, the
    correction is not stored either."""
    samtale = registrer(factories.person(kontaktgruppe="2"), sagsbehandler, aftale="Gammel aftale").samtale

    def fejl(**kw):
        raise RuntimeError("udbakken kunne ikke skrives")

    monkeypatch.setattr(services, "haendelser_opret", fejl)
    with pytest.raises(RuntimeError):
        services.samtale_ret(
            samtale=samtale, data=factories.data(aftale="Ny aftale"), begrundelse="Rettelse", bruger=sagsbehandler
        )
    samtale = Samtale.objects.get(pk=samtale.pk)
    assert samtale.sekvens == 1 and samtale.aftale == "Gammel aftale" and samtale.rettet is None


def test_en_tilbagetrukket_markering_gaelder_til_og_med_i_gaar(sagsbehandler):
    """§ 28 stk. 3: a correction that withdraws the request for early follow-up ends the
    marking yesterday: no longer in force today (one withdrawn on its first day so ends
    before it began)."""
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler, dato=dage_siden(5), tidlig_opfoelgning=True).samtale
    services.samtale_ret(
        samtale=samtale, data=factories.data(dato=dage_siden(5)), begrundelse="Ikke anmodet", bruger=sagsbehandler
    )
    (pm,) = PersonMarkering.objects.filter(person=person)
    assert pm.fra == idag() and pm.til == igaar()
    assert not selectors.markeringer_aktive(person=person).exists()


def test_en_rettelse_starter_og_afslutter_kun_markeringen_naar_anmodningen_aendres(sagsbehandler):
    """§ 28 stk. 3: a correction of something else neither starts a marking for a
    conversation without the request, nor ends the one a conversation with it started."""
    uden = factories.person(kontaktgruppe="2")
    samtale = registrer(uden, sagsbehandler, dato=dage_siden(5)).samtale
    services.samtale_ret(
        samtale=samtale, data=factories.data(dato=dage_siden(5), aftale="Ny"), begrundelse="Ret", bruger=sagsbehandler
    )
    assert not PersonMarkering.objects.filter(person=uden).exists()

    med = factories.person(kontaktgruppe="2")
    samtale = registrer(med, sagsbehandler, dato=dage_siden(5), tidlig_opfoelgning=True).samtale
    services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=dage_siden(5), aftale="Ny", tidlig_opfoelgning=True),
        begrundelse="Ret",
        bruger=sagsbehandler,
    )
    (pm,) = PersonMarkering.objects.filter(person=med)
    assert pm.til is None and selectors.markeringer_aktive(person=med).exists()

    senere = factories.person(kontaktgruppe="2")
    samtale = registrer(senere, sagsbehandler, dato=dage_siden(5)).samtale
    services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=dage_siden(5), tidlig_opfoelgning=True),
        begrundelse="Borgeren anmodede om tidlig opfølgning",
        bruger=sagsbehandler,
    )
    assert selectors.markeringer_aktive(person=senere).exists()


def test_en_annullering_og_dens_indberetning_er_een_transaktion(sagsbehandler, monkeypatch):
    samtale = registrer(factories.person(kontaktgruppe="2"), sagsbehandler).samtale

    def fejl(**kw):
        raise RuntimeError("udbakken kunne ikke skrives")

    monkeypatch.setattr(services, "haendelser_opret", fejl)
    with pytest.raises(RuntimeError):
        services.samtale_annuller(samtale=samtale, begrundelse="Fejlregistrering", bruger=sagsbehandler)
    samtale = Samtale.objects.get(pk=samtale.pk)
    assert samtale.annulleret is None and samtale.sekvens == 1


def test_en_ny_borger_og_dens_linje_i_adgangsloggen_er_een_transaktion(sagsbehandler, monkeypatch):
    from registrering.models import Kontaktgruppe, Person

    def fejl(**kw):
        raise RuntimeError("adgangsloggen kunne ikke skrives")

    monkeypatch.setattr(borgere, "adgang_log", fejl)
    cpr = factories.cpr()
    with pytest.raises(RuntimeError):
        borgere.person_opret(
            cpr=cpr,
            navn="Ny Borger",
            kontaktgruppe=Kontaktgruppe.objects.get(kode="2"),
            akasse=None,
            bruger=sagsbehandler,
        )
    assert not Person.objects.filter(cpr=cpr).exists()
