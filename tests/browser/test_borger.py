"""Logging in, finding and creating citizens, as a caseworker does it in the browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from registrering.models import Person
from tests.browser.hjaelpere import KODEORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UUID_STI = r"/borgere/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$"


def test_log_ind_opret_borger_og_land_paa_borgerens_side(page: Page, sagsbehandler):
    page.goto(reverse("registrering:person-soeg"))
    # Not logged in: the login page, with the way back kept.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()

    page.locator("[name=username]").fill("sara")
    page.locator("[name=password]").fill("forkert-kodeord")
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.locator("[name=password]").fill(KODEORD)
    page.get_by_role("button", name="Log ind").click()

    expect(page).to_have_url(re.compile(r"/borgere/$"))
    expect(page.get_by_role("heading", name="Find borger")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_contain_text("Sara Sagsbehandler")

    page.get_by_role("main").get_by_role("link", name="Opret borger").click()
    expect(page.get_by_role("heading", name="Opret borger")).to_be_visible()
    page.get_by_label("CPR-nummer").fill("140385-1234")
    page.get_by_label("Navn").fill("Karl Kontanthjælp")
    page.get_by_label("Kontaktgruppe").select_option("2")
    page.get_by_role("button", name="Opret borger").click()

    expect(page).to_have_url(re.compile(UUID_STI))
    expect(page.get_by_role("status")).to_contain_text("Borgeren Karl Kontanthjælp er oprettet.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Karl Kontanthjælp")
    expect(page.get_by_role("main")).to_contain_text("CPR 140385-1234")
    expect(page.get_by_role("main")).to_contain_text("Kontaktgruppe 2")
    expect(page.get_by_role("main")).to_contain_text("Der er ikke registreret samtaler med borgeren.")
    expect(page.get_by_role("link", name="Registrér samtale")).to_be_visible()

    person = Person.objects.get()
    assert person.cpr == "1403851234"
    assert str(person.pk) in page.url and "1403851234" not in page.url

    # The new citizen is found in one step from the search page, by name and by CPR.
    page.get_by_role("link", name="Find borger").click()
    page.get_by_label("CPR-nummer eller navn").fill("kontanthj")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 borger fundet")
    # A whole CPR number leads straight to the citizen's page, by id (issue 25).
    page.get_by_label("CPR-nummer eller navn").fill("1403851234")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(UUID_STI))
    expect(page.get_by_role("heading", level=1)).to_have_text("Karl Kontanthjælp")
    assert "1403851234" not in page.url


def test_opret_borger_i_kontaktgruppe_1_uden_akasse_afvises_ved_feltet(logget_ind: Page):
    page = logget_ind
    page.goto(reverse("registrering:person-opret"))
    page.get_by_label("CPR-nummer").fill("1403851234")
    page.get_by_label("Navn").fill("Dorte Dagpenge")
    page.get_by_label("Kontaktgruppe").select_option("1")
    page.get_by_role("button", name="Opret borger").click()

    akasse = page.locator("#div_id_akasse")
    expect(akasse).to_contain_text("Vælg borgerens a-kasse")
    expect(page.get_by_label("A-kasse")).to_have_attribute("aria-invalid", "true")
    # What was typed is kept.
    expect(page.get_by_label("Navn")).to_have_value("Dorte Dagpenge")
    assert not Person.objects.exists()

    page.get_by_label("A-kasse").select_option("HK")
    page.get_by_role("button", name="Opret borger").click()
    expect(page).to_have_url(re.compile(UUID_STI))
    expect(page.get_by_role("main")).to_contain_text("A-kasse: HK Danmarks A-kasse")
