"""Mutation testing with cosmic-ray over the modules in ``mutation/moduler.toml`` (``make mutation``).

Each module gets a copy of the working tree (``var/mutation/<modul>/kilde``), where
cosmic-ray changes one thing at a time in the module's file(s) and runs the module's own
tests against it (``python mutation/run.py test <modul>``). Modules run side by side, two at
a time by default, each in its copy and with its own test database, so no mutant is ever
visible to another module's tests, and the developer's tree is never touched.

The test database: a migrated template (``mutation_mal``) is made once per run; before each
mutant's tests a fresh database is copied from it (``CREATE DATABASE … TEMPLATE``, well
under a second) and pytest runs with ``--reuse-db`` on it. So no mutant pays for the
migrations, and the transactional tests, which empty the database after themselves, cannot
leak into the next mutant.

Which mutants: cosmic-ray's operators, less the ones that only make noise here (see
``OPERATORER`` and :func:`_behold`): no mutants in type annotations (``from __future__
import annotations``: never evaluated), none in log calls (a log line is not behaviour the
tests can see), no ``%`` replacements (only message formatting uses it), no ``*`` marker of
keyword-only parameters, and one boundary and one negation per comparison instead of all
seven replacements.

Commands::

    python mutation/run.py koer [modul …] [--jobs 2]   # run (all modules without names)
    python mutation/run.py koer --overlevende [modul …] # the last run's survivors again
    python mutation/run.py rapport                      # the kill rates of the last runs
    python mutation/run.py overlevende <modul>          # the surviving mutants' diffs
    python mutation/run.py test <modul>                 # the test command (cosmic-ray calls it)
"""

from __future__ import annotations

import argparse
import ast
import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
UD = ROD / "var" / "mutation"
KONFIG = Path(__file__).resolve().parent / "moduler.toml"
EKVIVALENTE = Path(__file__).resolve().parent / "ekvivalente.toml"
# The template's name; a second run beside a first (other modules) needs its own.
MAL = os.environ.get("MUTATION_MAL", "mutation_mal")
sys.path.insert(0, str(ROD))  # the project's packages (run as ``python mutation/run.py``)

# The mutations a tired engineer makes: a flipped condition, a boundary off by one, a guard
# dropped, a wrong branch, a loop that never runs, an exception not caught.
OPERATORER = re.compile(
    r"core/("
    r"ReplaceComparisonOperator_(Eq_NotEq|NotEq_Eq|Is_IsNot|IsNot_Is|Lt_LtE|Lt_GtE|LtE_Lt|LtE_Gt|Gt_GtE|Gt_LtE|GtE_Gt|GtE_Lt)"
    r"|ReplaceBinaryOperator_(Add_Sub|Sub_Add|Mul_Div|Div_Mul|FloorDiv_Div|FloorDiv_Mul|Pow_Mul|BitOr_BitAnd|BitAnd_BitOr)"
    r"|ReplaceUnaryOperator_(USub_UAdd|Delete_Not)"
    r"|AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue|ReplaceAndWithOr|ReplaceOrWithAnd"
    r"|ReplaceBreakWithContinue|ReplaceContinueWithBreak|ExceptionReplacer|NumberReplacer"
    r"|RemoveDecorator|ZeroIterationForLoop"
    r")$"
)


def moduler() -> dict[str, dict]:
    with KONFIG.open("rb") as f:
        return tomllib.load(f)["moduler"]


def _miljoe() -> dict:
    """The environment of the test runs: the developer's embedded PostgreSQL (not a new
    cluster in each copy), local settings."""
    env = dict(os.environ, DEBUG="1")
    if not env.get("DATABASE_URL"):
        env.setdefault("EMBEDDED_PGDATA", str(ROD / "var" / "pgdata"))
    return env


# --- the databases ----------------------------------------------------------------------


def _django_db() -> dict:
    """The connection settings that create databases: the owner's (issue 19: the app role
    may not create a database), or the one role's."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtaler_site.settings_test")
    from django.conf import settings

    from samtaler_site.db_roller import EJER_NOEGLER, ejer_indstillinger

    ejer = ejer_indstillinger() or {}
    return {**settings.DATABASES["default"], **{k: ejer[k] for k in EJER_NOEGLER if k in ejer}}


def _forbind(db: dict, navn: str = "postgres"):
    import psycopg

    return psycopg.connect(
        dbname=navn,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    )


def mal_opret() -> None:
    """The migrated template every mutant's database is copied from (as pytest-django would
    create the test database: the migrations with their data)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtaler_site.settings_test")
    import django

    django.setup()
    from django.db import connection

    # As the owner, as the test runner's own set-up does (tests/conftest.py).
    connection.settings_dict.update(_django_db())
    with _forbind(connection.settings_dict) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{MAL}" WITH (FORCE)')
    connection.settings_dict.setdefault("TEST", {})["NAME"] = MAL
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    connection.close()


def db_fra_mal(navn: str) -> None:
    with _forbind(_django_db()) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{navn}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{navn}" TEMPLATE "{MAL}"')


def test(modul: str) -> int:
    """The test command of one mutant: a fresh database, the module's tests, the first
    failure ends it."""
    # "test_…": the test runner's flush after a transactional test empties only test databases.
    navn = f"test_mutation_{modul}"
    db_fra_mal(navn)
    os.environ["TEST_DB_NAVN"] = navn
    import pytest

    return pytest.main(
        ["-x", "-q", "-p", "no:cacheprovider", "--reuse-db", "-o", "addopts=", "--no-header", *moduler()[modul]["test"]]
    )


# --- which mutants ------------------------------------------------------------------------


class _Kort:
    """What a module's source says about a position: which top-level function (or method)
    holds it, and whether it lies in an annotation, a log call or an operator's place."""

    def __init__(self, kilde: str):
        self.trae = ast.parse(kilde)
        self.funktioner: list[tuple[int, int, str]] = []
        self.stoej: list[tuple[tuple, tuple]] = []
        self.binop: list[tuple[tuple, tuple]] = []
        for node in self.trae.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.funktioner.append((_foerste_linje(node), node.end_lineno, node.name))
            elif isinstance(node, ast.ClassDef):
                for under in node.body:
                    if isinstance(under, ast.FunctionDef | ast.AsyncFunctionDef):
                        self.funktioner.append((_foerste_linje(under), under.end_lineno, under.name))
        for node in ast.walk(self.trae):
            if isinstance(node, ast.arg) and node.annotation is not None:
                self.stoej.append(_spaend(node.annotation))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
                self.stoej.append(_spaend(node.returns))
            elif isinstance(node, ast.AnnAssign):
                self.stoej.append(_spaend(node.annotation))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "logger"
            ):
                self.stoej.append(_spaend(node))
            elif isinstance(node, ast.BinOp):
                self.binop.append(((node.left.end_lineno, node.left.end_col_offset), _start(node.right)))

    def funktion(self, linje: int) -> str | None:
        for fra, til, navn in self.funktioner:
            if fra <= linje <= til:
                return navn
        return None

    def i_stoej(self, pos: tuple) -> bool:
        return any(fra <= pos < til for fra, til in self.stoej)

    def er_binop(self, pos: tuple) -> bool:
        return any(fra <= pos < til for fra, til in self.binop)


def _foerste_linje(node) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _start(node) -> tuple:
    return (node.lineno, node.col_offset)


def _spaend(node) -> tuple:
    return (_start(node), (node.end_lineno, node.end_col_offset))


def _behold(mutation, kort: _Kort, cfg: dict) -> bool:
    if not OPERATORER.match(mutation.operator_name):
        return False
    pos = tuple(mutation.start_pos)
    funktion = kort.funktion(pos[0])
    if cfg.get("kun") and funktion not in cfg["kun"]:
        return False
    if funktion in cfg.get("uden", ()):
        return False
    if kort.i_stoej(pos):
        return False
    if "BinaryOperator" in mutation.operator_name and not kort.er_binop(pos):
        return False  # the ``*`` of keyword-only parameters, a ``**`` splat
    return True


def filtrer(session: Path, kopi: Path, cfg: dict) -> tuple[int, int]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    kort: dict[str, _Kort] = {}
    beholdt = sprunget = 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        spring = []
        for item in db.pending_work_items:
            (mutation,) = item.mutations
            sti = str(mutation.module_path)
            if sti not in kort:
                kort[sti] = _Kort((kopi / sti).read_text())
            if _behold(mutation, kort[sti], cfg):
                beholdt += 1
            else:
                sprunget += 1
                spring.append(item.job_id)
        for job_id in spring:
            db.set_result(job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="uden for udvalget"))
    return beholdt, sprunget


# --- a run --------------------------------------------------------------------------------


def _kopier(kopi: Path) -> None:
    if kopi.exists():
        shutil.rmtree(kopi)
    filer = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROD, capture_output=True, check=True
    ).stdout.split(b"\0")
    for navn in filter(None, filer):
        fra = ROD / os.fsdecode(navn)
        if fra.is_file():
            til = kopi / os.fsdecode(navn)
            til.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(fra, til)


def _cosmic_ray(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "cosmic-ray"), *args]


def _kilder_sha(cfg: dict, rod: Path) -> str:
    h = hashlib.sha256()
    for kilde in cfg["kilde"]:
        h.update((rod / kilde).read_bytes())
    return h.hexdigest()


def koer_modul(modul: str, kun_overlevende: bool = False) -> dict:
    """One module in its copy. ``kun_overlevende``: only the last run's survivors that are
    not written down as equivalent again, against the current tests (the module's source must be as it was: cosmic-ray finds a
    mutation by its place in the source)."""
    cfg = moduler()[modul]
    mappe = UD / modul
    kopi = mappe / "kilde"
    session = mappe / "session.sqlite"
    tidligere = json.loads((mappe / "resultat.json").read_text()) if (mappe / "resultat.json").exists() else None
    if kun_overlevende and (
        tidligere is None or not session.exists() or _kilder_sha(cfg, kopi) != _kilder_sha(cfg, ROD)
    ):
        raise SystemExit(f"{modul}: ingen tidligere kørsel af denne kildekode; kør hele modulet")
    mappe.mkdir(parents=True, exist_ok=True)
    _kopier(kopi)
    env = _miljoe()
    test_kommando = [sys.executable, "mutation/run.py", "test", modul]
    start = time.monotonic()
    basis = subprocess.run(test_kommando, cwd=kopi, env=env, capture_output=True, text=True)
    basistid = time.monotonic() - start
    if basis.returncode != 0:
        (mappe / "basis.txt").write_text(basis.stdout + basis.stderr)
        raise SystemExit(f"{modul}: testene fejler uden mutanter (se {mappe / 'basis.txt'})")
    konfig = mappe / "cosmic-ray.toml"
    kilder = ", ".join(f'"{k}"' for k in cfg["kilde"])
    # A mutant that makes the tests hang (a wait that never ends) is killed at the timeout.
    konfig.write_text(
        "[cosmic-ray]\n"
        f"module-path = [{kilder}]\n"
        f"timeout = {max(60.0, round(3 * basistid))}\n"
        "excluded-modules = []\n"
        f'test-command = "{" ".join(test_kommando)}"\n'
        '[cosmic-ray.distributor]\nname = "local"\n'
    )
    if kun_overlevende:
        # The survivors not written down as equivalent: those new tests may have killed.
        jobs = [o["job"] for o in klassificer(opgoer(modul))["overlevende"] if not o["grund"]]
        with sqlite3.connect(session) as db:
            db.executemany("DELETE FROM work_results WHERE job_id = ?", [(j,) for j in jobs])
        print(f"{modul}: de {len(jobs)} uforklarede overlevende igen, basiskørsel {basistid:.0f} s", flush=True)
    else:
        session.unlink(missing_ok=True)
        subprocess.run(_cosmic_ray("init", str(konfig), str(session)), cwd=kopi, env=env, check=True)
        beholdt, sprunget = filtrer(session, kopi, cfg)
        print(f"{modul}: {beholdt} mutanter ({sprunget} sorteret fra), basiskørsel {basistid:.0f} s", flush=True)
    with (mappe / "exec.log").open("w") as log:
        subprocess.run(
            _cosmic_ray("exec", str(konfig), str(session)), cwd=kopi, env=env, check=True, stdout=log, stderr=log
        )
    resultat = opgoer(modul)
    resultat.update(basis_sekunder=round(basistid, 1))
    if kun_overlevende:
        resultat.update(sekunder=tidligere.get("sekunder"), sekunder_igen=round(time.monotonic() - start))
    else:
        resultat.update(sekunder=round(time.monotonic() - start))
    (mappe / "resultat.json").write_text(json.dumps(resultat, indent=2, ensure_ascii=False))
    print(f"{modul}: {_linje(resultat)}", flush=True)
    return resultat


def opgoer(modul: str) -> dict:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    draebt = overlevet = andet = 0
    overlevende = []
    with use_db(str(UD / modul / "session.sqlite"), WorkDB.Mode.open) as db:
        for item, res in db.completed_work_items:
            if res.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            (m,) = item.mutations
            if res.test_outcome == TestOutcome.KILLED:
                draebt += 1
            elif res.test_outcome == TestOutcome.SURVIVED:
                overlevet += 1
                overlevende.append(
                    {
                        "job": item.job_id,
                        "fil": str(m.module_path),
                        "linje": m.start_pos[0],
                        "operator": m.operator_name,
                        "diff": res.diff,
                    }
                )
            else:
                andet += 1
    i_alt = draebt + overlevet
    return {
        "modul": modul,
        "dato": datetime.date.today().isoformat(),
        "mutanter": i_alt,
        "draebt": draebt,
        "overlevet": overlevet,
        "inkompetente": andet,
        "draebt_pct": round(100 * draebt / i_alt, 1) if i_alt else None,
        "overlevende": sorted(overlevende, key=lambda o: (o["fil"], o["linje"])),
    }


# --- equivalent mutants (mutation/ekvivalente.toml) ------------------------------------------


def _normaliser(linjer: list[str]) -> str:
    return " ".join(" ".join(linjer).split())


def _diff_linjer(diff: str) -> tuple[str, str]:
    """The changed source line(s) of a mutant: (before, after), whitespace normalised."""
    linjer = (diff or "").splitlines()
    foer = [linje[1:] for linje in linjer if linje.startswith("-") and not linje.startswith("---")]
    efter = [linje[1:] for linje in linjer if linje.startswith("+") and not linje.startswith("+++")]
    return _normaliser(foer), _normaliser(efter)


def _forrige_linje(diff: str) -> str:
    """The unchanged line just above a mutant's change in its diff."""
    linjer = (diff or "").splitlines()
    for i, linje in enumerate(linjer):
        if linje.startswith("-") and not linje.startswith("---"):
            forrige = [x[1:] for x in linjer[:i] if x.startswith(" ")]
            return _normaliser(forrige[-1:])
    return ""


def ekvivalente() -> list[dict]:
    """The survivors written down as equivalent, each with the reason: a mutant is known by
    its file and its changed line before and after (not by its line number, which moves),
    and, where that line is common (``return False``), by the line just above it
    (``forrige``); an entry stops matching, and the survivor must be judged again, when
    those lines change."""
    if not EKVIVALENTE.exists():
        return []
    with EKVIVALENTE.open("rb") as f:
        return tomllib.load(f).get("ekvivalent", [])


def klassificer(r: dict) -> dict:
    """Each survivor equivalent (with the reason) or not; the score is the share killed of the
    mutants that a test can tell apart."""
    liste = ekvivalente()
    forklarede = uforklarede = 0
    for o in r["overlevende"]:
        foer, efter = _diff_linjer(o["diff"])
        o["grund"] = next(
            (
                e["grund"]
                for e in liste
                if e["fil"] == o["fil"]
                and _normaliser([e["foer"]]) == foer
                and _normaliser([e.get("efter", "")]) == efter
                and _normaliser([e.get("forrige", "")]) in ("", _forrige_linje(o["diff"]))
            ),
            None,
        )
        if o["grund"]:
            forklarede += 1
        else:
            uforklarede += 1
    taeller = r["mutanter"] - forklarede
    return r | {
        "ekvivalente": forklarede,
        "uforklarede": uforklarede,
        "score_pct": round(100 * r["draebt"] / taeller, 1) if taeller else None,
    }


def _linje(r: dict) -> str:
    r = klassificer(r)
    return (
        f"{r['draebt']}/{r['mutanter']} dræbt ({r['draebt_pct']} %); {r['ekvivalente']} ækvivalente, "
        f"{r['uforklarede']} uforklarede overlevende; dræbt af de øvrige: {r['score_pct']} %"
    )


def koer(navne: list[str], jobs: int, kun_overlevende: bool = False) -> int:
    alle = moduler()
    ukendte = [n for n in navne if n not in alle]
    if ukendte:
        raise SystemExit(f"ukendte moduler: {', '.join(ukendte)} (se {KONFIG})")
    navne = navne or list(alle)
    subprocess.run([sys.executable, __file__, "mal"], cwd=ROD, env=_miljoe(), check=True)
    with ThreadPoolExecutor(max_workers=jobs) as pulje:
        resultater = list(pulje.map(lambda navn: koer_modul(navn, kun_overlevende), navne))
    tekst = rapport_tekst()
    (UD / "rapport.md").write_text(tekst + "\n")
    print(tekst)
    print(f"De overlevende mutanter: python mutation/run.py overlevende <modul> (rapporten: {UD / 'rapport.md'})")
    return 0 if all((klassificer(r)["score_pct"] or 100) >= 90 for r in resultater) else 1


def rapport_tekst() -> str:
    linjer = [
        "| modul | dato | mutanter | dræbt | ækvivalente | uforklarede overlevende | dræbt af de øvrige | tid |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for modul in moduler():
        fil = UD / modul / "resultat.json"
        if not fil.exists():
            linjer.append(f"| {modul} | – | ikke kørt | | | | | |")
            continue
        r = klassificer(json.loads(fil.read_text()))
        tid = f"{(r.get('sekunder') or 0) // 60} min"
        if r.get("sekunder_igen"):
            tid += f" (+ {r['sekunder_igen'] // 60} min for de overlevende igen)"
        linjer.append(
            f"| {modul} | {r['dato']} | {r['mutanter']} | {r['draebt']} | {r['ekvivalente']} | {r['uforklarede']} | "
            f"{r['score_pct']} % | {tid} |"
        )
    return "\n".join(linjer)


def overlevende_tekst(modul: str) -> str:
    r = klassificer(json.loads((UD / modul / "resultat.json").read_text()))
    return "\n".join(
        f"--- {o['fil']}:{o['linje']} {o['operator']} ({o['job']})"
        + (
            f"\nækvivalent: {o['grund']}"
            if o["grund"]
            else "\nIKKE FORKLARET: dræb den med en test, eller skriv den i mutation/ekvivalente.toml"
        )
        + f"\n{o['diff']}"
        for o in r["overlevende"]
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="kommando", required=True)
    k = sub.add_parser("koer", help="kør mutationstest for modulerne (alle uden navne)")
    k.add_argument("moduler", nargs="*")
    k.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", 2)))
    k.add_argument(
        "--overlevende", action="store_true", help="kun den seneste kørsels overlevende igen, mod testene som de er nu"
    )
    sub.add_parser("mal", help="(gen)opret skabelondatabasen")
    t = sub.add_parser("test", help="testkommandoen for én mutant (cosmic-ray kalder den)")
    t.add_argument("modul")
    sub.add_parser("rapport", help="drabsprocenten pr. modul fra de seneste kørsler")
    o = sub.add_parser("overlevende", help="de overlevende mutanter i et modul")
    o.add_argument("modul")
    g = sub.add_parser("opgoer", help="skriv resultat.json fra et moduls session (efter en afbrudt kørsel)")
    g.add_argument("modul")
    a = p.parse_args()
    if a.kommando == "koer":
        return koer(a.moduler, a.jobs, a.overlevende)
    if a.kommando == "mal":
        mal_opret()
        return 0
    if a.kommando == "test":
        return test(a.modul)
    if a.kommando == "opgoer":
        mappe = UD / a.modul
        resultat = opgoer(a.modul)
        # The run's time: from its configuration (written after the baseline) to its last result.
        resultat["sekunder"] = round(
            (mappe / "session.sqlite").stat().st_mtime - (mappe / "cosmic-ray.toml").stat().st_mtime
        )
        (mappe / "resultat.json").write_text(json.dumps(resultat, indent=2, ensure_ascii=False))
        print(f"{a.modul}: {_linje(resultat)}")
        return 0
    if a.kommando == "rapport":
        print(rapport_tekst())
        return 0
    print(overlevende_tekst(a.modul))
    return 0


if __name__ == "__main__":
    sys.exit(main())
