"""Contracts are granted only within the organisation's own procedures and sources."""

import pytest
from django.utils import timezone

from kiban.exchange.models import Contract
from kiban.exchange.services import ContractInvalid, contract_grant, system_register
from kiban.identity.constants import OrganisationKind
from tests.factories import (
    AttributeFactory,
    MemberSystemFactory,
    OrganisationFactory,
    ProcedureFactory,
)

pytestmark = pytest.mark.django_db


def grant(system, **grants):
    return contract_grant(system=system, purpose="benefit-payment", legal_basis="児童手当法",
                          valid_from=timezone.localdate(), **grants)


def test_a_system_is_registered_with_a_hashed_secret():
    organisation = OrganisationFactory()

    system, plain = system_register(code="tokyo/welfare/benefits", organisation=organisation,
                                    name="給付システム")

    assert len(plain) >= 40
    assert plain not in system.secrets.get().secret_hash


def test_a_contract_may_name_the_procedures_of_departments():
    bureau = OrganisationFactory()
    department = OrganisationFactory(kind=OrganisationKind.DEPARTMENT, parent=bureau)
    procedure = ProcedureFactory(organisation=department)

    contract = grant(MemberSystemFactory(organisation=bureau), read_submissions=[procedure.code])

    assert contract.read_submissions == [procedure.code]


def test_another_organisations_procedure_is_refused():
    procedure = ProcedureFactory()

    with pytest.raises(ContractInvalid, match="is not"):
        grant(MemberSystemFactory(), read_submissions=[procedure.code])


def test_publishing_needs_an_authoritative_source():
    AttributeFactory(code="person.address", authoritative_sources=["somebody-else"])

    with pytest.raises(ContractInvalid, match="authoritative"):
        grant(MemberSystemFactory(), publish_attributes=["person.address"])


def test_unknown_attributes_and_operations_are_refused():
    with pytest.raises(ContractInvalid):
        grant(MemberSystemFactory(), read_attributes=["person.shoe_size"])
    with pytest.raises(ContractInvalid):
        grant(MemberSystemFactory(), delete_everything=["*"])


def test_a_new_contract_for_the_same_purpose_replaces_the_old():
    system = MemberSystemFactory()
    AttributeFactory(code="person.phone")
    first = grant(system)

    second = grant(system, read_attributes=["person.phone"])

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Contract.objects.filter(system=system, revoked_at=None).get() == second
