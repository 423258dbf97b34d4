"""The operations page's permission for team leads and administrators.

The roles (groups) are created by registrering's 0003_roller; this grants
``indberetning.se_drift`` to ``teamleder`` and ``administrator``, and the administrator
also every permission on the reporting models (the Django admin).
"""

from django.db import migrations

DRIFT = ("teamleder", "administrator")


def tildel(apps, schema_editor):
    from indberetning.roller import drift_rettighed_tildel

    drift_rettighed_tildel(apps)


def fjern(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="indberetning")
    for gruppe in Group.objects.filter(name__in=DRIFT):
        gruppe.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("indberetning", "0001_initial"),
        ("registrering", "0003_roller"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(tildel, fjern)]
