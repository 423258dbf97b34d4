"""A body that does not have the schema's shape (a missing field, a list where text was
expected), in Danish at the field, as the forms' own messages are."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .problemer import Problem


def _felt(loc) -> str:
    dele = [str(d) for d in loc if d not in ("body", "path", "query", "header")]
    if dele and dele[0] in ("body", "data"):
        dele = dele[1:]
    return ".".join(dele) or "__all__"


def _besked(fejl: dict) -> str:
    type_ = fejl.get("type", "")
    if type_ == "missing":
        return _("Feltet skal udfyldes.")
    if type_ in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("Kroppen skal være et JSON-objekt som beskrevet i skemaet.")
    if type_ == "list_type":
        return _("Skal være en liste.")
    if type_.startswith("uuid"):
        return _("Skal være et id (UUID).")
    if type_.startswith(("int", "greater_than")):
        return _("Skal være et helt tal på mindst 1.")
    if type_.startswith("bool"):
        return _("Skal være true eller false.")
    if type_.startswith("string"):
        return _("Skal være tekst.")
    return _("Værdien er ugyldig.")


def ninja_fejl(exc) -> Problem:
    fejl: dict[str, list[str]] = {}
    for e in exc.errors:
        fejl.setdefault(_felt(e.get("loc", ())), []).append(_besked(e))
    alle = [b for bs in fejl.values() for b in bs]
    return Problem(422, alle[0] if len(alle) == 1 else _("Ret fejlene ved felterne."), errors=fejl)
