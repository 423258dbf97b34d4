"""The web benchmark (issue 5), run by ``make bench``: the app under gunicorn, driven by Locust.

    .venv/bin/python bench/web_bench.py                      # 100,000 citizens x 10 (+ 500 x 40)
    .venv/bin/python bench/web_bench.py --personer 10000 --sekunder 10

1. Builds two data sets with ``manage.py generer_data`` in databases of their own on the
   same PostgreSQL server (``samtaler_bench_<n>``; reused when they exist; the app's own
   database is never touched): the large one (``--personer`` x ``--samtaler-pr-person``,
   plus 500 citizens with 40 conversations) and a small one of about 10,000
   conversations, for the growth target.
2. Prints the query plans of the hot queries at the large size (bench/plan.py), among
   them "visitationsgruppe on date D".
3. Serves each with gunicorn (2 workers, bench/settings.py: DEBUG=0 and the baseline views)
   and runs Locust headless, one scenario at a time, at 1 and at 10 users
   (bench/locustfile.py): the caseworker's mix and each action alone, and the baselines
   (the bare insert and the trivial read view; the admin's change list and add view).
4. Runs the reporting benchmark (bench/indberetning_bench.py) and the scale-out benchmark
   (bench/skalering_bench.py: one procrastinate worker against two, with a receiver that
   answers at once and one that answers after a network-like delay; the target is judged
   on the delayed one).
5. Prints every figure beside its baseline and target, and writes bench/results/web-*.json,
   bench/results/latest.json and bench/results/latency.png.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTATER = ROD / "bench" / "results"
TUNGE = 500  # citizens with 40 conversations (the citizen's page target)
SMAA_PERSONER, SMAA_TUNGE = 750, 60  # 750 x 10 + 60 x 40 = 9,900 conversations

HANDLINGER = {
    "CPR-søgning": "CprSoegning",
    "navnesøgning (efternavn fornavn)": "NavneSoegning",
    "fødselsdatosøgning": "FoedselsdatoSoegning",
    "forside": "Forside",
    "borgerens side (40 samtaler)": "Borgerside",
    "registreringsformular": "Registreringsformular",
    "registrering (POST)": "Registrering",
    "gulv: bar indsættelse (POST)": "BarIndsaettelse",
    "gulv: triviel læsning": "TrivielLaesning",
    "admin: samtaler, ændringsliste": "AdminListe",
    "admin: vis borger": "AdminVisning",
    "statistik (12 uger)": "Statistik",
}


# --- the server and its databases --------------------------------------------------------------


def server() -> dict:
    """Connection settings of the PostgreSQL server (the embedded one unless DATABASE_URL)."""
    if os.environ.get("DATABASE_URL"):
        import dj_database_url

        return dj_database_url.parse(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROD))
    from samtaler_site.embedded_db import superbruger_settings

    # The server's superuser: the benchmark creates and drops databases of its own.
    return superbruger_settings(ROD)


def url_for(ind: dict, navn: str) -> str:
    vaert = urllib.parse.quote(ind.get("HOST") or "", safe="")
    kode = f":{urllib.parse.quote(ind['PASSWORD'])}" if ind.get("PASSWORD") else ""
    port = f":{ind['PORT']}" if ind.get("PORT") else ""
    return f"postgres://{ind.get('USER') or 'postgres'}{kode}@{vaert}{port}/{navn}"


def forbind(ind: dict, navn: str):
    import psycopg

    return psycopg.connect(url_for(ind, navn), autocommit=True)


def database_klar(ind: dict, navn: str, noegle: str) -> bool:
    with forbind(ind, "postgres") as c:
        if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [navn]).fetchone() is None:
            return False
    with forbind(ind, navn) as c:
        try:
            return c.execute("SELECT noegle FROM bench_meta").fetchone() == (noegle,)
        except Exception:
            return False


def kør(cmd: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROD, env=env, check=True, **kw)


def database_byg(ind: dict, navn: str, personer: int, m: int, tunge: int) -> dict:
    """Build (or reuse) one data set; returns what generer_data reported. A data set is
    reused only if it was built by the same generer_data (its source is in the key), and
    migrations added since are applied to it."""
    kilde = (ROD / "registrering" / "management" / "commands" / "generer_data.py").read_bytes()
    noegle = f"{personer}x{m}+{tunge}x40@{hashlib.sha256(kilde).hexdigest()[:12]}"
    env = {**os.environ, "DATABASE_URL": url_for(ind, navn), "LOG_LEVEL": "WARNING"}
    if database_klar(ind, navn, noegle):
        with forbind(ind, navn) as c:
            (info,) = c.execute("SELECT info FROM bench_meta").fetchone()
        print(f"Genbruger {navn} ({noegle}).", flush=True)
        kør([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        return json.loads(info) | {"genbrugt": True}
    print(f"Bygger {navn} ({noegle}) …", flush=True)
    with forbind(ind, "postgres") as c:
        c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [navn])
        c.execute(f'DROP DATABASE IF EXISTS "{navn}"')
        c.execute(f'CREATE DATABASE "{navn}"')
    kør([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    info = {}
    for navn_, args in (
        ("generer_data", ["--personer", str(personer), "--samtaler-pr-person", str(m)]),
        (
            "generer_data (40 pr. borger)",
            ["--personer", str(tunge), "--samtaler-pr-person", "40", "--seed", "2", "--uden-demo"],
        ),
    ):
        t0 = time.perf_counter()
        ud = kør([PY, "manage.py", "generer_data", *args], env, stdout=subprocess.PIPE, text=True).stdout
        print(ud.strip(), flush=True)
        rate = re.search(r"([\d,]+) samtaler/s under COPY, ([\d,]+) samtaler/s i alt", ud)
        info[navn_] = {
            "args": args,
            "sekunder": round(time.perf_counter() - t0, 1),
            "samtaler_pr_s_copy": int(rate.group(1).replace(",", "")) if rate else None,
            "samtaler_pr_s_i_alt": int(rate.group(2).replace(",", "")) if rate else None,
            "udskrift": ud.strip(),
        }
    with forbind(ind, navn) as c:
        # As a database in service would be: vacuumed (visibility map, hint bits), so that the
        # first benchmark after a build does not pay for it or compete with autovacuum.
        t0 = time.perf_counter()
        c.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE): {time.perf_counter() - t0:.1f} s", flush=True)
        c.execute("CREATE TABLE bench_meta (noegle text, info text)")
        c.execute("INSERT INTO bench_meta VALUES (%s, %s)", [noegle, json.dumps(info)])
    return info | {"genbrugt": False}


def plan_og_data(ind: dict, navn: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url_for(ind, navn), "LOG_LEVEL": "WARNING"}
    return json.loads(kør([PY, "bench/plan.py"], env, stdout=subprocess.PIPE, text=True).stdout)


def fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(ind: dict, navn: str) -> tuple[subprocess.Popen, str]:
    port = fri_port()
    env = {**os.environ, "DATABASE_URL": url_for(ind, navn), "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "-c",
            "bench/gunicorn_bench.conf.py",
            "samtaler_site.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROD,
        env=env,
    )
    vaert = f"http://127.0.0.1:{port}"
    frist = time.monotonic() + 60
    while time.monotonic() < frist:
        try:
            with urllib.request.urlopen(f"{vaert}/accounts/login/", timeout=2) as svar:
                if svar.status == 200:
                    return proc, vaert
        except Exception:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn svarede ikke")


def locust(klasse: str, brugere: int, sekunder: int, vaert: str, datafil: str) -> dict:
    """One headless Locust run of one scenario; per request name: p50/p95/p99 ms, req/s."""
    with tempfile.TemporaryDirectory() as d:
        prefix = os.path.join(d, "s")
        env = {**os.environ, "BENCH_DATA": datafil}
        subprocess.run(
            [
                str(Path(PY).parent / "locust"),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "-u",
                str(brugere),
                "-r",
                str(brugere),
                "-t",
                f"{sekunder}s",
                "--host",
                vaert,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
                klasse,
            ],
            cwd=ROD,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        ud = {}
        with open(f"{prefix}_stats.csv", newline="") as f:
            for r in csv.DictReader(f):
                if r["Name"] in ("login", "Aggregated"):
                    continue
                ud[r["Name"]] = {
                    "n": int(r["Request Count"]),
                    "fejl": int(r["Failure Count"]),
                    "p50": float(r["50%"]),
                    "p95": float(r["95%"]),
                    "p99": float(r["99%"]),
                    "rps": round(float(r["Requests/s"]), 1),
                }
        return ud


def web_maal(
    ind: dict,
    navn: str,
    datafil: str,
    sekunder: int,
    brugertal: tuple[int, ...],
    klasser: list[str],
    runder: int = 0,
) -> dict:
    proc, vaert = gunicorn_start(ind, navn)
    try:
        locust("Sagsbehandler", 2, 5, vaert, datafil)  # warm up: templates, connections
        ud: dict = {}
        if runder:
            ud["runder"] = par_runder(vaert, datafil, sekunder, brugertal, runder, ud)
            klasser = [k for k in klasser if k not in {k for par in PAR for k in par}]
        for brugere in brugertal:
            for klasse in klasser:
                tal = locust(klasse, brugere, sekunder, vaert, datafil)
                noegle = "blanding" if klasse == "Sagsbehandler" else "alene"
                for handling, v in tal.items():
                    ud.setdefault(noegle, {}).setdefault(str(brugere), {})[handling] = v
                kort = ", ".join(
                    f"{h}: p95 {v['p95']:.0f} ms, {v['rps']:.0f}/s" + (f", {v['fejl']} fejl" if v["fejl"] else "")
                    for h, v in tal.items()
                )
                print(f"  {brugere:>2} brugere, {klasse}: {kort}", flush=True)
        return ud
    finally:
        proc.terminate()
        proc.wait(20)


# The app beside its floor (issue 25): each pair is measured in rounds, app and floor one right
# after the other, the order switched every round, so a slow spell of a shared machine hits
# both; a ratio is the median of the rounds' ratios.
PAR = (("Registrering", "BarIndsaettelse"), ("Borgerside", "TrivielLaesning"))
PAR_NAVNE = {
    "Registrering": "registrering (POST)",
    "BarIndsaettelse": "gulv: bar indsættelse (POST)",
    "Borgerside": "borgerens side (40 samtaler)",
    "TrivielLaesning": "gulv: triviel læsning",
}


def par_runder(vaert: str, datafil: str, sekunder: int, brugertal: tuple[int, ...], runder: int, ud: dict) -> dict:
    """Each pair of :data:`PAR` at each number of users, ``runder`` rounds, alternating.
    Returns every round's figures and ratios; the medians go into ``ud["alene"]`` like any
    other scenario's figures (so the table and the older targets read them)."""
    import statistics

    runde_ud: dict = {}
    for brugere in brugertal:
        for app, gulv in PAR:
            maalinger: dict[str, list[dict]] = {app: [], gulv: []}
            for r in range(runder):
                for klasse in (app, gulv) if r % 2 == 0 else (gulv, app):
                    tal = locust(klasse, brugere, sekunder, vaert, datafil).get(PAR_NAVNE[klasse])
                    if tal:
                        maalinger[klasse].append(tal)
            forhold = [
                {"p95": round(a["p95"] / g["p95"], 2), "rps": round(a["rps"] / g["rps"], 2)}
                for a, g in zip(maalinger[app], maalinger[gulv], strict=False)
                if g["p95"] and g["rps"]
            ]
            median = {
                "p95": round(statistics.median(f["p95"] for f in forhold), 2) if forhold else None,
                "rps": round(statistics.median(f["rps"] for f in forhold), 2) if forhold else None,
            }
            runde_ud.setdefault(str(brugere), {})[PAR_NAVNE[app]] = {
                "gulv": PAR_NAVNE[gulv],
                "app": maalinger[app],
                "gulv_maalinger": maalinger[gulv],
                "forhold": forhold,
                "median": median,
            }
            for klasse in (app, gulv):
                if maalinger[klasse]:
                    ud.setdefault("alene", {}).setdefault(str(brugere), {})[PAR_NAVNE[klasse]] = {
                        felt: (
                            statistics.median(m[felt] for m in maalinger[klasse])
                            if felt != "n"
                            else sum(m["n"] for m in maalinger[klasse])
                        )
                        for felt in ("n", "fejl", "p50", "p95", "p99", "rps")
                    }
            linje = (
                "; ".join(f"p95 {f['p95']}×, req/s {f['rps']:.0%}" for f in forhold)
                + f" (median p95 {median['p95']}×, req/s {median['rps']:.0%})"
                if forhold
                else "ingen målinger (logget ind for sent til at nå en forespørgsel i tide: en travl maskine; giv flere SEKUNDER)"
            )
            print(
                f"  {brugere:>2} brugere, {PAR_NAVNE[app]} mod {PAR_NAVNE[gulv]}, {runder} runder: {linje}", flush=True
            )
    return runde_ud


def handlinger_maal() -> dict:
    """The actions the commonest registrations take (tests/browser/test_handlinger.py in
    Chromium, which writes its counts where ``HANDLINGER_JSON`` says)."""
    print("\nHandlinger i browseren (tests/browser/test_handlinger.py) …", flush=True)
    fil = RESULTATER / "handlinger.json"
    RESULTATER.mkdir(parents=True, exist_ok=True)
    fil.unlink(missing_ok=True)
    env = {**os.environ, "HANDLINGER_JSON": str(fil), "DEBUG": "1"}
    res = subprocess.run(
        [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/browser/test_handlinger.py"],
        cwd=ROD,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ud = json.loads(fil.read_text()) if fil.exists() else {}
    ud["bestaaet"] = res.returncode == 0
    if res.returncode != 0:
        ud["udskrift"] = res.stdout[-3000:]
        print(res.stdout[-3000:], flush=True)
    return ud


# --- the other benchmarks ------------------------------------------------------------------------


def indberetning_bench(n: int) -> dict:
    print(f"\nIndberetningens benchmark (bench/indberetning_bench.py --n {n}) …", flush=True)
    ud = subprocess.run(
        [PY, "bench/indberetning_bench.py", "--n", str(n), "--forsinkelse", "10"],
        cwd=ROD,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    print(ud, flush=True)
    tal = {"udskrift": ud}
    for linje in ud.splitlines():
        felter = linje.split()
        if len(felter) >= 3 and felter[0].isdigit() and "," in felter[1]:
            tal[f"N={felter[0]}"] = {
                "copy_pr_s": int(felter[1].replace(",", "")),
                "pipeline_pr_s": int(felter[2].replace(",", "")),
                "andel": felter[3],
            }
    m = re.search(r"median ([\d.]+) s", ud)
    if m:
        tal["forsinkelse_median_s"] = float(m.group(1))
    return tal


def _delbench(titel: str, *argv: str) -> dict:
    """Run one of the other bench scripts, show its output, and return its ``RESULTAT`` line."""
    print(f"\n{titel} (bench/{' '.join(argv)}) …", flush=True)
    ud = subprocess.run([PY, f"bench/{argv[0]}", *argv[1:]], cwd=ROD, stdout=subprocess.PIPE, text=True).stdout
    print(ud, flush=True)
    for linje in ud.splitlines():
        if linje.startswith("RESULTAT "):
            return json.loads(linje[len("RESULTAT ") :])
    return {"fejl": ud[-2000:]}


def skalering_bench(n: int) -> dict:
    return _delbench("Skalering: procrastinate-arbejdere på én database", "skalering_bench.py", "--n", str(n))


def sletning_bench(n: int) -> dict:
    """Retention (issue 24): slet_udloebne on ``n`` conversations, 10 % past the deadline."""
    return _delbench("Sletning: slet_udloebne", "sletning_bench.py", "--samtaler", str(n))


# --- report -------------------------------------------------------------------------------------


def maskine() -> dict:
    model = ""
    try:
        model = next(
            linje.split(":", 1)[1].strip() for linje in open("/proc/cpuinfo") if linje.startswith("model name")
        )
    except Exception:
        pass
    mem = ""
    try:
        mem = f"{int(open('/proc/meminfo').readline().split()[1]) / 2**20:.0f} GiB"
    except Exception:
        pass
    return {
        "cpu": model,
        "kerner": os.cpu_count(),
        "hukommelse": mem,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def tabel(resultat: dict) -> list[str]:
    stor = resultat["stor"]["web"]
    linjer = [f"{'handling (alene)':<34} {'brugere':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7} {'fejl':>5}"]
    for handling in HANDLINGER:
        for b in ("1", "10"):
            v = stor.get("alene", {}).get(b, {}).get(handling)
            if v:
                linjer.append(
                    f"{handling:<34} {b:>7} {v['p50']:>6.0f} {v['p95']:>6.0f} {v['p99']:>6.0f} {v['rps']:>7.1f} {v['fejl']:>5}"
                )
    linjer.append("")
    linjer.append(
        f"{'sagsbehandlerens blanding':<34} {'brugere':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7} {'fejl':>5}"
    )
    for b in ("1", "10"):
        for handling, v in stor.get("blanding", {}).get(b, {}).items():
            linjer.append(
                f"{handling:<34} {b:>7} {v['p50']:>6.0f} {v['p95']:>6.0f} {v['p99']:>6.0f} {v['rps']:>7.1f} {v['fejl']:>5}"
            )
    return linjer


def maal(resultat: dict) -> list[dict]:
    stor = resultat["stor"]["web"].get("alene", {})
    lille = resultat["lille"]["web"].get("alene", {})

    def v(kilde, b, h, felt):
        return kilde.get(b, {}).get(h, {}).get(felt)

    ud = []

    def tjek(navn, vaerdi, graense, ok, enhed=""):
        ud.append(
            {
                "mål": navn,
                "målt": vaerdi,
                "grænse": graense,
                "opfyldt": bool(ok) if vaerdi is not None else None,
                "enhed": enhed,
            }
        )

    for h, g in (("borgerens side (40 samtaler)", 30), ("registrering (POST)", 60), ("CPR-søgning", 20)):
        p = v(stor, "1", h, "p95")
        tjek(f"{h}: p95 ved 1 bruger ≤ {g} ms", p, g, p is not None and p <= g, "ms")
    reg, bar = v(stor, "10", "registrering (POST)", "rps"), v(stor, "10", "gulv: bar indsættelse (POST)", "rps")
    tjek(
        "registreringer/s ved 10 brugere ≥ 50 % af bar indsættelse",
        round(reg / bar, 2) if reg and bar else None,
        0.5,
        reg and bar and reg >= 0.5 * bar,
        "andel",
    )
    side, triv = v(stor, "10", "borgerens side (40 samtaler)", "rps"), v(stor, "10", "gulv: triviel læsning", "rps")
    tjek(
        "borgerens side/s ved 10 brugere ≥ 40 % af triviel læsning",
        round(side / triv, 2) if side and triv else None,
        0.4,
        side and triv and side >= 0.4 * triv,
        "andel",
    )
    for h in (
        "borgerens side (40 samtaler)",
        "registrering (POST)",
        "CPR-søgning",
        "registreringsformular",
        "navnesøgning (efternavn fornavn)",
        "fødselsdatosøgning",
        "forside",
    ):
        a, b = v(stor, "1", h, "p95"), v(lille, "1", h, "p95")
        tjek(
            f"vækst, {h}: p95 stor/lille ≤ 1,2",
            round(a / b, 2) if a and b else None,
            1.2,
            a and b and a <= 1.2 * b,
            "gange",
        )
    plan = resultat["stor"]["planer"]["visitationsgruppe_paa_dato"]
    # The visitation table itself must be read by index (a tiny code list may be scanned).
    indeks = "Index Scan using visitation_person_dato" in plan and not re.search(
        r"Seq Scan on registrering_visitation\s", plan
    )
    tjek("visitationsgruppe på dato D: indeksscanning", indeks, True, indeks)
    # Issue 13: name words and birth dates from an index, not a walk through the jobcenter.
    for plan_navn, indeksnavn in (
        ("navnesoegning_ord", "person_navn_ord"),
        ("foedselsdato_soegning", "registrering_person_cpr"),
    ):
        brugt = indeksnavn in resultat["stor"]["planer"].get(plan_navn, "")
        tjek(f"{plan_navn}: indeks {indeksnavn}", brugt, True, brugt)
    sk = resultat.get("skalering", {})
    fk = sk.get("forsinket", {})
    if fk.get("forhold"):
        # Judged with the receiver answering after a network-like delay (bench/skalering_bench.py
        # says why); the instant, CPU-bound figure is shown beside it.
        straks = f"; modtager svarer straks: {sk['forhold']}×" if sk.get("forhold") else ""
        navn = f"to arbejdere ≥ 1,6 × én (hændelser/s, modtager svarer efter {fk['forsinkelse_ms']:g} ms{straks})"
        tjek(navn, fk["forhold"], 1.6, fk["forhold"] >= 1.6, "gange")
    elif sk.get("forhold"):
        tjek(
            "to arbejdere ≥ 1,6 × én (hændelser/s, modtager svarer straks)",
            sk["forhold"],
            1.6,
            sk["forhold"] >= 1.6,
            "gange",
        )
    for navn, info in resultat["stor"]["data"].items():
        if isinstance(info, dict) and info.get("samtaler_pr_s_copy") and navn == "generer_data":
            # Measured when the data set was built (stored with it in bench_meta).
            hele = (
                f"; hele kørslen med indekser og nøgler: {info['samtaler_pr_s_i_alt']:,}/s"
                if info.get("samtaler_pr_s_i_alt")
                else ""
            )
            tjek(
                f"generer_data ≥ 20.000 samtaler/s (COPY-fasen{hele})",
                info["samtaler_pr_s_copy"],
                20000,
                info["samtaler_pr_s_copy"] >= 20000,
                "/s",
            )
            tjek("generer_data: 1.000.000 samtaler < 5 min", info["sekunder"], 300, info["sekunder"] < 300, "s")
    return ud


def maal_25(resultat: dict) -> list[dict]:
    """Issue 25's goals table, each ratio beside its goal (the ratios against the floors from
    the rounds, :func:`par_runder`; growth from the small data set to the large one)."""
    stor, lille = resultat["stor"]["web"], resultat["lille"]["web"]
    runder = stor.get("runder", {})
    ud = []

    def tjek(navn, vaerdi, graense, ok, vis):
        ud.append(
            {"mål": navn, "målt": vaerdi, "grænse": graense, "opfyldt": ok if vaerdi is not None else None, "vis": vis}
        )

    def median(b, h, felt):
        return runder.get(b, {}).get(h, {}).get("median", {}).get(felt)

    for h, gulv, p95_graense, rps_graense in (
        ("registrering (POST)", "bar indsættelse", 2.0, 0.80),
        ("borgerens side (40 samtaler)", "triviel læsning", 2.0, 0.75),
    ):
        p = median("1", h, "p95")
        tjek(f"{h}: p95 ved 1 bruger mod {gulv}", p, f"≤ {p95_graense:g}×", p is not None and p <= p95_graense, f"{p}×")
        r = median("10", h, "rps")
        tjek(
            f"{h}: req/s ved 10 brugere mod {gulv}",
            r,
            f"≥ {rps_graense:.0%}",
            r is not None and r >= rps_graense,
            f"{r:.0%}" if r is not None else "?",
        )
    stat = stor.get("alene", {}).get("10", {}).get("statistik (12 uger)", {}).get("p95")
    antal = resultat["stor"]["antal"]["samtaler"]
    tjek(
        f"statistik: p95 ved {antal:,} samtaler, 10 teamledere på én gang",
        stat,
        "≤ 300 ms",
        stat is not None and stat <= 300,
        f"{stat} ms",
    )
    for h in ("borgerens side (40 samtaler)", "registrering (POST)", "CPR-søgning", "statistik (12 uger)"):
        a = stor.get("alene", {}).get("1", {}).get(h, {}).get("p95")
        b = lille.get("alene", {}).get("1", {}).get(h, {}).get("p95")
        f = round(a / b, 2) if a and b else None
        tjek(
            f"vækst {resultat['lille']['antal']['samtaler']:,} → {antal:,} samtaler, {h} (p95-forhold)",
            f,
            "≤ 1,2",
            f is not None and f <= 1.2,
            f"{f}",
        )
    handl = resultat.get("handlinger", {})
    for navn, forloeb in handl.get("forloeb", {}).items():
        n = forloeb["handlinger"]
        tab = f" + {forloeb['tab']} Tab" if forloeb.get("tab") else ""
        note = f" ({forloeb['note']})" if forloeb.get("note") else ""
        tjek(f"handlinger: {navn}{note}", n, f"≤ {handl.get('maal', 6)}", n <= handl.get("maal", 6), f"{n}{tab}")
    return ud


def plot(resultat: dict, sti: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    alene = resultat["stor"]["web"].get("alene", {})
    fig, akser = plt.subplots(1, 2, figsize=(13, 5.5))
    for akse, felt in zip(akser, ("p50", "p95"), strict=True):
        for handling in HANDLINGER:
            xs = [int(b) for b in ("1", "10") if handling in alene.get(b, {})]
            ys = [alene[str(b)][handling][felt] for b in xs]
            if xs:
                stil = "--" if handling.startswith(("gulv", "admin")) else "-"
                akse.plot(xs, ys, stil, marker="o", label=handling)
        akse.set_xlabel("samtidige brugere (Locust, ingen tænketid)")
        akse.set_ylabel(f"{felt} latenstid (ms)")
        akse.set_yscale("log")
        akse.set_xticks([1, 10])
        akse.grid(True, which="both", alpha=0.3)
        akse.set_title(f"{felt} ved {resultat['stor']['antal']['samtaler']:,} samtaler")
    akser[1].legend(fontsize=8, loc="upper left")
    fig.suptitle(
        f"Samtaleregistrering: gunicorn 2 workers, {resultat['maskine']['kerner']} kerner ({resultat['tidspunkt'][:16]})"
    )
    fig.tight_layout()
    fig.savefig(sti, dpi=110)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--personer",
        type=int,
        default=None,
        help="citizens in the large data set (default: --samtaler / --samtaler-pr-person)",
    )
    p.add_argument(
        "--samtaler",
        type=int,
        default=1_000_000,
        help="conversations in the large data set (make bench N=…; 10,000,000 for the growth goal)",
    )
    p.add_argument("--samtaler-pr-person", type=int, default=10)
    p.add_argument(
        "--runder", type=int, default=3, help="rounds of app and floor alternating, for the ratios (0: once, as before)"
    )
    p.add_argument("--uden-handlinger", action="store_true", help="skip the browser's action counts")
    p.add_argument("--sekunder", type=int, default=15, help="seconds per Locust run")
    p.add_argument("--indberetning-n", type=int, default=20_000, help="events for the reporting benchmark (0: skip)")
    p.add_argument("--skalering-n", type=int, default=100_000, help="events for the scale-out benchmark (0: skip)")
    p.add_argument(
        "--sletning-n", type=int, default=1_000_000, help="conversations for the erasure benchmark (0: skip)"
    )
    a = p.parse_args()
    a.personer = a.personer or max(1, a.samtaler // a.samtaler_pr_person)

    t0 = time.perf_counter()
    ind = server()
    resultat: dict = {
        "tidspunkt": datetime.datetime.now().isoformat(timespec="seconds"),
        "maskine": maskine(),
        "indstillinger": vars(a),
    }
    with forbind(ind, "postgres") as c:
        resultat["maskine"]["postgresql"] = c.execute("SHOW server_version").fetchone()[0]
    alle = [
        "Sagsbehandler",
        "CprSoegning",
        "NavneSoegning",
        "FoedselsdatoSoegning",
        "Forside",
        "Borgerside",
        "Registreringsformular",
        "Registrering",
        "BarIndsaettelse",
        "TrivielLaesning",
        "AdminListe",
        "AdminVisning",
        "Statistik",
    ]
    for noegle, navn, personer, tunge, brugertal, klasser in (
        (
            "lille",
            "samtaler_bench_lille",
            SMAA_PERSONER,
            SMAA_TUNGE,
            (1,),
            [
                "CprSoegning",
                "NavneSoegning",
                "FoedselsdatoSoegning",
                "Forside",
                "Borgerside",
                "Registreringsformular",
                "Registrering",
                "Statistik",
            ],
        ),
        ("stor", f"samtaler_bench_{a.personer}x{a.samtaler_pr_person}", a.personer, TUNGE, (1, 10), alle),
    ):
        data = database_byg(ind, navn, personer, a.samtaler_pr_person if noegle == "stor" else 10, tunge)
        pd = plan_og_data(ind, navn)
        print(
            f"\n{navn}: {pd['antal']['borgere']:,} borgere, {pd['antal']['samtaler']:,} samtaler, {pd['antal']['visitationer']:,} visitationer",
            flush=True,
        )
        if noegle == "stor":
            for plan_navn in (
                "visitationsgruppe_paa_dato",
                "cpr_soegning",
                "navnesoegning",
                "navnesoegning_ord",
                "navnesoegning_antal",
                "foedselsdato_soegning",
                "forside_egne",
                "forside_set",
            ):
                print(
                    f"\nEXPLAIN ANALYZE, {plan_navn} ({pd['antal']['samtaler']:,} samtaler):\n{pd['plans'][plan_navn]}",
                    flush=True,
                )
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(pd["data"], f)
            datafil = f.name
        try:
            web = web_maal(
                ind, navn, datafil, a.sekunder, brugertal, klasser, runder=a.runder if noegle == "stor" else 0
            )
        finally:
            os.unlink(datafil)
        resultat[noegle] = {"database": navn, "data": data, "antal": pd["antal"], "planer": pd["plans"], "web": web}

    if a.indberetning_n:
        resultat["indberetning"] = indberetning_bench(a.indberetning_n)
    if a.skalering_n:
        resultat["skalering"] = skalering_bench(a.skalering_n)
    if a.sletning_n:
        resultat["sletning"] = sletning_bench(a.sletning_n)
    if not a.uden_handlinger:
        resultat["handlinger"] = handlinger_maal()
    resultat["mål"] = maal(resultat)
    resultat["mål_issue25"] = maal_25(resultat)
    resultat["sekunder_i_alt"] = round(time.perf_counter() - t0)

    print("\n" + "=" * 96)
    print(
        f"Maskine: {resultat['maskine']['cpu']}, {resultat['maskine']['kerner']} kerner, "
        f"{resultat['maskine']['hukommelse']}, PostgreSQL {resultat['maskine']['postgresql']}"
    )
    print(
        f"Stor: {resultat['stor']['antal']['samtaler']:,} samtaler; lille: {resultat['lille']['antal']['samtaler']:,}. "
        "Latenstid i ms; gunicorn 2 workers; Locust uden tænketid.\n"
    )
    print("\n".join(tabel(resultat)))
    print("\nMål:")
    for m in resultat["mål"]:
        status = {True: "OK ", False: "NEJ", None: "?  "}[m["opfyldt"]]
        print(f"  [{status}] {m['mål']}: målt {m['målt']} (grænse {m['grænse']})")
    print(f"\nMålene (issue 25; forholdene mod gulvene: median af {a.runder} runder, app og gulv på skift):")
    print(f"  {'mål':<92} {'målt':>14} {'mål':>9}")
    for m in resultat["mål_issue25"]:
        status = {True: "OK ", False: "NEJ", None: "?  "}[m["opfyldt"]]
        print(f"  [{status}] {m['mål']:<86} {m['vis']:>14} {m['grænse']:>9}")
    if resultat.get("skalering", {}).get("forhold"):
        sk = resultat["skalering"]
        print(
            f"\nSkalering, modtager svarer straks: 1 arbejder {sk['1']['pr_s']:,.0f} hændelser/s, "
            f"2 arbejdere {sk['2']['pr_s']:,.0f} hændelser/s: {sk['forhold']:.2f}×"
        )
        fk = sk.get("forsinket", {})
        if fk.get("forhold"):
            print(
                f"Skalering, modtager svarer efter {fk['forsinkelse_ms']:g} ms: 1 arbejder {fk['1']['pr_s']:,.0f} hændelser/s, "
                f"2 arbejdere {fk['2']['pr_s']:,.0f} hændelser/s: {fk['forhold']:.2f}× (målet)"
            )
    if resultat.get("sletning", {}).get("sekunder") is not None:
        sl = resultat["sletning"]
        print(
            f"\nSletning (slet_udloebne): {sl['slettede_borgere']:,} af {sl['borgere']:,} borgere "
            f"({sl['slettede_samtaler']:,} af {sl['samtaler']:,} samtaler) på {sl['sekunder']:,.1f} s"
        )
    RESULTATER.mkdir(parents=True, exist_ok=True)
    stempel = resultat["tidspunkt"].replace(":", "").replace("-", "")
    sti = RESULTATER / f"web-{stempel}.json"
    sti.write_text(json.dumps(resultat, ensure_ascii=False, indent=1))
    shutil.copyfile(sti, RESULTATER / "latest.json")
    plot(resultat, RESULTATER / "latency.png")
    print(
        f"\nSkrevet: {sti.relative_to(ROD)}, bench/results/latest.json, bench/results/latency.png ({resultat['sekunder_i_alt']} s i alt)"
    )


if __name__ == "__main__":
    main()
