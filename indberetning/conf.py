"""The reporting engine's settings (``INDBERETNING_*``), read when used so tests may change them."""

from __future__ import annotations

import datetime
import random

from django.conf import settings


def _setting(name: str, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    """Events per batch (``INDBERETNING_BATCH_STOERRELSE``)."""
    return max(1, int(_setting("INDBERETNING_BATCH_STOERRELSE", 500)))


def max_attempts() -> int:
    """Attempts before a batch is given up (``fejlet``)."""
    return max(1, int(_setting("INDBERETNING_MAKS_FORSOEG", 12)))


def backoff(attempt: int) -> datetime.timedelta:
    """Exponential backoff with jitter: base·2^(n-1), capped, times a random 0.5–1.0 so
    that batches failing together do not all come back in the same second."""
    base = float(_setting("INDBERETNING_BACKOFF_SEKUNDER", 15))
    cap = float(_setting("INDBERETNING_BACKOFF_LOFT", 1800))
    seconds = min(cap, base * 2 ** max(0, attempt - 1))
    return datetime.timedelta(seconds=seconds * random.uniform(0.5, 1.0))


def lease() -> datetime.timedelta:
    """How long a batch stays ``sendes`` before another worker may take it over (the first
    one died). Longer than any one delivery can take."""
    return datetime.timedelta(seconds=2 * float(_setting("INDBERETNING_HTTP_TIMEOUT", 30)) + 60)


def run_retention_days() -> int:
    """Days run rows (``Koersel``) are kept (``INDBERETNING_KOERSEL_DAGE``)."""
    return int(_setting("INDBERETNING_KOERSEL_DAGE", 30))
