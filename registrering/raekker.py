"""The citizen's conversations as rendered rows, each cached under its version.

A conversation's row changes only with its ``sekvens`` (every correction and cancellation
counts it up), its reporting state (``indberetning_noegle``, read in the same row query),
the registrant's name and the code lists' names, so a rendered row is cached under all of
them (``kodecache.version()``, which every change of a code list renews) and never needs
invalidating. The page reads every row (one query, also when all are cached) and completes
and renders only those not in the cache, so its cost hardly grows with the citizen's
history. The cache is per process (see CACHES); the one-hour expiry only bounds its size.

The rows are rendered by a Jinja2 macro (``registrering/jinja2/registrering/_samtale_raekke.html``;
samtaler_site/jinja2.py says why), and are Markup (Jinja2's autoescaped output), kept so
through the cache's pickling: Django's template does not escape them again, and nothing is
marked safe by hand.
"""

from __future__ import annotations

import uuid
import zlib

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language

from samtaler_site import jinja2

from . import kodecache, selectors
from .models import SamtaletypeRegel

SKABELON = "registrering/_samtale_raekke.html"
CACHE_SECONDS = 3600

_PLACEHOLDER = uuid.UUID(int=0xFEEDFACE_0000_4000_8000_000000000000)  # no conversation has this id


def _cache_key(r: dict, *, kan_registrere: bool, sprog: str, koder: int) -> str:
    # The reporting state changes without a new sekvens (sent, receipted, refused), and the
    # registrant's name can change without the conversation changing: both are part of the
    # key (the name as a short digest; both read in the same query as the row).
    navn = zlib.crc32(f"{r['af_fornavn']}\x1f{r['af_efternavn']}\x1f{r['af_brugernavn']}".encode())
    return f"samtale-raekke:{r['pk']}:{r['sekvens']}:{r['indberetning_noegle']}:{navn:08x}:{int(kan_registrere)}:{sprog}:{koder}"


def _render(raekker: list[dict], *, kan_registrere: bool) -> list[str]:
    """Complete rows of ``selectors.samtale_raekker`` and render them (two queries for all)."""
    selectors.samtale_raekker_udfyld(raekker)
    raekke = jinja2.macro(SKABELON, "raekke")
    # Each route reversed once for all rows (a UUID never changes a URL's shape).
    ret, annuller = (
        reverse(navn, kwargs={"pk": _PLACEHOLDER})
        for navn in ("registrering:samtale-ret", "registrering:samtale-annuller")
    )
    html = []
    for s in raekker:
        s["ret_url"], s["annuller_url"] = (
            ret.replace(str(_PLACEHOLDER), str(s["pk"])),
            annuller.replace(str(_PLACEHOLDER), str(s["pk"])),
        )
        html.append(raekke(s, kan_registrere, SamtaletypeRegel.Aftale))
    return html


def samtale_raekker_html(raekker: list[dict], *, kan_registrere: bool) -> list[str]:
    """The citizen's conversations (rows of ``selectors.samtale_raekker``, not yet completed)
    as rendered rows, in the rows' order (newest held first); only rows missing from the
    cache are completed and rendered."""
    sprog, koder = get_language(), kodecache.version()
    keys = {r["pk"]: _cache_key(r, kan_registrere=kan_registrere, sprog=sprog, koder=koder) for r in raekker}
    cached = cache.get_many(list(keys.values()))
    missing = [r for r in raekker if keys[r["pk"]] not in cached]
    if missing:
        rendered = {
            keys[r["pk"]]: html
            for r, html in zip(missing, _render(missing, kan_registrere=kan_registrere), strict=True)
        }
        cache.set_many(rendered, CACHE_SECONDS)
        cached |= rendered
    return [cached[keys[r["pk"]]] for r in raekker]


def samtale_raekke_html(*, samtale) -> str:
    """One conversation as the citizen's page shows it, without its buttons (the cancel page
    shows what is being cancelled)."""
    (html,) = samtale_raekker_html(
        selectors.samtale_raekker(person=samtale.person, pk=samtale.pk), kan_registrere=False
    )
    return html
