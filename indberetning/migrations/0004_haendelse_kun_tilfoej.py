"""A report event is what was reported: the database refuses DELETE and TRUNCATE, and an
UPDATE that changes its content. Only the delivery state may change (the batch it is in:
a refused batch's events are re-batched under new batch ids).

The content columns are named in the trigger (``INDHOLD``); a column added to the model
later must be classified in ``tests/test_append_only.py`` (content or delivery state), which
fails until it is.
"""

from django.db import migrations

from samtaler_site.append_only import FUNKTION_SQL, triggere_sql

INDHOLD = ("id", "samtale_id", "modtager", "akasse_id", "handling", "sekvens", "registreret", "data", "xml")

# The WHEN clause is evaluated by the executor itself: assigning a batch (the claim's UPDATE
# of up to a batch's worth of rows) calls no PL/pgSQL at all.
SQL = """
CREATE OR REPLACE FUNCTION indberetning_haendelse_indhold_fast() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'En indberetningshændelses indhold kan ikke ændres (UPDATE afvist)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER indberetning_haendelse_indhold_fast
    BEFORE UPDATE ON indberetning_haendelse
    FOR EACH ROW WHEN ({sammenligning})
    EXECUTE FUNCTION indberetning_haendelse_indhold_fast();

CREATE TRIGGER samtaler_kun_tilfoej_slet
    BEFORE DELETE ON indberetning_haendelse
    FOR EACH ROW EXECUTE FUNCTION samtaler_kun_tilfoej();
""".format(sammenligning=" OR ".join(f"NEW.{k} IS DISTINCT FROM OLD.{k}" for k in INDHOLD))

REVERSE = """
DROP TRIGGER IF EXISTS indberetning_haendelse_indhold_fast ON indberetning_haendelse;
DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_slet ON indberetning_haendelse;
DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_truncate ON indberetning_haendelse;
DROP FUNCTION IF EXISTS indberetning_haendelse_indhold_fast();
"""


class Migration(migrations.Migration):
    dependencies = [("indberetning", "0003_haendelse_xml"), ("registrering", "0009_kun_tilfoej_historik")]

    operations = [
        migrations.RunSQL(FUNKTION_SQL + triggere_sql("indberetning_haendelse", raekker=False) + SQL, REVERSE),
    ]
