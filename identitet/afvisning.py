"""A refused sign-in: a reason code (the Danish page explains it), an HTTP status, and a
detail for the log. The detail never holds a CPR number or a claim's value."""

from __future__ import annotations


class Afvisning(Exception):
    def __init__(self, aarsag: str, *, status: int = 403, detalje: str = ""):
        super().__init__(aarsag)
        self.aarsag = aarsag
        self.status = status
        self.detalje = detalje or aarsag
