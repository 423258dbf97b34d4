"""schemathesis (property-based) against the live schema with a real token (issue 22): for
every operation, generated bodies never make a server error, and every answer matches the
schema (status, content type, body, headers). Kept to a few examples per operation so the
whole run stays well under two minutes."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def token(live_server, jobcenter):
    klient, hemmelighed = services.klient_opret(navn="Schemathesis", jobcentre=[jobcenter])
    factories.person(jc=jobcenter)
    svar = requests.post(
        f"{live_server.url}/api/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(klient.application.client_id, hemmelighed),
        timeout=10,
    )
    return svar.json()["access_token"]


def test_api_skemaet_holder(live_server, token):
    """Every operation in the live schema, a dozen generated cases each."""
    skema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operationer = [resultat.ok() for resultat in skema.get_all_operations()]
    assert {o.definition.raw["operationId"] for o in operationer} >= {"samtale_registrer", "person_perioder_importer"}
    for operation in operationer:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def kald(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        kald()
