"""The reference client (kiban.exchange.client) against the API, in process."""

import httpx
import pytest
from django.core.wsgi import get_wsgi_application

from kiban.exchange.client import KibanClient, KibanError
from tests.factories import (
    ClientSecretFactory,
    ContractFactory,
    ProcedureFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kiban(keep_connection):
    secret = ClientSecretFactory(plain="client-secret")
    procedure = ProcedureFactory(organisation=secret.system.organisation)
    ContractFactory(system=secret.system, read_submissions=[procedure.code],
                    work_submissions=[procedure.code])
    SubmissionFactory.create_batch(3, version__procedure=procedure)
    http = httpx.Client(transport=httpx.WSGITransport(app=get_wsgi_application()),
                        base_url="http://testserver")
    return KibanClient("http://testserver", secret.system.client_id, "client-secret",
                       purpose="benefit-payment", http=http)


def test_the_client_pages_acknowledges_and_moves_cases_on(kiban):
    cases = list(kiban.submissions(new=True, page_size=2))
    for case in cases:
        kiban.acknowledge(case["id"])
        kiban.status_change(case["id"], "in_review")

    assert len(cases) == 3
    assert list(kiban.submissions(new=True)) == []
    assert {c["status"] for c in kiban.submissions()} == {"in_review"}


def test_the_client_raises_the_machine_readable_error(kiban):
    with pytest.raises(KibanError) as refused:
        kiban.facts("00000000-0000-0000-0000-000000000000", ["person.phone"])

    assert (refused.value.status, refused.value.error) == (403, "outside_contract")


def test_the_client_renews_an_expired_token(kiban):
    kiban.token()
    kiban._token = "expired-or-revoked"

    assert len(list(kiban.submissions())) == 3
