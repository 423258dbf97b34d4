import os

import pytest

from tests import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """One test database per test run, so that runs side by side on the same (embedded)
    PostgreSQL server do not drop each other's database."""
    from django.conf import settings

    navn = f"test_samtaler_{os.getpid()}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = navn


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
