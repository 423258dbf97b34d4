"""Issue 19, finding 1: the append-only triggers trust no session setting.

Until now ``samtaler_kun_tilfoej()`` let a TRUNCATE through when the session had set
``samtaler.tom_testdatabase`` to ``ja``, which any role could do on the real database. The
function is replaced: a TRUNCATE passes only for a role that owns the table, in a database
named ``test_…`` (Django's test runner, flushing its own test database); see
samtaler_site/append_only.py. axes' login logs become append-only as well (finding 2).
"""

from django.db import migrations

from samtaler_site.append_only import AXES_REVERSE, FUNKTION_SQL, axes_sql

# The function as migration 0009 made it (for a migration backwards only).
GAMMEL_FUNKTION = """
CREATE OR REPLACE FUNCTION samtaler_kun_tilfoej() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('samtaler.tom_testdatabase', true) = 'ja' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% kan kun tilføjes til (% afvist)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registrering", "0014_akasse_kode_mappenavn"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(FUNKTION_SQL, GAMMEL_FUNKTION),
        migrations.RunSQL(axes_sql(), AXES_REVERSE),
    ]
