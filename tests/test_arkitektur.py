"""The code's shape, as docs/arkitektur.md promises it (issue 10).

Not a user's behaviour, but the next engineer's: a module that imports one that imports it
back, or a view that grows into a service, is where the next change breaks.
"""

import ast
from pathlib import Path

import pytest

ROD = Path(__file__).resolve().parent.parent
PAKKER = ("registrering", "indberetning", "samtaler_site", "identitet", "api")
VIEW_MODULER = (
    "registrering/views.py",
    "indberetning/views.py",
    "samtaler_site/sundhed.py",
    "samtaler_site/fejl.py",
    "identitet/views.py",
    "api/views.py",
)
MAKS_VIEW_LINJER = 25

# The layers, lowest first (docs/arkitektur.md, "The layers"): a module may import its own
# layer and the layers below it, never one above. Reporting is an engine that is handed a
# frozen snapshot; registration knows it; sign-in knows registration's citizens and users.
LAG = ("basis", "indberetning", "registrering", "identitet", "api", "komposition")
# samtaler_site holds both ends: shared base modules that every app may import and that
# import no app, and the composition that puts the apps together and may import any of them.
# A new module in samtaler_site is put in one of the two here.
SAMTALER_SITE = {
    "basis": (
        "samtaler_site",
        "samtaler_site.append_only",
        "samtaler_site.apps",
        "samtaler_site.csv_export",
        "samtaler_site.db_roller",
        "samtaler_site.embedded_db",
        "samtaler_site.fejl",
        "samtaler_site.forespoergsel",
        "samtaler_site.jinja2",
        "samtaler_site.logfilter",
        "samtaler_site.login",
        "samtaler_site.maskintal",
        "samtaler_site.middleware",
        "samtaler_site.session",
        "samtaler_site.sikkerhed",
    ),
    "komposition": (
        "samtaler_site.asgi",
        "samtaler_site.settings",
        "samtaler_site.settings_test",
        "samtaler_site.sundhed",
        "samtaler_site.urls",
        "samtaler_site.wsgi",
    ),
}


def _moduler() -> dict[str, Path]:
    moduler = {}
    for pakke in PAKKER:
        for fil in (ROD / pakke).rglob("*.py"):
            if "migrations" in fil.parts:
                continue
            dele = fil.relative_to(ROD).with_suffix("").parts
            navn = ".".join(dele[:-1] if dele[-1] == "__init__" else dele)
            moduler[navn] = fil
    return moduler


def _importerer(navn: str, fil: Path, moduler: dict[str, Path]) -> set[str]:
    """Every project module this one imports, at module level or inside a function."""
    pakke = navn if fil.name == "__init__.py" else navn.rpartition(".")[0]
    fundet = set()
    for node in ast.walk(ast.parse(fil.read_text(), str(fil))):
        if isinstance(node, ast.Import):
            fundet.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pakke.split(".")[: len(pakke.split(".")) - node.level + 1]
                modul = ".".join(base + ([node.module] if node.module else []))
            else:
                modul = node.module or ""
            fundet.add(modul)
            fundet.update(f"{modul}.{alias.name}" for alias in node.names)
    return {m for m in fundet if m in moduler and m != navn}


def _cykler(graf: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    indeks: dict[str, int] = {}
    lav: dict[str, int] = {}
    stak: list[str] = []
    paa_stak: set[str] = set()
    cykler = []

    def besoeg(v: str) -> None:
        indeks[v] = lav[v] = len(indeks)
        stak.append(v)
        paa_stak.add(v)
        for w in sorted(graf[v]):
            if w not in indeks:
                besoeg(w)
                lav[v] = min(lav[v], lav[w])
            elif w in paa_stak:
                lav[v] = min(lav[v], indeks[w])
        if lav[v] == indeks[v]:
            komponent = []
            while True:
                w = stak.pop()
                paa_stak.discard(w)
                komponent.append(w)
                if w == v:
                    break
            if len(komponent) > 1:
                cykler.append(sorted(komponent))

    for v in sorted(graf):
        if v not in indeks:
            besoeg(v)
    return cykler


def test_intet_modul_importerer_et_modul_der_importerer_det_tilbage():
    moduler = _moduler()
    graf = {navn: _importerer(navn, fil, moduler) for navn, fil in moduler.items()}
    assert _cykler(graf) == []


def _lag(modul: str) -> str:
    pakke = modul.partition(".")[0]
    if pakke != "samtaler_site":
        return pakke
    return next(lag for lag, moduler in SAMTALER_SITE.items() if modul in moduler)


def _mod_lagene(graf: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Every import (importer, imported) from a lower layer to a higher one."""
    return sorted(
        (fra, til) for fra, tils in graf.items() for til in tils if LAG.index(_lag(til)) > LAG.index(_lag(fra))
    )


def test_hvert_modul_i_samtaler_site_er_basis_eller_komposition():
    i_site = {navn for navn in _moduler() if navn.partition(".")[0] == "samtaler_site"}
    klassificeret = {m for moduler in SAMTALER_SITE.values() for m in moduler}
    assert i_site == klassificeret


def test_pakkerne_importerer_kun_nedad():
    """Reporting imports nothing from registration, neither imports sign-in, and no base
    module imports an app: at module level or inside a function (migrations are history,
    outside the rule)."""
    moduler = _moduler()
    graf = {navn: _importerer(navn, fil, moduler) for navn, fil in moduler.items()}
    assert _mod_lagene(graf) == []


def test_lagtjekket_finder_en_import_den_forkerte_vej(tmp_path):
    """The check above can fail: an import inside a function of a reporting module that
    reaches into registration is found, and so is a base module that imports an app."""
    fil = tmp_path / "indberetning" / "udsnit.py"
    fil.parent.mkdir()
    fil.write_text(
        "from . import dokument\n\n\ndef f():\n    from registrering.selectors import stilling_paa_dato\n"
        "    return stilling_paa_dato\n"
    )
    moduler = {**_moduler(), "indberetning.udsnit": fil}
    importeret = _importerer("indberetning.udsnit", fil, moduler)
    assert importeret == {"indberetning", "indberetning.dokument", "registrering.selectors"}
    assert _mod_lagene({"indberetning.udsnit": importeret}) == [("indberetning.udsnit", "registrering.selectors")]
    assert _mod_lagene({"samtaler_site.jinja2": {"registrering.raekker"}, "registrering.raekker": set()}) == [
        ("samtaler_site.jinja2", "registrering.raekker")
    ]
    assert _mod_lagene({"registrering.services": {"identitet.services"}}) == [
        ("registrering.services", "identitet.services")
    ]
    assert _mod_lagene({"samtaler_site.urls": {"identitet.views"}, "identitet.services": {"registrering.models"}}) == []


def test_cyklusfinderen_finder_en_cyklus():
    """The check above can fail: a two-module and a three-module cycle are found."""
    assert _cykler({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert _cykler({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]


def _kodelinjer(funktion: ast.FunctionDef, kilde: list[str]) -> int:
    """Lines of code in a function: no docstring, blank lines or comment lines."""
    krop = funktion.body
    if krop and isinstance(krop[0], ast.Expr) and isinstance(getattr(krop[0], "value", None), ast.Constant):
        krop = krop[1:]
    if not krop:
        return 0
    linjer = kilde[krop[0].lineno - 1 : funktion.end_lineno]
    return sum(1 for linje in linjer if linje.strip() and not linje.strip().startswith("#"))


@pytest.mark.parametrize("sti", VIEW_MODULER)
def test_views_er_tynde(sti):
    """A view parses, calls a service or selector, and renders (docs/arkitektur.md)."""
    fil = ROD / sti
    kilde = fil.read_text().splitlines()
    for_lange = {}
    for node in ast.walk(ast.parse("\n".join(kilde))):
        if isinstance(node, ast.FunctionDef):
            if (antal := _kodelinjer(node, kilde)) > MAKS_VIEW_LINJER:
                for_lange[node.name] = antal
    assert for_lange == {}
