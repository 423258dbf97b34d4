"""Small helpers shared by the browser tests."""

from __future__ import annotations

import datetime

from django.urls import reverse
from playwright.sync_api import BrowserContext, Page

KODEORD = "hemmeligt-kodeord"  # tests/factories.py


def log_ind(kontekst: BrowserContext, bruger, url: str) -> None:
    """Put a logged-in session cookie into the browser context (faster than the form)."""
    from django.conf import settings
    from django.test import Client

    klient = Client()
    klient.force_login(bruger)
    cookie = klient.cookies[settings.SESSION_COOKIE_NAME]
    kontekst.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def dansk(dato: datetime.date) -> str:
    return dato.strftime("%d.%m.%Y")


def opret_url(person) -> str:
    return reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})


def detalje_url(person) -> str:
    return reverse("registrering:person-detalje", kwargs={"pk": person.pk})


def tab_til(page: Page, selector: str, *, hoejst: int = 40) -> None:
    """Press Tab until the focused element matches ``selector`` (a keyboard user's path)."""
    for _ in range(hoejst):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} blev ikke nået med Tab inden for {hoejst} tryk")


def fokuseret(page: Page) -> str:
    """A short description of the focused element (for assertion messages)."""
    return page.evaluate(
        "() => { const e = document.activeElement; return e ? `${e.tagName}#${e.id}[name=${e.name || ''}] ${e.textContent.trim().slice(0, 40)}` : '' }"
    )


def langsomt_net(page: Page, *, latens_ms: int = 800):
    """Chromium's own network emulation: every request from now on waits ``latens_ms``, as
    on a jobcenter's VPN (CDP ``Network.emulateNetworkConditions``)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latens_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    return cdp


def er_genindlaesning(request) -> bool:
    """An htmx re-render of the registration form (not the page's own loads)."""
    return request.method == "POST" and request.headers.get("hx-request") == "true"


def marker_felterne(page: Page) -> None:
    """Mark the swapped part, so a test can see whether a re-render has replaced it yet."""
    page.evaluate("document.getElementById('dynamiske-felter').dataset.foer = '1'")


def felterne_er_skiftet(page: Page):
    """The marked part has been replaced by a re-render's answer."""
    return page.locator("#dynamiske-felter[data-foer]")


def log_ind_hos_udbyder(page: Page, sub: str, *, knap: str = "Log ind med kommunens konto") -> None:
    """Sign in as a person does: the login page's button, the provider's page (pick the
    user ``sub``, authorize), and back to the app (the tests' provider: tests/conftest.py)."""
    page.goto(reverse("login"))
    page.get_by_role("link", name=knap).click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def vaelg_dato(page: Page, dato: datetime.date | None = None, *, vent: bool = True) -> None:
    """Decide the registration form's date (issue 25: it starts empty), yesterday unless
    given; with JavaScript, wait for the re-render the date asks for (the header shows the
    kontaktgruppe on that date), so later steps do not race it."""
    from playwright.sync_api import expect

    from tests import factories

    dato = dato or factories.igaar()
    page.get_by_label("Dato for samtalen").fill(dato.isoformat())
    if vent:
        expect(page.locator("#samtale-kontaktgruppe")).to_contain_text(dansk(dato))
