"""Fuzz the whole API from its own OpenAPI document (schemathesis): never a 5xx, and every
answer fits the document."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import AccessTokenFactory, ContractFactory, ProcedureFactory, SubmissionFactory


def api_schema():
    """Load the document as published; calls go to the Django application in process."""
    from tests.exchange.openapi_check import openapi_document

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(openapi_document())))
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def caller(db, keep_connection):
    """A bureau system granted every operation, with one submission to find."""
    token = AccessTokenFactory(plain="fuzz-token")
    procedure = ProcedureFactory(code="child-allowance", organisation=token.system.organisation)
    SubmissionFactory(version__procedure=procedure)
    ContractFactory(system=token.system, read_attributes=["person.phone"],
                    match_keys=["person.phone"], read_submissions=[procedure.code],
                    work_submissions=[procedure.code], receive_events=["submission.created"])
    return {"Authorization": "Bearer fuzz-token", "X-Kiban-Purpose": "benefit-payment"}


schema = api_schema()


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_fits_the_document(case, caller):
    case.call_and_validate(headers=caller,
                           checks=[not_a_server_error, response_schema_conformance])
