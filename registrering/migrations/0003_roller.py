from django.db import migrations


def roller(apps, schema_editor):
    from registrering.roller import opret_roller

    opret_roller(apps, streng=False)


class Migration(migrations.Migration):
    dependencies = [("registrering", "0002_kodelister"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(roller, migrations.RunPython.noop)]
