"""``python manage.py indberet``: build and send every pending batch now, in this process.

For operators and for sites that run cron instead of a worker. The exit status is 1 when a
batch is not delivered: refused or failed in this run or before (waiting for an operator's
resend), or left for a retry by this run.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indberetning.koersel import koersel_synkron


class Command(BaseCommand):
    help = "Bygger og sender alle ventende indberetninger nu (synkront, med fremskridt)."

    def add_arguments(self, parser):
        parser.add_argument("--uden-fremskridt", action="store_true", help="Ingen fremskridtslinje.")

    def handle(self, *args, **options):
        vis = not options["uden_fremskridt"]

        def fremskridt(ids):
            return tqdm(ids, desc="Sender batches", unit="batch", disable=not vis, file=sys.stderr)

        koersel, problemer = koersel_synkron(fremskridt=fremskridt)
        self.stdout.write(
            f"{koersel.batches_bygget} batches bygget med {koersel.haendelser_batchet} hændelser; "
            f"{koersel.sendinger} sendt: {koersel.kvitteret} kvitteret, {koersel.afleveret} lagt i drop-mappen, "
            f"{koersel.afvist} afvist, {koersel.fejlet} ikke leveret."
        )
        for batch in problemer:
            self.stderr.write(f"Batch {batch.pk} til {batch.modtager}: {batch.status}: {batch.sidste_besked[:300]}")
        if problemer:
            raise CommandError(f"{len(problemer)} batches er ikke leveret (se driftssiden).", returncode=1)
