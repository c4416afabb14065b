"""The hot calls make a fixed number of queries, however many rows they return."""

import pytest
from django.db import connection

from tests.factories import (
    AccessTokenFactory,
    AttributeFactory,
    ContractFactory,
    FactFactory,
    ProcedureFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db
# The test runs in a transaction, so the call's own transaction shows as a savepoint and its
# release: two statements that are BEGIN and COMMIT in production.
SAVEPOINT = 2
HEADERS = {"Authorization": "Bearer count-token", "X-Kiban-Purpose": "benefit-payment"}


@pytest.fixture
def system():
    token = AccessTokenFactory(plain="count-token")
    procedure = ProcedureFactory(organisation=token.system.organisation)
    AttributeFactory(code="person.phone")
    ContractFactory(system=token.system, read_attributes=["person.phone"],
                    read_submissions=[procedure.code])
    SubmissionFactory.create_batch(5, version__procedure=procedure)
    return token.system


def test_a_logged_read_of_facts(client, system, django_assert_max_num_queries):
    fact = FactFactory(attribute__code="person.phone")
    url = f"/api/v1/registry/subjects/{fact.subject.public_id}/facts?attributes=person.phone"

    # token, contract, subject, facts; then the access-log row and the sealed record: on
    # PostgreSQL one statement, elsewhere the row, the head, the record and the head update
    sealing = 1 if connection.vendor == "postgresql" else 4 + SAVEPOINT
    with django_assert_max_num_queries(4 + sealing):
        response = client.get(url, headers=HEADERS)

    assert response.status_code == 200


def test_a_page_of_submissions(client, system, django_assert_max_num_queries):
    # token, contract, page, acknowledgements; log: head, record, head update (PostgreSQL: one)
    sealing = 1 if connection.vendor == "postgresql" else 3 + SAVEPOINT
    with django_assert_max_num_queries(4 + sealing):
        response = client.get("/api/v1/submissions?limit=5", headers=HEADERS)

    assert len(response.json()["items"]) == 5
