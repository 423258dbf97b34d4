"""Benchmark of the integration API (issue 22): not a timed test, a measurement.

    make bench                           # runs it after the web benchmark
    make bench-api                       # this one alone
    .venv/bin/python bench/api_bench.py --raekker 10000 --registreringer 200

In a database of its own on the same PostgreSQL server (created, migrated, demo data, then
dropped), against gunicorn (2 workers, the production settings, bench/settings.py):

1. ``person_perioder_importer``: one nightly file of N rows (a new kontaktgruppe for N
   citizens), over HTTP, timed; then the same file again (every row ``uaendret``).
2. Registration p50/p95: the same jobsamtale registered alternately through the page (a
   logged-in caseworker's form POST) and through the API (bearer token, JSON), one at a
   time. The issue's target: the API's p95 within 1.2x the page's.

Writes bench/results/api-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))

from bench.web_bench import PY, forbind, fri_port, kør, server, url_for  # noqa: E402

NAVN = f"bench_api_{os.getpid()}"


def gunicorn(ind: dict) -> tuple[subprocess.Popen, str]:
    port = fri_port()
    env = {**os.environ, "DATABASE_URL": url_for(ind, NAVN), "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    proc = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "-c", "bench/gunicorn_bench.conf.py", "samtaler_site.wsgi"]
        + ["--workers", "2", "--timeout", "300", "--bind", f"127.0.0.1:{port}"],
        cwd=ROD,
        env=env,
    )
    import requests

    vaert = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{vaert}/api/v1/openapi.json", timeout=2).status_code == 200:
                return proc, vaert
        except requests.RequestException:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn svarede ikke")


def data(n: int) -> tuple[str, str, list[str], list[str]]:
    """The client, and N citizens in Jobcenter Aarhus (demo) in kontaktgruppe 2."""
    import django

    django.setup()
    from api import services
    from registrering.models import Jobcenter, Kontaktgruppe, Person, PersonPeriode

    jc = Jobcenter.objects.get(kode="751")
    klient, hemmelighed = services.klient_opret(navn="Bench-fagsystem", jobcentre=[jc])
    kg = Kontaktgruppe.objects.get(kode="2")
    start = datetime.date(1950, 1, 1)
    personer = [
        Person(
            cpr=f"{start + datetime.timedelta(days=i):%d%m%y}{1000 + i % 9000:04d}",
            navn=f"Bench Borger {i}",
            kontaktgruppe=kg,
            jobcenter=jc,
        )
        for i in range(n)
    ]
    Person.objects.bulk_create(personer, batch_size=2000)
    PersonPeriode.objects.bulk_create(
        [PersonPeriode(person=p, kontaktgruppe=kg, gyldig_fra=None) for p in personer], batch_size=2000
    )
    return klient.application.client_id, hemmelighed, [p.cpr for p in personer], [str(p.pk) for p in personer]


def import_maal(vaert: str, token: str, cprer: list[str]) -> dict:
    import requests

    gyldig_fra = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    raekker = [
        {"cpr": c, "kontaktgruppe": "3", "akasse": None, "beskyttet": False, "gyldig_fra": gyldig_fra} for c in cprer
    ]
    ud = {}
    for gang in ("første", "igen"):
        t0 = time.perf_counter()
        svar = requests.post(
            f"{vaert}/api/v1/personer/perioder",
            json=raekker,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
            timeout=600,
        )
        sekunder = time.perf_counter() - t0
        svar.raise_for_status()
        ud[gang] = {
            "sekunder": round(sekunder, 2),
            "raekker_pr_s": round(len(raekker) / sekunder),
            "antal": svar.json()["antal"],
        }
        print(
            f"person_perioder_importer, {len(raekker)} rækker ({gang}): {sekunder:.1f} s, {svar.json()['antal']}",
            flush=True,
        )
    return ud


def _kvantil(tider: list[float], q: float) -> float:
    return round(statistics.quantiles(tider, n=100)[q - 1] * 1000, 1)


def registrering_maal(vaert: str, token: str, personer: list[str], antal: int) -> dict:
    import requests

    side = requests.Session()
    side.get(f"{vaert}/accounts/login/")
    svar = side.post(
        f"{vaert}/accounts/login/",
        {
            "username": "sagsbehandler",
            "password": os.environ.get("DEMO_PASSWORD", "demo"),
            "csrfmiddlewaretoken": side.cookies["csrftoken"],
        },
        allow_redirects=False,
    )
    assert svar.status_code == 302, svar.status_code
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    rnd = random.Random(1)
    tider: dict[str, list[float]] = {"side": [], "api": []}
    # One registration per citizen: the same type on the same day twice is refused as a duplicate.
    for i, person in enumerate(rnd.sample(personer, antal * 2)):
        felter = {
            "dato": (datetime.date.today() - datetime.timedelta(days=rnd.randint(1, 25))).isoformat(),
            "samtaletype": "7",
            "samtaleform": "1",
            "aftale": "Søge mindst 2 relevante job om ugen.\nOpdatere cv på Jobnet.",
            "visitationsgruppe": rnd.choice(["", "", "jobparat", "aktivitetsparat"]),
        }
        deltagere = [
            {"navn": "Mona Mentor", "rolle": "mentor", "deltagelsesform": "1"},
            {"navn": "Tariq Tolk", "rolle": "tolk", "deltagelsesform": "1"},
        ]
        t0 = time.perf_counter()
        if i % 2 == 0:
            post = felter | {"deltagere-TOTAL_FORMS": "2", "deltagere-INITIAL_FORMS": "0"}
            for n, d in enumerate(deltagere):
                post |= {f"deltagere-{n}-{k}": v for k, v in d.items()}
            svar = side.post(
                f"{vaert}/borgere/{person}/samtaler/ny/",
                post,
                headers={"X-CSRFToken": side.cookies["csrftoken"]},
                allow_redirects=False,
            )
            assert svar.status_code == 302, re.findall(r"invalid-feedback[^>]*>\s*(?:<strong>)?([^<]+)", svar.text)[:5]
            tider["side"].append(time.perf_counter() - t0)
        else:
            krop = felter | {
                "person": person,
                "deltagere": deltagere,
                "visitationsgruppe": felter["visitationsgruppe"] or None,
            }
            svar = api.post(f"{vaert}/api/v1/samtaler", json=krop, headers={"Idempotency-Key": str(uuid.uuid4())})
            assert svar.status_code == 201, svar.text
            tider["api"].append(time.perf_counter() - t0)
    ud = {k: {"p50_ms": _kvantil(v, 50), "p95_ms": _kvantil(v, 95), "antal": len(v)} for k, v in tider.items()}
    ud["p95_forhold"] = round(ud["api"]["p95_ms"] / ud["side"]["p95_ms"], 2)
    print(f"registrering: siden {ud['side']}, API {ud['api']}, API/side p95 = {ud['p95_forhold']}", flush=True)
    return ud


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raekker", type=int, default=10_000)
    parser.add_argument("--registreringer", type=int, default=200)
    args = parser.parse_args()
    ind = server()
    with forbind(ind, "postgres") as c:
        c.execute(f'CREATE DATABASE "{NAVN}"')
    proc = None
    try:
        os.environ |= {
            "DATABASE_URL": url_for(ind, NAVN),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "LOG_LEVEL": "WARNING",
        }
        env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "samtaler_site.settings"}
        kør([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        kør([PY, "manage.py", "demo_data"], env, stdout=subprocess.DEVNULL)
        # The file's citizens, and one more per registration (kontaktgruppe 2, untouched).
        client_id, hemmelighed, cprer, ider = data(args.raekker + 2 * args.registreringer)
        proc, vaert = gunicorn(ind)
        import requests

        token = requests.post(
            f"{vaert}/api/v1/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, hemmelighed),
            timeout=30,
        ).json()["access_token"]
        resultat = {
            "tidspunkt": datetime.datetime.now().isoformat(timespec="seconds"),
            "belastning": os.getloadavg(),
            "import": import_maal(vaert, token, cprer[: args.raekker]),
            "registrering": registrering_maal(vaert, token, ider[args.raekker :], args.registreringer),
        }
        sti = ROD / "bench" / "results" / f"api-{datetime.datetime.now():%Y%m%dT%H%M%S}.json"
        sti.write_text(json.dumps(resultat, indent=2, ensure_ascii=False))
        print(f"Resultat: {sti.relative_to(ROD)}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        with forbind(ind, "postgres") as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [NAVN])
            c.execute(f'DROP DATABASE IF EXISTS "{NAVN}"')


if __name__ == "__main__":
    main()
