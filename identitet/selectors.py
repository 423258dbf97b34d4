from __future__ import annotations

import datetime

from django.utils import timezone

from .models import NoedadgangLogin

NOEDADGANG_VIST_DAGE = 30
NOEDADGANG_VIST_ANTAL = 20


def noedadgang_logins_seneste():
    """Break-glass logins of the last 30 days, newest first (at most 20 rows)."""
    fra = timezone.now() - datetime.timedelta(days=NOEDADGANG_VIST_DAGE)
    return NoedadgangLogin.objects.filter(tidspunkt__gte=fra).order_by("-tidspunkt")[:NOEDADGANG_VIST_ANTAL]
