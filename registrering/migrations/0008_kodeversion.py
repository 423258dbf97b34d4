"""A version number for the code lists and the § 28 rule table, kept by the database itself.

Every statement that changes one of these tables (from the admin, a migration, a shell or
plain SQL) gives ``registrering_kodeversion.version`` a new number from a sequence. Each
process caches what it read from the tables under that number (registrering/kodecache.py),
so a change reaches every web machine on its next request. The number comes from a
sequence, not a counter: a rolled-back change burns its number, so no later change can
reuse it and meet a cache entry read inside the rolled-back transaction.
"""

from django.db import migrations

TABELLER = [
    "registrering_kontaktgruppe",
    "registrering_samtaletype",
    "registrering_samtaleform",
    "registrering_deltagelsesform",
    "registrering_deltagerrolle",
    "registrering_visitationsgruppe",
    "registrering_akassedeltagelse",
    "registrering_persongruppemarkering",
    "registrering_akasse",
    "registrering_samtaletyperegel",
    "registrering_kontaktgrupperegel",
    "registrering_tilladtsamtaletype",
    "registrering_tilladtvisitationsgruppe",
]

SQL = (
    """
CREATE SEQUENCE registrering_kodeversion_seq;
CREATE TABLE registrering_kodeversion (
    id integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO registrering_kodeversion (id, version) VALUES (1, nextval('registrering_kodeversion_seq'));

CREATE OR REPLACE FUNCTION registrering_kodeversion_ny() RETURNS trigger AS $$
BEGIN
    UPDATE registrering_kodeversion SET version = nextval('registrering_kodeversion_seq') WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"""
CREATE TRIGGER {t}_kodeversion AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION registrering_kodeversion_ny();
"""
        for t in TABELLER
    )
)

REVERSE = (
    "".join(f"DROP TRIGGER IF EXISTS {t}_kodeversion ON {t};\n" for t in TABELLER)
    + """
DROP FUNCTION IF EXISTS registrering_kodeversion_ny();
DROP TABLE IF EXISTS registrering_kodeversion;
DROP SEQUENCE IF EXISTS registrering_kodeversion_seq;
"""
)


class Migration(migrations.Migration):
    dependencies = [("registrering", "0007_samtale_dato_indeks")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
