"""The nightly clean-up of Idempotency-Keys past their time (procrastinate, beside the
reporting worker's jobs)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from . import services


@app.periodic(cron="37 3 * * *", periodic_id="api-oprydning")
@app.task(name="api.oprydning", queue="indberetning", queueing_lock="api-oprydning")
def oprydning(timestamp: int) -> int:
    return services.noegler_ryd()
