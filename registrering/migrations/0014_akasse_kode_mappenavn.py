"""An a-kasse's code names a folder (issue 19, finding 5): capital letters A-Z and digits,
at most ten characters, checked by the model (so the admin refuses) and by the database.

The CHECK constraint is added ``NOT VALID``, as migration 0010 does for CPR numbers:
PostgreSQL enforces it on every new or changed row and does not refuse the migration over a
row from before. Such rows are reported (id and code) by :func:`rapporter_ugyldige_koder`;
their batches are never written outside the drop folder (``indberetning.transport``
checks every path), and an administrator corrects the code.
"""

import logging

import django.core.validators
from django.db import migrations, models

logger = logging.getLogger("registrering")

MOENSTER = "^[A-Z0-9]{1,10}$"


def rapporter_ugyldige_koder(apps, schema_editor, *, skriv=print) -> list:
    Akasse = apps.get_model("registrering", "Akasse")
    ugyldige = list(Akasse.objects.exclude(kode__regex=MOENSTER).values_list("pk", "kode"))
    if ugyldige:
        besked = "%s a-kasse(r) har en kode, der ikke kan navngive en drop-mappe (rettes af en administrator): %s" % (
            len(ugyldige),
            ", ".join(f"id {pk}: {kode!r}" for pk, kode in ugyldige),
        )
        logger.warning(besked)
        skriv(besked)
    return ugyldige


VALIDATOR = django.core.validators.RegexValidator(
    "\\A[A-Z0-9]{1,10}\\Z",
    code="akasse_kode",
    message="En a-kasses kode er 1-10 tegn: store bogstaver A-Z og cifre 0-9 (koden navngiver a-kassens drop-mappe).",
)
HJAELP_KODE = "STARs kode for a-kassen, fx HK eller 3F: store bogstaver A-Z og cifre, højst 10 tegn."
HJAELP_URL = "Tom: indberetninger lægges i a-kassens drop-mappe, akasse-KODE/ under INDBERETNING_DIR."


class Migration(migrations.Migration):

    dependencies = [
        ("registrering", "0013_forside_og_soegning"),
    ]

    operations = [
        migrations.AlterField(
            model_name="akasse",
            name="endpoint_url",
            field=models.URLField(blank=True, help_text=HJAELP_URL, verbose_name="modtageradresse (HTTPS)"),
        ),
        migrations.AlterField(
            model_name="akasse",
            name="kode",
            field=models.CharField(
                help_text=HJAELP_KODE, max_length=40, unique=True, validators=[VALIDATOR], verbose_name="kode"
            ),
        ),
        migrations.AlterField(
            model_name="historicalakasse",
            name="endpoint_url",
            field=models.URLField(blank=True, help_text=HJAELP_URL, verbose_name="modtageradresse (HTTPS)"),
        ),
        migrations.AlterField(
            model_name="historicalakasse",
            name="kode",
            field=models.CharField(
                db_index=True, help_text=HJAELP_KODE, max_length=40, validators=[VALIDATOR], verbose_name="kode"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="akasse",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("kode__regex", MOENSTER)),
                        name="akasse_kode_mappenavn",
                        violation_error_message=VALIDATOR.message,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE registrering_akasse ADD CONSTRAINT akasse_kode_mappenavn CHECK (kode ~ '{MOENSTER}') NOT VALID;",
                    "ALTER TABLE registrering_akasse DROP CONSTRAINT IF EXISTS akasse_kode_mappenavn;",
                ),
            ],
        ),
        migrations.RunPython(rapporter_ugyldige_koder, migrations.RunPython.noop),
    ]
