"""The caseworker's day (issue 13): the start page, search that finds, a citizen's page that
scales and fits the citizen, printing, and words that mean one thing. Through the real views."""

import re

import pytest
from django.db import connection

from registrering import selectors, services
from registrering.models import Adgangslog, Person
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def revisor(db):
    return factories.bruger("revisor", rolle="revisor", first_name="Rikke", last_name="Revisor")


def tekst(svar) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", svar.content.decode()))


# --- 1. the start page ---------------------------------------------------------------------------


def test_forsiden_viser_egne_seneste_registreringer_med_link_til_borgeren(klient, jobcenter, sagsbehandler):
    bente = factories.person(jc=jobcenter, navn="Bente Borger")
    kollegas = factories.person(jc=jobcenter, navn="Kollegas Borger")
    samtale = services.samtale_registrer(
        person=bente, data=factories.data(dato=dage_siden(3), samtaletype="4", aftale=""), bruger=sagsbehandler
    ).samtale
    services.samtale_registrer(person=kollegas, data=factories.data(), bruger=factories.bruger("kollega", jc=jobcenter))
    svar = klient.get(url("forside"))
    assert svar.status_code == 200
    html = svar.content.decode()
    egne = html[html.index('id="egne-registreringer"') :]
    assert "Bente Borger" in egne and "Opfølgningssamtale" in egne and dage_siden(3).strftime("%d.%m.%Y") in egne
    assert f'href="{url("person-detalje", pk=bente.pk)}#samtale-{samtale.pk}"' in egne
    assert "Kollegas Borger" not in html  # only the user's own registrations
    assert 'role="search"' in html and 'name="q"' in html


def test_forsiden_viser_borgere_set_for_nylig_som_brugeren_stadig_maa_se(
    klient, jobcenter, andet_jobcenter, sagsbehandler
):
    anna, bo, flyttet = (
        factories.person(jc=jobcenter, navn=n) for n in ("Anna Først", "Bo Bagefter", "Flemming Flyttet")
    )
    for p in (anna, flyttet, bo):
        assert klient.get(url("person-detalje", pk=p.pk)).status_code == 200
    Person.objects.filter(pk=flyttet.pk).update(jobcenter=andet_jobcenter)  # moved away since
    svar = klient.get(url("forside"))
    assert [p["navn"] for p in svar.context["set"]] == ["Bo Bagefter", "Anna Først"]
    assert "Flemming Flyttet" not in svar.content.decode()
    # Reading the start page is logged, and does not make its names "viewed" again.
    assert Adgangslog.objects.filter(handling=Adgangslog.Handling.OVERSIGT, person__in=[anna, bo]).count() == 2
    klient.get(url("forside"))
    assert [p["navn"] for p in klient.get(url("forside")).context["set"]] == ["Bo Bagefter", "Anna Først"]


def test_borgeren_sendes_fra_forsiden_til_egne_samtaler(client, jobcenter):
    from registrering.models import Bruger

    borger = Bruger.objects.create_user("borger", password="x", person=factories.person(jc=jobcenter))
    client.force_login(borger)
    assert client.get(url("forside"))["Location"] == url("mine-samtaler")


@pytest.mark.parametrize("antal", [1, 50])
def test_forsiden_har_fast_antal_forespoergsler(klient, jobcenter, sagsbehandler, django_assert_max_num_queries, antal):
    for i in range(antal):
        p = factories.person(jc=jobcenter, navn=f"Borger {i}")
        services.samtale_registrer(person=p, data=factories.data(), bruger=sagsbehandler)
        services.adgang_log(bruger=sagsbehandler, personer=[p], handling=Adgangslog.Handling.VIS)
    with django_assert_max_num_queries(7):
        svar = klient.get(url("forside"))
    assert len(svar.context["egne"]) == min(antal, 10) and len(svar.context["set"]) == min(antal, 10)


# --- 2. search that finds ---------------------------------------------------------------------------


@pytest.fixture
def bente(jobcenter):
    p = factories.person(jc=jobcenter, navn="Bente Borger")
    Person.objects.filter(pk=p.pk).update(cpr="0101801234")
    p.refresh_from_db()
    factories.person(jc=jobcenter, navn="Anders And")
    factories.person(jc=jobcenter, navn="Benjamin Hansen")
    return p


@pytest.mark.parametrize("q", ["0101801234", "010180-1234", "010180 1234", " 010180 - 1234 "])
def test_soeg_paa_helt_cpr_med_og_uden_mellemrum_eller_bindestreg(klient, bente, q):
    # Issue 25: one citizen of the caseworker's own jobcenter: straight to the citizen's page.
    svar = klient.post(url("person-soeg"), {"q": q})
    assert svar.status_code == 302 and svar["Location"] == url("person-detalje", pk=bente.pk)
    # The integrators' GET path answers with the list, as before (CONTRACT.md).
    assert klient.get(url("person-soeg"), {"q": q}).context["resultater"] == [bente]


def test_helt_cpr_gaar_direkte_til_borgeren_uden_cpr_i_adressen_og_logges_som_fundet(klient, bente, sagsbehandler):
    svar = klient.post(url("person-soeg"), {"q": "010180-1234"}, follow=True)
    assert svar.redirect_chain == [(url("person-detalje", pk=bente.pk), 302)]
    assert "Bente Borger" in tekst(svar) and "Registrér samtale" in tekst(svar)
    assert not any("0101801234" in adresse or "010180" in adresse for adresse, _ in svar.redirect_chain)
    handlinger = list(Adgangslog.objects.filter(person=bente, bruger=sagsbehandler).values_list("handling", flat=True))
    assert sorted(handlinger) == sorted([Adgangslog.Handling.SOEG, Adgangslog.Handling.VIS])


def test_helt_cpr_viser_listen_for_den_der_ikke_hoerer_til_borgerens_jobcenter(client, bente, revisor):
    """An auditor sees every jobcenter, and has none: no citizen "of the user's jobcenter",
    so the search answers with the list (with the jobcenter column) as before."""
    client.force_login(revisor)
    svar = client.post(url("person-soeg"), {"q": "0101801234"})
    assert svar.status_code == 200 and svar.context["resultater"] == [bente]


def test_foedselsdato_med_en_enkelt_borger_viser_listen_og_gaetter_ikke(klient, bente):
    # A birth date names a day, not a citizen: even one hit is shown as a list to pick from.
    svar = klient.post(url("person-soeg"), {"q": "010180"})
    assert svar.status_code == 200 and svar.context["resultater"] == [bente]


@pytest.mark.parametrize("q", ["010180", "01.01.80", "01011980"])
def test_soeg_paa_foedselsdato(klient, bente, jobcenter, q):
    tvilling = factories.person(jc=jobcenter, navn="Tvilling Borger")
    Person.objects.filter(pk=tvilling.pk).update(cpr="0101805678")
    factories.person(jc=jobcenter, navn="Født Dagen Efter")  # 140385…
    naeste = factories.person(jc=jobcenter, navn="Naeste Dag")
    Person.objects.filter(pk=naeste.pk).update(cpr="0201801234")
    svar = klient.post(url("person-soeg"), {"q": q})
    assert [p.navn for p in svar.context["resultater"]] == ["Bente Borger", "Tvilling Borger"]


@pytest.mark.parametrize("q", ["Bente Borger", "Borger Bente", "ben bor", "BOR", "borger, bente"])
def test_soeg_paa_navn_i_vilkaarlig_orden_og_dele_af_navne(klient, bente, q):
    assert klient.post(url("person-soeg"), {"q": q}).context["resultater"] == [bente]


def test_soeg_paa_dele_af_navne_finder_alle_der_passer(klient, bente):
    assert [p.navn for p in klient.post(url("person-soeg"), {"q": "ben"}).context["resultater"]] == [
        "Benjamin Hansen",
        "Bente Borger",
    ]
    assert klient.post(url("person-soeg"), {"q": "bente hansen"}).context["resultater"] == []


def test_soegning_med_cifre_der_hverken_er_cpr_eller_foedselsdato_forklares(klient, bente):
    svar = klient.post(url("person-soeg"), {"q": "01018"})
    assert svar.context["resultater"] == []
    assert "Skriv hele CPR-nummeret (10 cifre), en fødselsdato (DDMMÅÅ)" in svar.content.decode()


def test_afkortet_soegning_siger_det_med_totalen_og_logger_kun_de_viste(klient, jobcenter):
    for i in range(62):
        factories.person(jc=jobcenter, navn=f"Hans Hansen {i:02d}")
    svar = klient.post(url("person-soeg"), {"q": "hansen"})
    assert len(svar.context["resultater"]) == 50 and svar.context["antal"] == 62
    side = tekst(svar)
    assert "Viser 50 af 62 borgere" in side
    assert "Indsnævr den" in side and "fødselsdato (DDMMÅÅ)" in side
    assert Adgangslog.objects.filter(handling=Adgangslog.Handling.SOEG).count() == 50


def test_revisor_ser_jobcenter_kolonne_sagsbehandler_goer_ikke(client, klient, revisor, bente, andet_jobcenter):
    fremmed = factories.person(jc=andet_jobcenter, navn="Bente Fremmed")
    svar = klient.post(url("person-soeg"), {"q": "bente"})
    assert svar.context["resultater"] == [bente] and ">Jobcenter<" not in svar.content.decode()
    client.force_login(revisor)
    svar = client.post(url("person-soeg"), {"q": "bente"})
    assert svar.context["resultater"] == [bente, fremmed]
    html = svar.content.decode()
    assert ">Jobcenter<" in html and "Jobcenter Odense" in html and "Jobcenter Aarhus" in html


def test_soegning_paa_foedselsdato_og_navn_holder_sig_til_eget_jobcenter(klient, bente, andet_jobcenter):
    fremmed = factories.person(jc=andet_jobcenter, navn="Bente Borger")
    Person.objects.filter(pk=fremmed.pk).update(cpr="0101809999")
    assert klient.post(url("person-soeg"), {"q": "010180"}).context["resultater"] == [bente]
    assert klient.post(url("person-soeg"), {"q": "borger bente"}).context["resultater"] == [bente]


@pytest.mark.parametrize(
    "q,indeks",
    [
        ("borger bente", "person_navn_ord"),
        ("010180", "registrering_person_cpr"),
        ("0101801234", "registrering_person_cpr"),
    ],
)
@pytest.mark.som_ejer  # ANALYZE is the owner's (the app role's is skipped with a warning)
def test_soegningen_bruger_et_indeks(sagsbehandler, bente, jobcenter, q, indeks):
    """Index-backed, not a walk through the jobcenter's citizens: with 3,000 of them (and
    sequential scans priced out) the plan reads the name or CPR index. bench/plan.py prints
    the same plans on the benchmark's 100,000 citizens per jobcenter."""
    from registrering.models import Kontaktgruppe

    kg = Kontaktgruppe.objects.get(kode="2")
    Person.objects.bulk_create(
        Person(
            cpr=f"{1 + i % 28:02d}{1 + i % 12:02d}9{i % 10}{i:04d}",
            navn=f"Navn{i} Efternavn{i % 97}",
            kontaktgruppe=kg,
            jobcenter=jobcenter,
        )
        for i in range(3000)
    )
    with connection.cursor() as c:
        c.execute("ANALYZE registrering_person")
        c.execute("SET LOCAL enable_seqscan = off")
    plan = selectors.person_soeg(bruger=sagsbehandler, q=q).explain()
    assert indeks in plan, plan
    assert [p.navn for p in selectors.person_soeg(bruger=sagsbehandler, q=q)] == ["Bente Borger"]


@pytest.mark.parametrize("antal", [1, 50])
def test_navnesoegning_har_fast_antal_forespoergsler(klient, jobcenter, django_assert_max_num_queries, antal):
    for i in range(antal):
        factories.person(jc=jobcenter, navn=f"Hansen {i}")
    with django_assert_max_num_queries(8):
        svar = klient.post(url("person-soeg"), {"q": "hans"})
    assert len(svar.context["resultater"]) == antal


# --- 3. the citizen's page scales and fits the citizen ------------------------------------------------


@pytest.fixture
def lang_historik(jobcenter, sagsbehandler):
    """45 conversations: a jobsamtale every 20 days (so they span three years) and, in
    between, five follow-ups."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Lang Historik")
    for i in range(40):
        services.samtale_registrer(
            person=person,
            data=factories.data(dato=dage_siden(1 + 20 * i), aftale=f"Aftale nr. {i}"),
            bruger=sagsbehandler,
        )
    for i in range(5):
        services.samtale_registrer(
            person=person,
            data=factories.data(
                dato=dage_siden(2 + 20 * i), samtaletype="4", aftale="", praktiske_aftaler=f"Opfølgning {i}"
            ),
            bruger=sagsbehandler,
        )
    return person


def test_borgerens_side_viser_de_nyeste_20_og_vis_flere(klient, lang_historik):
    svar = klient.get(url("person-detalje", pk=lang_historik.pk))
    html = svar.content.decode()
    assert html.count("<article") == 20
    assert "Viser 20 af 45 samtaler." in tekst(svar)
    flere = re.search(r'id="vis-flere" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    svar = klient.get(url("person-detalje", pk=lang_historik.pk) + flere.split("#")[0])
    assert svar.content.decode().count("<article") == 40
    svar = klient.get(url("person-detalje", pk=lang_historik.pk), {"antal": 60})
    assert svar.content.decode().count("<article") == 45 and 'id="vis-flere"' not in svar.content.decode()
    # The current agreement is the newest, also when the rows shown are cut.
    assert "Aftale nr. 0" in re.search(r'id="gaeldende-aftale">(.*?)</div>', svar.content.decode(), re.S).group(1)


def test_borgerens_side_filtrerer_paa_type_og_aar(klient, lang_historik):
    svar = klient.get(url("person-detalje", pk=lang_historik.pk), {"type": "4"})
    assert svar.content.decode().count("<article") == 5
    assert "Viser 5 af 5 samtaler, der passer på filteret (45 i alt)." in tekst(svar)
    aar = dage_siden(1).year
    forventet = sum(1 for i in range(40) if dage_siden(1 + 20 * i).year == aar) + sum(
        1 for i in range(5) if dage_siden(2 + 20 * i).year == aar
    )
    svar = klient.get(url("person-detalje", pk=lang_historik.pk), {"aar": aar, "antal": 100})
    assert svar.content.decode().count("<article") == forventet
    assert all(
        f"{aar}-" in d
        for d in re.findall(r'<time datetime="([^"]+)"', svar.content.decode().split('id="samtaler-overskrift"')[1])
    )
    # Choices are what the citizen has; an unknown filter shows nothing, not an error.
    valg = re.findall(r'<option value="(\w*)"', svar.content.decode())
    assert {"4", "7"} <= set(valg) and str(dage_siden(1 + 20 * 39).year) in valg
    svar = klient.get(url("person-detalje", pk=lang_historik.pk), {"type": "999", "aar": "x"})
    assert svar.status_code == 200 and "Ingen samtaler passer på filteret." in tekst(svar)


@pytest.mark.parametrize("antal", [1, 50])
def test_borgerens_side_med_filter_har_fast_antal_forespoergsler(
    klient, jobcenter, sagsbehandler, django_assert_max_num_queries, antal
):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    for i in range(antal):
        services.samtale_registrer(
            person=person,
            data=factories.data(dato=dage_siden(i + 1), visitationsgruppe=("jobparat", "aktivitetsparat")[i % 2]),
            bruger=sagsbehandler,
        )
    with django_assert_max_num_queries(17):
        svar = klient.get(url("person-detalje", pk=person.pk), {"type": "7", "aar": dage_siden(1).year, "antal": 40})
    assert svar.status_code == 200


def test_kontaktgruppe_1_har_intet_visitationskort_men_cv_kort(klient, jobcenter):
    person = factories.person(kontaktgruppe="1", jc=jobcenter)
    html = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    assert 'id="gaeldende-visitationsgruppe"' not in html and "Ingen registreret visitationsgruppe" not in html
    assert 'id="cv-vurdering"' in html
    assert "Persongruppemarkeringer" in html  # stk. 3 applies to everyone


def test_kontaktgruppe_2_har_visitationskort_men_intet_cv_kort(klient, jobcenter):
    html = klient.get(url("person-detalje", pk=factories.person(kontaktgruppe="2", jc=jobcenter).pk)).content.decode()
    assert 'id="gaeldende-visitationsgruppe"' in html and "Ingen registreret visitationsgruppe" in html
    assert 'id="cv-vurdering"' not in html


def test_fleksjobborger_ser_den_gaeldende_fleksjobaftale(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="9", jc=jobcenter)
    services.samtale_registrer(
        person=person,
        data=factories.data(
            samtaletype="902", dato=dage_siden(3), aftale="Fleksjob hos Bager Hansen, 15 timer om ugen."
        ),
        bruger=sagsbehandler,
    )
    svar = klient.get(url("person-detalje", pk=person.pk))
    aftale = re.search(r'id="gaeldende-aftale">(.*?)</div>', svar.content.decode(), re.S).group(1)
    assert "Fleksjob hos Bager Hansen" in aftale
    assert "Ingen bindende aftale" not in svar.content.decode() and "Ingen gældende aftale" not in svar.content.decode()
    assert "Gældende fleksjobaftale" in svar.content.decode()
    # A later jobsamtale's binding agreement shows beside it, not instead of it.
    services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(1), aftale="Møde hver 3. måned."), bruger=sagsbehandler
    )
    html = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    assert "Fleksjob hos Bager Hansen" in re.search(r'id="gaeldende-aftale">(.*?)</div>', html, re.S).group(1)
    assert "Møde hver 3. måned." in re.search(r'id="gaeldende-aftale-bindende">(.*?)</div>', html, re.S).group(1)


# --- 4. printing ---------------------------------------------------------------------------------


def test_udskriv_aftale_viser_den_gaeldende_aftale_og_logges(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Bente Borger")
    services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(9), aftale="Gammel aftale"), bruger=sagsbehandler
    )
    services.samtale_registrer(
        person=person,
        data=factories.data(dato=dage_siden(2), aftale="Søge 3 job om ugen.", saerlig_indsats="Mentor"),
        bruger=sagsbehandler,
    )
    assert (
        f'href="{url("aftale-udskriv", pk=person.pk)}"'
        in klient.get(url("person-detalje", pk=person.pk)).content.decode()
    )
    svar = klient.get(url("aftale-udskriv", pk=person.pk))
    side = tekst(svar)
    assert "Søge 3 job om ugen." in side and "Mentor" in side and "Gammel aftale" not in side
    assert "Bente Borger" in side and "Jobcenter Aarhus" in side and factories.idag().strftime("%d.%m.%Y") in side
    assert 'class="udskrift-hoved d-none d-print-block"' in svar.content.decode()
    log = Adgangslog.objects.filter(person=person, handling=Adgangslog.Handling.EKSPORT).get()
    assert log.detaljer == "Udskrift af gældende aftale"


# --- 6. words ---------------------------------------------------------------------------------------


def test_dubletafvisning_linker_til_den_eksisterende_samtale_og_foreslaar_ret(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    eksisterende = services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(1)), bruger=sagsbehandler
    ).samtale
    svar = klient.post(url("samtale-opret", person_pk=person.pk), factories.formular(dato=dage_siden(1).isoformat()))
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Borgeren har allerede en samtale af denne type på denne dato." in html
    assert f'<a href="{url("samtale-ret", pk=eksisterende.pk)}">ret den i stedet</a>' in html
    assert f'<a href="{url("person-detalje", pk=person.pk)}#samtale-{eksisterende.pk}">Se samtalen</a>' in html


def test_rettet_samtale_viser_hvem_hvornaar_og_hvorfor(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler).samtale
    kollega = factories.bruger("kim", jc=jobcenter, first_name="Kim", last_name="Kollega")
    services.samtale_ret(
        samtale=samtale, data=factories.data(aftale="Ny aftale"), begrundelse="Forkert antal job", bruger=kollega
    )
    samtale.refresh_from_db()
    rettelse = re.search(
        r'class="col-sm-9 samtale-rettelse">(.*?)</dd>',
        klient.get(url("person-detalje", pk=person.pk)).content.decode(),
        re.S,
    ).group(1)
    from django.utils import timezone

    assert rettelse == f"{timezone.localtime(samtale.rettet):%d.%m.%Y %H:%M} af Kim Kollega: Forkert antal job"
    # Cancelled afterwards: the correction still says who and why, the cancellation its own.
    services.samtale_annuller(samtale=samtale, begrundelse="Forkert borger", bruger=sagsbehandler)
    html = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    assert "af Kim Kollega: Forkert antal job" in html and "Forkert borger" in html


def test_annulleringssiden_viser_det_der_annulleres(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person,
        data=factories.data(
            dato=dage_siden(4), aftale="Søge 2 job om ugen.", deltagere=[factories.deltager("Mona Mentor")]
        ),
        bruger=sagsbehandler,
    ).samtale
    html = klient.get(url("samtale-annuller", pk=samtale.pk)).content.decode()
    indhold = html[html.index('id="annulleres"') :]
    assert (
        "Søge 2 job om ugen." in indhold and "Mona Mentor" in indhold and dage_siden(4).strftime("%d.%m.%Y") in indhold
    )
    assert url("samtale-ret", pk=samtale.pk) not in indhold  # the content, not its buttons


def test_datoer_vises_een_gang_i_dansk_form_og_stk_2_forklares(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(40), visitationsgruppe="jobparat"), bruger=sagsbehandler
    )
    html = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    gruppe = re.search(r'id="gaeldende-visitationsgruppe"[^>]*>(.*?)</p>', html, re.S).group(1)
    idag = factories.idag()
    assert re.sub(r"<[^>]+>|\s+", " ", gruppe).split() == [
        "Jobparat",
        "med",
        "virkning",
        "fra",
        idag.strftime("%d.%m.%Y"),
    ]
    assert idag.isoformat() not in re.sub(r'datetime="[^"]+"', "", html)  # ISO only in machine-readable attributes
    forklaring = tekst(klient.get(url("person-detalje", pk=person.pk)))
    assert (
        f"Samtalen blev holdt den {dage_siden(40):%d.%m.%Y}, men visitationen blev registreret den {idag:%d.%m.%Y}."
        in forklaring
    )
    assert "(§ 28 stk. 2)" in forklaring


def test_stk_2_forklares_ikke_naar_datoerne_er_ens(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    services.samtale_registrer(
        person=person, data=factories.data(dato=factories.idag(), visitationsgruppe="jobparat"), bruger=sagsbehandler
    )
    assert 'id="stk2-forklaring"' not in klient.get(url("person-detalje", pk=person.pk)).content.decode()


# --- 7. the auditor -------------------------------------------------------------------------------


def test_annullering_hedder_annulleret_i_revisionssporet(client, revisor, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler).samtale
    services.samtale_ret(
        samtale=samtale, data=factories.data(aftale="Ny"), begrundelse="Stavefejl", bruger=sagsbehandler
    )
    services.samtale_annuller(samtale=samtale, begrundelse="Forkert borger", bruger=sagsbehandler)
    client.force_login(revisor)
    poster = client.get(url("person-historik", pk=person.pk)).context["poster"]
    samtaleposter = {p.begrundelse: p.handling for p in poster if p.objekt.startswith("Samtale")}
    assert samtaleposter == {"": "oprettet", "Stavefejl": "ændret", "Forkert borger": "annulleret"}


# --- issue 25: fewer actions for the caseworker, without guessing ---------------------------------


def test_forsidens_lister_tilbyder_registrer_samtale_direkte_ved_hver_borger(klient, jobcenter, sagsbehandler):
    bente = factories.person(jc=jobcenter, navn="Bente Borger")
    anna = factories.person(jc=jobcenter, navn="Anna Først")
    factories.registrer(bente, sagsbehandler)
    assert klient.get(url("person-detalje", pk=anna.pk)).status_code == 200
    html = klient.get(url("forside")).content.decode()
    egne, set_ = html[html.index('id="egne-registreringer"') :], html[html.index('id="set-for-nylig"') :]
    assert f'href="{url("samtale-opret", person_pk=bente.pk)}"' in egne.split("</ul>")[0]
    assert f'href="{url("samtale-opret", person_pk=anna.pk)}"' in set_.split("</ul>")[0]
    # Each says whose conversation it registers, for a screen reader going through the links.
    assert 'Registrér samtale<span class="visually-hidden"> med Anna Først</span>' in set_


def test_forsiden_tilbyder_ikke_registrering_til_den_der_ikke_maa_registrere(client, jobcenter, revisor):
    bente = factories.person(jc=jobcenter, navn="Bente Borger")
    client.force_login(revisor)
    assert client.get(url("person-detalje", pk=bente.pk)).status_code == 200
    html = client.get(url("forside")).content.decode()
    assert "Bente Borger" in html and url("samtale-opret", person_pk=bente.pk) not in html


def _felt(html: str, navn: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*name="{navn}"[^>]*>', html).group(0)


def test_registreringen_starter_uden_dato_og_type_med_fokus_paa_datoen(klient, jobcenter, sagsbehandler):
    """STAR asks that the caseworker takes a position on the date: it starts empty, with the
    focus, and today and yesterday are one press away; the type starts unchosen."""
    bente = factories.person(jc=jobcenter, navn="Bente Borger")
    svar = klient.get(url("samtale-opret", person_pk=bente.pk))
    html = svar.content.decode()
    dato = _felt(html, "dato")
    assert "value=" not in dato and "autofocus" in dato
    assert html.count("autofocus") == 2  # the date, and the leave dialog's "Bliv på siden"
    assert svar.context["form"]["samtaletype"].value() in (None, "")
    idag = factories.idag()
    # The header names no date the caseworker has not chosen.
    hoved = re.search(r'id="samtale-kontaktgruppe">(.*?)</p>', html, re.S)[1]
    assert re.search(r"kontaktgruppe 2: [^<]*\bi dag$", hoved.strip()) and idag.strftime("%d.%m.%Y") not in hoved
    assert f'data-genvej-felt="dato" data-genvej-vaerdi="{idag.isoformat()}"' in html
    assert f'data-genvej-vaerdi="{dage_siden(1).isoformat()}"' in html
    # Sent without a date, the registration is refused at the field, in Danish.
    svar = klient.post(
        url("samtale-opret", person_pk=bente.pk),
        {"samtaletype": "4", "samtaleform": "1", "deltagere-TOTAL_FORMS": "0", "deltagere-INITIAL_FORMS": "0"},
    )
    assert svar.status_code == 200 and svar.context["form"].errors["dato"]


def test_saedvanlig_samtaleform_er_et_forslag_ikke_et_valg(klient, jobcenter, sagsbehandler):
    bente = factories.person(jc=jobcenter, navn="Bente Borger")
    for dage, form in ((4, "2"), (3, "2"), (2, "1")):
        factories.registrer(bente, sagsbehandler, dato=dage_siden(dage), samtaletype="4", samtaleform=form)
    factories.registrer(bente, sagsbehandler, dato=dage_siden(5), samtaletype="7", samtaleform="5")
    kollega = factories.bruger("kollega", jc=jobcenter)
    for dage in (6, 7, 8, 9):
        factories.registrer(bente, kollega, dato=dage_siden(dage), samtaletype="4", samtaleform="3")

    svar = klient.get(url("samtale-opret", person_pk=bente.pk))
    html = svar.content.decode()
    # Suggested: the one this caseworker used most (telefonisk), not the colleague's brev;
    # the field itself has nothing chosen.
    assert 'data-genvej-felt="samtaleform" data-genvej-vaerdi="2"' in html and "Vælg Telefonisk" in html
    assert svar.context["form"]["samtaleform"].value() in (None, "")
    valgt = re.findall(
        r'<option value="([^"]*)" selected>', re.search(r'<select name="samtaleform".*?</select>', html, re.S)[0]
    )
    assert valgt == [""]
    # Once the type is chosen, what the caseworker uses for that type (jobsamtale: video).
    svar = klient.get(url("samtale-opret", person_pk=bente.pk), {"samtaletype": "7"})
    assert 'data-genvej-vaerdi="5"' in svar.content.decode()
    # A field already chosen gets no suggestion; a caseworker without registrations none.
    svar = klient.post(
        url("samtale-opret", person_pk=bente.pk),
        {"samtaletype": "4", "samtaleform": "1", "_opdater": "1", "deltagere-TOTAL_FORMS": "0"},
    )
    assert 'id="samtaleform-forslag"' not in svar.content.decode()
    klient.force_login(factories.bruger("ny", jc=jobcenter))
    assert 'id="samtaleform-forslag"' not in klient.get(url("samtale-opret", person_pk=bente.pk)).content.decode()
