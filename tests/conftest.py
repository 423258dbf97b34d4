import os

import pytest

from tests import factories


def _forbind_som(indstillinger: dict | None) -> None:
    """Let the default connection (in every thread that connects from now on) log in with
    these credentials; the open connection of this thread is closed first."""
    from django.conf import settings
    from django.db import connections

    if indstillinger is None:
        return
    connections["default"].close()
    settings.DATABASES["default"].update(indstillinger)


@pytest.fixture(scope="session")
def _db_roller():
    """The app role's and the owner's credentials (samtaler_site/db_roller.py), or (None,
    None) with one role."""
    from django.conf import settings

    from samtaler_site.db_roller import EJER_NOEGLER, ejer_indstillinger

    ejer = ejer_indstillinger()
    if ejer is None:
        return None, None
    standard = {"OPTIONS": {}}
    app = {k: settings.DATABASES["default"].get(k, standard.get(k, "")) for k in EJER_NOEGLER if k in ejer}
    return app, {k: ejer[k] for k in EJER_NOEGLER if k in ejer}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, _db_roller):
    """One test database per test run, so that runs side by side on the same (embedded)
    PostgreSQL server do not drop each other's database. It is created and migrated by the
    owner, as production's database is (``django_db_setup`` below)."""
    from django.conf import settings

    # ``make mutation`` gives each run a database of its own, copied from a migrated template
    # (mutation/run.py), and runs pytest with --reuse-db on it.
    navn = os.environ.get("TEST_DB_NAVN") or f"test_samtaler_{os.getpid()}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = navn
    _forbind_som(_db_roller[1])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _db_roller):
    """pytest-django's set-up, run as the owner (the settings above); then every test
    connects as the app's own role, with production's privileges (issue 19): no TRUNCATE,
    no trigger to switch off, the append-only tables only to read and add to. The test
    runner's own paths switch back to the owner: its ``flush`` after a transactional test
    (registrering/management/commands/flush.py) and the teardown below."""
    app, ejer = _db_roller
    with django_db_blocker.unblock():
        _forbind_som(app)
    yield
    with django_db_blocker.unblock():
        _forbind_som(ejer)


# ``@pytest.mark.som_ejer``: the test, and the transaction pytest-django opens for it, run
# on a connection as the tables' owner, as the work it tests does in production: an owner's
# tool (``generer_data``), what a migration does, or planner statistics (ANALYZE). Switched
# before the test's fixtures are set up and back after they are torn down (this thread only).
_SOM_EJER = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("som_ejer"):
        from samtaler_site.db_roller import som_ejer

        skift = som_ejer()
        skift.__enter__()
        item.stash[_SOM_EJER] = skift
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        skift = item.stash.get(_SOM_EJER, None)
        if skift is not None:
            skift.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def hurtig_kodeordshash(settings):
    """Argon2 is deliberately slow; tests that create many users use a fast hasher
    (production settings are tested in tests/test_sikkerhed.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def jobcenter(db):
    return factories.jobcenter()


@pytest.fixture
def andet_jobcenter(db):
    return factories.jobcenter("461", "Jobcenter Odense")


@pytest.fixture
def sagsbehandler(jobcenter):
    return factories.bruger("sara", jc=jobcenter, first_name="Sara", last_name="Sagsbehandler")


@pytest.fixture
def klient(client, sagsbehandler):
    client.force_login(sagsbehandler)
    return client


@pytest.fixture(scope="session")
def oidc_udbyder(tmp_path_factory):
    """The real OpenID Connect provider (identitet/testudbyder.py), started once for the
    test run on a free loopback port and stopped after it."""
    udbyder = factories.OidcUdbyder(tmp_path_factory.mktemp("oidc") / "udbyder.log")
    yield udbyder
    udbyder.stop()


@pytest.fixture
def oidc(settings, oidc_udbyder):
    """Staff and citizen sign-in configured against the provider (two clients of it)."""
    settings.OIDC_MEDARBEJDER_ISSUER = oidc_udbyder.issuer
    settings.OIDC_MEDARBEJDER_CLIENT_ID = "samtaler-medarbejder"
    settings.OIDC_MEDARBEJDER_CLIENT_SECRET = "medarbejder-hemmelighed"
    settings.OIDC_BORGER_ISSUER = oidc_udbyder.issuer
    settings.OIDC_BORGER_CLIENT_ID = "samtaler-borger"
    settings.OIDC_BORGER_CLIENT_SECRET = "borger-hemmelighed"
    return oidc_udbyder
