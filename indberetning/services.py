"""Reporting (indberetning): the outbox seam that the registration service calls.

``haendelser_opret`` is called inside the registration transaction; it writes one report
event per recipient (DFDG always, the citizen's a-kasse for kontaktgruppe 1) so that
nothing committed is lost and nothing uncommitted is reported. The batching, documents,
transports and workers are built in the reporting issue.
"""

from __future__ import annotations


def haendelser_opret(*, samtale, handling: str, tidspunkt, regler=None, visitation=None, begrundelse: str = "") -> list:
    return []
