"""The admin calls a batch a "forsendelse", as every page does (issue 20), and stored receipts
hold no CPR number (issue 19, finding 9).

A receiver's receipt may quote the document, CPR numbers included; from now on
``indberetning.transport`` masks it before it is kept (as it masks the receiver's
messages). Receipts stored before are masked here, with the same pattern, one UPDATE per
receipt that holds one. Nothing else of the batch changes.
"""

import re

import django.db.models.deletion
from django.db import migrations, models

# indberetning.transport._CPR_I_TEKST, frozen here.
CPR_I_TEKST = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


def masker_kvitteringer(apps, schema_editor):
    Batch = apps.get_model("indberetning", "Batch")
    kandidater = Batch.objects.filter(kvittering__regex=r"[0-9]{6}-?[0-9]{4}").values_list("pk", "kvittering")
    for pk, kvittering in kandidater.iterator(chunk_size=500):
        maskeret = CPR_I_TEKST.sub("**********", kvittering)
        if maskeret != kvittering:
            Batch.objects.filter(pk=pk).update(kvittering=maskeret)


class Migration(migrations.Migration):

    dependencies = [
        ("indberetning", "0005_opdeling_og_erstatning"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="batch",
            options={
                "ordering": ["-oprettet"],
                "permissions": [("se_drift", "Kan se driften af indberetningen og genudsende batches")],
                "verbose_name": "forsendelse",
                "verbose_name_plural": "forsendelser",
            },
        ),
        migrations.AlterField(
            model_name="haendelse",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="haendelser",
                to="indberetning.batch",
                verbose_name="forsendelse",
            ),
        ),
        migrations.RunPython(masker_kvitteringer, migrations.RunPython.noop),
    ]
