"""Signing in through the municipality and MitID in Chromium, against the real OpenID
Connect provider that the test run starts (tests/conftest.py ``oidc``): the login page's
buttons, the provider's page, the app's answer. Each refusal is a Danish page and leaves
no session; the token cases (replayed, expired, for another service) are real tokens the
provider signed."""

import json
import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from registrering.models import Bruger
from tests import factories
from tests.browser.conftest import _ny_kontekst
from tests.browser.hjaelpere import log_ind, log_ind_hos_udbyder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MENU = {
    "sagsbehandler": (["Find borger", "Opret borger"], ["Indberetning", "Statistik", "Administration"]),
    "teamleder": (["Find borger", "Indberetning", "Statistik"], ["Administration"]),
    "revisor": (["Find borger", "Statistik"], ["Opret borger", "Indberetning", "Administration"]),
    "administrator": (["Find borger", "Indberetning", "Administration"], []),
}


def _afvist(page: Page, aarsag: str) -> None:
    expect(page.locator(f'#login-afvist[data-aarsag="{aarsag}"]')).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    page.goto(reverse("registrering:forside"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # no session


@pytest.mark.parametrize("rolle", sorted(MENU))
def test_medarbejder_logger_ind_med_kommunens_konto_og_faar_sin_rolle(page: Page, oidc, rolle):
    jobcenter = factories.jobcenter()
    sub = oidc.medarbejder(roller=[rolle], preferred_username=f"{rolle}@aarhus.dk")
    log_ind_hos_udbyder(page, sub)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    expect(menu).to_contain_text("Signe Single Sign-On · Jobcenter Aarhus")
    vist, skjult = MENU[rolle]
    for link in vist:
        expect(menu.get_by_role("link", name=link, exact=True)).to_be_visible()
    for link in skjult:
        expect(menu.get_by_role("link", name=link, exact=True)).to_have_count(0)
    bruger = Bruger.objects.get(username=f"{rolle}@aarhus.dk")
    assert [g.name for g in bruger.groups.all()] == [rolle] and bruger.jobcenter == jobcenter


def test_fjernet_rolle_fjerner_adgangen_ved_naeste_log_ind(page: Page, browser, live_server, oidc):
    factories.jobcenter()
    sub = oidc.medarbejder(roller=["sagsbehandler"])
    log_ind_hos_udbyder(page, sub)
    expect(page.get_by_role("heading", name="Find borger")).to_be_visible()

    oidc.medarbejder(sub=sub, roller=[])  # the municipality takes the role away
    kontekst = _ny_kontekst(browser, live_server)
    anden = kontekst.new_page()
    log_ind_hos_udbyder(anden, sub)
    _afvist(anden, "ukendt_rolle")
    kontekst.close()
    # The first browser's session has lost the role too.
    page.goto(reverse("registrering:person-soeg"))
    expect(page.get_by_role("heading", name="Du har ikke adgang til denne side")).to_be_visible()


def test_medarbejder_uden_jobcenter_afvises_med_dansk_side(page: Page, oidc):
    factories.jobcenter()
    log_ind_hos_udbyder(page, oidc.medarbejder(jobcenter=None))
    expect(page.get_by_role("heading", name="Du blev ikke logget ind")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("intet jobcenter")
    _afvist(page, "intet_jobcenter")


def test_borger_paa_betydeligt_niveau_ser_sine_samtaler(page: Page, oidc, sagsbehandler):
    person = factories.person(kontaktgruppe="1", jc=sagsbehandler.jobcenter, navn="Bente Borger")
    factories.registrer(person, sagsbehandler)
    log_ind_hos_udbyder(page, oidc.borger(cpr=person.cpr, niveau="Substantial"), knap="Log ind med MitID")
    expect(page.get_by_role("heading", name="Mine samtaler med jobcentret")).to_be_visible()
    assert person.cpr not in page.url
    assert Bruger.objects.get(person=person).username == f"borger-{person.pk}"


def test_borger_paa_lavt_niveau_faar_forklaringen_og_ingen_session(page: Page, oidc, jobcenter):
    person = factories.person(jc=jobcenter)
    log_ind_hos_udbyder(page, oidc.borger(cpr=person.cpr, niveau="Low"), knap="Log ind med MitID")
    expect(page.get_by_role("heading", name="Log ind med MitID på et højere sikringsniveau")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("sikringsniveau betydelig eller høj")
    _afvist(page, "sikringsniveau")
    assert not Bruger.objects.filter(person=person).exists()


def test_genbrugt_svar_fra_udbyderen_afvises(page: Page, browser, live_server, oidc):
    """The answer at the redirect URI (code and state) replayed: in another browser (a
    stolen URL) and in the same one after logout. Neither gets a session."""
    factories.jobcenter()
    page.goto(reverse("login"))
    page.get_by_role("link", name="Log ind med kommunens konto").click()
    page.get_by_placeholder("sub").fill(oidc.medarbejder())
    with page.expect_response(re.compile(r"/retur/\?")) as svar:
        page.get_by_role("button", name="Authorize").click()
    tilbage = svar.value.url
    expect(page.get_by_role("heading", name="Find borger")).to_be_visible()

    kontekst = _ny_kontekst(browser, live_server)
    fremmed = kontekst.new_page()
    fremmed.goto(tilbage)
    _afvist(fremmed, "svar_afvist")
    kontekst.close()

    page.get_by_role("button", name="Log ud").click()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", name="Du er logget ud")).to_be_visible()
    page.goto(tilbage)
    _afvist(page, "svar_afvist")


def test_udloebet_id_token_afvises(page: Page, oidc):
    factories.jobcenter()
    log_ind_hos_udbyder(page, oidc.medarbejder(exp=int(time.time()) - 600))
    _afvist(page, "svar_afvist")


def test_id_token_til_en_anden_tjeneste_afvises(page: Page, oidc):
    """``aud`` is another service's, even with us as ``azp`` (which authlib alone accepts)."""
    factories.jobcenter()
    log_ind_hos_udbyder(page, oidc.medarbejder(aud="en-anden-tjeneste", azp="samtaler-medarbejder"))
    _afvist(page, "svar_afvist")


def test_log_ud_afslutter_ogsaa_sessionen_hos_udbyderen(page: Page, oidc):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    factories.jobcenter()
    sub = oidc.medarbejder()
    log_ind_hos_udbyder(page, sub)
    expect(page.get_by_role("heading", name="Find borger")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # The provider's end-session page, reached by the app's form (posted by send-selv.js).
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    assert page.url.startswith(oidc.issuer)
    hint = page.locator("dt:has-text('id_token_hint') + dd").text_content().strip()  # in a closed <details>
    noegler = KeySet.import_key_set(json.loads(factories.http_svar(oidc.issuer + "/jwks")[2]))
    assert jwt.decode(hint, noegler).claims["sub"] == sub
    assert "/accounts/logget-ud/" in page.locator("dt:has-text('post_logout_redirect_uri') + dd").text_content()

    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", name="Du er logget ud")).to_be_visible()
    page.goto(reverse("registrering:forside"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_deaktiveret_medarbejder_mister_sin_session(page: Page, browser, live_server, oidc):
    factories.jobcenter()
    sub = oidc.medarbejder()
    log_ind_hos_udbyder(page, sub)
    expect(page.get_by_role("heading", name="Find borger")).to_be_visible()
    bruger = Bruger.objects.get(eksterne_identiteter__subjekt=sub)

    # An administrator deactivates the user in the admin.
    kontekst = _ny_kontekst(browser, live_server)
    admin = factories.bruger("admin", rolle="administrator", is_staff=True, is_superuser=True)
    log_ind(kontekst, admin, live_server.url)
    adminside = kontekst.new_page()
    adminside.goto(reverse("admin:registrering_bruger_change", args=[bruger.pk]))
    adminside.locator("#id_is_active").uncheck()
    adminside.locator("input[name=_save]").click()
    expect(adminside.locator(".messagelist")).to_be_visible()
    kontekst.close()

    page.goto(reverse("registrering:person-soeg"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    # And signing in again through the municipality does not reopen it.
    log_ind_hos_udbyder(page, sub)
    _afvist(page, "spaerret")


def test_login_afvisning_og_logget_ud_er_tilgaengelige(page: Page, oidc, jobcenter):
    """axe-core (WCAG 2.1 AA, as tests/browser/test_tilgaengelighed.py) on the login page
    with both buttons, a refusal and the logged-out page."""
    from tests.browser.test_tilgaengelighed import ALVORLIGE, AXE, tjek_side

    page.goto(reverse("login"))
    tjek_side(page, "login-med-udbydere")
    person = factories.person(jc=jobcenter)
    log_ind_hos_udbyder(page, oidc.borger(cpr=person.cpr, niveau="Low"), knap="Log ind med MitID")
    for navn, adresse in (("login-afvist", None), ("logget-ud", reverse("identitet:logget-ud"))):
        if adresse:
            page.goto(adresse)
        alvorlige = [v["id"] for v in AXE.run(page).response["violations"] if v["impact"] in ALVORLIGE]
        assert not alvorlige, (navn, alvorlige)
