"""Registering a conversation in the browser: the form follows the samtaletype (htmx),
participants are added and removed in place, refused registrations show why, and the
citizen's page shows the result."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from registrering import services
from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import dansk, detalje_url, opret_url, vaelg_dato

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AFTALE = "Søge 3 job om ugen.\nMøde op til samtale hver 4. uge."


@pytest.fixture
def kontanthjaelp(jobcenter):
    """A citizen in kontaktgruppe 2 (visitation applies)."""
    return factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")


def deltager_raekke(page: Page, nr: int):
    return page.get_by_role("group", name=f"Deltager {nr}", exact=True)


def test_formularen_foelger_samtaletypen_og_registrerer_samtalen(logget_ind: Page, kontanthjaelp, skaermbilleder):
    page = logget_ind
    igaar = factories.igaar()
    page.goto(opret_url(kontanthjaelp))
    expect(page.get_by_role("heading", name="Registrér samtale")).to_be_visible()
    expect(page.get_by_text("Vælg samtaletypen for at se de felter")).to_be_visible()
    expect(page.locator("[name=aftale]")).to_have_count(0)
    expect(page.locator("[name=praktiske_aftaler]")).to_have_count(0)
    # Kontaktgruppe 2 is visited: the field is there before a type is chosen.
    expect(page.get_by_label("Visitationsgruppe")).to_be_visible()

    # Fields that stay while the type changes: date, form, a checkbox, participant rows.
    page.get_by_label("Dato for samtalen").fill(igaar.isoformat())
    page.get_by_label("Samtaleform").select_option("1")
    page.get_by_label("Borgeren anmoder om tidlig opfølgning").check()

    page.get_by_role("button", name="Tilføj deltager").click()
    raekke1 = deltager_raekke(page, 1)
    # The new row's name field has the focus, ready to type.
    expect(raekke1.get_by_label("Navn")).to_be_focused()
    raekke1.get_by_label("Navn").fill("Mona Mentor")
    raekke1.get_by_label("Rolle").select_option("mentor")
    raekke1.get_by_label("Deltagelsesform").select_option("1")
    page.get_by_role("button", name="Tilføj deltager").click()
    raekke2 = deltager_raekke(page, 2)
    raekke2.get_by_label("Navn").fill("Tina Tolk")
    raekke2.get_by_label("Rolle").select_option("tolk")
    raekke2.get_by_label("Deltagelsesform").select_option("2")

    # Jobsamtale (7): the binding agreement appears, practical arrangements do not.
    page.get_by_label("Samtaletype").select_option("7")
    aftale = page.locator("textarea[name=aftale]")
    expect(aftale).to_be_visible()
    expect(page.locator("label[for=id_aftale]")).to_contain_text(re.compile("Bindende aftale", re.IGNORECASE))
    expect(page.locator("[name=praktiske_aftaler]")).to_have_count(0)
    expect(page.get_by_label("Særlig indsats")).to_be_visible()

    # Opfølgningssamtale (4): practical arrangements instead of the agreement.
    page.get_by_label("Samtaletype").select_option("4")
    expect(page.locator("textarea[name=praktiske_aftaler]")).to_be_visible()
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_be_visible()
    expect(page.locator("[name=aftale]")).to_have_count(0)
    expect(page.locator("[name=saerlig_indsats]")).to_have_count(0)

    # What was entered elsewhere survived both re-renders.
    expect(page.get_by_label("Dato for samtalen")).to_have_value(igaar.isoformat())
    expect(page.get_by_label("Samtaleform")).to_have_value("1")
    expect(page.get_by_label("Borgeren anmoder om tidlig opfølgning")).to_be_checked()
    expect(deltager_raekke(page, 1).get_by_label("Navn")).to_have_value("Mona Mentor")
    expect(deltager_raekke(page, 1).get_by_label("Rolle")).to_have_value("mentor")
    expect(deltager_raekke(page, 2).get_by_label("Navn")).to_have_value("Tina Tolk")
    expect(deltager_raekke(page, 2).get_by_label("Deltagelsesform")).to_have_value("2")

    # Back to a jobsamtale; write the agreement and a new visitationsgruppe.
    page.get_by_label("Samtaletype").select_option("7")
    page.locator("textarea[name=aftale]").fill(AFTALE)
    page.get_by_label("Visitationsgruppe").select_option("aktivitetsparat")

    # Remove the first participant; the second stays with what was typed.
    page.get_by_role("button", name="Fjern deltager 1").click()
    expect(page.locator(".deltager-raekke")).to_have_count(1)
    expect(deltager_raekke(page, 1).get_by_label("Navn")).to_have_value("Tina Tolk")
    expect(deltager_raekke(page, 1).get_by_label("Rolle")).to_have_value("tolk")
    expect(page.get_by_role("button", name="Tilføj deltager")).to_be_focused()
    expect(page.locator("textarea[name=aftale]")).to_have_value(AFTALE)
    expect(page.get_by_label("Visitationsgruppe")).to_have_value("aktivitetsparat")

    page.screenshot(path=str(skaermbilleder / "registreringsformular.png"), full_page=True)

    page.get_by_role("button", name="Registrér samtale").click()

    expect(page).to_have_url(re.compile(re.escape(detalje_url(kontanthjaelp)) + "$"))
    beskeder = page.get_by_role("status").first
    expect(beskeder).to_contain_text("er registreret")
    expect(beskeder).to_contain_text(
        f"Visitationsgruppen er nu Aktivitetsparat med virkning fra {dansk(factories.idag())}"
    )

    samtale = page.get_by_role("article").filter(has_text="Jobsamtale")
    expect(samtale).to_have_count(1)
    expect(samtale.get_by_role("heading")).to_contain_text(f"{dansk(igaar)} · Jobsamtale · Personlig")
    expect(samtale).to_contain_text("Tina Tolk (Tolk, telefonisk)")
    expect(samtale).not_to_contain_text("Mona Mentor")
    expect(samtale).to_contain_text("Borgeren har anmodet om tidlig opfølgning")
    expect(page.locator("#gaeldende-aftale")).to_have_text(AFTALE)
    visitation = page.locator("#gaeldende-visitationsgruppe")
    expect(visitation).to_contain_text("Aktivitetsparat")
    expect(visitation).to_contain_text(f"med virkning fra {dansk(factories.idag())}")
    expect(page.get_by_role("main")).to_contain_text("Tidlig opfølgning - fast track")

    page.screenshot(path=str(skaermbilleder / "borgerens-side.png"), full_page=True)

    gemt = Samtale.objects.get()
    assert gemt.samtaletype.kode == "7" and gemt.dato == igaar
    assert [(d.navn, d.rolle.kode, d.deltagelsesform.kode) for d in gemt.deltagere.all()] == [
        ("Tina Tolk", "tolk", "2")
    ]


def test_tekst_i_aftalen_forsvinder_ikke_naar_typen_skiftes(logget_ind: Page, kontanthjaelp):
    """A typed agreement stays on the page (and is refused at the field) when the chosen
    type has no agreement, so nothing the caseworker wrote is silently dropped."""
    page = logget_ind
    page.goto(opret_url(kontanthjaelp))
    vaelg_dato(page)  # issue 25: the date starts empty
    page.get_by_label("Samtaletype").select_option("7")
    page.locator("textarea[name=aftale]").fill("Søge 2 job om ugen.")
    page.get_by_label("Samtaletype").select_option("4")
    expect(page.locator("textarea[name=praktiske_aftaler]")).to_be_visible()
    expect(page.locator("textarea[name=aftale]")).to_have_value("Søge 2 job om ugen.")

    page.get_by_label("Samtaleform").select_option("2")
    page.get_by_role("button", name="Registrér samtale").click()
    expect(page.locator("#div_id_aftale")).to_contain_text("Denne samtaletype må ikke indeholde en bindende aftale")
    assert not Samtale.objects.exists()


def test_jobsamtale_uden_aftale_afvises_med_dansk_fejl_ved_feltet(logget_ind: Page, kontanthjaelp):
    page = logget_ind
    page.goto(opret_url(kontanthjaelp))
    vaelg_dato(page)  # issue 25: the date starts empty
    page.get_by_label("Samtaletype").select_option("7")
    page.get_by_label("Samtaleform").select_option("1")
    page.get_by_label("Særlig indsats").fill("Virksomhedspraktik")
    page.get_by_role("button", name="Registrér samtale").click()

    aftale = page.locator("textarea[name=aftale]")
    expect(aftale).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#div_id_aftale")).to_contain_text(
        "Den bindende aftale om det fortsatte kontaktforløb skal udfyldes (§ 28 nr. 5)."
    )
    # Still the form, with what was entered.
    expect(page.get_by_role("heading", name="Registrér samtale")).to_be_visible()
    expect(page.get_by_label("Samtaletype")).to_have_value("7")
    expect(page.get_by_label("Særlig indsats")).to_have_value("Virksomhedspraktik")
    assert not Samtale.objects.exists()

    page.goto(detalje_url(kontanthjaelp))
    expect(page.get_by_role("main")).to_contain_text("Der er ikke registreret samtaler med borgeren.")
    expect(page.locator("#gaeldende-aftale")).to_have_text("Ingen bindende aftale endnu.")


def test_samtale_med_fremtidig_dato_afvises_med_dansk_fejl_ved_datoen(logget_ind: Page, kontanthjaelp):
    page = logget_ind
    imorgen = factories.idag() + datetime.timedelta(days=1)
    page.goto(opret_url(kontanthjaelp))
    page.get_by_label("Samtaletype").select_option("4")
    page.get_by_label("Samtaleform").select_option("2")
    page.get_by_label("Praktiske aftaler om det videre forløb").fill("Ringer igen om en uge.")
    page.get_by_label("Dato for samtalen").fill(imorgen.isoformat())
    page.get_by_role("button", name="Registrér samtale").click()

    expect(page.get_by_label("Dato for samtalen")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#div_id_dato")).to_contain_text("Datoen ligger i fremtiden. Kun afholdte samtaler registreres")
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_have_value("Ringer igen om en uge.")
    assert not Samtale.objects.exists()


def test_jobsamtale_starter_fra_den_gaeldende_aftale(logget_ind: Page, kontanthjaelp, sagsbehandler):
    tidligere = factories.data(dato=factories.dage_siden(10), aftale="Søge 2 job om ugen.")
    services.samtale_registrer(person=kontanthjaelp, data=tidligere, bruger=sagsbehandler)
    page = logget_ind
    page.goto(opret_url(kontanthjaelp))
    page.get_by_label("Samtaletype").select_option("4")
    expect(page.locator("[name=aftale]")).to_have_count(0)
    page.get_by_label("Samtaletype").select_option("7")
    expect(page.locator("textarea[name=aftale]")).to_have_value("Søge 2 job om ugen.")
    expect(page.locator("#dynamiske-felter")).to_contain_text(
        f"Gældende aftale er fra Jobsamtale den {dansk(tidligere.dato)}."
    )


def test_faelles_jobsamtale_for_dagpengemodtager_viser_akassens_deltagelse_og_cv(logget_ind: Page, jobcenter):
    dagpenge = factories.person(kontaktgruppe="1", jc=jobcenter, akasse="3F", navn="Dorte Dagpenge")
    page = logget_ind
    page.goto(opret_url(dagpenge))
    vaelg_dato(page)  # issue 25: the date starts empty
    # Kontaktgruppe 1 is not visited; the CV assessment (stk. 4) applies.
    expect(page.locator("[name=visitationsgruppe]")).to_have_count(0)
    expect(page.get_by_label("CV-oplysningerne er ikke længere fyldestgørende")).to_be_visible()
    expect(page.locator("[name=akasse_deltagelse]")).to_have_count(0)
    page.get_by_label("Samtaletype").select_option("19")
    expect(page.get_by_label("A-kassens deltagelse")).to_be_visible()
    expect(page.locator("textarea[name=aftale]")).to_be_visible()

    page.get_by_label("Samtaleform").select_option("5")
    page.locator("textarea[name=aftale]").fill("Søge 5 job om ugen inden for lager og logistik.")
    page.get_by_label("A-kassens deltagelse").select_option("deltog")
    page.get_by_label("CV-oplysningerne er ikke længere fyldestgørende").check()
    page.get_by_role("button", name="Registrér samtale").click()

    expect(page).to_have_url(re.compile(re.escape(detalje_url(dagpenge)) + "$"))
    samtale = page.get_by_role("article")
    expect(samtale).to_contain_text("Fælles jobsamtale med dagpengemodtager og a-kasse · Videokonference")
    expect(samtale).to_contain_text("A-kassen deltog")
    expect(page.locator("#cv-vurdering")).to_contain_text("ikke længere fyldestgørende")
    expect(page.locator("#gaeldende-aftale")).to_have_text("Søge 5 job om ugen inden for lager og logistik.")
    # § 28 nr. 9 does not apply to kontaktgruppe 1: no visitation card (issue 13).
    expect(page.locator("#gaeldende-visitationsgruppe")).to_have_count(0)


def test_tilbage_uden_indtastning_forlader_formularen_uden_at_spoerge(logget_ind: Page, kontanthjaelp):
    page = logget_ind
    page.goto(opret_url(kontanthjaelp))
    expect(page.get_by_role("link", name="Annullér")).to_have_count(0)  # annullering is for conversations only
    page.get_by_role("link", name="Tilbage").click()
    expect(page).to_have_url(re.compile(re.escape(detalje_url(kontanthjaelp)) + "$"))


def test_tilbage_efter_indtastning_spoerger_foerst(logget_ind: Page, kontanthjaelp, skaermbilleder):
    page = logget_ind
    page.goto(opret_url(kontanthjaelp) + "?samtaletype=4")
    page.get_by_label("Praktiske aftaler om det videre forløb").fill("Ringer igen om en uge.")
    tilbage = page.get_by_role("link", name="Tilbage")
    tilbage.click()

    dialog = page.get_by_role("dialog", name="Forlad formularen uden at gemme?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Det, du har skrevet, er ikke gemt")
    expect(dialog.get_by_role("button", name="Bliv på siden")).to_be_focused()
    page.screenshot(path=str(skaermbilleder / "forlad-dialog-1280.png"))
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=str(skaermbilleder / "forlad-dialog-390.png"))
    # Staying keeps everything, and the focus goes back to "Tilbage".
    dialog.get_by_role("button", name="Bliv på siden").click()
    expect(dialog).to_be_hidden()
    expect(tilbage).to_be_focused()
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_have_value("Ringer igen om en uge.")
    # Escape is "stay" too.
    tilbage.click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(re.escape(opret_url(kontanthjaelp))))

    tilbage.click()
    dialog.get_by_role("link", name="Forlad uden at gemme").click()
    expect(page).to_have_url(re.compile(re.escape(detalje_url(kontanthjaelp)) + "$"))
    assert not Samtale.objects.exists()


def test_tilbage_efter_afvist_registrering_spoerger_foerst(logget_ind: Page, kontanthjaelp):
    """A refused submit came back with what was typed: leaving it asks too."""
    page = logget_ind
    page.goto(opret_url(kontanthjaelp) + "?samtaletype=7")
    page.get_by_role("button", name="Registrér samtale").click()
    expect(page.locator("#fejloversigt")).to_be_visible()
    page.get_by_role("link", name="Tilbage").click()
    expect(page.get_by_role("dialog", name="Forlad formularen uden at gemme?")).to_be_visible()
