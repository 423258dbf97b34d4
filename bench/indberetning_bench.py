"""Benchmark of the reporting pipeline (issue 3): not a timed test, a measurement.

    make bench                                   # N = 100000
    .venv/bin/python bench/indberetning_bench.py --n 20000 --forsinkelse 20

What it does, in a database of its own on the same PostgreSQL server (created, migrated
and dropped again; the app's own data is not touched):

1. Registers a few conversations through the real service (real payloads), then writes
   N outbox events with PostgreSQL's own ``COPY`` and times it: the floor no report
   pipeline beats.
2. Builds, serialises, validates (XSD) and delivers the N events to a local HTTP receiver
   in another process, with the same code the worker and ``manage.py indberet`` run, and
   times it; first N/10 events, then N, so the memory peak of the two can be compared
   (the pipeline streams: one batch at a time, never all events).
3. Starts ``manage.py procrastinate worker``, registers conversations one at a time and
   prints the median delay from registration to the stored receipt.

Targets (the issue): at least 5,000 events/s, at least 20 % of the COPY rate, memory flat.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtaler_site.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BENCH_DB = f"bench_indberetning_{os.getpid()}"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class RssTop:
    """Samples the process's resident memory every 20 ms; ``top`` is the peak seen."""

    def __init__(self):
        self.top = rss_mb()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._koer, daemon=True)

    def _koer(self):
        while not self._stop.wait(0.02):
            self.top = max(self.top, rss_mb())

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.top = max(self.top, rss_mb())


def modtager_start() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(ROD / "bench" / "modtager.py")], stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def modtager_status(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/status", timeout=10) as svar:
        return json.loads(svar.read())


def database_opret(indstillinger: dict) -> None:
    import psycopg

    with psycopg.connect(**_forbindelse(indstillinger, "postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{BENCH_DB}"')


def database_slet(indstillinger: dict) -> None:
    import psycopg

    with psycopg.connect(**_forbindelse(indstillinger, "postgres"), autocommit=True) as c:
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [BENCH_DB],
        )
        c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def som_ejer_hele_vejen() -> dict:
    """The benchmark works in a database of its own, as the owner throughout (it creates,
    migrates, loads with COPY and drops it): this process and the workers it starts connect
    as the owner (``DATABASE_MIGRATE_URL``, the embedded ``samtaler_ejer``), not the app
    role (samtaler_site/db_roller.py). Returns the connection settings."""
    from django.conf import settings

    from samtaler_site.db_roller import EJER_NOEGLER, ejer_indstillinger

    ind = settings.DATABASES["default"]
    ejer = ejer_indstillinger()
    if ejer is not None:
        ind.update({k: ejer[k] for k in EJER_NOEGLER if k in ejer})
    return ind


def _forbindelse(ind: dict, navn: str) -> dict:
    d = {
        "dbname": navn,
        "user": ind.get("USER") or None,
        "host": ind.get("HOST") or None,
        "port": ind.get("PORT") or None,
    }
    if ind.get("PASSWORD"):
        d["password"] = ind["PASSWORD"]
    return {k: v for k, v in d.items() if v is not None}


def database_url(ind: dict) -> str:
    vaert = urllib.parse.quote(ind.get("HOST") or "", safe="")
    kode = f":{urllib.parse.quote(ind['PASSWORD'])}" if ind.get("PASSWORD") else ""
    port = f":{ind['PORT']}" if ind.get("PORT") else ""
    return f"postgres://{ind.get('USER') or 'postgres'}{kode}@{vaert}{port}/{BENCH_DB}"


def frø(antal_samtaler: int = 20):
    """A few real registrations through the service: the payloads the events copy."""
    from indberetning.models import Haendelse
    from registrering import services
    from registrering.models import Bruger, Jobcenter
    from registrering.selectors import idag
    from tests import factories

    jc, _ = Jobcenter.objects.get_or_create(kode="751", defaults={"navn": "Jobcenter Aarhus (bench)"})
    bruger = Bruger.objects.create_user(
        username=f"bench{uuid.uuid4().hex[:6]}", password=uuid.uuid4().hex, jobcenter=jc
    )
    for i in range(antal_samtaler):
        person = factories.person(kontaktgruppe="1", jc=jc, navn=f"Bench Borger {i}")
        services.samtale_registrer(
            person=person,
            data=factories.data(
                dato=idag() - datetime.timedelta(days=1 + i % 20),
                aftale="Borgeren søger mindst to relevante job om ugen og opdaterer sit cv. " * 2,
                deltagere=[factories.deltager("Karin Kofoed", "akassekonsulent", "1")],
                cv_ikke_fyldestgoerende=bool(i % 2),
            ),
            bruger=bruger,
        )
    return bruger, list(Haendelse.objects.filter(modtager="dfdg").values_list("samtale_id", "data"))


def copy_haendelser(n: int, skabeloner: list, start_sekvens: int) -> float:
    """Write n events with COPY; returns the seconds the COPY itself took."""
    from django.db import connection

    from indberetning.dokument import haendelse_xml

    def felt(tekst: str) -> str:  # COPY's text format
        return tekst.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    nu = datetime.datetime.now(datetime.UTC)
    tekst = io.StringIO()
    for i in range(n):
        samtale_id, data = skabeloner[i % len(skabeloner)]
        haendelse_id, sekvens, registreret = uuid.uuid4(), start_sekvens + i, nu + datetime.timedelta(microseconds=i)
        xml = haendelse_xml(
            haendelse_id=haendelse_id,
            samtale_id=samtale_id,
            handling="opret",
            sekvens=sekvens,
            registreret=registreret,
            data=data,
        )
        linje = "\t".join(
            [
                str(haendelse_id),
                str(samtale_id),
                "dfdg",
                "opret",
                str(sekvens),
                registreret.isoformat(),
                felt(json.dumps(data, ensure_ascii=False)),
                felt(xml),
            ]
        )
        tekst.write(linje + "\n")
    blob = tekst.getvalue().encode()
    del tekst
    connection.ensure_connection()
    with connection.connection.cursor() as c:
        t0 = time.perf_counter()
        with c.copy(
            "COPY indberetning_haendelse (id, samtale_id, modtager, handling, sekvens, registreret, data, xml) FROM STDIN"
        ) as cp:
            for i in range(0, len(blob), 1 << 20):
                cp.write(blob[i : i + (1 << 20)])
        sekunder = time.perf_counter() - t0
    del blob
    return sekunder


def pipeline(modtager_url: str) -> tuple[float, int, int]:
    """Build, serialise, validate and deliver everything pending; seconds, events, batches."""
    from indberetning.koersel import koersel_synkron

    t0 = time.perf_counter()
    koersel, problemer = koersel_synkron()
    sekunder = time.perf_counter() - t0
    if problemer:
        raise SystemExit(f"{len(problemer)} batches blev ikke leveret: {problemer[0].sidste_besked}")
    return sekunder, koersel.haendelser_batchet, koersel.sendinger


def forsinkelse_med_arbejder(bruger, antal: int, url: str) -> list[float]:
    """Register conversations one at a time with a worker running; seconds to receipt."""
    from django.conf import settings

    from indberetning.models import Batch, Haendelse
    from registrering import services
    from registrering.selectors import idag
    from tests import factories

    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "INDBERETNING_DFDG_URL": url,
        "LOG_LEVEL": "WARNING",
    }
    arbejder = subprocess.Popen([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROD, env=env)
    try:
        time.sleep(3)  # the worker connects and starts listening
        samtaler = []
        for i in range(antal):
            person = factories.person(kontaktgruppe="2", jc=bruger.jobcenter, navn=f"Forsinkelse {i}")
            r = services.samtale_registrer(
                person=person, data=factories.data(dato=idag() - datetime.timedelta(days=1)), bruger=bruger
            )
            samtaler.append(r.samtale.pk)
            time.sleep(0.2)
        frist = time.monotonic() + 90
        while time.monotonic() < frist:
            ventende = (
                Haendelse.objects.filter(samtale_id__in=samtaler).exclude(batch__status=Batch.Status.KVITTERET).count()
            )
            if not ventende:
                break
            time.sleep(0.5)
        raekker = Haendelse.objects.filter(samtale_id__in=samtaler, batch__status=Batch.Status.KVITTERET).values_list(
            "registreret", "batch__kvitteret"
        )
        return [(kvitteret - registreret).total_seconds() for registreret, kvitteret in raekker]
    finally:
        arbejder.terminate()
        try:
            arbejder.wait(15)
        except subprocess.TimeoutExpired:
            arbejder.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="events (default 100000)")
    parser.add_argument("--forsinkelse", type=int, default=20, help="registrations for the delay measurement (0: skip)")
    args = parser.parse_args()

    import django
    from django.conf import settings

    # Our own database on the same server: nothing of the app's data is touched.
    django.setup()
    indstillinger = som_ejer_hele_vejen()
    database_opret(indstillinger)
    indstillinger["NAME"] = BENCH_DB
    modtager = None
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        modtager, url = modtager_start()
        settings.INDBERETNING_DFDG_URL = url
        print(f"Database {BENCH_DB}; modtager {url}; batchstørrelse {settings.INDBERETNING_BATCH_STOERRELSE}")
        bruger, skabeloner = frø()
        # Deliver the seed events first, so every timed run starts from an empty outbox.
        pipeline(url)

        resultater = []
        sekvens = 1000
        for n in sorted({max(1, args.n // 10), args.n}):
            copy_s = copy_haendelser(n, skabeloner, sekvens)
            sekvens += n
            foer = modtager_status(url)["haendelser"]
            rss_foer = rss_mb()
            with RssTop() as maaler:
                sekunder, haendelser, batches = pipeline(url)
            leveret = modtager_status(url)["haendelser"] - foer
            if leveret != n or haendelser != n:
                raise SystemExit(f"FEJL: {n} hændelser skrevet, {haendelser} lagt i batches, {leveret} modtaget")
            resultater.append((n, copy_s, sekunder, batches, rss_foer, maaler.top))

        print()
        print(
            f"{'N':>8} {'COPY/s':>10} {'pipeline/s':>11} {'andel':>7} {'batches':>8} {'RSS før':>9} {'RSS top':>9} {'vækst':>7}"
        )
        for n, copy_s, sekunder, batches, rss_foer, top in resultater:
            print(
                f"{n:>8} {n / copy_s:>10,.0f} {n / sekunder:>11,.0f} {n / sekunder / (n / copy_s):>6.0%} "
                f"{batches:>8} {rss_foer:>7.0f}MB {top:>7.0f}MB {top - rss_foer:>5.0f}MB"
            )
        n, copy_s, sekunder, *_ = resultater[-1]
        rate = n / sekunder
        print()
        print(f"Mål: ≥ 5.000 hændelser/s: {'OK' if rate >= 5000 else 'IKKE NÅET'} ({rate:,.0f}/s)")
        print(f"Mål: ≥ 20 % af COPY: {'OK' if rate >= 0.2 * n / copy_s else 'IKKE NÅET'} ({rate / (n / copy_s):.0%})")
        vaekst = [top - foer for *_, foer, top in resultater]
        print(
            f"Hukommelse: vækst under kørslen {vaekst[0]:.0f} MB ved N={resultater[0][0]}, {vaekst[-1]:.0f} MB ved N={n}"
        )
        status = modtager_status(url)
        print(
            f"Modtageren: {status['batches']} batches, {status['haendelser']} hændelser, {status['gentagelser']} gentagelser"
        )

        if args.forsinkelse:
            from django.db import connection

            connection.close()
            forsinkelser = forsinkelse_med_arbejder(bruger, args.forsinkelse, url)
            if forsinkelser:
                print(
                    f"Forsinkelse fra registrering til kvittering med en arbejder kørende: median "
                    f"{statistics.median(forsinkelser):.2f} s, max {max(forsinkelser):.2f} s "
                    f"({len(forsinkelser)} hændelser af {args.forsinkelse})"
                )
            else:
                print("Forsinkelse: ingen kvitteringer modtaget")
    finally:
        if modtager is not None:
            modtager.terminate()
        from django.db import connections

        connections.close_all()
        database_slet(indstillinger)


if __name__ == "__main__":
    main()
