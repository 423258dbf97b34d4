"""The reporting engine's procrastinate jobs, deferred by name.

The task functions live in :mod:`indberetning.tasks`, which calls the services; the
services defer jobs through this module by the task's name, so no service imports the
tasks (and nothing imports back).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from procrastinate.contrib.django import app

QUEUE = "indberetning"

PERIODISK = "indberetning.periodisk"
KICK = "indberetning.kick"
BATCH_SEND = "indberetning.batch_send"
GENOPTAG = "indberetning.genoptag_haengende"
OPRYDNING = "indberetning.oprydning"

KICK_LOCK = "indberetning-kick"


def send_lock(batch_id) -> str:
    """At most one send job waiting per batch."""
    return f"indberetning-batch-{batch_id}"


def kick_bestil() -> bool:
    """Defer the coalesced "kick" job in the current transaction.

    procrastinate's Django connector defers through Django's own connection, so inside
    ``atomic`` the job row commits or rolls back with the registration. One waiting kick
    serves every registration that commits before a worker takes it (the queueing lock);
    an event committed just after a worker took the kick is picked up by the next kick or
    by the periodic sweep within a minute. The savepoint keeps a lost race for the lock
    (a unique violation) from aborting the registration's transaction.
    """
    from procrastinate.contrib.django.models import ProcrastinateJob

    if ProcrastinateJob.objects.filter(queueing_lock=KICK_LOCK, status="todo").exists():
        return False
    return _defer(lambda: app.configure_task(KICK, allow_unknown=False, queueing_lock=KICK_LOCK).defer())


def send_bestil(batch_id, *, schedule_at: datetime.datetime | None = None) -> bool:
    """Defer the send job of one batch (at most one waiting per batch: a queueing lock)."""
    options = {"queueing_lock": send_lock(batch_id)}
    if schedule_at is not None:
        options["schedule_at"] = schedule_at
    return _defer(lambda: app.configure_task(BATCH_SEND, allow_unknown=False, **options).defer(batch_id=str(batch_id)))


def _defer(defer: Callable[[], object]) -> bool:
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        with transaction.atomic():
            defer()
    except AlreadyEnqueued:
        return False
    return True
