"""procrastinate: the nightly erasure of what has passed its deadline (issue 24)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from indberetning.jobs import QUEUE


@app.periodic(cron="43 2 * * *", periodic_id="slet-udloebne")
@app.task(name="registrering.slet_udloebne", queue=QUEUE, queueing_lock="slet-udloebne")
async def slet_udloebne(timestamp: int) -> int:
    from asgiref.sync import sync_to_async

    from registrering import sletning

    k = await sync_to_async(sletning.slet_udloebne)()
    return k.borgere
