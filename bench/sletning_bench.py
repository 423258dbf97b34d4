"""Retention at scale (issue 24): ``slet_udloebne`` on a database of N conversations where
a share of the citizens (default 10 %) has passed the deadline.

    .venv/bin/python bench/sletning_bench.py --samtaler 1000000      # the issue's measure
    .venv/bin/python bench/sletning_bench.py --samtaler 5000          # a quick proof

In a database of its own (created, migrated, filled with ``generer_data``, dropped again).
Nothing is backdated: generer_data spreads the citizens' activity over years, so the run's
"now" is put where the chosen share of citizens lies past the deadline in force
(``sagsdata``, P1825D): the share-quantile of the citizens' last activity, plus the
deadline. The run then erases exactly those (one transaction each, through the database's
erasure function, with the statistics' aggregates and the erasure records), and is timed.
A second run must erase nothing. Prints a line ``RESULTAT {json}`` for bench/web_bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import indberetning_bench as ib  # noqa: E402

ib.BENCH_DB = f"bench_sletning_{os.getpid()}"

SIDSTE_AKTIVITET = """
SELECT percentile_disc(%s) WITHIN GROUP (ORDER BY a) FROM (
  SELECT GREATEST(
    p.oprettet,
    (SELECT max(GREATEST(s.registreret, s.rettet, s.annulleret, s.dato::timestamptz))
       FROM registrering_samtale s WHERE s.person_id = p.id),
    (SELECT max(h.history_date) FROM registrering_historicalperson h WHERE h.id = p.id)) AS a
  FROM registrering_person p) x
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samtaler", type=int, default=1_000_000, help="conversations in all (default 1000000)")
    parser.add_argument("--samtaler-pr-person", type=int, default=10)
    parser.add_argument("--andel", type=float, default=0.10, help="share of citizens past the deadline (0.10)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtaler_site.settings")
    import django

    django.setup()
    ind = ib.som_ejer_hele_vejen()
    ib.database_opret(ind)
    ind["NAME"] = ib.BENCH_DB
    try:
        from django.core.management import call_command
        from django.db import connection

        from registrering import sletning
        from registrering.models import Person, Samtale, Slettefrist

        call_command("migrate", verbosity=0)
        personer = max(1, args.samtaler // args.samtaler_pr_person)
        t0 = time.perf_counter()
        call_command(
            "generer_data",
            personer=personer,
            samtaler_pr_person=args.samtaler_pr_person,
            stdout=open(os.devnull, "w"),
        )
        generer_s = time.perf_counter() - t0
        with connection.cursor() as c:
            c.execute("ANALYZE")
            c.execute(SIDSTE_AKTIVITET, [args.andel])
            (graense,) = c.fetchone()
        frist = Slettefrist.objects.get(kode="sagsdata")
        nu = graense + frist.tidsrum  # citizens active before ``graense`` are past the deadline
        foer = {"borgere": Person.objects.count(), "samtaler": Samtale.objects.count()}
        print(f"Database {ib.BENCH_DB}: {foer['borgere']:,} borgere, {foer['samtaler']:,} samtaler", flush=True)

        t0 = time.perf_counter()
        k = sletning.slet_udloebne(nu=nu)
        sekunder = time.perf_counter() - t0
        igen = sletning.slet_udloebne(nu=nu)
        efter = {"borgere": Person.objects.count(), "samtaler": Samtale.objects.count()}
        resultat = {
            "samtaler": foer["samtaler"],
            "borgere": foer["borgere"],
            "slettede_borgere": k.borgere,
            "slettede_samtaler": foer["samtaler"] - efter["samtaler"],
            "andel": round(k.borgere / foer["borgere"], 4) if foer["borgere"] else 0,
            "sekunder": round(sekunder, 2),
            "borgere_pr_s": round(k.borgere / sekunder, 1) if sekunder else None,
            "anden_koersel_slettede": igen.borgere,
            "generer_data_s": round(generer_s, 1),
            "raekker": k.antal,
        }
        print(
            f"slet_udloebne: {k.borgere:,} borgere ({resultat['andel']:.1%}) og "
            f"{resultat['slettede_samtaler']:,} samtaler slettet på {sekunder:,.1f} s "
            f"({resultat['borgere_pr_s']} borgere/s); anden kørsel slettede {igen.borgere}"
        )
        if igen.borgere:
            raise SystemExit("FEJL: anden kørsel slettede noget")
        print("RESULTAT " + json.dumps(resultat))
    finally:
        from django.db import connections

        connections.close_all()
        ind["NAME"] = "postgres"
        ib.database_slet(ind)


if __name__ == "__main__":
    main()
