import os

import pytest

from tests import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """One test database per test run, so that runs side by side on the same (embedded)
    PostgreSQL server do not drop each other's database."""
    from django.conf import settings

    # ``make mutation`` gives each run a database of its own, copied from a migrated template
    # (mutation/run.py), and runs pytest with --reuse-db on it.
    navn = os.environ.get("TEST_DB_NAVN") or f"test_samtaler_{os.getpid()}"
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
