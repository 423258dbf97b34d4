"""Numbers written for machines are never localised (issue 20).

Danish formats ``46.8`` as ``46,8``; in ``<rect x="46,8">`` Chromium rejects the bar, and
the statistics chart was empty while the table beside it was right. One helper,
``maskintal``, writes such numbers; this module checks the helper, that every numeric
attribute of every template goes through it, and the rendered chart under the Danish
locale. (tests/browser/test_sider_i_browseren.py looks at the chart in Chromium.)
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from samtaler_site.maskintal import maskintal
from tests import factories
from tests.factories import dage_siden

ROD = Path(settings.BASE_DIR)
SKABELONMAPPER = [ROD / "templates", *ROD.glob("*/templates"), *ROD.glob("*/jinja2")]

# Attributes whose value a browser reads as a number (SVG geometry and presentation, CSS,
# table spans, numeric form and ARIA values).
TALATTRIBUTTER = (
    "x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|dx|dy|width|height|viewBox|d|points|transform|offset|opacity|"
    "stroke-width|stroke-dasharray|font-size|style|colspan|rowspan|min|max|step|"
    "aria-valuenow|aria-valuemin|aria-valuemax|aria-level|aria-posinset|aria-setsize|data-tal[-\\w]*"
)
ATTRIBUT = re.compile(rf'(?<![\w-])({TALATTRIBUTTER})="([^"]*)"')
UDTRYK = re.compile(r"\{\{(.*?)\}\}")
TAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@pytest.mark.parametrize(
    "vaerdi, forventet",
    [
        (46.8, "46.8"),
        (190.0, "190"),
        (0.0, "0"),
        (-4, "-4"),
        (-0.001, "0"),
        (1234567, "1234567"),
        (2.345, "2.35"),
        (Decimal("31.80"), "31.8"),
        ("12.50", "12.5"),
    ],
)
def test_maskintal_skriver_punktum_uden_tusindtalsskilletegn(vaerdi, forventet):
    with translation.override("da"):
        assert maskintal(vaerdi) == forventet


@pytest.mark.parametrize("vaerdi", [None, True, "", "46,8", "nan", float("inf"), object()])
def test_maskintal_afviser_andet_end_tal(vaerdi):
    with pytest.raises(ValueError):
        maskintal(vaerdi)


def test_filteret_i_en_skabelon_under_dansk_lokalisering():
    skabelon = Template('{% load maskintal %}<rect x="{{ x|maskintal }}" y="{{ x }}">')
    with translation.override("da"):
        ud = skabelon.render(Context({"x": 46.8}))
    # The unfiltered value shows what the filter prevents.
    assert ud == '<rect x="46.8" y="46,8">'


def test_jinja2_kender_filteret():
    from django.template import engines

    assert engines["jinja2"].from_string('<rect x="{{ x|maskintal }}">').render({"x": 46.8}) == '<rect x="46.8">'


def _skabeloner() -> list[Path]:
    return sorted({p for mappe in SKABELONMAPPER for p in mappe.rglob("*.html")})


def test_skabelonerne_findes():
    navne = {p.name for p in _skabeloner()}
    assert {"statistik.html", "drift.html", "_samtale_raekke.html", "base.html"} <= navne


def test_hvert_talattribut_i_skabelonerne_gaar_gennem_maskintal():
    """A template value in a numeric attribute without ``|maskintal`` would be localised
    the day it is a float (or grouped, were thousand separators switched on)."""
    fejl = []
    for sti in _skabeloner():
        tekst = sti.read_text()
        for attribut in ATTRIBUT.finditer(tekst):
            for udtryk in UDTRYK.findall(attribut.group(2)):
                if not re.search(r"\|\s*maskintal\s*$", udtryk.strip()):
                    linje = tekst.count("\n", 0, attribut.start()) + 1
                    fejl.append(f'{sti.relative_to(ROD)}:{linje}: {attribut.group(1)}="{{{{{udtryk}}}}}"')
    assert not fejl, "Tal i attributter uden |maskintal:\n" + "\n".join(fejl)


def test_vagten_fanger_et_lokaliseret_tal():
    """The guard above is not vacuous: it finds the statistics template's old line."""
    gammel = '<rect x="{{ u.x }}" y="{{ u.y|maskintal }}" width="{{ u.b }}">'
    fundne = [u for a in ATTRIBUT.finditer(gammel) for u in UDTRYK.findall(a.group(2)) if "maskintal" not in u]
    assert fundne == [" u.x ", " u.b "]


@pytest.mark.django_db
def test_diagrammets_tal_er_punktumtal_paa_dansk(client, jobcenter, sagsbehandler):
    from registrering import services

    for dage, antal in ((1, 3), (8, 1), (15, 2)):
        for i in range(antal):
            services.samtale_registrer(
                person=factories.person(jc=jobcenter, navn=f"P{dage}-{i}"),
                data=factories.data(dato=dage_siden(dage)),
                bruger=sagsbehandler,
            )
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    svar = client.get(reverse("registrering:statistik"), HTTP_ACCEPT_LANGUAGE="da")
    assert svar.status_code == 200
    svg = lxml_html.fromstring(svar.content).xpath("//svg")[0]
    vaerdier = []
    for el in svg.iter():
        for navn, vaerdi in el.attrib.items():
            if navn.lower() in {"x", "y", "x1", "x2", "y1", "y2", "width", "height"}:
                vaerdier.append(vaerdi)
                assert TAL.match(vaerdi), f"<{el.tag} {navn}={vaerdi!r}>"
            if navn.lower() == "viewbox":
                assert all(TAL.match(t) for t in vaerdi.split()), vaerdi
    assert any("." in v for v in vaerdier), "diagrammet har ingen decimaltal: testen prøver intet"
    hoejder = [float(r.get("height")) for r in svg.xpath(".//rect")]
    assert max(hoejder) > 0 and len(hoejder) >= 12
