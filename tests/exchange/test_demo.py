"""The demo starts with one member system per bureau, under contract, with the banner's
credentials working."""

import pytest

from kiban.exchange.demo import DEMO_SYSTEMS, exchange_banner_lines, exchange_demo_load
from kiban.exchange.models import Contract, MemberSystem
from kiban.exchange.services import token_issue
from kiban.web.demo import load_demo

pytestmark = pytest.mark.django_db


def test_every_bureau_has_a_system_with_a_contract_over_its_procedure():
    load_demo(residents=0)
    exchange_demo_load()

    systems = MemberSystem.objects.select_related("organisation")
    assert {s.organisation.code for s in systems} == {"welfare", "housing", "tax", "industry"}
    welfare = Contract.objects.get(system__code="tokyo/welfare/benefits-system")
    assert welfare.read_submissions == ["child-allowance"]
    assert welfare.publish_attributes == ["person.address"]
    assert welfare.legal_basis.startswith("児童手当法")


def test_the_printed_credentials_give_a_token():
    load_demo(residents=0)
    demo = DEMO_SYSTEMS[0]

    token, _ = token_issue(client_id=demo.client_id, client_secret=demo.secret)

    assert token.system.code == demo.code
    assert demo.secret in "\n".join(exchange_banner_lines("http://127.0.0.1:8000"))
