"""Scale-out: report events delivered per second by one procrastinate worker and by two,
on one database (issue 5: two should deliver at least 1.6 times what one does).

    .venv/bin/python bench/skalering_bench.py --n 100000

In a database of its own (created, migrated, dropped again): N pending events are written
with COPY (bench/indberetning_bench.py's helpers), K workers (``manage.py procrastinate
worker``, separate processes, as on separate machines) are started, one "kick" is
deferred, and the clock runs until every event is in a delivered batch at the local
receiver (another process). Then the same with the other K. Prints a line
``RESULTAT {json}`` for bench/web_bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import indberetning_bench as ib  # noqa: E402

ib.BENCH_DB = f"bench_skalering_{os.getpid()}"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--arbejdere", default="1,2")
    a = p.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    ind = settings.DATABASES["default"]
    ib.database_opret(ind)
    ind["NAME"] = ib.BENCH_DB
    modtager = None
    resultat: dict = {"n": a.n}
    try:
        call_command("migrate", verbosity=0)
        modtager, url = ib.modtager_start()
        settings.INDBERETNING_DFDG_URL = url
        _, skabeloner = ib.frø()
        ib.pipeline(url)

        from indberetning import services
        from indberetning.models import Batch, Haendelse
        from procrastinate.contrib.django.models import ProcrastinateJob

        sekvens = 1000
        for k in [int(x) for x in a.arbejdere.split(",")]:
            ProcrastinateJob.objects.all().delete()
            connection.close()
            env = {**os.environ, "DATABASE_URL": ib.database_url(ind), "INDBERETNING_DFDG_URL": url, "LOG_LEVEL": "WARNING"}
            arbejdere = [subprocess.Popen([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ib.ROD, env=env) for _ in range(k)]
            try:
                time.sleep(4)  # the workers connect, listen and run their periodic jobs on an empty outbox
                # The events and the kick commit together: no worker sees any of them before
                # the clock starts.
                with transaction.atomic():
                    ib.copy_haendelser(a.n, skabeloner, sekvens)
                    services.kick_bestil()
                t0 = time.perf_counter()
                sekvens += a.n
                frist = time.monotonic() + 600
                while time.monotonic() < frist:
                    if not Haendelse.objects.filter(batch__isnull=True).exists() and not Batch.objects.exclude(status=Batch.Status.KVITTERET).exists():
                        break
                    time.sleep(0.05)
                sekunder = time.perf_counter() - t0
            finally:
                for w in arbejdere:
                    w.terminate()
                for w in arbejdere:
                    try:
                        w.wait(15)
                    except subprocess.TimeoutExpired:
                        w.kill()
            resultat[str(k)] = {"sekunder": round(sekunder, 2), "pr_s": round(a.n / sekunder)}
            print(f"{k} arbejder(e): {a.n:,} hændelser på {sekunder:.2f} s = {a.n / sekunder:,.0f} hændelser/s", flush=True)
        if "1" in resultat and "2" in resultat:
            resultat["forhold"] = round(resultat["2"]["pr_s"] / resultat["1"]["pr_s"], 2)
            print(f"To arbejdere / én: {resultat['forhold']:.2f}× (mål ≥ 1,6×)")
        print("RESULTAT " + json.dumps(resultat))
    finally:
        if modtager is not None:
            modtager.terminate()
        from django.db import connections

        connections.close_all()
        ib.database_slet(ind)


if __name__ == "__main__":
    main()
