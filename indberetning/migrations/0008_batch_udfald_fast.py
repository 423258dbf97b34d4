"""Issue 19, finding 2: what a batch's receiver answered cannot be rewritten.

A batch's state follows the delivery (``Batch.Status``): only the transitions the engine
makes are allowed (:data:`OVERGANGE`). Once the batch is ``kvitteret``, ``opdelt`` or
``erstattet`` nothing of it changes any more; a receipt is written only with the step to
``kvitteret``; the document's SHA-256 and size, once recorded, stay; whom it was for and
when it was made never change; a sent batch is never deleted. An event cannot be moved out
of or into a batch in a final state (so a receipt covers exactly what was sent), and a new
batch starts as ``klar`` (or ``fejlet``: an event held back before sending) without
receipt or document; only the tables' owner may load delivered history
(``generer_data``).

The app's role has no DELETE on batches either (samtaler_site/db_roller.py); the triggers
hold for every role (a migration, a shell, the owner).
"""

from django.db import migrations

# (from, to): the engine's own steps (indberetning/batches.py, levering.py, outbox.py).
OVERGANGE = (
    ("klar", "sendes"),  # claimed for sending
    ("sendes", "klar"),  # 5xx or timeout: retry later
    ("sendes", "kvitteret"),
    ("sendes", "afleveret"),  # written whole to a drop folder: nobody has answered (issue 20)
    ("sendes", "afvist"),
    ("sendes", "fejlet"),
    ("sendes", "opdelt"),  # refused content, its events went on in smaller batches
    ("afvist", "klar"),  # an operator sends it again (same id)
    ("fejlet", "klar"),
    ("afvist", "erstattet"),  # a correction replaced the refused event
    ("fejlet", "erstattet"),
)
ENDELIGE = ("kvitteret", "afleveret", "opdelt", "erstattet")
START = ("klar", "fejlet")


def _liste(vaerdier) -> str:
    return ", ".join(f"'{v}'" for v in vaerdier)


def sql(skema: str) -> str:
    overgange = ", ".join(f"('{a}', '{b}')" for a, b in OVERGANGE)
    return f"""
CREATE OR REPLACE FUNCTION indberetning_batch_udfald_fast() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT samtaler_er_ejer(TG_RELID) AND (
            NEW.status NOT IN ({_liste(START)}) OR NEW.kvittering <> '' OR NEW.kvitteret IS NOT NULL
            OR NEW.dokument_sha256 <> '') THEN
            RAISE EXCEPTION 'Et nyt batch er klar eller fejlet, uden kvittering og dokument (INSERT afvist)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ({_liste(ENDELIGE)}) OR OLD.dokument_sha256 <> '' OR OLD.forsoeg > 0 THEN
            RAISE EXCEPTION 'Batch % er sendt og kan ikke slettes (DELETE afvist)', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF OLD.status IN ({_liste(ENDELIGE)}) THEN
        RAISE EXCEPTION 'Batch % er %: udfaldet kan ikke ændres (UPDATE afvist)', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.modtager, NEW.akasse_id, NEW.oprettet, NEW.opdelt_fra_id)
       IS DISTINCT FROM (OLD.id, OLD.modtager, OLD.akasse_id, OLD.oprettet, OLD.opdelt_fra_id) THEN
        RAISE EXCEPTION 'Batch %: modtager, id og dannelsestid kan ikke ændres (UPDATE afvist)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (OLD.dokument_sha256 <> '' AND NEW.dokument_sha256 IS DISTINCT FROM OLD.dokument_sha256)
       OR (OLD.dokument_bytes IS NOT NULL AND NEW.dokument_bytes IS DISTINCT FROM OLD.dokument_bytes) THEN
        RAISE EXCEPTION 'Batch %: det sendte dokuments SHA-256 kan ikke ændres (UPDATE afvist)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.kvittering, NEW.kvitteret) IS DISTINCT FROM (OLD.kvittering, OLD.kvitteret)
       AND NOT (OLD.status = 'sendes' AND NEW.status = 'kvitteret') THEN
        RAISE EXCEPTION 'Batch %: en kvittering skrives kun når batchet kvitteres (UPDATE afvist)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status <> OLD.status AND (OLD.status, NEW.status) NOT IN ({overgange}) THEN
        RAISE EXCEPTION 'Batch %: % → % er ikke en tilladt overgang (UPDATE afvist)', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER indberetning_batch_udfald_fast
    BEFORE INSERT OR UPDATE OR DELETE ON indberetning_batch
    FOR EACH ROW EXECUTE FUNCTION indberetning_batch_udfald_fast();

-- Once per statement, over the rows it changed: the claim moves hundreds of events at once.
CREATE OR REPLACE FUNCTION indberetning_haendelse_flyttes_ikke() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM {skema}.indberetning_batch b
        WHERE b.status IN ({_liste(ENDELIGE)}) AND b.id IN (
            SELECT g.batch_id FROM gamle g JOIN nye n ON n.id = g.id WHERE n.batch_id IS DISTINCT FROM g.batch_id
            UNION ALL
            SELECT n.batch_id FROM gamle g JOIN nye n ON n.id = g.id WHERE n.batch_id IS DISTINCT FROM g.batch_id)
    ) THEN
        RAISE EXCEPTION 'En hændelse i et kvitteret, opdelt eller erstattet batch bliver i det (UPDATE afvist)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION indberetning_haendelse_ny_i_afsluttet() RETURNS trigger AS $$
BEGIN
    IF NOT samtaler_er_ejer(TG_RELID) AND EXISTS (
        SELECT 1 FROM {skema}.indberetning_batch b
        WHERE b.status IN ({_liste(ENDELIGE)}) AND b.id IN (SELECT n.batch_id FROM nye n)
    ) THEN
        RAISE EXCEPTION 'En ny hændelse kan ikke lægges i et afsluttet batch (INSERT afvist)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER indberetning_haendelse_flyttes_ikke
    AFTER UPDATE ON indberetning_haendelse REFERENCING OLD TABLE AS gamle NEW TABLE AS nye
    FOR EACH STATEMENT EXECUTE FUNCTION indberetning_haendelse_flyttes_ikke();
CREATE OR REPLACE TRIGGER indberetning_haendelse_ny_i_afsluttet
    AFTER INSERT ON indberetning_haendelse REFERENCING NEW TABLE AS nye
    FOR EACH STATEMENT EXECUTE FUNCTION indberetning_haendelse_ny_i_afsluttet();
"""


REVERSE = """
DROP TRIGGER IF EXISTS indberetning_batch_udfald_fast ON indberetning_batch;
DROP TRIGGER IF EXISTS indberetning_haendelse_flyttes_ikke ON indberetning_haendelse;
DROP TRIGGER IF EXISTS indberetning_haendelse_ny_i_afsluttet ON indberetning_haendelse;
DROP FUNCTION IF EXISTS indberetning_batch_udfald_fast();
DROP FUNCTION IF EXISTS indberetning_haendelse_flyttes_ikke();
DROP FUNCTION IF EXISTS indberetning_haendelse_ny_i_afsluttet();
"""


def frem(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        # The batch table by its schema: a temporary table of that name cannot stand in.
        c.execute("SELECT quote_ident(current_schema())")
        (skema,) = c.fetchone()
        c.execute(sql(skema))


def tilbage(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        c.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("indberetning", "0007_drop_mappe_er_ikke_kvittering"),
        ("registrering", "0015_kun_tilfoej_uden_sessionsindstilling"),  # samtaler_er_ejer()
    ]

    operations = [migrations.RunPython(frem, tilbage)]
