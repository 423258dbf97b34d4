"""A second version number, for the users' permissions, kept by the database like the code lists'.

``registrering_kodeversion.rettighedsversion`` gets a new number from the same sequence as the
code lists' version (migration 0008) whenever a statement changes a row that a user's set of
permissions is made of: a role's permissions, a user's roles or own permissions, a permission
or its content type (its ``app_label`` is half of the permission's name), or a role itself.
registrering/auth.py keeps each user's set in the process under that number; it reads both
numbers in one statement, once per request (registrering/kodecache.py).

Kept apart from the code lists' own number so that a change of roles (SSO sets a user's roles
at every sign-in, identitet/services.py) does not throw away the cached code lists and rules.

Statement triggers, as in 0008, but they give a new number only when the statement changed at
least one row (its transition table is not empty): a sign-in asks to remove the roles the user
does not have, a DELETE of no rows that would otherwise empty every process's cache of
permissions at every sign-in. TRUNCATE always counts.

``registrering_bruger`` itself has no trigger: the user's row is read on every request
(``Brugerbackend.get_user``), so ``is_active`` and ``is_superuser`` are always current and are
tested before the cache is consulted. A deleted user's rows in the two m2m tables are deleted
with it (and count), and a user id is never reused.

The function runs as whoever changes the table (the app role, from the admin or a sign-in):
it needs UPDATE on ``registrering_kodeversion`` and USAGE on the sequence, which the app role
already holds (samtaler_site/db_roller.py).
"""

from django.db import migrations

TABELLER = [
    "auth_group_permissions",
    "auth_permission",
    "auth_group",
    "django_content_type",
    "registrering_bruger_groups",
    "registrering_bruger_user_permissions",
]

# One function for all of them: the INSERT, UPDATE and DELETE triggers name their transition
# table ``aendrede`` (the rows inserted, the new rows of an update, the rows deleted).
SQL = (
    """
ALTER TABLE registrering_kodeversion ADD COLUMN rettighedsversion bigint;
UPDATE registrering_kodeversion SET rettighedsversion = nextval('registrering_kodeversion_seq') WHERE id = 1;
ALTER TABLE registrering_kodeversion ALTER COLUMN rettighedsversion SET NOT NULL;

CREATE OR REPLACE FUNCTION registrering_rettighedsversion_ny() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE registrering_kodeversion SET rettighedsversion = nextval('registrering_kodeversion_seq') WHERE id = 1;
    ELSIF EXISTS (SELECT 1 FROM aendrede) THEN
        UPDATE registrering_kodeversion SET rettighedsversion = nextval('registrering_kodeversion_seq') WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
    + "".join(
        f"""
CREATE TRIGGER {t}_rettighedsversion_i AFTER INSERT ON {t}
    REFERENCING NEW TABLE AS aendrede FOR EACH STATEMENT EXECUTE FUNCTION registrering_rettighedsversion_ny();
CREATE TRIGGER {t}_rettighedsversion_u AFTER UPDATE ON {t}
    REFERENCING NEW TABLE AS aendrede FOR EACH STATEMENT EXECUTE FUNCTION registrering_rettighedsversion_ny();
CREATE TRIGGER {t}_rettighedsversion_d AFTER DELETE ON {t}
    REFERENCING OLD TABLE AS aendrede FOR EACH STATEMENT EXECUTE FUNCTION registrering_rettighedsversion_ny();
CREATE TRIGGER {t}_rettighedsversion_t AFTER TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION registrering_rettighedsversion_ny();
"""
        for t in TABELLER
    )
)

REVERSE = (
    "".join(
        f"DROP TRIGGER IF EXISTS {t}_rettighedsversion_{h} ON {t};\n" for t in TABELLER for h in ("i", "u", "d", "t")
    )
    + """
DROP FUNCTION IF EXISTS registrering_rettighedsversion_ny();
ALTER TABLE registrering_kodeversion DROP COLUMN IF EXISTS rettighedsversion;
"""
)


class Migration(migrations.Migration):
    dependencies = [("registrering", "0024_statistiktal")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
