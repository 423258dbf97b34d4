"""Where a request's time goes, in-process: CPU milliseconds per request for the floors, the
citizen's page (rows cached and cold) and a registration, and optionally a pyinstrument
profile of each. The figures in docs/ydelse.md's "Where the time goes" come from this script.

    DATABASE_URL=postgres://…/samtaler_bench_100000x10 .venv/bin/python bench/profil.py
    … bench/profil.py --profil /tmp/profil     # also writes one pyinstrument text file per case

It runs against a benchmark database built by ``make bench`` (it needs the demo users and
citizens with 40 conversations; it registers a few hundred conversations there), with
``bench.settings`` (DEBUG=0, the baseline views). CPU time of this process only: the
database's own work is not in the figures, so they show what the Python side costs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import sys
import time
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200, help="requests per case")
    p.add_argument("--profil", help="folder for pyinstrument output (one file per case)")
    p.add_argument("--seed", type=int, default=1, help="another seed registers on other dates (no refusals)")
    p.add_argument(
        "--forespoergsler",
        action="store_true",
        help="count the SQL statements per request by what they serve, instead of timing (issue 25)",
    )
    a = p.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from registrering import selectors
    from registrering.models import Bruger, Person

    sb = Bruger.objects.get(username="sagsbehandler")
    tunge = list(
        Person.objects.filter(jobcenter=sb.jobcenter)
        .annotate(n=Count("samtaler"))
        .filter(n__gte=38)
        .values_list("pk", flat=True)[:60]
    )
    lette = list(
        Person.objects.filter(jobcenter=sb.jobcenter, kontaktgruppe__kode="2").values_list("pk", "kontaktgruppe_id")[
            :300
        ]
    )
    if not tunge or not lette:
        sys.exit("Kør mod en database bygget af make bench (samtaler_bench_…).")
    c = Client()
    c.force_login(sb)
    rnd = random.Random(a.seed)

    def laes():
        assert c.get(f"/bench/laes/{rnd.choice(lette)[0]}/").status_code == 200

    def indsaet():
        pk, kg = rnd.choice(lette)
        dato = datetime.date.today() - datetime.timedelta(days=rnd.randint(1, 3650))
        felter = {
            "person": pk,
            "kontaktgruppe": kg,
            "dato": dato.isoformat(),
            "praktiske_aftaler": "x",
            "navn0": "a",
            "navn1": "b",
        }
        assert c.post("/bench/indsaet/", felter).status_code in (201, 409)

    def side_varm():
        assert c.get(f"/borgere/{tunge[rnd.randrange(min(10, len(tunge)))]}/").status_code == 200

    def side_kold():
        cache.clear()
        assert c.get(f"/borgere/{rnd.choice(tunge)}/").status_code == 200

    def registrering():
        dato = selectors.idag() - datetime.timedelta(days=rnd.randint(1, 1500))
        felter = {
            "dato": dato.isoformat(),
            "samtaletype": "7",
            "samtaleform": "1",
            "aftale": "Søge mindst 2 relevante job om ugen.\nOpdatere cv på Jobnet.",
            "visitationsgruppe": rnd.choice(["", "", "jobparat", "aktivitetsparat"]),
            "deltagere-TOTAL_FORMS": "2",
            "deltagere-INITIAL_FORMS": "0",
            "deltagere-0-navn": "Mona Mentor",
            "deltagere-0-rolle": "mentor",
            "deltagere-0-deltagelsesform": "1",
            "deltagere-1-navn": "Tariq Tolk",
            "deltagere-1-rolle": "tolk",
            "deltagere-1-deltagelsesform": "1",
        }
        # 302: registered; 200: refused (the same type on the same date already), also measured
        assert c.post(f"/borgere/{rnd.choice(lette)[0]}/samtaler/ny/", felter).status_code in (200, 302)

    tilfaelde = [
        ("gulv: triviel læsning", laes),
        ("gulv: bar indsættelse", indsaet),
        ("borgerens side, rækker i cachen", side_varm),
        ("borgerens side, kold", side_kold),
        ("registrering (POST)", registrering),
    ]
    if a.forespoergsler:
        optael_forespoergsler(tilfaelde, n=min(a.n, 50))
        return
    print(f"{'tilfælde':34s} {'CPU p50':>8s} {'p95':>7s}  (ms pr. forespørgsel, {a.n} stk.)")
    for navn, f in tilfaelde:
        for _ in range(10):
            f()
        tider = []
        for _ in range(a.n):
            t = time.process_time()
            f()
            tider.append((time.process_time() - t) * 1000)
        tider.sort()
        print(f"{navn:34s} {tider[len(tider) // 2]:8.1f} {tider[int(len(tider) * 0.95)]:7.1f}", flush=True)
        if a.profil:
            from pyinstrument import Profiler

            Path(a.profil).mkdir(parents=True, exist_ok=True)
            pr = Profiler(interval=0.0002)
            pr.start()
            for _ in range(a.n):
                f()
            pr.stop()
            fil = Path(a.profil) / (navn.replace(" ", "_").replace(":", "").replace(",", "") + ".txt")
            fil.write_text(pr.output_text(unicode=False, color=False))
    if a.profil:
        print(f"Profiler i {a.profil}/")


# What a statement serves, by the table it reads from or writes to first (issue 25: the
# per-request costs that are not the page's own work: the session and its idle clock, the
# user and their permissions, the login throttle, the access log).
ART = (
    ("session (og inaktivitetsur)", "django_session"),
    ("bruger", "registrering_bruger"),
    ("rettigheder", "auth_permission"),
    ("login-drosling (axes)", "axes_"),
    ("adgangslog", "registrering_adgangslog"),
)
TABEL = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"([^"]+)"')


def optael_forespoergsler(tilfaelde, *, n: int) -> None:
    """Statements per request for each case, split by :data:`ART` (the rest is the page's
    own work): a count of work, which a busy machine does not change (unlike time)."""
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    arter = [a for a, _ in ART] + ["sidens eget arbejde"]
    print(f"{'tilfælde':34s} {'i alt':>6s} " + " ".join(f"{a[:14]:>14s}" for a in arter))
    for navn, f in tilfaelde:
        for _ in range(5):
            f()
        optaelling: Counter = Counter()
        with CaptureQueriesContext(connection) as q:
            for _ in range(n):
                f()
        for sql in (x["sql"] for x in q.captured_queries):
            tabel = TABEL.search(sql)
            tabel = tabel.group(1) if tabel else ""
            art = next((a for a, noegle in ART if tabel.startswith(noegle)), "sidens eget arbejde")
            optaelling[art] += 1
        i_alt = sum(optaelling.values()) / n
        print(
            f"{navn:34s} {i_alt:6.1f} " + " ".join(f"{optaelling[a] / n:14.2f}" for a in arter),
            flush=True,
        )


if __name__ == "__main__":
    main()
