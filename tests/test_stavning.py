""" "CV" is spelled one way in everything a person reads (issue 20): the code list says
"CV samtale" (CONTRACT.md), and the pages said "Cv", "cv-vurdering" and "cv'et" beside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROD = Path(settings.BASE_DIR)
FORKERT = re.compile(r"(?<![\w])(cv|Cv|cV)(?![\w])")
OVERSAETTELSE = {"_", "_l", "gettext", "gettext_lazy", "ngettext", "pgettext", "format_lazy"}


def _skabelontekster():
    for mappe in [ROD / "templates", *ROD.glob("*/templates"), *ROD.glob("*/jinja2")]:
        for sti in mappe.rglob("*.html"):
            # What a person reads: the text outside tags and template code, and attribute
            # values such as labels (ids like "cv-vurdering" are not read).
            tekst = re.sub(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", sti.read_text(), flags=re.S)
            tekst = re.sub(r'\s(?:id|class|name|for|href|aria-\w+|data-[\w-]+)="[^"]*"', "", tekst)
            yield sti, tekst


def _pythontekster():
    for app in ("registrering", "indberetning", "samtaler_site"):
        for sti in (ROD / app).rglob("*.py"):
            if "migrations" in sti.parts:
                continue
            trae = ast.parse(sti.read_text())
            for node in ast.walk(trae):
                navn = (
                    getattr(node.func, "id", getattr(node.func, "attr", None)) if isinstance(node, ast.Call) else None
                )
                if navn in OVERSAETTELSE or (isinstance(node, ast.Call) and sti.parent.name == "commands"):
                    # Demo data's texts are read on the demo's pages too.
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            yield sti, arg.value


def test_cv_staves_cv_overalt():
    fejl = [
        f"{sti.relative_to(ROD)}: {m.group(0)!r} i {tekst[max(0, m.start() - 30) : m.end() + 30]!r}"
        for sti, tekst in [*_skabelontekster(), *_pythontekster()]
        for m in FORKERT.finditer(tekst)
    ]
    assert not fejl, "\n".join(fejl)


def test_vagten_finder_den_gamle_stavemaade():
    assert FORKERT.findall("Cv-oplysningerne og cv'et; CV samtale; cv_ikke_fyldestgoerende") == ["Cv", "cv"]
