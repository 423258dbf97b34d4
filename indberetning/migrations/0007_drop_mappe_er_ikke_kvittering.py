"""Issue 20: a file put in a drop folder is not a receipt.

Until now a drop-folder delivery was recorded as ``kvitteret`` (with the file's path and
SHA-256 as its "receipt"), and the caseworker read "DFDG (STAR): modtaget" although
nobody had acknowledged anything. Such batches become ``afleveret``: the status the
transport now records for a file. They are told apart from real receipts by the HTTP
status: every receipt came with one (2xx, or 412), a file never did. The file's path and
checksum move from ``kvittering`` to the message; ``kvitteret`` (the receipt's time) is
emptied. Reversible: the backwards step restores the old record.
"""

from django.db import migrations, models

FREM = """
UPDATE indberetning_batch
SET status = 'afleveret',
    sidste_besked = CASE WHEN kvittering <> ''
                         THEN 'Lagt i drop-mappen som ' || replace(kvittering, ' sha256=', ' (sha256=') || '); ingen kvittering.'
                         ELSE 'Lagt i drop-mappen; ingen kvittering.' END,
    kvittering = '',
    sidst_forsoegt = COALESCE(sidst_forsoegt, kvitteret),
    kvitteret = NULL
WHERE status = 'kvitteret' AND sidste_http_status IS NULL
"""

TILBAGE = """
UPDATE indberetning_batch
SET status = 'kvitteret',
    kvittering = regexp_replace(sidste_besked, '^Lagt i drop-mappen som (.*) \\(sha256=([0-9a-f]+)\\); ingen kvittering\\.$', '\\1 sha256=\\2'),
    kvitteret = sidst_forsoegt,
    sidste_besked = 'Lagt i drop-mappen.'
WHERE status = 'afleveret'
"""


class Migration(migrations.Migration):

    dependencies = [
        ('indberetning', '0006_forsendelse_navn_og_kvitteringer_uden_cpr'),
    ]

    operations = [
        migrations.AddField(
            model_name='koersel',
            name='afleveret',
            field=models.PositiveIntegerField(default=0, verbose_name='lagt i drop-mappen'),
        ),
        migrations.AlterField(
            model_name='batch',
            name='status',
            field=models.CharField(choices=[('klar', 'venter på afsendelse'), ('sendes', 'sendes nu'), ('kvitteret', 'kvitteret'), ('afleveret', 'lagt i drop-mappen'), ('afvist', 'afvist'), ('fejlet', 'fejlet'), ('opdelt', 'delt op'), ('erstattet', 'erstattet af rettelse')], default='klar', max_length=12, verbose_name='status'),
        ),
        migrations.RunSQL(FREM, TILBAGE),
    ]
