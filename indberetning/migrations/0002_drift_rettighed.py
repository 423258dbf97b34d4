"""The operations page's permission for team leads and administrators.

The roles (groups) are created by registrering's 0003_roller; this grants
``indberetning.se_drift`` to ``teamleder`` and ``administrator``, and the administrator
also every permission on the reporting models (the Django admin).
"""

from django.db import migrations

DRIFT = ("teamleder", "administrator")


def tildel(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("indberetning")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    se_drift = Permission.objects.get(content_type__app_label="indberetning", codename="se_drift")
    for navn in DRIFT:
        gruppe, _ = Group.objects.get_or_create(name=navn)
        gruppe.permissions.add(se_drift)
    Group.objects.get(name="administrator").permissions.add(
        *Permission.objects.filter(content_type__app_label="indberetning")
    )


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
