"""Who may see the operations page: ``indberetning.se_drift`` for team leads and
administrators; administrators also get every permission on the reporting models."""

DRIFT_ROLLER = ("teamleder", "administrator")


def drift_rettighed_tildel(apps=None) -> None:
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_config = apps.get_app_config("indberetning")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    se_drift = Permission.objects.get(content_type__app_label="indberetning", codename="se_drift")
    for navn in DRIFT_ROLLER:
        gruppe, _ = Group.objects.get_or_create(name=navn)
        gruppe.permissions.add(se_drift)
        if navn == "administrator":
            gruppe.permissions.add(*Permission.objects.filter(content_type__app_label="indberetning"))
