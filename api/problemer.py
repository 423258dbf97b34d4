"""Refusals as RFC 9457 problem details (``application/problem+json``): a Danish ``detail``
and ``errors`` keyed by field name, from the same validation as the pages' forms."""

from __future__ import annotations

import json

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

PROBLEM_JSON = "application/problem+json"

TITLER = {
    400: "Ugyldig forespørgsel",
    401: "Ikke godkendt",
    403: "Ingen adgang",
    404: "Ikke fundet",
    405: "Metoden er ikke tilladt",
    409: "Konflikt",
    422: "Oplysningerne blev afvist",
    429: "For mange kald",
    500: "Serverfejl",
}


class Problem(Exception):
    def __init__(self, status: int, detail: str, *, errors: dict | None = None, headers: dict | None = None, **ekstra):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers, self.ekstra = status, detail, errors, headers or {}, ekstra

    def som_dict(self) -> dict:
        krop = {
            "type": "about:blank",
            "title": TITLER.get(self.status, ""),
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            krop["errors"] = self.errors
        return krop | self.ekstra

    def svar(self) -> HttpResponse:
        svar = HttpResponse(
            json.dumps(self.som_dict(), ensure_ascii=False, default=str), status=self.status, content_type=PROBLEM_JSON
        )
        for navn, vaerdi in self.headers.items():
            svar[navn] = vaerdi
        return svar


def felt_fejl(fejl: dict) -> dict[str, list[str]]:
    """Django's ``{field: [messages]}`` with the non-field key named ``__all__``."""
    return {
        ("__all__" if felt == NON_FIELD_ERRORS else felt): [str(b) for b in beskeder] for felt, beskeder in fejl.items()
    }


def fra_formular(errors: dict, *, status: int = 422) -> Problem:
    fejl = felt_fejl(errors)
    alle = [b for beskeder in fejl.values() for b in beskeder]
    detail = (
        fejl["__all__"][0] if "__all__" in fejl else (alle[0] if len(alle) == 1 else _("Ret fejlene ved felterne."))
    )
    return Problem(status, detail, errors=fejl)


def fra_validering(e: ValidationError, *, status: int = 422) -> Problem:
    if hasattr(e, "error_dict"):
        return fra_formular(e.message_dict, status=status)
    return fra_formular({NON_FIELD_ERRORS: e.messages}, status=status)


def ikke_fundet(hvad: str | None = None) -> Problem:
    return Problem(404, hvad or _("Findes ikke, eller hører ikke til klientens jobcentre."))
