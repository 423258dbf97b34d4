"""The citizen's insight (issue 24) in Chromium on a 390 px phone: readable without
sideways scrolling, every access row with its labels, no serious accessibility violation,
and the JSON download works from the page."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, expect

from registrering import services
from registrering.models import Adgangslog, Bruger
from tests import factories
from tests.browser.hjaelpere import log_ind
from tests.browser.test_tilgaengelighed import tjek_side

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_indsigt_paa_en_telefon_390_px(context: BrowserContext, live_server, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Bente Borger")
    services.samtale_registrer(
        person=person,
        data=factories.data(dato=factories.igaar(), aftale="Søge 2 job om ugen, blandt andet som lagerarbejder."),
        bruger=sagsbehandler,
    )
    services.adgang_log(bruger=sagsbehandler, personer=[person], handling=Adgangslog.Handling.VIS)
    borger = Bruger.objects.create_user("bente", password="x", person=person)
    log_ind(context, borger, live_server.url)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("registrering:borger-indsigt"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine data hos jobcentret")
    raekker = page.locator("#adgange tbody tr")
    expect(raekker).to_have_count(Adgangslog.objects.filter(person=person).count())
    # Stacked on a phone: each value says what it is.
    for kolonne in ("Tidspunkt", "Hvem", "Hvad", "Formål"):
        expect(raekker.first.get_by_role("cell", name=re.compile(f"^{kolonne}: "))).to_have_count(1)
    expect(page.locator("#adgange")).to_contain_text("Jobcenter Aarhus")
    expect(page.locator("#adgange")).not_to_contain_text("Sagsbehandler")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    tjek_side(page, "borger-indsigt-390")
    with page.expect_download() as hentning:
        page.get_by_role("link", name="Hent alle dine data (JSON)").click()
    data = json.loads(open(hentning.value.path(), encoding="utf-8").read())
    assert data["samtaler"][0]["aftale"].startswith("Søge 2 job om ugen")
    assert len(data["adgange"]) == Adgangslog.objects.filter(person=person).count()
