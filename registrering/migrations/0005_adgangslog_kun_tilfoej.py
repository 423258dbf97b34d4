"""The access log is append-only: the database itself refuses UPDATE and DELETE, so no
code path, admin action or shell session can rewrite who saw what."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION registrering_adgangslog_kun_tilfoej() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Adgangsloggen kan kun tilføjes til (% afvist)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER registrering_adgangslog_kun_tilfoej
    BEFORE UPDATE OR DELETE ON registrering_adgangslog
    FOR EACH ROW EXECUTE FUNCTION registrering_adgangslog_kun_tilfoej();
"""

REVERSE = """
DROP TRIGGER IF EXISTS registrering_adgangslog_kun_tilfoej ON registrering_adgangslog;
DROP FUNCTION IF EXISTS registrering_adgangslog_kun_tilfoej();
"""


def roller(apps, schema_editor):
    from registrering.roller import opret_roller

    opret_roller(apps, streng=False)  # later permissions (0012 flyt_person) are added by their own migration


class Migration(migrations.Migration):
    dependencies = [("registrering", "0004_adgangslog")]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(roller, migrations.RunPython.noop),
    ]
