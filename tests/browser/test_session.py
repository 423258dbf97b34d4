"""An idle session keeps the caseworker's work (issue 18.1), in Chromium.

A caseworker fills in the registration form during a long conversation (typing sends no
request). Before the idle limit the page warns in an accessible Danish dialog and
"Forlæng" renews the session; and if the session ends anyway, what was typed comes back
after the next login and is registered once. The browser's clock is Playwright's
(``page.clock``: minutes pass in a moment); the server's idle clock is the session row's,
set back as many minutes (``sidst_aktiv``)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import KODEORD, detalje_url, opret_url, vaelg_dato

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AFTALE = "Søge 3 job om ugen inden for lager og logistik; møde op hver 4. uge (æøå ÆØÅ)."


@pytest.fixture
def karl(jobcenter):
    return factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")


def sidst_aktiv(context: BrowserContext, minutter_siden: float) -> None:
    """The server's idle clock for this browser's session: its last request that long ago."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from samtaler_site.sikkerhed import SIDST_AKTIV

    cookie = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    session[SIDST_AKTIV] = time.time() - minutter_siden * 60
    session.save()


def server_sidst_aktiv(context: BrowserContext) -> float:
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from samtaler_site.sikkerhed import SIDST_AKTIV

    cookie = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=cookie["value"])[SIDST_AKTIV]


def udfyld(page: Page, person) -> None:
    page.goto(opret_url(person) + "?samtaletype=7")
    vaelg_dato(page)  # issue 25: the date starts empty
    page.get_by_label("Samtaleform").select_option("5")
    page.locator("textarea[name=aftale]").fill(AFTALE)
    page.get_by_role("button", name="Tilføj deltager").click()
    raekke = page.get_by_role("group", name="Deltager 1", exact=True)
    raekke.get_by_label("Navn").fill("Mona Mentor")
    raekke.get_by_label("Rolle").select_option("mentor")
    raekke.get_by_label("Deltagelsesform").select_option("1")


def log_ind_paa_siden(page: Page) -> None:
    page.locator("[name=username]").fill("sara")
    page.locator("[name=password]").fill(KODEORD)
    page.get_by_role("button", name="Log ind").click()


def er_som_udfyldt(page: Page) -> None:
    expect(page.locator("#gendannet")).to_contain_text("er sat ind igen. Det er ikke gemt endnu")
    expect(page.locator("textarea[name=aftale]")).to_have_value(AFTALE)
    expect(page.get_by_label("Samtaletype")).to_have_value("7")
    expect(page.get_by_label("Samtaleform")).to_have_value("5")
    raekke = page.get_by_role("group", name="Deltager 1", exact=True)
    expect(raekke.get_by_label("Navn")).to_have_value("Mona Mentor")
    expect(raekke.get_by_label("Rolle")).to_have_value("mentor")


def registrer_og_tjek(page: Page, person) -> None:
    page.get_by_role("button", name="Registrér samtale").click()
    expect(page).to_have_url(re.compile(re.escape(detalje_url(person)) + "$"))
    samtale = Samtale.objects.get()
    assert (samtale.aftale, samtale.samtaleform.kode) == (AFTALE, "5")
    assert [d.navn for d in samtale.deltagere.all()] == ["Mona Mentor"]
    # Accepted: the browser no longer keeps it.
    assert page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('bevaret:')).length") == 0


def test_advarsel_foer_sessionen_udloeber_og_forlaeng_holder_den_aaben(logget_ind: Page, karl):
    page = logget_ind
    page.clock.install()
    udfyld(page, karl)
    aftale = page.locator("textarea[name=aftale]")
    aftale.focus()
    dialog = page.get_by_role("alertdialog")
    page.clock.fast_forward("20:00")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("06:00")  # 26 minutes without a request: 4 left
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Du bliver snart logget ud")
    expect(dialog).to_contain_text("Om 4 minutter bliver du logget ud")
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog.get_by_role("button", name="Forlæng")).to_be_focused()

    sidst_aktiv(page.context, 26)
    dialog.get_by_role("button", name="Forlæng").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#session-status")).to_have_text("Du er stadig logget ind. Sessionen er forlænget.")
    expect(aftale).to_be_focused()  # back where the caseworker was
    assert time.time() - server_sidst_aktiv(page.context) < 10  # the server's idle clock started again

    sidst_aktiv(page.context, 29)  # 29 more minutes: still within the limit
    registrer_og_tjek(page, karl)


def test_udloebet_session_bevarer_det_skrevne_og_registrerer_det_en_gang(logget_ind: Page, karl):
    """The issue's case: idle past the limit, then "Registrér samtale": the login page says
    why and that the input is kept; after logging in the form is back as it was."""
    page = logget_ind
    udfyld(page, karl)
    sidst_aktiv(page.context, 31)

    page.get_by_role("button", name="Registrér samtale").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?.*udloebet=post"))
    besked = page.locator("#session-udloebet")
    expect(besked).to_contain_text("Din session er udløbet, fordi du ikke har været aktiv i 30 minutter.")
    expect(page.locator("#session-bevaret")).to_be_visible()
    expect(page.locator("#session-bevaret")).to_contain_text("bevaret i denne browser")
    assert not Samtale.objects.exists()

    log_ind_paa_siden(page)
    expect(page).to_have_url(re.compile(re.escape(opret_url(karl))))
    er_som_udfyldt(page)
    registrer_og_tjek(page, karl)


def test_udloebet_mens_siden_stod_aaben_log_ind_igen_bevarer_det_skrevne(logget_ind: Page, karl):
    page = logget_ind
    page.clock.install()
    udfyld(page, karl)
    sidst_aktiv(page.context, 31)
    dialog = page.get_by_role("alertdialog")
    page.clock.fast_forward("31:00")

    expect(dialog).to_have_accessible_name("Du er logget ud")
    expect(dialog).to_contain_text("Det, du har skrevet på siden, er bevaret i browseren")
    expect(dialog.get_by_role("button", name="Log ind igen")).to_be_focused()
    dialog.get_by_role("button", name="Log ind igen").click()

    expect(page.locator("#session-bevaret")).to_be_visible()
    log_ind_paa_siden(page)
    er_som_udfyldt(page)
    registrer_og_tjek(page, karl)


def test_modtaget_formular_naevnes_fra_en_kort_httponly_cookie_og_slippes(logget_ind: Page, karl):
    """Issue 25: the accepted form's key reaches the next page in a short-lived signed cookie
    that the page's scripts cannot read (not in the session); the page names it to app.js,
    which drops the kept copy, and the cookie is gone after that page."""
    page = logget_ind
    udfyld(page, karl)
    noegle = page.locator("#samtale-form [name=formularnoegle]").input_value()
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 302) as modtaget:
        page.get_by_role("button", name="Registrér samtale").click()
    saet = modtaget.value.header_value("set-cookie") or ""
    assert "formularer_modtaget=" in saet and "HttpOnly" in saet and "SameSite=Lax" in saet
    assert "Max-Age=300" in saet
    expect(page).to_have_url(re.compile(re.escape(detalje_url(karl)) + "$"))
    expect(page.locator("meta[name=formular-modtaget]")).to_have_attribute("content", noegle)
    assert Samtale.objects.count() == 1
    assert page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('bevaret:')).length") == 0
    assert "formularer_modtaget" not in page.evaluate("() => document.cookie")
    assert not [c for c in page.context.cookies() if c["name"] == "formularer_modtaget"]
