"""Tables the database itself keeps append-only (ASVS 7.3.3: audit records are protected).

* the access log (``registrering_adgangslog``): no UPDATE, DELETE or TRUNCATE;
* every django-simple-history table (``Historical*``): no UPDATE, DELETE or TRUNCATE;
* report events (``indberetning_haendelse``): no DELETE or TRUNCATE, and an UPDATE may
  only change the delivery state (the batch the event is in), never what was reported;
* axes' login records: the failure log (``axes_accessfailurelog``) no UPDATE, DELETE or
  TRUNCATE; the login log (``axes_accesslog``) neither, except that a login's logout time
  is set once. (``axes_accessattempt`` is not a log but axes' counters, which it updates
  and resets.)

Two layers (issue 19). The app's database role has only SELECT and INSERT on these tables
(samtaler_site/db_roller.py), and cannot switch a trigger off: it owns nothing and is not a
superuser. The triggers below hold for every role, the owner too, and decide by themselves:
they read no session setting (``SET samtaler.…`` is anyone's to set).

TRUNCATE and tests: Django's test runner empties its test database after every
transactional test (``flush``: one TRUNCATE of every table). The TRUNCATE trigger lets that
through only for a role that owns the table (the app role never does) in a database whose
name starts with ``test_`` (Django's test databases; the suite's is ``test_samtaler_<pid>``,
tests/conftest.py). A production database is never named so (docs/drift.md), so there the
owner's TRUNCATE is refused too; the app role's is refused by its privileges before any
trigger runs.

Erasure (issue 24) will need to delete a citizen's rows from these tables, and nothing
else may: a ``SECURITY DEFINER`` function owned by the owner, which the app role may only
EXECUTE, runs its DELETEs as the owner; :data:`FUNKTION_SQL` is the one place that then
lets a DELETE through when ``samtaler_er_ejer`` holds and the function has marked the
transaction (docs/notes/issue-19-db.md describes it).

New history tables (a model gains ``HistoricalRecords``) get their triggers after every
``migrate`` (``efter_migrate`` runs on ``post_migrate``, like Django's permissions);
tests/test_append_only.py checks that every history table has them.
"""

from __future__ import annotations

import re

# Whether the current role owns the table the trigger fired on. Built-in functions and
# catalogs only, schema-qualified: a temporary table cannot stand in for pg_class.
EJER_SQL = """
CREATE OR REPLACE FUNCTION samtaler_er_ejer(tabel oid) RETURNS boolean AS $$
    SELECT pg_catalog.pg_has_role(
        current_user, (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = tabel), 'USAGE')
$$ LANGUAGE sql STABLE;
"""

# Whether samtaler_slet_borger() marked this transaction (its id in a transaction-local
# setting; anyone may set it, so it counts only together with samtaler_er_ejer).
SLETTER_SQL = """
CREATE OR REPLACE FUNCTION samtaler_sletter() RETURNS boolean AS $$
    SELECT pg_catalog.current_setting('samtaler.sletning', true) = pg_catalog.txid_current()::text
$$ LANGUAGE sql VOLATILE;
"""

FUNKTION_SQL = (
    EJER_SQL
    + SLETTER_SQL
    + """
CREATE OR REPLACE FUNCTION samtaler_kun_tilfoej() RETURNS trigger AS $$
BEGIN
    -- Erasure (issue 24): only inside samtaler_slet_borger(), which runs as the owner and
    -- marks its own transaction; the app role is never the owner, whatever it sets.
    IF TG_OP = 'DELETE' AND samtaler_er_ejer(TG_RELID) AND samtaler_sletter() THEN
        RETURN OLD;
    END IF;
    -- Django's test runner empties its own test database, as the tables' owner (flush).
    IF TG_OP = 'TRUNCATE' AND pg_catalog.left(pg_catalog.current_database(), 5) = 'test_'
       AND samtaler_er_ejer(TG_RELID) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% kan kun tilføjes til (% afvist)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
)

FUNKTION_REVERSE = "DROP FUNCTION IF EXISTS samtaler_kun_tilfoej() CASCADE;"

# axes' login log: the logout time is set once (axes' user_logged_out), nothing else changes.
AXES_SQL = """
CREATE OR REPLACE FUNCTION samtaler_logud_en_gang() RETURNS trigger AS $$
DECLARE
    uden_logud record;
BEGIN
    uden_logud := NEW;
    uden_logud.logout_time := NULL;
    IF OLD.logout_time IS NULL AND uden_logud IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% kan kun tilføjes til; kun logout_time sættes, én gang (UPDATE afvist)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER samtaler_logud_en_gang
    BEFORE UPDATE ON axes_accesslog FOR EACH ROW EXECUTE FUNCTION samtaler_logud_en_gang();
CREATE OR REPLACE TRIGGER samtaler_kun_tilfoej_slet
    BEFORE DELETE ON axes_accesslog FOR EACH ROW EXECUTE FUNCTION samtaler_kun_tilfoej();
"""

AXES_REVERSE = """
DROP TRIGGER IF EXISTS samtaler_logud_en_gang ON axes_accesslog;
DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_slet ON axes_accesslog;
DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_truncate ON axes_accesslog;
DROP TRIGGER IF EXISTS samtaler_kun_tilfoej ON axes_accessfailurelog;
DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_truncate ON axes_accessfailurelog;
DROP FUNCTION IF EXISTS samtaler_logud_en_gang();
"""


def triggere_sql(tabel: str, *, raekker: bool = True) -> str:
    """The two triggers that make ``tabel`` append-only (idempotent)."""
    sql = f"""
CREATE OR REPLACE TRIGGER samtaler_kun_tilfoej_truncate
    BEFORE TRUNCATE ON "{tabel}" FOR EACH STATEMENT EXECUTE FUNCTION samtaler_kun_tilfoej();
"""
    if raekker:
        sql += f"""
CREATE OR REPLACE TRIGGER samtaler_kun_tilfoej
    BEFORE UPDATE OR DELETE ON "{tabel}" FOR EACH ROW EXECUTE FUNCTION samtaler_kun_tilfoej();
"""
    return sql


def axes_sql() -> str:
    """The triggers on axes' two login logs (idempotent)."""
    return triggere_sql("axes_accessfailurelog") + triggere_sql("axes_accesslog", raekker=False) + AXES_SQL


def historik_tabeller(apps) -> list[str]:
    """Every django-simple-history table among ``apps``' models."""
    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and not m._meta.proxy and m._meta.managed
    )


def beskyt_historik(apps, connection) -> None:
    """Install the append-only triggers on every history table (idempotent)."""
    eksisterende = set(connection.introspection.table_names())
    with connection.cursor() as c:
        c.execute(FUNKTION_SQL)
        for tabel in historik_tabeller(apps):
            if tabel in eksisterende:
                c.execute(triggere_sql(tabel))


def efter_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """``post_migrate``: history tables added by later migrations are protected too (and
    axes' logs stay so, should a new axes migration rebuild them)."""
    from django.apps import apps as globale_apps
    from django.db import connections

    forbindelse = connections[using]
    beskyt_historik(apps or globale_apps, forbindelse)
    if {"axes_accesslog", "axes_accessfailurelog"} <= set(forbindelse.introspection.table_names()):
        with forbindelse.cursor() as c:
            c.execute(axes_sql())


# --- erasure (issue 24) -----------------------------------------------------------------------

# The access log's own trigger (migration 0005) refuses DELETE outright: the same exception
# for erasure as above.
ADGANGSLOG_SQL = """
CREATE OR REPLACE FUNCTION registrering_adgangslog_kun_tilfoej() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND samtaler_er_ejer(TG_RELID) AND samtaler_sletter() THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Adgangsloggen kan kun tilføjes til (% afvist)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

ADGANGSLOG_REVERSE = """
CREATE OR REPLACE FUNCTION registrering_adgangslog_kun_tilfoej() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Adgangsloggen kan kun tilføjes til (% afvist)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


_NAVN = re.compile(r"^[a-z_][a-z0-9_]*$")


def _slet(tabel: str, betingelse: str, noegle: str) -> str:
    """One DELETE of the erasure function, its count added to the answer. The names are this
    module's constants, never input (checked here); the text is joined, not formatted."""
    if not (_NAVN.match(tabel) and _NAVN.match(noegle)):
        raise ValueError(f"ugyldigt navn i sletningen: {tabel!r}, {noegle!r}")
    return "".join(
        (
            "\n    DELETE FROM ",
            tabel,
            " WHERE ",
            betingelse,
            ";\n    GET DIAGNOSTICS n = ROW_COUNT;\n    antal := antal || jsonb_build_object('",
            noegle,
            "', n);",
        )
    )


# Erasure of one citizen: the one way past the append-only triggers. SECURITY DEFINER, so it
# runs as its owner (the tables' owner), with a fixed search_path; PUBLIC may not call it,
# the app role may (samtaler_site/db_roller.py grants EXECUTE). It marks its transaction for
# samtaler_kun_tilfoej(), deletes exactly the citizen's rows (children first: the foreign
# keys are PROTECT), unmarks, and answers the counts per table. It erases one citizen by id,
# whoever calls it: *which* citizens are due is decided by registrering/sletning.py.
SLET_BORGER_SQL = "".join(
    (
        """
CREATE OR REPLACE FUNCTION samtaler_slet_borger(borger uuid) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {skema}, pg_catalog AS $$
DECLARE
    antal jsonb := '{{}}'::jsonb;
    n bigint;
    samtaler uuid[];
    brugere bigint[];
    brugernavne text[];
BEGIN
    PERFORM pg_catalog.set_config('samtaler.sletning', pg_catalog.txid_current()::text, true);
    SELECT coalesce(array_agg(id), '{{}}') INTO samtaler FROM registrering_samtale WHERE person_id = borger;
    SELECT coalesce(array_agg(id), '{{}}'), coalesce(array_agg(username), '{{}}') INTO brugere, brugernavne
        FROM registrering_bruger WHERE person_id = borger;""",
        _slet("indberetning_haendelse", "samtale_id = ANY(samtaler)", "haendelser"),
        _slet("registrering_personmarkering", "person_id = borger", "markeringer"),
        _slet("registrering_historicalpersonmarkering", "person_id = borger", "markeringer_historik"),
        _slet("registrering_visitation", "person_id = borger", "visitationer"),
        _slet("registrering_historicalvisitation", "person_id = borger", "visitationer_historik"),
        _slet("registrering_deltager", "samtale_id = ANY(samtaler)", "deltagere"),
        _slet("registrering_historicaldeltager", "samtale_id = ANY(samtaler)", "deltagere_historik"),
        _slet("registrering_samtale", "person_id = borger", "samtaler"),
        _slet("registrering_historicalsamtale", "person_id = borger OR id = ANY(samtaler)", "samtaler_historik"),
        _slet("registrering_personperiode", "person_id = borger", "perioder"),
        _slet("registrering_historicalpersonperiode", "person_id = borger", "perioder_historik"),
        _slet("registrering_adgangslog", "person_id = borger", "adgangslog"),
        # The citizen's own login (MitID): its user, named after the citizen's id (when there
        # is one: axes' logs have no index on the user name).
        """
    IF pg_catalog.cardinality(brugere) > 0 THEN""",
        _slet("identitet_eksternidentitet", "bruger_id = ANY(brugere)", "eksterne_identiteter"),
        _slet("registrering_adgangslog", "bruger_id = ANY(brugere)", "adgangslog_egne"),
        _slet("registrering_bruger_groups", "bruger_id = ANY(brugere)", "brugergrupper"),
        _slet("registrering_bruger_user_permissions", "bruger_id = ANY(brugere)", "brugerrettigheder"),
        _slet("axes_accesslog", "username = ANY(brugernavne)", "logins"),
        _slet("axes_accessfailurelog", "username = ANY(brugernavne)", "login_fejl"),
        _slet("axes_accessattempt", "username = ANY(brugernavne)", "login_forsoeg"),
        _slet("registrering_bruger", "id = ANY(brugere)", "brugere"),
        """
    END IF;""",
        _slet("registrering_person", "id = borger", "borger"),
        _slet("registrering_historicalperson", "id = borger", "borger_historik"),
        """
    PERFORM pg_catalog.set_config('samtaler.sletning', '', true);
    RETURN antal;
END;
$$;
REVOKE ALL ON FUNCTION samtaler_slet_borger(uuid) FROM PUBLIC;

-- The access log's own deadline: rows older than ``foer`` (of citizens still kept).
CREATE OR REPLACE FUNCTION samtaler_slet_adgangslog(foer timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {skema}, pg_catalog AS $$
DECLARE
    n bigint;
BEGIN
    PERFORM pg_catalog.set_config('samtaler.sletning', pg_catalog.txid_current()::text, true);
    DELETE FROM registrering_adgangslog WHERE tidspunkt < foer;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM pg_catalog.set_config('samtaler.sletning', '', true);
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION samtaler_slet_adgangslog(timestamptz) FROM PUBLIC;
""",
    )
)

SLET_BORGER_REVERSE = (
    "DROP FUNCTION IF EXISTS samtaler_slet_borger(uuid); DROP FUNCTION IF EXISTS samtaler_slet_adgangslog(timestamptz);"
)
# The functions the app role may EXECUTE (samtaler_site/db_roller.py grants them).
SLET_FUNKTIONER = ("samtaler_slet_borger(uuid)", "samtaler_slet_adgangslog(timestamptz)")


def slet_borger_sql(skema: str) -> str:
    return SLET_BORGER_SQL.format(skema=skema)
