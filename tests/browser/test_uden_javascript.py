"""The registration form without JavaScript: the server decides which fields to show, and
the no-script button and full-page posts do what htmx does otherwise."""

import re

import pytest
from playwright.sync_api import Page, expect

from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import detalje_url, log_ind, opret_url, vaelg_dato

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def side(uden_js_side: Page, sagsbehandler, live_server) -> Page:
    log_ind(uden_js_side.context, sagsbehandler, live_server.url)
    return uden_js_side


def test_formularen_virker_uden_javascript(side: Page, jobcenter):
    page = side
    person = factories.person(kontaktgruppe="3", jc=jobcenter, navn="Ulla Uddannelseshjælp")
    page.goto(opret_url(person))
    assert page.evaluate("1 + 1") == 2  # Playwright's own scripts still run ...
    assert page.locator("script[src*=htmx]").count() == 1  # ... the page's do not.

    vis_felter = page.get_by_role("button", name="Vis felterne for den valgte samtaletype")
    expect(vis_felter).to_be_visible()
    expect(page.locator("[name=aftale]")).to_have_count(0)

    vaelg_dato(page, vent=False)  # issue 25: the date starts empty
    page.get_by_label("Samtaletype").select_option("7")
    page.get_by_label("Samtaleform").select_option("4")
    # No JavaScript: choosing the type changes nothing until the button is pressed.
    expect(page.locator("[name=aftale]")).to_have_count(0)
    vis_felter.click()

    # The page comes back at the part that changed (item 8 of issue 13), not at the top.
    expect(page).to_have_url(re.compile("#dynamiske-felter$"))
    expect(page.locator("#dynamiske-felter")).to_be_focused()
    expect(page.locator("label[for=id_aftale]")).to_contain_text("Bindende aftale")
    expect(page.locator("[name=praktiske_aftaler]")).to_have_count(0)
    expect(page.get_by_label("Samtaletype")).to_have_value("7")
    expect(page.get_by_label("Samtaleform")).to_have_value("4")
    # The re-render is not a refused submit: no error messages yet.
    expect(page.locator(".invalid-feedback, .alert-danger")).to_have_count(0)

    page.get_by_label("Bindende aftale").fill("Starte på hf-enkeltfag i januar.")
    page.get_by_label("Visitationsgruppe").select_option("uddannelsesparat")

    # Participant rows: a full-page post that keeps what was entered.
    page.get_by_role("button", name="Tilføj deltager").click()
    raekke = page.get_by_role("group", name="Deltager 1", exact=True)
    expect(raekke).to_be_visible()
    # ... at the new row's name, ready to type.
    expect(page).to_have_url(re.compile("#id_deltagere-0-navn$"))
    expect(raekke.get_by_label("Navn")).to_be_focused()
    expect(raekke.get_by_label("Navn")).to_be_in_viewport()
    expect(page.get_by_label("Bindende aftale")).to_have_value("Starte på hf-enkeltfag i januar.")
    raekke.get_by_label("Navn").fill("Bo Bisidder")
    raekke.get_by_label("Rolle").select_option("bisidder")
    raekke.get_by_label("Deltagelsesform").select_option("4")

    page.get_by_role("button", name="Registrér samtale").click()

    expect(page).to_have_url(re.compile(re.escape(detalje_url(person)) + "$"))
    expect(page.get_by_role("status")).to_contain_text("er registreret")
    samtale = page.get_by_role("article")
    expect(samtale).to_contain_text("Jobsamtale · Digital")
    expect(samtale).to_contain_text("Bo Bisidder (Bisidder, digital)")
    expect(page.locator("#gaeldende-aftale")).to_have_text("Starte på hf-enkeltfag i januar.")
    expect(page.locator("#gaeldende-visitationsgruppe")).to_contain_text("Uddannelsesparat")
    assert Samtale.objects.get().deltagere.count() == 1


def test_fjern_deltager_uden_javascript(side: Page, jobcenter):
    page = side
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    page.goto(opret_url(person) + "?samtaletype=4")
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_be_visible()
    page.get_by_role("button", name="Tilføj deltager").click()
    page.get_by_role("group", name="Deltager 1", exact=True).get_by_label("Navn").fill("Første")
    page.get_by_role("button", name="Tilføj deltager").click()
    page.get_by_role("group", name="Deltager 2", exact=True).get_by_label("Navn").fill("Anden")

    page.get_by_role("button", name="Fjern deltager 1").click()

    # Back at the participants, not at the top of the page.
    expect(page).to_have_url(re.compile("#deltagere$"))
    expect(page.locator("#deltagere")).to_be_focused()
    expect(page.locator("#deltagere")).to_be_in_viewport()
    expect(page.locator(".deltager-raekke")).to_have_count(1)
    expect(page.get_by_role("group", name="Deltager 1", exact=True).get_by_label("Navn")).to_have_value("Anden")
    expect(page.get_by_label("Samtaletype")).to_have_value("4")


def test_vis_felterne_lander_ved_felterne_paa_en_lav_skaerm(side: Page, jobcenter):
    """On a small screen the re-rendered fields are scrolled into view, not left below the fold."""
    page = side
    page.set_viewport_size({"width": 390, "height": 500})
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    page.goto(opret_url(person))
    page.get_by_label("Samtaletype").select_option("4")
    page.get_by_role("button", name="Vis felterne for den valgte samtaletype").click()

    expect(page.locator("#dynamiske-felter")).to_be_focused()
    assert page.evaluate("window.scrollY") > 0, "siden står stadig øverst"
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_be_in_viewport()
    # Tab goes on from the fields that changed.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('dynamiske-felter').contains(document.activeElement)")
