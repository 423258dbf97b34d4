"""CPR numbers are ten ASCII digits (issue 15), and the access log keeps the user's name.

* The CHECK constraint is added ``NOT VALID``: PostgreSQL enforces it on every new or
  changed row, but does not refuse the migration over rows from before. Those are found
  and reported (count and ids, never the numbers) by :func:`rapporter_ugyldige_cpr`; they
  are not deleted or changed: a person decides which record is the citizen's.
* ``bruger_navn`` is empty on rows written before this migration (the access log cannot be
  updated); the export shows the user's current name for them, marked as such.
"""

import logging
import unicodedata

import registrering.models
from django.db import migrations, models

logger = logging.getLogger("registrering")


def rapporter_ugyldige_cpr(apps, schema_editor, *, skriv=print) -> list:
    """Citizens whose CPR number is not ten ASCII digits: count and ids, and for each the
    id of a citizen with the same number in ASCII digits, if there is one (a duplicate)."""
    Person = apps.get_model("registrering", "Person")
    ugyldige = list(Person.objects.exclude(cpr__regex=r"^[0-9]{10}$").values_list("pk", "cpr"))
    if not ugyldige:
        return []
    raekker = []
    for pk, cpr in ugyldige:
        cifre = [unicodedata.digit(ch, None) for ch in cpr]
        ascii_cpr = "".join(ch if c is None else str(c) for ch, c in zip(cpr, cifre))
        dublet = Person.objects.filter(cpr=ascii_cpr).exclude(pk=pk).values_list("pk", flat=True).first()
        raekker.append((pk, dublet))
    besked = "%s borger(e) har et CPR-nummer, der ikke er 10 ASCII-cifre (rettes af en administrator): %s" % (
        len(raekker),
        ", ".join(f"{pk}" + (f" (samme nummer som {dublet})" if dublet else "") for pk, dublet in raekker),
    )
    logger.warning(besked)
    skriv(besked)
    return raekker


class Migration(migrations.Migration):

    dependencies = [
        ('registrering', '0009_kun_tilfoej_historik'),
    ]

    operations = [
        migrations.AddField(
            model_name='adgangslog',
            name='bruger_navn',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='brugerens navn'),
        ),
        migrations.AlterField(
            model_name='adgangslog',
            name='handling',
            field=models.CharField(choices=[('vis', 'visning'), ('soeg', 'søgeresultat'), ('opret', 'oprettelse'), ('ret', 'rettelse'), ('annuller', 'annullering'), ('historik', 'revisionsvisning'), ('eksport', 'eksport'), ('indsigt', 'borgerens egen indsigt'), ('opret_afvist', 'forsøg på oprettelse (findes allerede)')], max_length=20, verbose_name='handling'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='cpr',
            field=models.CharField(db_index=True, max_length=10, validators=[registrering.models.valider_cpr], verbose_name='CPR-nummer'),
        ),
        migrations.AlterField(
            model_name='person',
            name='cpr',
            field=models.CharField(max_length=10, unique=True, validators=[registrering.models.valider_cpr], verbose_name='CPR-nummer'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name='person',
                    constraint=models.CheckConstraint(condition=models.Q(('cpr__regex', '^[0-9]{10}$')), name='person_cpr_ti_ascii_cifre', violation_error_message='Et CPR-nummer har 10 cifre (ddmmåå-xxxx).'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE registrering_person ADD CONSTRAINT person_cpr_ti_ascii_cifre CHECK (cpr ~ '^[0-9]{10}$') NOT VALID;",
                    "ALTER TABLE registrering_person DROP CONSTRAINT IF EXISTS person_cpr_ti_ascii_cifre;",
                ),
            ],
        ),
        migrations.RunPython(rapporter_ugyldige_cpr, migrations.RunPython.noop),
    ]
