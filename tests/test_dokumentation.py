"""The README is the front door and ``docs/`` holds one file per reader (issue 21).

Their links are checked, because a renamed file or heading breaks a link silently: every
Markdown link and image in ``README.md`` and ``docs/**/*.md`` (``docs/notes/`` included) is
read with markdown-it-py, the CommonMark parser (so a link shown in a code span or a code
block is not a link), resolved against its file, and must lead to a file inside the
repository and, with ``#anchor``, to a heading of that file as GitHub spells its anchors.
Links with a scheme (``https:``, ``mailto:``) are not followed.

A link may not leave the repository: the shared brief (``../shared/``) lies beside a
developer's checkout, but not beside a fresh clone, a second worktree or the repository on
GitHub. Name such a path as code, or link the repository's own copy (the receivers' schema
is ``indberetning/schemas/``).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

ROD = Path(__file__).resolve().parent.parent
_MD = MarkdownIt("commonmark").enable("table")
# GitHub's anchors for a code file's lines (#L10, #L10-L20).
_LINJEANKER = re.compile(r"L\d+(-L\d+)?")
_HTML_ID = re.compile(r"""<a\s[^>]*\b(?:id|name)=["']([^"']+)["']""", re.IGNORECASE)


def dokumenter(rod: Path = ROD) -> list[Path]:
    return [rod / "README.md", *sorted((rod / "docs").rglob("*.md"))]


def _alle(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _alle(token.children)


def _tokens(fil: Path):
    return _MD.parse(fil.read_text(encoding="utf-8"))


def links(fil: Path) -> list[str]:
    """Every link and image target in ``fil``, in order."""
    maal = []
    for token in _alle(_tokens(fil)):
        if token.type == "link_open":
            maal.append(token.attrGet("href"))
        elif token.type == "image":
            maal.append(token.attrGet("src"))
    return maal


def anker(tekst: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", tekst.strip().lower()).replace(" ", "-")


def ankre(fil: Path) -> set[str]:
    """The anchors of a Markdown file: its headings (a repeated one gets -1, -2 …) and
    explicit ``<a id=…>``/``<a name=…>``."""
    tokens = _tokens(fil)
    fundet: set[str] = set()
    brugt: dict[str, int] = {}
    for forrige, token in pairwise(tokens):
        if forrige.type == "heading_open" and token.type == "inline":
            tekst = "".join(c.content for c in token.children or () if c.type in {"text", "code_inline"})
            a = anker(tekst)
            n = brugt.get(a, 0)
            brugt[a] = n + 1
            fundet.add(a if n == 0 else f"{a}-{n}")
    for token in _alle(tokens):
        if token.type in {"html_inline", "html_block"}:
            fundet.update(_HTML_ID.findall(token.content))
    return fundet


def brudte_links(fil: Path, rod: Path = ROD) -> list[str]:
    """What is wrong with ``fil``'s relative links, one Danish line each; empty when all work."""
    fejl = []
    for href in links(fil):
        dele = urlsplit(href)
        if dele.scheme or dele.netloc:
            continue  # https:, mailto: and the like are not followed
        if dele.path:
            maal = (fil.parent / unquote(dele.path)).resolve()
        else:
            maal = fil
        if maal != rod and rod not in maal.parents:
            fejl.append(f"{href}: peger uden for repositoriet ({maal})")
            continue
        if not maal.exists():
            fejl.append(f"{href}: {maal.relative_to(rod)} findes ikke")
            continue
        if not dele.fragment:
            continue
        fragment = unquote(dele.fragment)
        if maal.suffix == ".md":
            if fragment not in ankre(maal):
                fejl.append(f"{href}: {maal.relative_to(rod)} har ingen overskrift med ankeret #{fragment}")
        elif not (maal.is_file() and _LINJEANKER.fullmatch(fragment)):
            fejl.append(f"{href}: #{fragment} er ikke et anker i {maal.relative_to(rod)}")
    return fejl


@pytest.mark.parametrize("fil", dokumenter(), ids=lambda f: str(f.relative_to(ROD)))
def test_hvert_relativt_link_virker(fil):
    assert brudte_links(fil) == []


def test_linktjekket_finder_brudte_links_og_ankre(tmp_path):
    """The check above can fail: each kind of broken link is found, and working ones are not."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "kode.py").write_text("x = 1\n")
    (tmp_path / "docs" / "drift.md").write_text("# Drift\n\n## Backup og `pg_dump`\n\n## Backup og `pg_dump`\n")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Titel\n\n"
        "[virker](docs/drift.md) [anker](docs/drift.md#backup-og-pg_dump) [nr. 2](docs/drift.md#backup-og-pg_dump-1)\n"
        "[her](#titel) [linje](kode.py#L1) [web](https://example.org/x.md) [post](mailto:a@example.org)\n"
        "`[i kode](mangler.md)`\n\n"
        "[mangler](docs/api.md) [forkert anker](docs/drift.md#gendannelse) [ud](../shared/DESIGN.md)\n"
        "[kodeanker](kode.py#funktion) ![billede](docs/mangler.png)\n"
    )
    assert brudte_links(readme, rod=tmp_path) == [
        "docs/api.md: docs/api.md findes ikke",
        "docs/drift.md#gendannelse: docs/drift.md har ingen overskrift med ankeret #gendannelse",
        f"../shared/DESIGN.md: peger uden for repositoriet ({(tmp_path.parent / 'shared' / 'DESIGN.md').resolve()})",
        "kode.py#funktion: #funktion er ikke et anker i kode.py",
        "docs/mangler.png: docs/mangler.png findes ikke",
    ]


def test_ankre_staves_som_paa_github():
    assert anker("Operators: the operations page and manage.py indberet") == (
        "operators-the-operations-page-and-managepy-indberet"
    )
    assert anker("What the a-kasse gets (stk. 5)") == "what-the-a-kasse-gets-stk-5"
    assert anker("The citizen's page: rows and caches") == "the-citizens-page-rows-and-caches"
    assert anker("Sikkerhed og persondata § 28") == "sikkerhed-og-persondata--28"


LAESERE = ("arkitektur", "lov", "drift", "indberetning", "sikkerhed", "ydelse")


@pytest.mark.parametrize("navn", LAESERE)
def test_hvert_dokument_siger_foerst_hvem_det_er_til(navn):
    """One file per reader, and its first paragraph after the title names that reader."""
    linjer = (ROD / "docs" / f"{navn}.md").read_text(encoding="utf-8").split("\n\n")
    assert linjer[0].startswith("# ")
    assert linjer[1].startswith("*For "), f"docs/{navn}.md begynder ikke med, hvem det er til"


def test_readme_er_fordoeren():
    """The README names the two commands, links every reader's document, and stays short."""
    readme = (ROD / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    linket = {(ROD / urlsplit(href).path).resolve() for href in links(ROD / "README.md") if not urlsplit(href).scheme}
    for navn in LAESERE:
        assert (ROD / "docs" / f"{navn}.md").resolve() in linket, f"README.md linker ikke til docs/{navn}.md"
    assert len(readme.splitlines()) <= 150, "README.md er fordøren: resten hører til i docs/"
