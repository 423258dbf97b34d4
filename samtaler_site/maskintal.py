"""``maskintal``: a number written for a machine (SVG geometry, CSS, an attribute), never
localised.

Django formats every number a template prints in the active locale, and Danish writes
``46,8``: right in a table cell, wrong in ``<rect x="46,8">``, which Chromium rejects
(the statistics chart was empty, issue 20). A number that a browser or a program reads is
written through this one helper: a full stop as the decimal sign, no grouping, at most two
decimals, no trailing zeros. Templates use it as a filter, ``{{ x|maskintal }}`` (``{% load
maskintal %}`` in Django's templates, registrering/templatetags/maskintal.py; built into the
Jinja2 environment, samtaler_site/jinja2.py). tests/test_maskintal.py checks that every
numeric attribute in every template goes through it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def maskintal(vaerdi, decimaler: int = 2) -> str:
    """``46.8`` for 46.8, ``190`` for 190.0, ``-4`` for -4; a number as text is read first
    (``"46.80"``). Anything else is a programming error and raises ``ValueError``: a chart
    with a wrong bar is worse than a page that fails in the tests."""
    if isinstance(vaerdi, bool) or vaerdi is None:
        raise ValueError(f"maskintal: ikke et tal: {vaerdi!r}")
    try:
        tal = Decimal(str(vaerdi).strip())
    except InvalidOperation:
        raise ValueError(f"maskintal: ikke et tal: {vaerdi!r}") from None
    if not tal.is_finite():
        raise ValueError(f"maskintal: ikke et endeligt tal: {vaerdi!r}")
    tal = tal.quantize(Decimal(1).scaleb(-int(decimaler)), rounding=ROUND_HALF_UP)
    tekst = format(tal, "f")
    if "." in tekst:
        tekst = tekst.rstrip("0").rstrip(".")
    return "0" if tekst in ("-0", "") else tekst
