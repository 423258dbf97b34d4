"""Tables the database itself keeps append-only (ASVS 7.3: audit records are protected).

* the access log (``registrering_adgangslog``): no UPDATE, DELETE or TRUNCATE;
* every django-simple-history table (``Historical*``): no UPDATE, DELETE or TRUNCATE;
* report events (``indberetning_haendelse``): no DELETE or TRUNCATE, and an UPDATE may
  only change the delivery state (the batch the event is in), never what was reported.

Triggers, not permissions, so no code path, admin action or shell session of the
application's database role can rewrite the record. (A database owner can still drop a
trigger: that is the DBA's audit trail, outside the application.)

TRUNCATE and tests: Django empties the database after every transactional test
(``live_server``, ``transactional_db``) with ``manage.py flush``, a TRUNCATE of every table.
The project's ``flush`` command (registrering/management/commands/flush.py) sets the
session setting ``samtaler.tom_testdatabase`` to ``ja`` for that TRUNCATE, and only when the
database is Django's *test* database; the TRUNCATE triggers let it through then and only
then. A ``manage.py flush`` against a real database is refused by the same triggers.

New history tables (a model gains ``HistoricalRecords``) get their triggers after every
``migrate`` (``beskyt_historik`` runs on ``post_migrate``, like Django's permissions);
tests/test_append_only.py checks that every history table has them.
"""

from __future__ import annotations

TRUNCATE_TILLADT = "samtaler.tom_testdatabase"

FUNKTION_SQL = f"""
CREATE OR REPLACE FUNCTION samtaler_kun_tilfoej() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('{TRUNCATE_TILLADT}', true) = 'ja' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% kan kun tilføjes til (% afvist)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

FUNKTION_REVERSE = "DROP FUNCTION IF EXISTS samtaler_kun_tilfoej() CASCADE;"


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
    """``post_migrate``: history tables added by later migrations are protected too."""
    from django.apps import apps as globale_apps
    from django.db import connections

    beskyt_historik(apps or globale_apps, connections[using])
