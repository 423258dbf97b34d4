"""Correcting and cancelling a registered conversation from the citizen's page."""

import re

import pytest
from playwright.sync_api import Page, expect

from registrering import services
from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import dansk, detalje_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def samtale(jobcenter, sagsbehandler) -> Samtale:
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")
    data = factories.data(
        dato=factories.dage_siden(2),
        aftale="Søge 2 job om ugen.",
        deltagere=[factories.deltager("Mona Mentor", "mentor", "1")],
    )
    return services.samtale_registrer(person=person, data=data, bruger=sagsbehandler).samtale


def samtalen(page: Page):
    return page.get_by_role("article").filter(has_text="Jobsamtale")


def test_ret_samtale_kraever_begrundelse_og_viser_rettelsen(logget_ind: Page, samtale: Samtale):
    page = logget_ind
    navn = f"Jobsamtale {dansk(samtale.dato)}"
    page.goto(detalje_url(samtale.person))
    expect(page.locator("#gaeldende-aftale")).to_have_text("Søge 2 job om ugen.")

    samtalen(page).get_by_role("link", name=f"Ret {navn}").click()
    expect(page.get_by_role("heading", name="Ret samtale")).to_be_visible()
    # The form starts from what was registered.
    expect(page.get_by_label("Samtaletype")).to_have_value("7")
    expect(page.get_by_label("Bindende aftale")).to_have_value("Søge 2 job om ugen.")
    expect(page.get_by_role("group", name="Deltager 1", exact=True).get_by_label("Navn")).to_have_value("Mona Mentor")

    page.get_by_label("Bindende aftale").fill("Søge 4 job om ugen.")
    page.get_by_role("button", name="Gem rettelse").click()
    # Refused without a reason; nothing changed.
    expect(page.locator("#div_id_begrundelse")).to_contain_text("Skriv en begrundelse for rettelsen.")
    expect(page.get_by_label("Begrundelse for rettelsen")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Bindende aftale")).to_have_value("Søge 4 job om ugen.")
    samtale.refresh_from_db()
    assert samtale.aftale == "Søge 2 job om ugen." and samtale.rettet is None

    page.get_by_label("Begrundelse for rettelsen").fill("Borgeren aftalte 4 job, ikke 2.")
    page.get_by_role("button", name="Gem rettelse").click()

    expect(page).to_have_url(re.compile(re.escape(detalje_url(samtale.person)) + "$"))
    expect(page.get_by_role("status")).to_contain_text("er rettet")
    expect(samtalen(page).get_by_text("Rettet", exact=True)).to_be_visible()
    expect(samtalen(page)).to_contain_text("Søge 4 job om ugen.")
    expect(page.locator("#gaeldende-aftale")).to_have_text("Søge 4 job om ugen.")
    samtale.refresh_from_db()
    assert samtale.aftale == "Søge 4 job om ugen." and samtale.rettet is not None


def test_annuller_samtale_kraever_begrundelse_og_viser_annulleret(logget_ind: Page, samtale: Samtale):
    page = logget_ind
    navn = f"Jobsamtale {dansk(samtale.dato)}"
    page.goto(detalje_url(samtale.person))
    expect(samtalen(page).get_by_text("Annulleret", exact=True)).to_have_count(0)

    samtalen(page).get_by_role("link", name=f"Annullér {navn}").click()
    expect(page.get_by_role("heading", name="Annullér samtale")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"Du annullerer Jobsamtale den {dansk(samtale.dato)}")

    page.get_by_role("button", name="Annullér samtalen").click()
    expect(page.locator("#div_id_begrundelse")).to_contain_text("Skriv en begrundelse for annulleringen.")
    samtale.refresh_from_db()
    assert samtale.annulleret is None

    page.get_by_label("Begrundelse").fill("Registreret på den forkerte borger.")
    page.get_by_role("button", name="Annullér samtalen").click()

    expect(page).to_have_url(re.compile(re.escape(detalje_url(samtale.person)) + "$"))
    expect(page.get_by_role("status")).to_contain_text("er annulleret")
    expect(samtalen(page).locator(".badge").filter(has_text="Annulleret")).to_be_visible()
    expect(samtalen(page)).to_contain_text("Registreret på den forkerte borger.")
    # A cancelled conversation can no longer be corrected or cancelled, and its agreement
    # no longer applies.
    expect(samtalen(page).get_by_role("link")).to_have_count(0)
    expect(page.locator("#gaeldende-aftale")).to_have_text("Ingen bindende aftale endnu.")
    samtale.refresh_from_db()
    assert samtale.annulleret is not None
    assert Samtale.objects.count() == 1  # kept, not deleted
