"""Browser tests: Playwright (sync API) driving the system's Chromium against ``live_server``.

Run them alone with ``.venv/bin/python -m pytest -m browser`` (or leave them out with
``-m "not browser"``). Chromium is /usr/bin/chromium; Playwright's own browser download
is not used. Two tests save screenshots to /tmp/screens/ (``SKAERMBILLEDER`` overrides).

Playwright's sync API runs an event loop in the test thread, so Django's guard against
synchronous database calls from async contexts has to be switched off
(``DJANGO_ALLOW_ASYNC_UNSAFE``) -- only while the browser runs, because the variable
would otherwise leak into other tests and their subprocesses (``check --deploy`` rightly
refuses it).

Database: ``live_server`` needs real transactions, and after every transactional test
pytest-django flushes every table, which also removes the code lists and roles that the
migrations load. The tests therefore use ``serialized_rollback=True``: the test database
is serialized once after migrating and reloaded before each such test (see
``pytestmark`` in the test modules). As in Django's own runner, a transactional test
leaves the database empty behind it; pytest-django runs the ordinary (rolled-back) tests
first, so they still see the migrated data. Do not reload the data after a browser test:
the next ``serialized_rollback`` test would then collide with it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.hjaelpere import log_ind

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # `make test` provisions it (Makefile)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKAERMBILLEDER = Path(os.environ.get("SKAERMBILLEDER", "/tmp/screens"))

# Everything a user waits for in these tests is local; fail fast rather than hang.
expect.set_options(timeout=5_000)

# Every test module here sets
#   pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
# (select them with -m browser, leave them out with -m "not browser").


@pytest.fixture(scope="package")
def browser(django_db_setup) -> Browser:
    """One Chromium for all browser tests (started once, like a session fixture, but
    stopped when the last test in tests/browser/ has run; see below why).

    While Playwright's sync API is active, an asyncio event loop counts as running in the
    test thread, and Django then keeps database connections in context-local rather than
    thread-local storage: the tests get a *new* connection object, not the one the test
    database was created (and serialized, for ``serialized_rollback``) with. The
    serialized contents are handed over to the new connection here, or every
    ``serialized_rollback`` test after the first would start with empty tables. Stopping
    Playwright after this package gives later tests their ordinary connection back.
    """
    from django.db import connections

    foer = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, forbindelse in foer.items():
            if hasattr(forbindelse, "_test_serialized_contents") and connections[alias] is not forbindelse:
                connections[alias]._test_serialized_contents = forbindelse._test_serialized_contents
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
        connections.close_all()  # the loop-context connections; the thread's own stay


def _ny_kontekst(browser: Browser, live_server, **kw) -> BrowserContext:
    kontekst = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900}, **kw
    )
    kontekst.set_default_timeout(5_000)
    kontekst.set_default_navigation_timeout(10_000)
    return kontekst


@pytest.fixture
def context(browser: Browser, live_server) -> BrowserContext:
    kontekst = _ny_kontekst(browser, live_server)
    yield kontekst
    kontekst.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    side = context.new_page()
    fejl: list[str] = []
    side.on("pageerror", lambda e: fejl.append(str(e)))
    yield side
    side.close()
    assert not fejl, f"JavaScript-fejl i siden: {fejl}"


@pytest.fixture
def uden_js_side(browser: Browser, live_server) -> Page:
    """A page in a context with JavaScript switched off (the no-script path)."""
    kontekst = _ny_kontekst(browser, live_server, java_script_enabled=False)
    yield kontekst.new_page()
    kontekst.close()


@pytest.fixture
def logget_ind(context: BrowserContext, page: Page, sagsbehandler, live_server) -> Page:
    """A page whose browser is logged in as the caseworker Sara (Jobcenter Aarhus)."""
    log_ind(context, sagsbehandler, live_server.url)
    return page


@pytest.fixture
def skaermbilleder() -> Path:
    SKAERMBILLEDER.mkdir(parents=True, exist_ok=True)
    return SKAERMBILLEDER
