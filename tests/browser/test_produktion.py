"""Browser smoke test of the production path: ``collectstatic`` and gunicorn with DEBUG=0
(tests/test_produktion.py covers the same server without a browser).

Chromium talks to gunicorn on a loopback port and every request carries
``X-Forwarded-Proto: https``, as the TLS proxy in front of it would add (SECURE_SSL_REDIRECT
is on). Behind the proxy the browser's Origin would be https://…; here it is the loopback
http:// address, which the server is told to trust (CSRF_TRUSTED_ORIGINS). The browser prefers English (locale en-US), and still sees only Danish."""

import re

import pytest
from playwright.sync_api import Browser, expect

from registrering.models import Samtale
from tests import factories
from tests.browser.hjaelpere import KODEORD, detalje_url, opret_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def produktion(tmp_path, django_db_setup):
    from django.db import connection

    env = factories.produktion_env(
        database_url=factories.database_url(connection.settings_dict),
        static_root=tmp_path / "static",
        INDBERETNING_DIR=tmp_path / "drop",
    )
    factories.collectstatic(env)
    proces, url = factories.gunicorn(env, tmp_path / "gunicorn.log")
    yield url
    proces.stop()


def test_log_ind_registrer_og_se_samtalen_under_gunicorn_med_debug_0(
    browser: Browser, produktion, settings, jobcenter, skaermbilleder
):
    # The server hashes with the production settings (argon2), not the tests' fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    bruger = factories.bruger("sara", jc=jobcenter, first_name="Sara", last_name="Sagsbehandler")
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")

    kontekst = browser.new_context(
        base_url=produktion,
        locale="en-US",
        extra_http_headers={"X-Forwarded-Proto": "https", "Accept-Language": "en-US,en;q=0.9"},
    )
    kontekst.set_default_timeout(10_000)
    page = kontekst.new_page()
    fejl: list[str] = []
    page.on("response", lambda r: r.status >= 400 and fejl.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and fejl.append(f"konsol: {m.text}"))
    page.on("pageerror", lambda e: fejl.append(f"js: {e}"))
    try:
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("html")).to_have_attribute("lang", "da")
        page.get_by_label("Brugernavn").fill(bruger.username)
        page.get_by_label("Adgangskode").fill(KODEORD)
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("button", name="Log ud")).to_be_visible()

        page.goto(opret_url(person) + "?samtaletype=4")
        page.locator("[name=dato]").fill(factories.idag().isoformat())
        page.locator("[name=samtaleform]").select_option("1")
        page.locator("textarea[name=praktiske_aftaler]").fill("Næste møde aftales telefonisk.")
        page.get_by_role("button", name="Registrér samtale").click()

        expect(page).to_have_url(re.compile(re.escape(detalje_url(person)) + "$"))
        expect(page.get_by_role("heading", name=re.compile("Karl Kontanthjælp"))).to_be_visible()
        expect(page.locator(".samtale-titel")).to_have_count(1)
        expect(page.get_by_text("Opfølgningssamtale").first).to_be_visible()
        # Bootstrap's stylesheet is applied (the hashed file was served, not a 404).
        assert page.evaluate("getComputedStyle(document.querySelector('.btn')).display") == "inline-block"
        page.screenshot(path=str(skaermbilleder / "produktion-borger.png"), full_page=True)
    finally:
        kontekst.close()
    assert Samtale.objects.filter(person=person).count() == 1
    assert not fejl, fejl
