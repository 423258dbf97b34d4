from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistreringConfig(AppConfig):
    name = "registrering"
    verbose_name = _("Registrering af samtaler")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from samtaler_site import db_roller
        from samtaler_site.append_only import efter_migrate
        from samtaler_site.sikkerhed import ved_login

        from . import auth, kodecache

        kodecache.connect()
        auth.connect()  # a change of roles in a request renews the permissions' version
        # Every history table, also one a later migration adds, is append-only (ASVS 7.3).
        post_migrate.connect(efter_migrate, sender=self, dispatch_uid="samtaler_append_only")
        # ... and the app's database role gets its privileges on every table (issue 19).
        post_migrate.connect(db_roller.efter_migrate, sender=self, dispatch_uid="samtaler_db_roller")
        checks.register(db_roller.rolle_tjek, checks.Tags.database)
        # The session's idle and absolute clocks start at login (samtaler_site/sikkerhed.py).
        user_logged_in.connect(ved_login, dispatch_uid="samtaler_session_ur")
