"""Django's ``flush``, run as the database's owner: the test runner's own way to empty its
test database after a transactional test (one TRUNCATE of every table).

The app's role has no TRUNCATE privilege anywhere (samtaler_site/db_roller.py), so the
command switches to the owner (``DATABASE_MIGRATE_URL``; the embedded server's
``samtaler_ejer``). The append-only tables' triggers then let the TRUNCATE through only in
a database named ``test_…`` (samtaler_site/append_only.py): against a real database the
command is refused here, before the triggers would refuse it.
"""

from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush

from samtaler_site.db_roller import som_ejer


class Command(DjangoFlush):
    def handle(self, **options):
        with som_ejer(options["database"]) as forbindelse:
            with forbindelse.cursor() as c:
                c.execute("SELECT current_database()")
                (navn,) = c.fetchone()
            if not navn.startswith("test_"):
                raise CommandError(
                    f"flush tømmer kun Djangos testdatabaser (test_…), ikke {navn!r}: revisionssporet er kun-tilføj."
                )
            return super().handle(**options)
