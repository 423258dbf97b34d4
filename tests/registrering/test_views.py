"""The caseworker's pages, driven through the names in CONTRACT.md only."""

import re

import pytest
from django.urls import reverse

from registrering import services
from registrering.models import Person, Samtale, Visitation
from tests import factories
from tests.factories import fejl_ved, url

pytestmark = pytest.mark.django_db


formular = factories.formular


# --- login and search ---------------------------------------------------------------------------


def test_login_med_djangos_felter_lander_paa_forsiden(client, sagsbehandler):
    svar = client.post(reverse("login"), {"username": "sara", "password": "hemmeligt-kodeord"}, follow=True)
    assert svar.redirect_chain[-1][0] == url("forside")
    assert svar.status_code == 200 and 'role="search"' in svar.content.decode()


def test_sider_kraever_login(client, jobcenter):
    person = factories.person(jc=jobcenter)
    for adresse in (url("person-soeg"), url("person-detalje", pk=person.pk), url("samtale-opret", person_pk=person.pk)):
        svar = client.get(adresse)
        assert svar.status_code == 302 and "/accounts/login/" in svar["Location"]


def test_soeg_paa_cpr_med_og_uden_bindestreg_og_paa_navn(klient, jobcenter):
    bente = factories.person(jc=jobcenter, navn="Bente Borger")
    factories.person(jc=jobcenter, navn="Anders And")
    for q in (bente.cpr, f"{bente.cpr[:6]}-{bente.cpr[6:]}"):
        svar = klient.get(url("person-soeg"), {"q": q})
        assert list(svar.context["resultater"]) == [bente]
    svar = klient.post(url("person-soeg"), {"q": "borg"})
    assert list(svar.context["resultater"]) == [bente]


def test_soegning_viser_aldrig_et_andet_jobcenters_borgere(klient, andet_jobcenter):
    fremmed = factories.person(jc=andet_jobcenter, navn="Fremmed Borger")
    assert list(klient.get(url("person-soeg"), {"q": fremmed.cpr}).context["resultater"]) == []
    assert list(klient.post(url("person-soeg"), {"q": "Fremmed"}).context["resultater"]) == []
    assert klient.get(url("person-detalje", pk=fremmed.pk)).status_code == 404
    assert klient.get(url("samtale-opret", person_pk=fremmed.pk)).status_code == 404


# --- create a citizen ---------------------------------------------------------------------------------


def test_opret_borger_i_eget_jobcenter_og_adresseres_med_uuid(klient, sagsbehandler):
    svar = klient.post(
        url("person-opret"), {"cpr": "010190-1234", "navn": "Ny Borger", "kontaktgruppe": "2", "akasse": ""}
    )
    assert svar.status_code == 302
    person = Person.objects.get(cpr="0101901234")
    assert person.jobcenter == sagsbehandler.jobcenter
    assert svar["Location"] == url("person-detalje", pk=person.pk)
    assert person.cpr not in svar["Location"]


@pytest.mark.parametrize(
    ("cpr", "besked"),
    [
        ("12345", "10 cifre"),
        ("3202901234", "gyldig fødselsdato"),
        ("0113901234", "gyldig fødselsdato"),
        ("01019o1234", "10 cifre"),
    ],
)
def test_ugyldigt_cpr_afvises_ved_feltet(klient, cpr, besked):
    svar = klient.post(url("person-opret"), {"cpr": cpr, "navn": "X", "kontaktgruppe": "2"})
    assert svar.status_code == 200
    assert besked in fejl_ved(svar, "cpr")
    assert not Person.objects.exists()


def test_cpr_der_ikke_opfylder_modulus_11_accepteres(klient):
    # Numbers failing the modulus-11 check have been issued since 2007.
    nummer = "0101901235"
    assert sum(int(c) * w for c, w in zip(nummer, (4, 3, 2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 != 0
    svar = klient.post(url("person-opret"), {"cpr": nummer, "navn": "Y", "kontaktgruppe": "2"})
    assert svar.status_code == 302


def test_dagpengemodtager_skal_have_akasse(klient):
    svar = klient.post(url("person-opret"), {"cpr": "0101901234", "navn": "X", "kontaktgruppe": "1", "akasse": ""})
    assert svar.status_code == 200
    assert "a-kasse" in fejl_ved(svar, "akasse")
    svar = klient.post(url("person-opret"), {"cpr": "0101901234", "navn": "X", "kontaktgruppe": "1", "akasse": "HK"})
    assert svar.status_code == 302


def test_samme_cpr_kan_ikke_oprettes_to_gange(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    svar = klient.post(url("person-opret"), {"cpr": person.cpr, "navn": "X", "kontaktgruppe": "2"})
    assert "findes allerede" in fejl_ved(svar, "cpr")


# --- the registration form follows the type and the kontaktgruppe ----------------------------------------


felter = factories.feltnavne


def test_formularen_viser_kun_felter_der_gaelder_for_typen(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    jobsamtale = felter(klient.get(url("samtale-opret", person_pk=person.pk), {"samtaletype": "7"}))
    assert {"aftale", "saerlig_indsats", "visitationsgruppe", "tidlig_opfoelgning"} <= jobsamtale
    assert not {"praktiske_aftaler", "akasse_deltagelse", "cv_ikke_fyldestgoerende"} & jobsamtale
    opfoelgning = felter(klient.get(url("samtale-opret", person_pk=person.pk), {"samtaletype": "4"}))
    assert "praktiske_aftaler" in opfoelgning
    assert not {"aftale", "saerlig_indsats"} & opfoelgning


def test_formularen_foelger_kontaktgruppen(klient, jobcenter):
    dagpenge = factories.person(kontaktgruppe="1", jc=jobcenter)
    svar = klient.get(url("samtale-opret", person_pk=dagpenge.pk), {"samtaletype": "19"})
    f = felter(svar)
    assert {"aftale", "akasse_deltagelse", "cv_ikke_fyldestgoerende"} <= f
    assert "visitationsgruppe" not in f
    html = svar.content.decode()
    assert 'value="19"' in html
    uddannelse = factories.person(kontaktgruppe="3", jc=jobcenter)
    html = klient.get(url("samtale-opret", person_pk=uddannelse.pk), {"samtaletype": "7"}).content.decode()
    valg = re.search(r'<select name="visitationsgruppe".*?</select>', html, re.S).group(0)
    assert 'value="uddannelsesparat"' in valg and 'value="aabenlyst_uddannelsesparat"' in valg
    assert 'value="jobparat"' not in valg
    # 19 is offered only to kontaktgruppe 1.
    assert 'value="19"' not in re.search(r'<select name="samtaletype".*?</select>', html, re.S).group(0)


def test_htmx_genopfriskning_beholder_det_indtastede(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    svar = klient.post(
        url("samtale-opret", person_pk=person.pk),
        formular(samtaletype="4", praktiske_aftaler="Ringer fredag", _opdater="1", aftale=None),
        headers={"HX-Request": "true"},
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert html.lstrip().startswith('<div id="dynamiske-felter"')
    assert "Ringer fredag" in html
    assert not Samtale.objects.exists()


def test_aftalefeltet_starter_fra_den_gaeldende_aftale(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(aftale="Søge 3 job om ugen"), bruger=sagsbehandler)
    svar = klient.get(url("samtale-opret", person_pk=person.pk), {"samtaletype": "7"})
    assert svar.context["form"]["aftale"].value() == "Søge 3 job om ugen"
    # Also when the type is chosen after the page was opened (htmx re-render).
    svar = klient.post(
        url("samtale-opret", person_pk=person.pk), formular(aftale=None, _opdater="1"), headers={"HX-Request": "true"}
    )
    assert "Søge 3 job om ugen" in svar.content.decode()


def test_deltager_tilfoejes_og_fjernes_uden_at_gemme(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    data = formular(**{"deltagere-TOTAL_FORMS": "2", "deltagere-0-navn": "Mona", "deltagere-1-navn": "Tariq"})
    svar = klient.post(url("samtale-opret", person_pk=person.pk), {**data, "_tilfoej_deltager": "1"})
    assert svar.context["formset"].total_form_count() == 3
    svar = klient.post(url("samtale-opret", person_pk=person.pk), {**data, "_fjern_deltager": "0"})
    navne = [f["navn"].value() for f in svar.context["formset"].forms]
    assert navne == ["Tariq"]
    assert not Samtale.objects.exists()


# --- submit ------------------------------------------------------------------------------------------------


def test_registrering_gemmer_og_viser_samtalen_paa_borgerens_side(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    data = formular(
        visitationsgruppe="aktivitetsparat",
        tidlig_opfoelgning="on",
        **{
            "deltagere-TOTAL_FORMS": "1",
            "deltagere-0-navn": "Mona Mentor",
            "deltagere-0-rolle": "mentor",
            "deltagere-0-deltagelsesform": "2",
        },
    )
    svar = klient.post(url("samtale-opret", person_pk=person.pk), data)
    assert svar.status_code == 302
    samtale = Samtale.objects.get(person=person)
    side = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    assert re.search(r'id="gaeldende-aftale">\s*<pre class="aftale">Søge 2 job om ugen</pre>', side)
    visitation = re.search(r'id="gaeldende-visitationsgruppe".*?</p>', side, re.S).group(0)
    assert "Aktivitetsparat" in visitation and factories.idag().isoformat() in visitation
    assert url("samtale-ret", pk=samtale.pk) in side
    assert "Mona Mentor" in side and "Tidlig opfølgning - fast track" in side


def test_afvist_registrering_svarer_200_med_fejl_ved_feltet_og_gemmer_intet(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    svar = klient.post(url("samtale-opret", person_pk=person.pk), formular(aftale="", visitationsgruppe="jobparat"))
    assert svar.status_code == 200
    assert "bindende aftale" in fejl_ved(svar, "aftale")
    assert not Samtale.objects.exists() and not Visitation.objects.exists()


def test_vaerdi_i_felt_der_ikke_gaelder_afvises_ved_feltet(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    svar = klient.post(
        url("samtale-opret", person_pk=person.pk), formular(samtaletype="4", aftale="Du skal søge 5 job")
    )
    assert svar.status_code == 200
    assert "må ikke indeholde en bindende aftale" in fejl_ved(svar, "aftale")
    svar = klient.post(url("samtale-opret", person_pk=person.pk), formular(cv_ikke_fyldestgoerende="on"))
    assert "kontaktgruppe 1" in fejl_ved(svar, "cv_ikke_fyldestgoerende")
    assert not Samtale.objects.exists()


@pytest.mark.parametrize(
    ("felter_", "felt"),
    [
        ({"samtaletype": "999"}, "samtaletype"),
        ({"samtaleform": "9"}, "samtaleform"),
        ({"visitationsgruppe": "superparat"}, "visitationsgruppe"),
        ({"dato": "2026-13-45"}, "dato"),
        ({"aftale": "x" * 5000}, "aftale"),
    ],
)
def test_ugyldige_koder_og_vaerdier_afvises(klient, jobcenter, felter_, felt):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    svar = klient.post(url("samtale-opret", person_pk=person.pk), formular(**felter_))
    assert svar.status_code == 200
    assert fejl_ved(svar, felt)
    assert not Samtale.objects.exists()


def test_deltager_med_ugyldig_rolle_afvises(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    data = formular(
        **{
            "deltagere-TOTAL_FORMS": "1",
            "deltagere-0-navn": "X",
            "deltagere-0-rolle": "chef",
            "deltagere-0-deltagelsesform": "1",
        }
    )
    svar = klient.post(url("samtale-opret", person_pk=person.pk), data)
    assert svar.status_code == 200
    assert "gyldig rolle" in fejl_ved(svar, "deltagere-0-rolle")
    assert not Samtale.objects.exists()


def test_uaendret_visitationsgruppe_siges_paa_siden(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    services.samtale_registrer(
        person=person,
        data=factories.data(visitationsgruppe="jobparat", dato=factories.dage_siden(9)),
        bruger=sagsbehandler,
    )
    svar = klient.post(url("samtale-opret", person_pk=person.pk), formular(visitationsgruppe="jobparat"), follow=True)
    html = svar.content.decode()
    assert "Visitationsgruppen er uændret. Vurderingen er gemt ved samtalen" in html
    # Kept with its conversation (issue 18).
    assert Visitation.objects.filter(person=person).count() == 2
    assert "Jobparat" in _gaeldende_visitation(html)


# --- correct and cancel --------------------------------------------------------------------------------------


def test_ret_samtale_med_begrundelse(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person, data=factories.data(aftale="Gammel"), bruger=sagsbehandler
    ).samtale
    side = klient.get(url("samtale-ret", pk=samtale.pk))
    assert side.context["form"]["aftale"].value() == "Gammel"
    svar = klient.post(url("samtale-ret", pk=samtale.pk), formular(dato=samtale.dato.isoformat(), aftale="Ny"))
    assert svar.status_code == 200 and "begrundelse" in fejl_ved(svar, "begrundelse")
    svar = klient.post(
        url("samtale-ret", pk=samtale.pk), formular(dato=samtale.dato.isoformat(), aftale="Ny", begrundelse="Stavefejl")
    )
    assert svar.status_code == 302
    samtale.refresh_from_db()
    assert samtale.aftale == "Ny" and samtale.sekvens == 2


def test_annuller_samtale_med_begrundelse(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler).samtale
    assert klient.post(url("samtale-annuller", pk=samtale.pk), {"begrundelse": ""}).status_code == 200
    svar = klient.post(url("samtale-annuller", pk=samtale.pk), {"begrundelse": "Forkert borger"})
    assert svar.status_code == 302
    samtale.refresh_from_db()
    assert samtale.er_annulleret
    side = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    assert "Annulleret" in side and "Forkert borger" in side
    assert "Ingen bindende aftale" in side
    assert url("samtale-ret", pk=samtale.pk) not in side


def _gaeldende_visitation(html: str) -> str:
    m = re.search(r'id="gaeldende-visitationsgruppe"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", m.group(1))


def test_rettet_visitationsgruppe_er_gaeldende_og_siden_siger_det(klient, jobcenter, sagsbehandler):
    """Issue 11: Jobparat corrected to Aktivitetsparat with a reason is current, and the page
    never says "uændret" about a value the caseworker changed."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person, data=factories.data(visitationsgruppe="jobparat"), bruger=sagsbehandler
    ).samtale
    assert klient.get(url("samtale-ret", pk=samtale.pk)).context["form"]["visitationsgruppe"].value() == "jobparat"
    svar = klient.post(
        url("samtale-ret", pk=samtale.pk),
        formular(
            dato=samtale.dato.isoformat(),
            aftale="Søge 2 job om ugen.",
            visitationsgruppe="aktivitetsparat",
            begrundelse="Forkert gruppe",
        ),
        follow=True,
    )
    html = svar.content.decode()
    assert "uændret" not in html
    assert f"Visitationsgruppen er nu Aktivitetsparat med virkning fra {factories.idag():%d.%m.%Y}" in html
    assert "Aktivitetsparat" in _gaeldende_visitation(html)
    # Back to the group in force before (none): the change disappears, and the page says so.
    svar = klient.post(
        url("samtale-ret", pk=samtale.pk),
        formular(
            dato=samtale.dato.isoformat(),
            aftale="Søge 2 job om ugen.",
            visitationsgruppe="",
            begrundelse="Ingen vurdering",
        ),
        follow=True,
    )
    html = svar.content.decode()
    assert "Samtalens visitationsvurdering er fjernet" in html and "uændret" not in html
    assert "Ingen registreret visitationsgruppe." in _gaeldende_visitation(html)


def test_rettelse_uden_aendringer_er_en_noop_med_besked(klient, jobcenter, sagsbehandler):
    """Issue 15.10: saving the correction page unchanged makes no new sekvens and no report."""
    from indberetning.models import Haendelse

    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person, data=factories.data(aftale="Søge 2 job om ugen"), bruger=sagsbehandler
    ).samtale
    svar = klient.post(
        url("samtale-ret", pk=samtale.pk), formular(dato=samtale.dato.isoformat(), begrundelse="Tjek"), follow=True
    )
    assert "Du har ikke ændret noget i samtalen" in svar.content.decode()
    samtale.refresh_from_db()
    assert samtale.sekvens == 1 and Haendelse.objects.filter(samtale=samtale, handling="ret").count() == 0


def test_andet_jobcenters_samtale_kan_ikke_rettes_eller_annulleres(klient, andet_jobcenter):
    kollega = factories.bruger("odense", jc=andet_jobcenter)
    fremmed = factories.person(jc=andet_jobcenter)
    samtale = services.samtale_registrer(person=fremmed, data=factories.data(), bruger=kollega).samtale
    assert klient.get(url("samtale-ret", pk=samtale.pk)).status_code == 404
    assert klient.post(url("samtale-annuller", pk=samtale.pk), {"begrundelse": "x"}).status_code == 404
    samtale.refresh_from_db()
    assert not samtale.er_annulleret


# --- speed is behaviour: the citizen's page costs a fixed number of queries -------------------------------------


@pytest.mark.parametrize("antal", [1, 50])
def test_borgerens_side_har_fast_antal_forespoergsler(
    klient, jobcenter, sagsbehandler, django_assert_max_num_queries, antal
):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    for i in range(antal):
        services.samtale_registrer(
            person=person,
            data=factories.data(
                dato=factories.dage_siden(i),
                visitationsgruppe=("jobparat", "aktivitetsparat")[i % 2],
                deltagere=[factories.deltager(f"Deltager {i}")],
            ),
            bruger=sagsbehandler,
        )
    with django_assert_max_num_queries(16):
        svar = klient.get(url("person-detalje", pk=person.pk))
    assert svar.status_code == 200
    # The newest 20, and a way to the rest.
    assert svar.content.decode().count('class="list-group-item') == min(antal, 20)
    assert ('id="vis-flere"' in svar.content.decode()) == (antal > 20)


@pytest.mark.parametrize("antal", [1, 50])
def test_soegning_har_fast_antal_forespoergsler(klient, jobcenter, django_assert_max_num_queries, antal):
    for i in range(antal):
        factories.person(jc=jobcenter, navn=f"Hansen {i}")
    with django_assert_max_num_queries(7):
        svar = klient.post(url("person-soeg"), {"q": "Hansen"})
    assert len(svar.context["resultater"]) == antal


def test_afvist_registrering_har_fejloversigt_med_links_til_felterne(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    data = formular(
        aftale="",
        **{
            "deltagere-TOTAL_FORMS": "1",
            "deltagere-0-navn": "",
            "deltagere-0-rolle": "mentor",
            "deltagere-0-deltagelsesform": "1",
        },
    )
    html = klient.post(url("samtale-opret", person_pk=person.pk), data).content.decode()
    oversigt = re.search(r'id="fejloversigt".*?</div>', html, re.S).group(0)
    assert 'href="#id_aftale"' in oversigt
    assert 'href="#id_deltagere-0-navn"' in oversigt


def test_htmx_fra_udloebet_session_sendes_hele_vejen_til_login(client, jobcenter):
    person = factories.person(jc=jobcenter)
    svar = client.post(
        url("samtale-opret", person_pk=person.pk), formular(_opdater="1"), headers={"HX-Request": "true"}
    )
    assert svar.status_code == 204
    assert svar["HX-Redirect"].startswith(reverse("login"))


def test_skift_til_type_uden_aftale_fjerner_den_uroerte_kopi_af_gaeldende_aftale(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(aftale="Søge 3 job om ugen"), bruger=sagsbehandler)
    adresse = url("samtale-opret", person_pk=person.pk)
    svar = klient.post(
        adresse, formular(samtaletype="4", aftale="Søge 3 job om ugen", _opdater="1"), headers={"HX-Request": "true"}
    )
    assert 'name="aftale"' not in svar.content.decode()
    # Text the caseworker wrote is kept on the page (and refused on submit), never dropped.
    svar = klient.post(
        adresse, formular(samtaletype="4", aftale="Ny bindende aftale", _opdater="1"), headers={"HX-Request": "true"}
    )
    assert "Ny bindende aftale" in svar.content.decode()


def test_rettelse_og_annullering_vises_straks_trods_cachede_raekker(klient, jobcenter, sagsbehandler):
    person = factories.person(jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person, data=factories.data(aftale="Første udgave"), bruger=sagsbehandler
    ).samtale
    side = lambda: klient.get(url("person-detalje", pk=person.pk)).content.decode()  # noqa: E731
    assert "Første udgave" in side()
    services.samtale_ret(
        samtale=samtale, data=factories.data(aftale="Anden udgave"), begrundelse="Ret", bruger=sagsbehandler
    )
    html = side()
    assert "Anden udgave" in html and "Første udgave" not in html
    samtale.refresh_from_db()
    services.samtale_annuller(samtale=samtale, begrundelse="Forkert borger", bruger=sagsbehandler)
    assert "Forkert borger" in side()


def test_raekkens_registrant_foelger_brugerens_navn_trods_cache(klient, jobcenter, sagsbehandler):
    """A row shows who registered it; renaming that user changes no sekvens, yet the cached
    row must not keep the old name (the name is part of the row cache's key)."""
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler)
    side = lambda: klient.get(url("person-detalje", pk=person.pk)).content.decode()  # noqa: E731
    assert "af Sara Sagsbehandler" in side()
    assert "af Sara Sagsbehandler" in side()  # now from the cache
    sagsbehandler.last_name = "Nyt-Efternavn"
    sagsbehandler.save()
    html = side()
    assert "af Sara Nyt-Efternavn" in html and "Sara Sagsbehandler" not in html


def test_registrering_uden_formsettets_styrefelter(klient, jobcenter):
    """An integrator posting only the CONTRACT.md fields (no management form) is not refused."""
    person = factories.person(jc=jobcenter)
    data = {"dato": factories.idag().isoformat(), "samtaletype": "7", "samtaleform": "1", "aftale": "Søge job"}
    assert klient.post(url("samtale-opret", person_pk=person.pk), data).status_code == 302
    anden = factories.person(jc=jobcenter, navn="Anden")
    data.update({"deltagere-0-navn": "Mona", "deltagere-0-rolle": "mentor", "deltagere-0-deltagelsesform": "1"})
    assert klient.post(url("samtale-opret", person_pk=anden.pk), data).status_code == 302
    assert Samtale.objects.get(person=anden).deltagere.get().navn == "Mona"


def test_formularen_viser_den_nuvaerende_visitationsgruppe(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    adresse = url("samtale-opret", person_pk=person.pk)
    assert (
        "Borgeren har ingen registreret visitationsgruppe."
        in klient.get(adresse, {"samtaletype": "7"}).content.decode()
    )
    services.samtale_registrer(
        person=person,
        data=factories.data(dato=factories.dage_siden(3), visitationsgruppe="jobparat"),
        bruger=sagsbehandler,
    )
    html = klient.get(adresse, {"samtaletype": "7"}).content.decode()
    assert f"Nuværende: Jobparat fra {factories.idag():%d.%m.%Y}." in html


def test_borgerens_side_escaper_det_indtastede(klient, jobcenter, sagsbehandler):
    """The rows are rendered by a Jinja2 macro and cached: typed text is still escaped once."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    ondt = '<script>alert("x")</script> & <b>fed</b>'
    services.samtale_registrer(
        person=person,
        data=factories.data(dato=factories.igaar(), aftale=ondt, deltagere=[factories.deltager(navn=ondt)]),
        bruger=sagsbehandler,
    )
    for _ in range(2):  # rendered, then from the row cache
        html = klient.get(url("person-detalje", pk=person.pk)).content.decode()
        assert "<script>alert" not in html and "<b>fed</b>" not in html
        assert (
            "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in html
            or "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in html
        )
        assert "&amp;amp;" not in html  # not escaped twice
        assert '<article class="list-group-item' in html  # and the row's own markup is markup


# --- issue 19, finding 8: a formset count above the maximum costs nothing ---------------------


@pytest.mark.parametrize("antal", ["31", "5000", "9" * 30])
def test_flere_deltagere_end_tilladt_afvises_foer_nogen_formular_bygges(klient, jobcenter, antal):
    person = factories.person(jc=jobcenter)
    adresse = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    svar = klient.post(adresse, {**factories.formular(), "deltagere-TOTAL_FORMS": antal})
    assert svar.status_code == 200
    assert svar.context["formset"].forms == []  # not one participant form was built
    html = svar.content.decode()
    assert "Der kan højst være 30 deltagere i en samtale." in html
    assert len(svar.content) < 200_000 and 'name="deltagere-0-navn"' not in html
    assert not Samtale.objects.exists()


def test_deltagerraekker_ud_over_graensen_uden_managementfelter_afvises_ogsaa(klient, jobcenter):
    """An integrator's post without Django's management fields: a row numbered above the
    maximum is refused with the rest, not silently left out."""
    person = factories.person(jc=jobcenter)
    data = {k: v for k, v in factories.formular().items() if not k.startswith("deltagere-")}
    data.update({"deltagere-30-navn": "Række 31", "deltagere-30-rolle": "mentor", "deltagere-30-deltagelsesform": "1"})
    svar = klient.post(reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}), data)
    assert svar.status_code == 200 and "Der kan højst være 30 deltagere i en samtale." in svar.content.decode()
    assert not Samtale.objects.exists()


def test_30_deltagere_er_tilladt(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    data = {**factories.formular(), "deltagere-TOTAL_FORMS": "30"}
    for i in range(30):
        data.update(
            {
                f"deltagere-{i}-navn": f"Deltager {i}",
                f"deltagere-{i}-rolle": "mentor",
                f"deltagere-{i}-deltagelsesform": "1",
            }
        )
    svar = klient.post(reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}), data)
    assert svar.status_code == 302
    assert Samtale.objects.get().deltagere.count() == 30


def test_registrering_uden_visitationsgruppe_siger_intet_om_visitationen(klient, jobcenter):
    """Only a visitation result is reported as new or unchanged (§ 28 nr. 9): a registration
    without one must not tell the caseworker the group is unchanged."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    svar = klient.post(url("samtale-opret", person_pk=person.pk), formular(), follow=True)
    beskeder = [str(b) for b in svar.context["messages"]]
    assert any("er registreret" in b for b in beskeder)
    assert not [b for b in beskeder if "visitation" in b.lower()]
