"""Django's ``migrate``, run as the database's owner (``DATABASE_MIGRATE_URL``).

The app's own role (``DATABASE_URL``) owns nothing and may create nothing; the owner
creates and alters the tables, and after the migrations grants the app role what it needs
(``post_migrate``: samtaler_site/db_roller.py). With one role only, the command runs as
that role, as Django's does.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate

from samtaler_site.db_roller import som_ejer


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with som_ejer(options["database"]):
            return super().handle(*args, **options)
