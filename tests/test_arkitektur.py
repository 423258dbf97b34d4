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
