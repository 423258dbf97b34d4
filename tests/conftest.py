import pytest

from tests import factories


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
