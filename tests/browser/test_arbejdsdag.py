"""The caseworker's day in Chromium (issue 13): printing (emulated print media), a phone's
390 CSS px on every main page (the menu collapses, nothing is wider than the screen, touch
targets of 44 px), and the auditor's tables readable at 1280 and 390 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from registrering import services
from registrering.models import Bruger
from tests import factories
from tests.browser.hjaelpere import detalje_url, log_ind, opret_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SKAERME = Path(os.environ.get("SKAERMBILLEDER", "/tmp/screens"))


@pytest.fixture
def borger(jobcenter, sagsbehandler):
    """Karl in kontaktgruppe 2 with 25 conversations (so the page has "Vis flere"), a
    visitation registered after the conversation (stk. 2), a correction and a cancellation."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")
    for i in range(24, 0, -1):
        services.samtale_registrer(
            person=person,
            data=factories.data(dato=factories.dage_siden(7 * i + 2), aftale=f"Søge {i} job om ugen."),
            bruger=sagsbehandler,
        )
    samtale = services.samtale_registrer(
        person=person,
        data=factories.data(
            dato=factories.igaar(),
            visitationsgruppe="jobparat",
            aftale="Søge 3 job om ugen.\nMøde hver 4. uge.",
            deltagere=[factories.deltager("Mona Mentor")],
        ),
        bruger=sagsbehandler,
    ).samtale
    services.samtale_ret(
        samtale=samtale,
        data=factories.data(
            dato=samtale.dato, visitationsgruppe="jobparat", aftale="Søge 3 job om ugen.\nMøde hver 4. uge."
        ),
        begrundelse="Tilføjet mødefrekvens",
        bruger=sagsbehandler,
    )
    return person, samtale


def _side(context: BrowserContext, bruger, live_server, bredde: int = 1280) -> Page:
    context.clear_cookies()
    log_ind(context, bruger, live_server.url)
    side = context.new_page()
    side.set_viewport_size({"width": bredde, "height": 844 if bredde < 500 else 900})
    return side


# --- printing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hvilken", ["borgerens-side", "aftale"])
def test_udskrift_uden_menu_og_knapper_med_borger_jobcenter_og_dato(
    context: BrowserContext, live_server, sagsbehandler, borger, hvilken
):
    person, _ = borger
    page = _side(context, sagsbehandler, live_server)
    page.goto(
        detalje_url(person)
        if hvilken == "borgerens-side"
        else reverse("registrering:aftale-udskriv", kwargs={"pk": person.pk})
    )
    hoved = page.locator(".udskrift-hoved")
    expect(hoved).to_be_hidden()  # on screen: the page as usual
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_visible()

    page.emulate_media(media="print")
    expect(hoved).to_be_visible()
    expect(hoved).to_contain_text("Karl Kontanthjælp")
    expect(hoved).to_contain_text("Jobcenter Aarhus")
    expect(hoved).to_contain_text(factories.idag().strftime("%d.%m.%Y"))
    expect(page.locator("header")).to_be_hidden()
    synlige_knapper = page.locator(".btn, button, form, nav").evaluate_all(
        "es => es.filter(e => e.offsetParent !== null || e.getClientRects().length).map(e => e.outerHTML.slice(0, 80))"
    )
    assert synlige_knapper == [], synlige_knapper
    expect(page.locator("#gaeldende-aftale" if hvilken == "borgerens-side" else "#aftale-udskrift")).to_contain_text(
        "Møde hver 4. uge."
    )
    SKAERME.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SKAERME / f"udskrift-{hvilken}.png"), full_page=True)


# --- 390 px -------------------------------------------------------------------------------------

# The touch targets measured: buttons, the menu, fields, and links that open a citizen.
# Links inside running text are exempt (WCAG 2.5.5's "inline" exception).
MAAL = (
    ":is(.btn, button, .nav-link, .navbar-toggler, .maal-link, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select)"
    ":not([aria-hidden=true])"  # a hidden submit that only gives Enter its default is no target
)

SMAA_MAAL = f"""() => [...document.querySelectorAll('{MAAL}')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => ({{h: e.getBoundingClientRect().height, w: e.getBoundingClientRect().width, e: e.outerHTML.slice(0, 90)}}))
  .filter(m => m.h < 44 || m.w < 44)"""


def test_hver_hovedside_passer_til_390_px(context: BrowserContext, live_server, jobcenter, sagsbehandler, borger):
    person, samtale = borger
    revisor = factories.bruger("revisor", rolle="revisor")
    teamleder = factories.bruger("tea", rolle="teamleder", jc=jobcenter)
    borgeren = Bruger.objects.create_user("karl", password="x", person=person)
    sider = [
        (borgeren, "mine-samtaler", reverse("registrering:mine-samtaler")),
        (sagsbehandler, "forside", reverse("registrering:forside")),
        (sagsbehandler, "soeg", reverse("registrering:person-soeg") + "?q=karl"),
        (sagsbehandler, "opret-borger", reverse("registrering:person-opret")),
        (sagsbehandler, "borgerens-side", detalje_url(person)),
        (sagsbehandler, "registrering", opret_url(person) + "?samtaletype=7"),
        (sagsbehandler, "ret", reverse("registrering:samtale-ret", kwargs={"pk": samtale.pk})),
        (sagsbehandler, "annuller", reverse("registrering:samtale-annuller", kwargs={"pk": samtale.pk})),
        (sagsbehandler, "aftale", reverse("registrering:aftale-udskriv", kwargs={"pk": person.pk})),
        (revisor, "soeg-revisor", reverse("registrering:person-soeg") + "?q=karl"),
        (revisor, "historik", reverse("registrering:person-historik", kwargs={"pk": person.pk})),
        (teamleder, "drift", reverse("indberetning:drift")),
    ]
    SKAERME.mkdir(parents=True, exist_ok=True)
    for bruger, navn, adresse in sider:
        page = _side(context, bruger, live_server, bredde=390)
        page.goto(adresse)
        for detaljer in page.locator("details").all():
            detaljer.evaluate("e => e.open = true")
        # The menu is collapsed behind its toggler, and opens with it.
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        expect(page.locator("#hovedmenu")).to_be_hidden()
        bredde = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert bredde[0] <= bredde[1], f"{navn}: siden er {bredde[0]}px bred på en {bredde[1]}px skærm"
        rulletabeller = page.evaluate(
            "() => [...document.querySelectorAll('.table-responsive, table')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)"
        )
        # The operations page's wide tables (issue 12's lane) still scroll inside their box.
        assert navn == "drift" or rulletabeller == [], f"{navn}: tabeller, der ruller sidelæns: {rulletabeller}"
        page.screenshot(path=str(SKAERME / f"390-{navn}.png"), full_page=True)
        smaa = page.evaluate(SMAA_MAAL)
        assert smaa == [], f"{navn}: berøringsflader under 44 px: {smaa}"
        toggler.click()
        expect(page.locator("#hovedmenu")).to_be_visible()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        smaa = page.evaluate(SMAA_MAAL)
        assert smaa == [], f"{navn}: berøringsflader i menuen under 44 px: {smaa}"
        if navn == "forside":
            page.screenshot(path=str(SKAERME / "390-menu-aaben.png"))
        page.close()


def test_menuen_kan_bruges_uden_javascript_paa_390_px(uden_js_side: Page, live_server, sagsbehandler):
    log_ind(uden_js_side.context, sagsbehandler, live_server.url)
    uden_js_side.set_viewport_size({"width": 390, "height": 844})
    uden_js_side.goto(reverse("registrering:forside"))
    expect(uden_js_side.locator(".navbar-toggler")).to_be_hidden()
    expect(uden_js_side.get_by_role("link", name="Find borger")).to_be_visible()
    assert uden_js_side.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# --- the auditor's tables --------------------------------------------------------------------------

# Every word in the audit tables' cells lies on one line: a word broken in the middle has a
# range with two boxes.
DELTE_ORD = """() => {
  const delte = [];
  for (const td of document.querySelectorAll('table.adgange td, #historik td')) {
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const re = /\\S+/g; let m;
      while ((m = re.exec(n.textContent))) {
        const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const linjer = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
        if (linjer.size > 1) delte.push(m[0]);
      }
    }
  }
  return delte;
}"""


@pytest.mark.parametrize("bredde", [1280, 390])
def test_revisorens_tabeller_kan_laeses_uden_delte_ord(
    context: BrowserContext, live_server, sagsbehandler, borger, bredde
):
    person, samtale = borger
    services.samtale_annuller(samtale=samtale, begrundelse="Registreret på den forkerte borger", bruger=sagsbehandler)
    revisor = factories.bruger("revisor", rolle="revisor", first_name="Rikke", last_name="Revisor")
    for _ in range(3):
        services.adgang_log(bruger=revisor, personer=[person], handling="historik", detaljer="x")
    page = _side(context, revisor, live_server, bredde=bredde)
    page.goto(reverse("registrering:person-historik", kwargs={"pk": person.pk}))
    page.locator("details").first.evaluate("e => e.open = true")
    expect(page.locator("table.adgange td").first).to_be_visible()
    assert page.locator("#historik").get_by_text("Samtale", exact=False).first.is_visible()
    expect(page.locator("#historik")).to_contain_text("annulleret")
    assert page.evaluate(DELTE_ORD) == []
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    SKAERME.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SKAERME / f"historik-{bredde}.png"), full_page=True)


def test_aftalen_udskrives_med_en_knap(context: BrowserContext, live_server, sagsbehandler, borger):
    """The printable agreement has its own print button (the citizen gets it on paper)."""
    person, _ = borger
    page = _side(context, sagsbehandler, live_server)
    page.add_init_script("window.print = () => { window.udskrevet = (window.udskrevet || 0) + 1; };")
    page.goto(reverse("registrering:aftale-udskriv", kwargs={"pk": person.pk}))
    page.get_by_role("button", name="Udskriv aftalen").click()
    assert page.evaluate("window.udskrevet") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Udskriv aftalen")).to_be_hidden()
    expect(page.locator("#aftale-udskrift")).to_contain_text("Møde hver 4. uge.")
