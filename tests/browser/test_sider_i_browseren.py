"""Every page tells the truth and works in a real browser (issue 20).

The first test visits every page of every role in Chromium, at 1280 and 390 CSS px, with
the htmx re-renders of the registration form (samtaletype, date, participant added and
removed, a resized text field), and fails on any console error or warning, any Content
Security Policy violation (``securitypolicyviolation``, which Chromium also logs) and any
failed request (4xx/5xx answers, ``requestfailed``). It also checks that it has visited
every page the URL configuration has, so a new page cannot be left out.

The others look at what only a browser shows: the statistics chart drawn, the operations
tables whole at 390 px, the team lead's menu on one line at 1280 px, the search button
beside its field, the form's header following the chosen date, the CPR field taking what
is typed, logging out from a bookmark, and the leave-without-saving question on every way
off the form. The screenshots of statistics, operations and the citizen's page at 1280 and
390 px are saved in /tmp/shots/ (``SKUD_DIR`` overrides) for review by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver, resolve, reverse
from playwright.sync_api import BrowserContext, Page, expect

from indberetning.koersel import koersel_synkron
from indberetning.models import Batch
from registrering import borgere, services
from registrering.models import Bruger, Jobcenter, Kontaktgruppe, Person
from tests import factories
from tests.browser.hjaelpere import detalje_url, log_ind, opret_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SKUD = Path(os.environ.get("SKUD_DIR", "/tmp/shots"))
BREDDER = (1280, 390)

# Chromium reports a blocked inline style or script in the console too; the event gives the
# directive and where. A capturing listener on the document sees every element's event.
CSP_VAGT = """document.addEventListener('securitypolicyviolation', e => console.error(
  'CSP-brud: ' + e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '') +
  ' @ ' + (e.sourceFile || '') + ':' + e.lineNumber), true);"""


class Vagt:
    """Collects what went wrong on a page: console errors and warnings, uncaught script
    errors, failed requests and error answers."""

    def __init__(self, page: Page):
        self.fund: list[str] = []
        page.on("console", self._konsol)
        page.on("pageerror", lambda e: self.fund.append(f"scriptfejl: {e}"))
        page.on("requestfailed", lambda r: self.fund.append(f"fejlet forespørgsel: {r.method} {r.url} {r.failure}"))
        page.on("response", self._svar)

    def _konsol(self, besked) -> None:
        if besked.type in ("error", "warning"):
            self.fund.append(f"konsol ({besked.type}): {besked.text}")

    def _svar(self, svar) -> None:
        if svar.status >= 400:
            self.fund.append(f"HTTP {svar.status}: {svar.request.method} {svar.url}")

    def tjek(self, hvor: str) -> None:
        fund, self.fund = self.fund, []
        assert not fund, f"{hvor}:\n" + "\n".join(fund)


def _side(context: BrowserContext, bruger, live_server, bredde: int = 1280) -> tuple[Page, Vagt]:
    context.clear_cookies()
    if bruger is not None:
        log_ind(context, bruger, live_server.url)
    page = context.new_page()
    page.set_viewport_size({"width": bredde, "height": 844 if bredde < 500 else 900})
    return page, Vagt(page)


# --- the world every role meets -----------------------------------------------------------------


@pytest.fixture
def verden(jobcenter, sagsbehandler, settings, tmp_path):
    """Users of every role; Karl (kontaktgruppe 2) with a corrected conversation carrying an
    agreement, særlig indsats, a visitation and participants, a cancelled one and a follow-up
    spread over several weeks; Dorte, who went from kontaktgruppe 1 to 2 ten days ago, with a
    joint conversation with her a-kasse before that. Reporting: files in the drop folder
    (sent), one refused batch, one waiting for a retry, and one registration not sent yet."""
    settings.INDBERETNING_DIR = tmp_path / "drop"
    settings.INDBERETNING_DFDG_URL = ""
    brugere = {
        "sagsbehandler": sagsbehandler,
        "teamleder": factories.bruger("tea", rolle="teamleder", jc=jobcenter, first_name="Tina", last_name="Teamleder"),
        "revisor": factories.bruger("rikke", rolle="revisor", first_name="Rikke", last_name="Revisor"),
        "administrator": factories.bruger(
            "anna",
            rolle="administrator",
            is_staff=True,
            is_superuser=True,
            first_name="Anna",
            last_name="Administrator",
        ),
    }
    karl = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Karl Kontanthjælp")
    foerste = services.samtale_registrer(
        person=karl,
        data=factories.data(
            dato=factories.dage_siden(15),
            visitationsgruppe="jobparat",
            saerlig_indsats="Mentor to timer om ugen.",
            deltagere=[factories.deltager("Mona Mentor", "mentor", "1"), factories.deltager("Tina Tolk", "tolk", "2")],
        ),
        bruger=sagsbehandler,
    ).samtale
    services.samtale_ret(
        samtale=foerste,
        data=factories.data(
            dato=foerste.dato,
            visitationsgruppe="jobparat",
            aftale="Søge 3 job om ugen.\nMøde op til samtale hver 4. uge.",
            saerlig_indsats="Mentor to timer om ugen.",
            deltagere=[factories.deltager("Mona Mentor", "mentor", "1")],
        ),
        begrundelse="Aftalen var skrevet forkert.",
        bruger=sagsbehandler,
    )
    annulleret = services.samtale_registrer(
        person=karl,
        data=factories.data(dato=factories.dage_siden(8), samtaletype="4", praktiske_aftaler="Ring igen."),
        bruger=sagsbehandler,
    ).samtale
    services.samtale_annuller(samtale=annulleret, begrundelse="Forkert borger.", bruger=sagsbehandler)
    dorte = factories.person(kontaktgruppe="1", jc=jobcenter, navn="Dorte Dagpenge", akasse="HK")
    services.samtale_registrer(
        person=dorte,
        data=factories.data(dato=factories.dage_siden(20), samtaletype="19", akasse_deltagelse="deltog"),
        bruger=sagsbehandler,
    )
    borgere.person_ret(
        person=dorte,
        kontaktgruppe=Kontaktgruppe.objects.get(kode="2"),
        akasse=None,
        gyldig_fra=factories.dage_siden(10),
        begrundelse="Overgået til kontanthjælp.",
        bruger=sagsbehandler,
    )
    koersel_synkron()  # everything so far: files in the drop folder
    afvist = services.samtale_registrer(
        person=karl,
        data=factories.data(dato=factories.dage_siden(30), samtaletype="4", praktiske_aftaler="Mødested."),
        bruger=sagsbehandler,
    ).samtale
    factories.forsendelse_udfald(
        afvist, Batch.Status.AFVIST, sidste_http_status=400, sidste_besked="HTTP 400: Ukendt mødested."
    )
    venter = services.samtale_registrer(
        person=dorte, data=factories.data(dato=factories.dage_siden(2)), bruger=sagsbehandler
    ).samtale
    factories.forsendelse_udfald(
        venter, Batch.Status.KLAR, sidste_http_status=503, sidste_besked="HTTP 503: Prøv igen senere."
    )
    services.samtale_registrer(
        person=karl,
        data=factories.data(dato=factories.igaar(), saerlig_indsats="Mentor to timer om ugen."),
        bruger=sagsbehandler,
    )
    brugere["borger"] = Bruger.objects.create_user(
        "karl", password="x", person=karl, first_name="Karl", last_name="Kontanthjælp"
    )
    karl.refresh_from_db()
    dorte.refresh_from_db()
    return brugere, karl, dorte, foerste


# --- every page, every role ---------------------------------------------------------------------

# Pages a browser does not show as a page: downloads, a POST-only action, the health status.
IKKE_SIDER = {"registrering:person-adgangslog", "indberetning:batch-genudsend", "sundhed"}


def _alle_sidenavne() -> set[str]:
    navne = {"login", "logout"}
    for ns in ("registrering", "indberetning"):
        _prefix, resolver = get_resolver().namespace_dict[ns]
        navne |= {f"{ns}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
    return navne - IKKE_SIDER


def _registreringsformularen(page: Page, vagt: Vagt, hvor: str) -> None:
    """The form's htmx re-renders: type, a resized text field, participants, the date."""
    page.get_by_label("Samtaletype").select_option("7")
    aftale = page.locator("textarea[name=aftale]")
    expect(aftale).to_be_visible()
    # Dragging the resize handle leaves the size as a style attribute on the field; the next
    # re-render used to copy it with setAttribute (htmx's settle step): a CSP violation.
    aftale.evaluate("e => { e.style.height = '12rem'; }")
    page.get_by_role("button", name="Tilføj deltager").click()
    expect(page.locator(".deltager-raekke")).to_have_count(1)
    page.get_by_role("button", name="Tilføj deltager").click()
    expect(page.locator(".deltager-raekke")).to_have_count(2)
    page.get_by_role("button", name="Fjern deltager 1").click()
    expect(page.locator(".deltager-raekke")).to_have_count(1)
    dato = factories.dage_siden(12)
    page.get_by_label("Dato for samtalen").fill(dato.isoformat())
    page.get_by_label("Dato for samtalen").dispatch_event("change")
    expect(page.locator("#samtale-kontaktgruppe")).to_contain_text(dato.strftime("%d.%m.%Y"))
    page.get_by_label("Samtaletype").select_option("4")
    expect(page.locator("textarea[name=praktiske_aftaler]")).to_be_visible()
    expect(page.locator("#felter-status")).to_contain_text("Opfølgningssamtale")
    vagt.tjek(f"{hvor}, efter genindlæsningerne")


def _skridt(rolle: str, verden) -> list[tuple[str, object]]:
    """(address, what to do there) for each page the role meets."""
    brugere, karl, dorte, foerste = verden
    annulleret = karl.samtaler.filter(annulleret__isnull=False).first()
    afvist = Batch.objects.get(status=Batch.Status.AFVIST)
    u = reverse
    if rolle == "anonym":

        def forkert_kodeord(page: Page, vagt: Vagt, hvor: str) -> None:
            page.locator("[name=username]").fill("sara")
            page.locator("[name=password]").fill("forkert")
            page.get_by_role("button", name="Log ind").click()
            expect(page.locator("#fejloversigt")).to_be_visible()

        return [(u("login"), forkert_kodeord), (u("logout"), None)]
    if rolle == "borger":
        return [
            (u("registrering:forside"), None),
            (u("registrering:mine-samtaler"), None),
            (u("registrering:borger-indsigt"), None),
            (u("logout"), None),
        ]
    if rolle == "sagsbehandler":

        def soeg(page: Page, vagt: Vagt, hvor: str) -> None:
            page.get_by_label("CPR-nummer eller navn").fill("karl")
            page.get_by_role("button", name="Søg").click()
            expect(page.get_by_role("status")).to_have_text("1 borger fundet")

        def opret_afvist(page: Page, vagt: Vagt, hvor: str) -> None:
            page.get_by_role("button", name="Opret borger").click()
            expect(page.locator("#fejloversigt")).to_be_visible()

        return [
            (u("registrering:forside"), None),
            (u("registrering:person-soeg"), soeg),
            (u("registrering:person-opret"), opret_afvist),
            (detalje_url(karl), None),
            (detalje_url(dorte), None),
            (opret_url(karl), _registreringsformularen),
            (u("registrering:samtale-ret", kwargs={"pk": foerste.pk}), None),
            (u("registrering:samtale-annuller", kwargs={"pk": foerste.pk}), None),
            (u("registrering:person-ret", kwargs={"pk": dorte.pk}), None),
            (u("registrering:aftale-udskriv", kwargs={"pk": karl.pk}), None),
            (u("logout"), None),
        ]
    if rolle == "teamleder":
        return [
            (u("registrering:forside"), None),
            (u("indberetning:drift"), None),
            (u("indberetning:batch-detalje", kwargs={"pk": afvist.pk}), None),
            (u("registrering:statistik"), None),
            (u("registrering:statistik") + "?fra=2026-13-01", None),  # refused period: the default, and why
            (u("registrering:person-flyt", kwargs={"pk": karl.pk}), None),
            (detalje_url(karl) + f"#samtale-raekke-{annulleret.pk}", None),
        ]
    if rolle == "revisor":
        return [
            (u("registrering:forside"), None),
            (u("registrering:person-historik", kwargs={"pk": karl.pk}), None),
            (u("registrering:person-historik", kwargs={"pk": karl.pk}) + f"?dato={factories.igaar()}", None),
            (u("registrering:statistik") + "?jobcenter=751", None),
            (detalje_url(dorte), None),
        ]
    assert rolle == "administrator"
    return [
        (u("registrering:forside"), None),
        (u("indberetning:drift"), None),
        (u("indberetning:batch-detalje", kwargs={"pk": afvist.pk}), None),
        (u("registrering:statistik"), None),
        (u("admin:index"), None),
        (u("admin:registrering_person_changelist"), None),
        (u("admin:registrering_person_change", args=[karl.pk]), None),
        (u("admin:registrering_samtale_changelist"), None),
        (u("admin:indberetning_batch_changelist"), None),
        (u("admin:indberetning_batch_change", args=[afvist.pk]), None),
        (u("admin:registrering_akasse_changelist"), None),
    ]


ROLLER = ["anonym", "borger", "sagsbehandler", "teamleder", "revisor", "administrator"]


@pytest.mark.parametrize("rolle", ROLLER)
def test_hver_side_uden_konsolfejl_csp_brud_eller_fejlede_forespoergsler(
    context: BrowserContext, live_server, verden, rolle
):
    context.add_init_script(CSP_VAGT)
    brugere = verden[0]
    skridt = _skridt(rolle, verden)
    for bredde in BREDDER:
        page, vagt = _side(context, brugere.get(rolle), live_server, bredde)
        for adresse, handling in skridt:
            hvor = f"{rolle} {bredde}px {adresse}"
            svar = page.goto(adresse)
            assert svar is not None and svar.ok, f"{hvor}: {svar and svar.status}"
            page.wait_for_load_state("load")
            vagt.tjek(hvor)
            if handling is not None:
                handling(page, vagt, hvor)
                page.wait_for_load_state("load")
                vagt.tjek(f"{hvor}, efter handlingen")
        page.close()


def test_gennemgangen_naar_hver_side(verden):
    """The walk above visits every page of the URL configuration (each role test asserts
    that its pages answered), so a new page cannot be left out of it."""
    besoegte = {resolve(urlsplit(adresse).path).view_name for rolle in ROLLER for adresse, _h in _skridt(rolle, verden)}
    mangler = _alle_sidenavne() - besoegte
    assert not mangler, f"sider, som ingen rolle besøger: {sorted(mangler)}"


# --- what only a browser shows --------------------------------------------------------------------


def _skud(page: Page, navn: str) -> None:
    SKUD.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SKUD / f"{navn}.png"), full_page=True)


@pytest.mark.parametrize("bredde", BREDDER)
def test_statistikdiagrammet_tegnes_med_en_soejle_pr_uge(context: BrowserContext, live_server, verden, bredde):
    """The SVG's coordinates were written with Danish decimal commas: Chromium rejected every
    bar and the week labels piled up at the left. Now the bars have the heights of the
    table beside them, and the labels stand apart, left to right."""
    page, vagt = _side(context, verden[0]["teamleder"], live_server, bredde)
    page.goto(reverse("registrering:statistik"))
    uger = page.locator("#statistik-uger tbody tr").evaluate_all(
        "rs => rs.map(r => parseInt(r.querySelector('td').textContent, 10))"
    )
    soejler = page.locator("svg.statistik-diagram rect").evaluate_all(
        "rs => rs.map(r => { const b = r.getBBox(); return {x: b.x, h: b.height, w: b.width}; })"
    )
    assert len(soejler) == len(uger) >= 12
    assert sum(uger) >= 3, "ingen samtaler i diagrammet: testen prøver intet"
    hoejeste = max(uger)
    for antal, s in zip(uger, soejler, strict=True):
        assert s["w"] > 1
        assert abs(s["h"] - 180 * antal / hoejeste) < 0.6, (antal, s)
    assert [s["x"] for s in soejler] == sorted({s["x"] for s in soejler})
    etiketter = page.locator("svg.statistik-diagram text.uge-etiket").evaluate_all(
        "ts => ts.filter(t => getComputedStyle(t).display !== 'none').map(t => { const b = t.getBoundingClientRect(); return [b.left, b.right]; })"
    )
    assert len(etiketter) >= 4
    for (_v1, h1), (v2, _h2) in zip(etiketter, etiketter[1:], strict=False):
        assert h1 <= v2, f"ugeetiketterne overlapper: {etiketter}"
    svg = page.locator("svg.statistik-diagram").bounding_box()
    assert etiketter[0][0] >= svg["x"] - 1 and etiketter[-1][1] <= svg["x"] + svg["width"] + 1
    vagt.tjek("statistik")
    _skud(page, f"statistik-{bredde}")


@pytest.mark.parametrize("bredde", BREDDER)
def test_driftssidens_tabeller_viser_alle_kolonner(context: BrowserContext, live_server, verden, bredde):
    """At 390 px the tables hid their last columns behind a sideways scroll that no
    keyboard could reach. Now each is stacked (a row per batch, each value after its
    column's name), and where a table can scroll it is a named, focusable region."""
    page, vagt = _side(context, verden[0]["teamleder"], live_server, bredde)
    page.goto(reverse("indberetning:drift"))
    for tabel in ("#modtagere", "#seneste"):
        region = page.locator(f".table-responsive:has({tabel})")
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_attribute("role", "region")
        expect(region).to_have_accessible_name(re.compile(r"\S"))
        assert region.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{tabel} ruller sidelæns ved {bredde}px"
        celler = page.locator(f"{tabel} tbody :is(td, th)").evaluate_all(
            "cs => cs.map(c => { const b = c.getBoundingClientRect(); return {l: b.left, r: b.right, w: b.width}; })"
        )
        assert celler and all(c["w"] > 0 and c["l"] >= 0 and c["r"] <= bredde for c in celler), (tabel, celler)
    if bredde < 576:
        # Stacked: each value is preceded by its column's name (shown by CSS, ::before).
        foerste = page.locator("#seneste tbody tr").first
        for kolonne in ("Dannet", "Modtager", "Hvad", "Tilstand", "Kvitteret"):
            expect(foerste.get_by_role("cell", name=re.compile(f"^{kolonne}: "))).to_have_count(1)
        expect(
            page.locator("#modtagere tbody tr").first.get_by_role("cell", name=re.compile("^Lagt i drop-mappen: "))
        ).to_have_count(1)
    expect(page.locator("#seneste")).to_contain_text("Registrering: Samtalen")
    vagt.tjek("drift")
    _skud(page, f"drift-{bredde}")


@pytest.mark.parametrize("bredde", BREDDER)
def test_borgerens_side_siger_hvad_der_er_sket_med_indberetningen(context: BrowserContext, live_server, verden, bredde):
    brugere, karl, _dorte, foerste = verden
    page, vagt = _side(context, brugere["sagsbehandler"], live_server, bredde)
    page.goto(detalje_url(karl))
    raekke = page.locator(f"#samtale-raekke-{foerste.pk}")
    expect(raekke).to_have_attribute("data-indberetning", "sendt")
    expect(raekke.locator(".indberetning-tilstand")).to_have_text(
        "DFDG (STAR): sendt (lagt i drop-mappen, ingen kvittering)"
    )
    annulleret = page.locator("article.samtale-annulleret")
    expect(annulleret.locator(".samtale-annullering")).to_contain_text("af Sara Sagsbehandler: Forkert borger.")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    vagt.tjek("borgerens side")
    _skud(page, f"borgerens-side-{bredde}")
    page.goto(reverse("logout"))  # the citizen's own page, as the citizen
    page, vagt = _side(context, brugere["borger"], live_server, bredde)
    page.goto(reverse("registrering:mine-samtaler"))
    expect(page.locator("#gaeldende-saerlig-indsats")).to_have_text("Mentor to timer om ugen.")
    vagt.tjek("mine samtaler")
    _skud(page, f"mine-samtaler-{bredde}")


def test_teamlederens_menu_staar_paa_en_linje_ved_1280_px(context: BrowserContext, live_server, verden, jobcenter):
    # The demo's names, with which "Find borger" and "Log ud" broke over two lines.
    Jobcenter.objects.filter(pk=jobcenter.pk).update(navn="Jobcenter Aarhus (demo)")
    page, vagt = _side(context, verden[0]["teamleder"], live_server, 1280)
    page.goto(reverse("registrering:forside"))
    # Each item's text in line boxes: one line each, "Find borger" not "Find / borger".
    punkter = page.locator("#hovedmenu :is(.nav-link, .navbar-text, button)").evaluate_all(
        """es => es.map(e => { const b = e.getBoundingClientRect(); const r = document.createRange();
             r.selectNodeContents(e);
             const linjer = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
             return {t: e.textContent.trim(), top: b.top, bottom: b.bottom, right: b.right, linjer: linjer.size}; })"""
    )
    assert [p["t"] for p in punkter][:5] == ["Forside", "Find borger", "Opret borger", "Indberetning", "Statistik"]
    for p in punkter:
        assert p["linjer"] == 1, f"{p['t']!r} brydes over flere linjer: {p}"
    midter = [(p["top"] + p["bottom"]) / 2 for p in punkter]
    assert max(midter) - min(midter) < 4, f"menuen står på flere linjer: {punkter}"
    container = page.locator(".topbar .container").bounding_box()
    assert max(p["right"] for p in punkter) <= container["x"] + container["width"] + 0.5
    vagt.tjek("menu")


def test_soegeknappen_flugter_med_soegefeltet(context: BrowserContext, live_server, verden):
    page, _vagt = _side(context, verden[0]["sagsbehandler"], live_server, 1280)
    for adresse in (reverse("registrering:forside"), reverse("registrering:person-soeg")):
        page.goto(adresse)
        felt = page.get_by_label("CPR-nummer eller navn").bounding_box()
        knap = page.get_by_role("button", name="Søg", exact=True).bounding_box()
        assert abs((felt["y"] + felt["height"]) - (knap["y"] + knap["height"])) <= 1, (felt, knap)
        assert abs(felt["y"] - knap["y"]) <= 1, (felt, knap)


def test_formularens_hoved_viser_kontaktgruppen_paa_den_valgte_dato(context: BrowserContext, live_server, verden):
    """Dorte went from kontaktgruppe 1 to 2 ten days ago: for a conversation held before
    that, the header (and the rules) are kontaktgruppe 1's, with today's beside it."""
    _brugere, _karl, dorte, _foerste = verden
    page, vagt = _side(context, verden[0]["sagsbehandler"], live_server, 1280)
    page.goto(opret_url(dorte))
    hoved = page.locator("#samtale-kontaktgruppe")
    expect(hoved).to_contain_text("kontaktgruppe 2: ")
    expect(hoved).not_to_contain_text("I dag")
    tidligere = factories.dage_siden(14)
    page.get_by_label("Dato for samtalen").fill(tidligere.isoformat())
    page.get_by_label("Dato for samtalen").dispatch_event("change")
    expect(hoved).to_contain_text(f"kontaktgruppe 1: Dagpengemodtagere den {tidligere:%d.%m.%Y}")
    expect(hoved).to_contain_text("I dag: kontaktgruppe 2")
    # The fields below follow the same date: kontaktgruppe 1's CV judgement (stk. 4).
    page.get_by_label("Samtaletype").select_option("7")
    expect(page.locator("[name=cv_ikke_fyldestgoerende]")).to_be_visible()
    vagt.tjek("formularens hoved")


def test_cpr_feltet_tager_hele_nummeret_som_det_skrives(context: BrowserContext, live_server, verden):
    page, vagt = _side(context, verden[0]["sagsbehandler"], live_server, 390)
    page.goto(reverse("registrering:person-opret"))
    felt = page.get_by_label("CPR-nummer")
    felt.press_sequentially("13 03 95 43 21")  # typed, key by key: a maxlength would cut it
    expect(felt).to_have_value("13 03 95 43 21")
    page.locator("[name=navn]").fill("Maja Mellemrum")
    page.get_by_label("Kontaktgruppe").select_option("2")
    page.get_by_role("button", name="Opret borger").click()
    expect(page.get_by_role("heading", name="Maja Mellemrum")).to_be_visible()
    assert Person.objects.get(navn="Maja Mellemrum").cpr == "1303954321"
    vagt.tjek("opret borger")


def test_log_ud_fra_et_bogmaerke(context: BrowserContext, live_server, verden):
    """GET of the logout address: a Danish page, still logged in until its button is used."""
    page, vagt = _side(context, verden[0]["sagsbehandler"], live_server, 1280)
    svar = page.goto(reverse("logout"))
    assert svar.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", name="Log ud")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Vil du logge ud?")
    page.goto(reverse("registrering:forside"))
    expect(page.get_by_role("heading", name="Find borger")).to_be_visible()  # still logged in
    page.goto(reverse("logout"))
    page.locator("main").get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("identitet:logget-ud")) + "$"))
    page.goto(reverse("registrering:forside"))
    expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    vagt.tjek("log ud")


@pytest.mark.parametrize("vej", ["menu", "broedkrumme", "log-ud"])
def test_forlad_formularen_spoerger_ogsaa_fra_menu_og_broedkrumme(context: BrowserContext, live_server, verden, vej):
    _brugere, karl, _dorte, _foerste = verden
    page, vagt = _side(context, verden[0]["sagsbehandler"], live_server, 1280)
    page.goto(opret_url(karl) + "?samtaletype=4")
    page.get_by_label("Praktiske aftaler om det videre forløb").fill("Ringer igen om en uge.")
    if vej == "menu":
        link, maal = (
            page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Find borger"),
            reverse("registrering:person-soeg"),
        )
    elif vej == "broedkrumme":
        link, maal = (
            page.get_by_role("navigation", name="Brødkrumme").get_by_role("link", name=karl.navn),
            detalje_url(karl),
        )
    else:
        link, maal = (
            page.get_by_role("navigation", name="Hovedmenu").get_by_role("button", name="Log ud"),
            reverse("identitet:logget-ud"),  # the Danish "logged out" page (issue 23)
        )
    dialog = page.get_by_role("dialog", name="Forlad formularen uden at gemme?")
    link.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Bliv på siden").click()
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    expect(page.get_by_label("Praktiske aftaler om det videre forløb")).to_have_value("Ringer igen om en uge.")
    link.click()
    dialog.get_by_role("link", name="Forlad uden at gemme").click()
    expect(page).to_have_url(re.compile(re.escape(maal) + "$"))
    if vej == "log-ud":
        page.goto(reverse("registrering:forside"))
        expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    vagt.tjek(f"forlad via {vej}")


def test_formular_uden_indtastning_forlades_uden_spoergsmaal_fra_menuen(context: BrowserContext, live_server, verden):
    _brugere, karl, _dorte, _foerste = verden
    page, _vagt = _side(context, verden[0]["sagsbehandler"], live_server, 1280)
    page.goto(opret_url(karl))
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Find borger").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("registrering:person-soeg")) + "$"))


def test_genindlaesning_efter_aendret_feltstoerrelse_bryder_ikke_csp(context: BrowserContext, live_server, verden):
    """The htmx re-render's CSP violation: its settle step wrote the old field's style
    attribute (a resized text field keeps its size there) onto the new one."""
    context.add_init_script(CSP_VAGT)
    _brugere, karl, _dorte, _foerste = verden
    page, vagt = _side(context, verden[0]["sagsbehandler"], live_server, 1280)
    page.goto(opret_url(karl) + "?samtaletype=7")
    page.locator("textarea[name=aftale]").evaluate("e => { e.style.height = '15rem'; }")
    page.get_by_role("button", name="Tilføj deltager").click()
    expect(page.locator(".deltager-raekke")).to_have_count(1)
    page.get_by_label("Samtaleform").select_option("2")
    page.wait_for_timeout(100)  # a late console message from the settle step (20 ms)
    vagt.tjek("genindlæsning")
