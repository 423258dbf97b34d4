"""The access log refuses TRUNCATE too, and every history table refuses UPDATE, DELETE and
TRUNCATE (samtaler_site/append_only.py says why and how tests still empty the database)."""

from django.db import migrations

from samtaler_site.append_only import FUNKTION_REVERSE, FUNKTION_SQL, beskyt_historik, historik_tabeller, triggere_sql


def frem(apps, schema_editor):
    beskyt_historik(apps, schema_editor.connection)


def tilbage(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        for tabel in historik_tabeller(apps):
            c.execute(f'DROP TRIGGER IF EXISTS samtaler_kun_tilfoej ON "{tabel}";')
            c.execute(f'DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_truncate ON "{tabel}";')


class Migration(migrations.Migration):
    dependencies = [("registrering", "0008_kodeversion")]

    operations = [
        migrations.RunSQL(FUNKTION_SQL, FUNKTION_REVERSE),
        # The row triggers of migration 0005 stay; TRUNCATE is a statement of its own.
        migrations.RunSQL(
            triggere_sql("registrering_adgangslog", raekker=False),
            "DROP TRIGGER IF EXISTS samtaler_kun_tilfoej_truncate ON registrering_adgangslog;",
        ),
        migrations.RunPython(frem, tilbage),
    ]
