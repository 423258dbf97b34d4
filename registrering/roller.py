"""The roles (Django groups) and their permissions. Used by the roles migration and by
``demo_data``; change a role here and in a new migration that calls :func:`opret_roller`."""

REGISTRERING_MODELLER = ("person", "samtale", "deltager", "visitation", "personmarkering")

ROLLER: dict[str, list[str]] = {
    # Read and write, own jobcenter.
    "sagsbehandler": [f"registrering.{a}_{m}" for m in REGISTRERING_MODELLER for a in ("view", "add", "change")],
    # The same plus the operations page (reporting) and moving their citizens to another
    # jobcenter.
    "teamleder": [f"registrering.{a}_{m}" for m in REGISTRERING_MODELLER for a in ("view", "add", "change")]
    + ["registrering.flyt_person"],
    # Read-only, every jobcenter, history and logs.
    "revisor": [f"registrering.view_{m}" for m in REGISTRERING_MODELLER]
    + ["registrering.se_alle_jobcentre", "registrering.se_historik", "registrering.view_adgangslog"],
    # Django admin; code lists and users.
    "administrator": ["registrering.se_alle_jobcentre", "registrering.se_historik"],
}


# Granted deliberately to a named user only, never through a group (registrering/beskyttelse.py).
IKKE_I_ROLLER = ("se_beskyttede",)


def opret_roller(apps=None, *, streng: bool = True) -> None:
    """Create the groups and give them their permissions. ``streng=False`` is for older
    migrations, when models that later permissions belong to do not exist yet."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    for navn, rettigheder in ROLLER.items():
        gruppe, _ = Group.objects.get_or_create(name=navn)
        perms = []
        for r in rettigheder:
            app_label, codename = r.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None and streng:
                raise LookupError(f"Rettigheden {r} findes ikke")
            if perm is not None:
                perms.append(perm)
        if navn == "administrator":
            # Every permission but seeing protected citizens, which no role implies (issue 24).
            perms += list(
                Permission.objects.filter(content_type__app_label__in=["registrering", "auth"]).exclude(
                    codename__in=IKKE_I_ROLLER
                )
            )
        gruppe.permissions.add(*perms)
