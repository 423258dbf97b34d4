"""Django's ``flush``, allowed to empty the append-only tables in the test database only.

Django's test runner empties the database after every transactional test with this
command (a TRUNCATE of every table). The append-only tables' TRUNCATE triggers refuse
that unless the session setting ``samtaler.tom_testdatabase`` is ``ja`` (see
samtaler_site/append_only.py); it is set here, and only when the database is Django's test
database (its configured TEST NAME, or Django's ``test_`` prefix). Against a real database
the command is refused by the triggers, as any other TRUNCATE of the audit trail is.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from samtaler_site.append_only import TRUNCATE_TILLADT


def er_testdatabase(connection) -> bool:
    navn = connection.settings_dict["NAME"] or ""
    return navn == (connection.settings_dict.get("TEST") or {}).get("NAME") or navn.startswith(TEST_DATABASE_PREFIX)


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options["database"]]
        if not er_testdatabase(connection):
            return super().handle(**options)
        with connection.cursor() as c:
            c.execute("SELECT set_config(%s, 'ja', false)", [TRUNCATE_TILLADT])
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as c:
                c.execute("SELECT set_config(%s, '', false)", [TRUNCATE_TILLADT])
