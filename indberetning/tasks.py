"""procrastinate tasks: thin wrappers around the reporting services (:mod:`indberetning.koersel`,
:mod:`indberetning.levering`); ids, never objects. The services defer these by name
(:mod:`indberetning.jobs`) and never import this module.

* ``indberetning.periodisk`` — every minute (deferred once per minute however many workers
  run): build batches, defer one send job per due batch (each new batch's job the moment
  it is built, so other workers send while this one builds), leave a run row. With more
  than one batch waiting it first defers a kick, so idle workers build at the same time.
* ``indberetning.kick`` — deferred by a registration in its own transaction (coalesced by a
  queueing lock), so a report normally leaves within seconds. It builds one batch per
  recipient; when more is waiting it first defers the next kick, so that a backlog is
  built and sent by every worker, not by one while the others wait.
* ``indberetning.batch_send`` — send one batch; after a retryable failure it defers itself
  for the batch's next attempt time.
* ``indberetning.genoptag_haengende`` — retry jobs whose worker stopped sending heartbeats.
* ``indberetning.oprydning`` — nightly: old finished jobs and run rows.

The batch rows, not the jobs, are the truth: a job lost for any reason costs at most one
period, because the periodic run finds every pending event and every due batch again.
"""

from __future__ import annotations

from django.utils import timezone
from procrastinate.contrib.django import app

from . import jobs, koersel, levering, selectors, transport
from .jobs import QUEUE
from .models import Koersel


@app.periodic(cron="* * * * *", periodic_id="indberetning-periodisk")
@app.task(name=jobs.PERIODISK, queue=QUEUE, queueing_lock="indberetning-periodisk")
def periodisk(timestamp: int) -> str:
    return koersel.koersel_udfoer(kilde=Koersel.Kilde.PERIODISK).beskrivelse


@app.task(name=jobs.KICK, queue=QUEUE)
def kick() -> str:
    return koersel.koersel_udfoer(kilde=Koersel.Kilde.KICK, en_runde=True).beskrivelse


@app.task(name=jobs.BATCH_SEND, queue=QUEUE)
def batch_send(batch_id: str) -> str:
    udfald = levering.batch_send(batch_id=batch_id)
    if udfald is None:
        return "ikke forfalden eller sendes af en anden arbejder"
    if udfald.resultat == transport.PROEV_IGEN:
        naeste = selectors.batch_naeste_forsoeg(batch_id=batch_id)
        if naeste is not None:
            jobs.send_bestil(batch_id, schedule_at=max(naeste, timezone.now()))
    return udfald.resultat


@app.periodic(cron="*/5 * * * *", periodic_id="indberetning-genoptag")
@app.task(name=jobs.GENOPTAG, queue=QUEUE, queueing_lock="indberetning-genoptag", pass_context=True)
async def genoptag_haengende(context, timestamp: int) -> int:
    """Jobs left ``doing`` by a worker that stopped (no heartbeat) are put back in the queue."""
    antal = 0
    for job in await context.app.job_manager.get_stalled_jobs():
        await context.app.job_manager.retry_job(job)
        antal += 1
    return antal


@app.periodic(cron="17 3 * * *", periodic_id="indberetning-oprydning")
@app.task(name=jobs.OPRYDNING, queue=QUEUE, queueing_lock="indberetning-oprydning", pass_context=True)
async def oprydning(context, timestamp: int) -> int:
    from asgiref.sync import sync_to_async

    await context.app.job_manager.delete_old_jobs(nb_hours=24 * 7, include_failed=False)
    return await sync_to_async(koersel.oprydning)()
