"""Nothing is cut or dropped silently (issue 18.6).

* A long text shows how much room is left (an accessible counter; screen readers hear it
  when the typing pauses, not on every key) and a text over the limit is refused with a
  Danish message at the field, in full, never cut by the browser. Browser and server count
  alike: characters, a line break as one.
* A click on "Tilføj deltager" or "Fjern" while a re-render (a new samtaletype) is under way
  is carried out after it. The network is slowed with Chromium's own emulation (800 ms), so
  the click lands while the first answer is still on its way."""

import re

import pytest
from playwright.sync_api import Page, expect

from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import (
    detalje_url,
    felterne_er_skiftet,
    langsomt_net,
    marker_felterne,
    opret_url,
    vaelg_dato,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def karl(jobcenter):
    return factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")


def tekst_paa(antal: int) -> str:
    """``antal`` characters with a line break (one character) every 40 and some æøå."""
    linje = "Søge job inden for lager og logistik, æøå."[:39] + "\n"
    return (linje * (antal // 40 + 1))[: antal - 1] + "."


def test_lang_aftale_taelles_ned_afvises_ved_feltet_og_skaeres_aldrig(logget_ind: Page, karl):
    page = logget_ind
    page.goto(opret_url(karl) + "?samtaletype=7")
    vaelg_dato(page)  # issue 25: the date starts empty
    page.get_by_label("Samtaleform").select_option("1")
    aftale = page.locator("textarea[name=aftale]")
    assert aftale.get_attribute("maxlength") is None  # the browser would cut a pasted text
    taeller = page.locator("#id_aftale-taeller")
    assert "id_aftale-taeller" in aftale.get_attribute("aria-describedby")

    for_lang = tekst_paa(4010)
    aftale.fill("")
    aftale.focus()
    page.keyboard.insert_text(for_lang)  # as a paste
    expect(taeller).to_have_text("4010 af 4000 tegn: 10 tegn for meget. Forkort teksten.")
    # Over the limit is said at once in the live region, not left to the next pause.
    expect(page.locator("#id_aftale-taeller-status")).to_have_text("10 tegn for meget. Forkort teksten.")
    assert aftale.input_value() == for_lang

    page.get_by_role("button", name="Registrér samtale").click()
    expect(page.locator("#fejloversigt")).to_contain_text(
        "Teksten har 4010 tegn, og der er plads til 4000. Forkort den med 10 tegn."
    )
    assert not Samtale.objects.exists()
    expect(page.locator("textarea[name=aftale]")).to_have_value(for_lang)  # all of it, not cut

    # Ten characters shorter (line breaks count one, here and on the server): registered whole.
    page.locator("textarea[name=aftale]").fill(tekst_paa(4000))
    expect(page.locator("#id_aftale-taeller")).to_have_text("4000 af 4000 tegn: 0 tegn tilbage")
    page.get_by_role("button", name="Registrér samtale").click()
    expect(page).to_have_url(re.compile(re.escape(detalje_url(karl)) + "$"))
    assert Samtale.objects.get().aftale.replace("\r\n", "\n") == tekst_paa(4000)  # the browser posts CR LF


def test_taelleren_siges_til_skaermlaesere_foerst_naar_der_holdes_pause(logget_ind: Page, karl):
    page = logget_ind
    page.goto(opret_url(karl) + "?samtaletype=4")
    felt = page.get_by_label("Praktiske aftaler om det videre forløb")
    status = page.locator("#id_praktiske_aftaler-taeller-status")
    expect(status).to_have_attribute("aria-live", "polite")
    felt.click()
    page.keyboard.type("Ring tirsdag", delay=30)
    expect(page.locator("#id_praktiske_aftaler-taeller")).to_have_text("12 af 4000 tegn: 3988 tegn tilbage")
    assert status.text_content() == ""  # not on every key
    expect(status).to_have_text("3988 tegn tilbage")  # after the pause


@pytest.mark.parametrize("knap", ["Tilføj deltager", "Fjern deltager 1"])
def test_klik_mens_typen_genindlaeses_udfoeres_bagefter(logget_ind: Page, karl, knap):
    """The issue's case: the samtaletype is changed, and while its re-render is on the way the
    caseworker adds (or removes) a participant: the click is carried out after it."""
    page = logget_ind
    page.goto(opret_url(karl) + "?samtaletype=4")
    page.get_by_label("Samtaleform").select_option("1")
    for nr, navn in ((1, "Mona Mentor"), (2, "Tina Tolk")):
        page.get_by_role("button", name="Tilføj deltager").click()
        page.get_by_role("group", name=f"Deltager {nr}", exact=True).get_by_label("Navn").fill(navn)
    marker_felterne(page)
    langsomt_net(page)

    page.get_by_label("Samtaletype").select_option("12")
    page.get_by_role("button", name=knap).click()
    assert felterne_er_skiftet(page).count() == 1, "genindlæsningen var allerede færdig ved klikket"

    raekker = page.locator(".deltager-raekke")
    if knap == "Tilføj deltager":
        expect(raekker).to_have_count(3)
        ny = page.get_by_role("group", name="Deltager 3", exact=True).get_by_label("Navn")
        expect(ny).to_be_focused()
        expect(page.locator("#felter-status")).to_have_text("Deltager 3 er tilføjet.")
    else:
        expect(raekker).to_have_count(1)
        expect(page.get_by_role("group", name="Deltager 1", exact=True).get_by_label("Navn")).to_have_value("Tina Tolk")
        expect(page.get_by_role("button", name="Tilføj deltager")).to_be_focused()
    expect(page.get_by_label("Samtaletype")).to_have_value("12")
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_be_visible()


def test_to_fjern_klik_mens_der_genindlaeses_fjerner_de_to_valgte(logget_ind: Page, karl):
    """Rows 1 and 3 removed while a re-render is on its way: the rows are those clicked
    (row 3 has become row 2 by the time its removal leaves)."""
    page = logget_ind
    page.goto(opret_url(karl) + "?samtaletype=4")
    for nr, navn in ((1, "Første"), (2, "Anden"), (3, "Tredje")):
        page.get_by_role("button", name="Tilføj deltager").click()
        page.get_by_role("group", name=f"Deltager {nr}", exact=True).get_by_label("Navn").fill(navn)
    marker_felterne(page)
    langsomt_net(page)

    page.get_by_label("Samtaletype").select_option("12")
    page.get_by_role("button", name="Fjern deltager 1").click()
    page.get_by_role("button", name="Fjern deltager 3").click()
    assert felterne_er_skiftet(page).count() == 1, "genindlæsningen var allerede færdig ved klikkene"

    expect(page.locator(".deltager-raekke")).to_have_count(1)
    expect(page.get_by_role("group", name="Deltager 1", exact=True).get_by_label("Navn")).to_have_value("Anden")
