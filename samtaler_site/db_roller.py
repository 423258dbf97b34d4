"""Least privilege in the database (issue 19; ASVS 4.0.3 4.1.3, 1.2.1, 1.2.2, 7.3.3): two roles.

* The **owner** (``DATABASE_MIGRATE_URL``; the embedded server's ``samtaler_ejer``) owns every
  table, function and trigger. It runs ``migrate`` and nothing the users reach.
* The **app role** (``DATABASE_URL``; the embedded server's ``samtaler_app``) is what the web
  processes, the task worker and every other management command connect as. It is not a
  superuser and owns nothing, so it can neither ``SET session_replication_role`` (a
  superuser's parameter) nor disable, drop or replace a trigger (an owner's right). It holds
  only the privileges the app needs (:func:`tabel_rettigheder`): no TRUNCATE, TRIGGER or
  REFERENCES anywhere; on the append-only tables only SELECT and INSERT (and UPDATE of the
  one column the app moves: a report event's batch, a login record's logout time).

The owner grants them after every ``migrate`` (:func:`efter_migrate`, ``post_migrate``), and
its default privileges give a table a later migration creates the ordinary four at once.

Only the paths that need the owner switch to it (:func:`som_ejer`): ``migrate``, the test
runner's own ``flush`` of its test database, and ``generer_data`` (which drops and rebuilds
indexes). Without ``DATABASE_MIGRATE_URL`` everything runs as ``DATABASE_URL`` (one role, as
before: ``manage.py check --database default`` warns when that role is a superuser or
owns the tables).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# What a switch to the owner replaces in a connection's settings; the database's NAME stays
# (the test runner's test database is the owner's too).
EJER_NOEGLER = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")

# The embedded server's names (samtaler_site/embedded_db.py), and the ones the operator's
# guide uses (docs/drift.md).
EJER = "samtaler_ejer"
APP = "samtaler_app"
DATABASE = "samtaler"

# Tables the app role reads and adds to, never rewrites (samtaler_site/append_only.py keeps
# them so with triggers, for the owner too). The history tables are found by name.
KUN_TILFOEJ = frozenset(
    {"registrering_adgangslog", "axes_accessfailurelog", "identitet_noedadganglogin", "registrering_sletning"}
)
# Append-only but for one column the app itself moves.
KOLONNE_OPDATERING = {
    # Delivery state: a claimed event is put in a batch, a refused batch's events in new ones.
    "indberetning_haendelse": ("batch_id",),
    # axes records the logout of a login (once: the trigger refuses a second time).
    "axes_accesslog": ("logout_time",),
}
# Rows the app updates (with a trigger guarding the allowed changes) but never deletes.
UDEN_SLETNING = frozenset({"indberetning_batch"})
# Read only: the record of what was migrated, and the statistics' counts, which only the
# database's own triggers write (registrering/statistiktal.py).
KUN_LAESNING = frozenset({"django_migrations", "registrering_statistikdag", "registrering_statistikvisitationdag"})

ALLE = ("SELECT", "INSERT", "UPDATE", "DELETE")

_NAVN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(navn: str) -> str:
    if not _NAVN.match(navn):
        raise ValueError(f"Ugyldigt rolle- eller databasenavn: {navn!r}")
    return f'"{navn}"'


def _streng(vaerdi: str) -> str:
    return "'" + vaerdi.replace("'", "''") + "'"


# --- the roles ------------------------------------------------------------------------------


def rolle_attributter(*, ejer: bool, opret_databaser: bool = False) -> str:
    """Attributes that make a role what it is, whatever it was before (ALTER ROLE repeats them).

    Neither role is a superuser, creates roles, replicates or bypasses row security. The
    app role does not inherit: it gets privileges only from its own grants. The owner
    creates databases only where it runs the test suite (``opret_databaser``)."""
    faelles = "LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    if ejer:
        return f"{faelles} {'CREATEDB' if opret_databaser else 'NOCREATEDB'}"
    return f"{faelles} NOCREATEDB NOINHERIT"


def roller_sql(
    *,
    ejer: str = EJER,
    app: str = APP,
    database: str = DATABASE,
    ejer_kodeord: str | None = None,
    app_kodeord: str | None = None,
    opret_databaser: bool = False,
) -> list[str]:
    """The statements an operator runs once, as a superuser (or a role with CREATEROLE and
    CREATEDB), to create the two roles and the database (docs/drift.md prints them).

    The owner owns the database, so it may create the trusted extension ``pg_trgm`` and, on
    PostgreSQL 15 and later, owns its schema ``public`` (``pg_database_owner``). PUBLIC loses
    every right on the database; the app role may only connect (no TEMPORARY: a temporary
    table cannot shadow a table a trigger reads)."""
    sql = []
    for navn, kodeord, er_ejer in ((ejer, ejer_kodeord, True), (app, app_kodeord, False)):
        attributter = rolle_attributter(ejer=er_ejer, opret_databaser=opret_databaser)
        if kodeord:
            attributter += f" PASSWORD {_streng(kodeord)}"
        sql.append(f"CREATE ROLE {_ident(navn)} {attributter}")
    sql += [
        f"CREATE DATABASE {_ident(database)} OWNER {_ident(ejer)} ENCODING 'UTF8'",
        f"REVOKE ALL ON DATABASE {_ident(database)} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(app)}",
    ]
    return sql


def database_sql(*, ejer: str = EJER) -> list[str]:
    """Statements run in the new database, as a superuser: no one but the owner creates
    objects in ``public`` (already so on PostgreSQL 15 and later)."""
    return [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT ALL ON SCHEMA public TO {_ident(ejer)}",
    ]


# --- who is connected -----------------------------------------------------------------------


def ejer_indstillinger() -> dict | None:
    """The owner's connection settings (``DATABASE_MIGRATE_URL``), or None with one role."""
    return getattr(settings, "DATABASE_EJER", None) or None


def app_rolle() -> str | None:
    """The role the app runs as, which ``migrate`` grants to (``DATABASE_URL``'s user)."""
    return getattr(settings, "DATABASE_APP_ROLLE", None) or None


def er_ejer(forbindelse) -> bool:
    """Whether this connection is configured as the owner (or there is only one role)."""
    ejer = ejer_indstillinger()
    return ejer is None or forbindelse.settings_dict.get("USER") == ejer.get("USER")


@contextlib.contextmanager
def som_ejer(alias: str = DEFAULT_DB_ALIAS) -> Iterator:
    """Run the block with ``connections[alias]`` connected as the owner, in this thread only.

    A new connection object with the owner's credentials (and the current NAME: the test
    runner's test database is the owner's too) stands in for the app role's until the block
    ends; other threads keep theirs. A no-op with one role or when already the owner."""
    nuvaerende = connections[alias]
    ejer = ejer_indstillinger()
    if alias != DEFAULT_DB_ALIAS or er_ejer(nuvaerende):
        yield nuvaerende
        return
    if nuvaerende.in_atomic_block:
        raise RuntimeError("Kan ikke skifte til databasens ejer midt i en transaktion.")
    indstillinger = {**nuvaerende.settings_dict, **{k: ejer[k] for k in EJER_NOEGLER if k in ejer}}
    ny = nuvaerende.__class__(indstillinger, alias)
    connections[alias] = ny
    try:
        yield ny
    finally:
        ny.close()
        connections[alias] = nuvaerende


# --- the app role's privileges --------------------------------------------------------------


def historik_tabeller(tabeller: Iterable[str]) -> set[str]:
    """django-simple-history's tables, by their names (``<app>_historical<model>``)."""
    return {t for t in tabeller if re.match(r"^[a-z0-9]+_historical", t)}


def tabel_rettigheder(tabel: str, *, historik: set[str]) -> str:
    """The privileges the app role holds on one table, as a GRANT's privilege list."""
    if tabel in KUN_LAESNING:
        return "SELECT"
    if tabel in KUN_TILFOEJ or tabel in historik:
        return "SELECT, INSERT"
    if tabel in KOLONNE_OPDATERING:
        kolonner = ", ".join(f'"{k}"' for k in KOLONNE_OPDATERING[tabel])
        return f"SELECT, INSERT, UPDATE ({kolonner})"
    if tabel in UDEN_SLETNING:
        return "SELECT, INSERT, UPDATE"
    return ", ".join(ALLE)


def _egne_tabeller(c) -> list[str]:
    """The tables and views in the current schema that the connected role owns."""
    c.execute(
        """SELECT c.relname FROM pg_catalog.pg_class c
           WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
             AND pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')
           ORDER BY c.relname"""
    )
    return [r[0] for r in c.fetchall()]


def tildel_rettigheder(forbindelse, *, app: str) -> list[str]:
    """Give ``app`` exactly its privileges on every table the connected owner owns, and the
    default privileges for tables to come; one transaction. Returns the tables done."""
    rolle = _ident(app)
    with transaction.atomic(using=forbindelse.alias), forbindelse.cursor() as c:
        c.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", [app])
        if c.fetchone() is None:
            raise RuntimeError(f"Databaserollen {app!r} (DATABASE_URL) findes ikke; opret den først (docs/drift.md).")
        c.execute("SELECT quote_ident(current_schema())")
        (skema,) = c.fetchone()
        tabeller = _egne_tabeller(c)
        historik = historik_tabeller(tabeller)
        c.execute(f"GRANT USAGE ON SCHEMA {skema} TO {rolle}")
        for tabel in tabeller:
            # REVOKE ALL takes column privileges with it: the grant below is the whole set.
            c.execute(f'REVOKE ALL ON TABLE {skema}."{tabel}" FROM {rolle}')
            c.execute(f'GRANT {tabel_rettigheder(tabel, historik=historik)} ON TABLE {skema}."{tabel}" TO {rolle}')
        c.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {skema} TO {rolle}")
        # Erasure (issue 24): the only functions the app role may EXECUTE that act as the owner.
        from samtaler_site.append_only import SLET_FUNKTIONER

        for funktion in SLET_FUNKTIONER:
            c.execute("SELECT pg_catalog.to_regprocedure(%s) IS NOT NULL", [funktion])
            if c.fetchone()[0]:
                c.execute(f"GRANT EXECUTE ON FUNCTION {skema}.{funktion} TO {rolle}")
        # A table a later migration creates is the app's to use at once; post_migrate then
        # narrows it if it is append-only (a history table, say).
        c.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {skema} GRANT {', '.join(ALLE)} ON TABLES TO {rolle}")
        c.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {skema} GRANT USAGE ON SEQUENCES TO {rolle}")
    return tabeller


def efter_migrate(sender, using=DEFAULT_DB_ALIAS, verbosity=1, **kwargs) -> None:
    """``post_migrate``: the owner grants the app role its privileges (two roles only)."""
    forbindelse = connections[using]
    app = app_rolle()
    if using != DEFAULT_DB_ALIAS or ejer_indstillinger() is None:
        return
    if not app:
        raise RuntimeError("DATABASE_URL nævner ingen bruger: sæt DATABASE_APP_ROLLE til appens databaserolle.")
    if forbindelse.settings_dict.get("USER") == app:
        return  # migrate runs as the app role itself: nothing to grant (one role)
    tabeller = tildel_rettigheder(forbindelse, app=app)
    if verbosity >= 2:
        print(f"  Rettigheder til {app} på {len(tabeller)} tabeller.")


# --- a check an operator can run: manage.py check --database default -------------------------


def rolle_tjek(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when the app's own role could switch the triggers off (issue 19, finding 2)."""
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    forbindelse = connections[DEFAULT_DB_ALIAS]
    if ejer_indstillinger() is not None and er_ejer(forbindelse):
        return []  # migrate's checks, run as the owner
    with forbindelse.cursor() as c:
        c.execute("SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user")
        (superbruger,) = c.fetchone()
        egne = _egne_tabeller(c)
    fund = []
    if superbruger:
        fund.append("er superbruger (kan slå triggerne fra med session_replication_role)")
    if egne:
        fund.append(f"ejer {len(egne)} tabeller (kan slå deres triggere fra eller fjerne dem)")
    if not fund:
        return []
    return [
        checks.Warning(
            f"Appens databaserolle {forbindelse.settings_dict.get('USER')!r} " + " og ".join(fund) + ".",
            hint="Lad DATABASE_URL bruge en rolle uden ejerskab og DATABASE_MIGRATE_URL ejeren (docs/drift.md).",
            id="samtaler.W001",
        )
    ]
