"""``manage.py arbejder``: the procrastinate worker, kept running across database outages.

procrastinate's own ``manage.py procrastinate worker`` stops (or hangs in its shutdown)
when its LISTEN connection or a side task meets a dead database, so after a PostgreSQL
restart or failover nothing would be reported until someone restarted it. This command runs
the same worker (the same app, tasks, queues and PROCRASTINATE_WORKER_DEFAULTS) and, when it
stops because the database went away, waits until the database answers and starts it again
in the same process. SIGTERM/SIGINT stop it gracefully as before.

Nothing is lost or sent twice by a restart: the outbox rows, not the jobs, are the truth
(docs/indberetning.md, "Exactly once"), and a job that was running when the
connection died is retried or taken over by the stalled-job task.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import psycopg
from django.core.management.base import BaseCommand
from django.db import connection
from procrastinate.contrib.django import app

log = logging.getLogger("indberetning")

VENT_SEKUNDER = 1.0


class Command(BaseCommand):
    help = "Kører indberetningens arbejder (procrastinate) og genstarter den i samme proces efter et databasenedbrud."

    def handle(self, *args, **options):
        asyncio.run(self._koer())

    async def _koer(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        while not stop.is_set():
            try:
                await self._en_koersel(stop)
            except Exception as fejl:  # noqa: BLE001 - a dead database shows as many kinds
                log.warning("Arbejderen stoppede (%s); den starter igen, når databasen svarer.", type(fejl).__name__)
            if not stop.is_set():
                await self._vent_paa_database(stop)

    async def _en_koersel(self, stop: asyncio.Event) -> None:
        with app.replace_connector(app.connector.get_worker_connector()) as arbejder_app:
            async with arbejder_app.open_async():
                arbejde = asyncio.create_task(arbejder_app.run_worker_async(install_signal_handlers=False))
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait({arbejde, stopper}, return_when=asyncio.FIRST_COMPLETED)
                if stop.is_set() and not arbejde.done():
                    arbejde.cancel()  # procrastinate finishes running jobs, then stops
                stopper.cancel()
                try:
                    await arbejde
                except asyncio.CancelledError:
                    if not stop.is_set():
                        raise
                if not stop.is_set():
                    log.warning("Arbejderen stoppede uden at være bedt om det.")

    async def _vent_paa_database(self, stop: asyncio.Event) -> None:
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        while not stop.is_set():
            try:
                forbindelse = await psycopg.AsyncConnection.connect(**params, connect_timeout=5)
                await forbindelse.close()
                log.warning("Databasen svarer igen; arbejderen starter.")
                return
            except psycopg.OperationalError:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=VENT_SEKUNDER)
                except TimeoutError:
                    pass
