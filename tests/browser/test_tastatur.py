"""The registration form with the keyboard alone: Tab between fields, type to choose in a
select, Enter on buttons."""

import re

import pytest
from playwright.sync_api import Page, expect

from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import (
    detalje_url,
    fokuseret,
    opret_url,
    tab_til,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_samtale_kan_registreres_med_tastaturet_alene(logget_ind: Page, jobcenter):
    page = logget_ind
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")
    page.goto(detalje_url(person))
    tast = page.keyboard

    # The first Tab reaches the skip link; it leads into the page's content.
    tast.press("Tab")
    expect(page.get_by_role("link", name="Gå til indhold")).to_be_focused()
    tast.press("Enter")
    tast.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), fokuseret(page)
    tab_til(page, f"main a[href='{opret_url(person)}']")
    tast.press("Enter")

    # Issue 25: the form opens with the focus in the date, which starts empty (the caseworker
    # decides it); "I dag" beside it puts today's date in.
    expect(page.get_by_label("Dato for samtalen")).to_be_focused()
    expect(page.get_by_label("Dato for samtalen")).to_have_value("")
    tab_til(page, "#dato-genveje button:first-child")
    tast.press("Enter")
    expect(page.get_by_label("Dato for samtalen")).to_have_value(factories.idag().isoformat())

    # Tab on to the type, and choose it by typing.
    tab_til(page, "#id_samtaletype")
    tast.type("Job")
    expect(page.get_by_label("Samtaletype")).to_have_value("7")
    expect(page.get_by_label("Samtaletype")).to_be_focused()  # the swap did not steal focus

    tast.press("Tab")
    expect(page.get_by_label("Samtaleform")).to_be_focused()
    tast.type("Tel")
    expect(page.get_by_label("Samtaleform")).to_have_value("2")

    # The next stop is the agreement that the chosen type brought (once it is on the page:
    # a keyboard user sees the field appear; nothing typed meanwhile is lost either way).
    expect(page.locator("textarea[name=aftale]")).to_be_visible()
    tast.press("Tab")
    expect(page.locator("textarea[name=aftale]")).to_be_focused()
    tast.type("Søge 2 job om ugen.")

    tab_til(page, "#id_visitationsgruppe")
    tast.type("Job")
    expect(page.get_by_label("Visitationsgruppe")).to_have_value("jobparat")

    # A participant: Enter on "Tilføj deltager" puts the focus in the new row.
    tab_til(page, "button[name=_tilfoej_deltager]")
    tast.press("Enter")
    raekke = page.get_by_role("group", name="Deltager 1", exact=True)
    expect(raekke.get_by_label("Navn")).to_be_focused()
    tast.type("Mona Mentor")
    tast.press("Tab")
    expect(raekke.get_by_label("Rolle")).to_be_focused()
    tast.type("Men")
    tast.press("Tab")
    expect(raekke.get_by_label("Deltagelsesform")).to_be_focused()
    tast.type("Per")
    expect(raekke.get_by_label("Rolle")).to_have_value("mentor")
    expect(raekke.get_by_label("Deltagelsesform")).to_have_value("1")

    tab_til(page, "#samtale-form button.btn-primary[type=submit]")
    expect(page.get_by_role("button", name="Registrér samtale")).to_be_focused()
    tast.press("Enter")

    # (the skip link's "#indhold" may stay on the URL across the post and redirect)
    expect(page).to_have_url(re.compile(re.escape(detalje_url(person)) + "(#indhold)?$"))
    samtale = page.get_by_role("article")
    expect(samtale).to_contain_text("Jobsamtale · Telefonisk")
    expect(samtale).to_contain_text("Mona Mentor (Mentor, personlig)")
    expect(page.locator("#gaeldende-aftale")).to_have_text("Søge 2 job om ugen.")
    expect(page.locator("#gaeldende-visitationsgruppe")).to_contain_text("Jobparat")
    assert Samtale.objects.count() == 1
