"""The base registry for systems: reads under contract (logged for the resident), matching,
publishing authoritative facts that the resident's next procedure prefills."""

import pytest

from kiban.exchange.models import CallRecord
from kiban.registry.constants import AccessorKind, Method, Outcome, SourceKind, ValueType
from kiban.registry.models import AccessRecord, Fact
from kiban.registry.services import consent_give
from kiban.submissions.services import draft_start
from tests.factories import (
    AccessTokenFactory,
    AttributeFactory,
    ContractFactory,
    FactFactory,
    ProcedureVersionFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db
NEW_ADDRESS = {"postal_code": "1000005", "prefecture": "東京都", "city": "千代田区",
               "town": "丸の内", "street": "1-1-1", "building": ""}


@pytest.fixture
def address():
    return AttributeFactory(code="person.address", value_type=ValueType.ADDRESS,
                            label_ja="住所", label_en="Address")


@pytest.fixture
def system(address):
    """A welfare system that may read phone and address, match by phone, publish addresses."""
    token = AccessTokenFactory(plain="welfare-token")
    address.authoritative_sources = [token.system.organisation.code]
    address.save()
    AttributeFactory(code="person.phone")
    AttributeFactory(code="person.bank_account", value_type=ValueType.BANK_ACCOUNT)
    ContractFactory(system=token.system, read_attributes=["person.address", "person.phone"],
                    match_keys=["person.phone"], publish_attributes=["person.address"])
    return token.system


def facts_url(subject) -> str:
    return f"/api/v1/registry/subjects/{subject.public_id}/facts"


def test_a_read_under_contract_is_in_the_residents_access_log(system_client, system):
    fact = FactFactory(attribute__code="person.phone", value="0312345678")

    body = system_client("welfare-token").get(facts_url(fact.subject),
                                               attributes=["person.phone"]).json()

    assert [(f["attribute"], f["value"]) for f in body["facts"]] == [("person.phone", "0312345678")]
    read = AccessRecord.objects.get(subject=fact.subject)
    assert (read.accessor_kind, read.purpose, read.basis, read.outcome) == (
        AccessorKind.SYSTEM, "benefit-payment", "児童手当法第7条", Outcome.ALLOWED)


def test_a_read_is_answered_only_with_its_access_log_row_committed(client, system, monkeypatch):
    """The access-log row and the message-log record of a read commit together: if the
    record cannot be written, the resident's row is not left behind and no data goes out."""
    fact = FactFactory(attribute__code="person.phone", value="0312345678")

    def broken(**call):
        raise RuntimeError("the message log is unavailable")

    monkeypatch.setattr("kiban.exchange.calls.call_record", broken)
    client.raise_request_exception = False
    response = client.get(facts_url(fact.subject), {"attributes": "person.phone"},
                          headers={"Authorization": "Bearer welfare-token",
                                   "X-Kiban-Purpose": "benefit-payment"})

    assert response.status_code == 500
    assert b"0312345678" not in response.content
    assert not AccessRecord.objects.filter(subject=fact.subject).exists()
    assert not CallRecord.objects.exists()


def test_an_attribute_outside_the_contract_is_refused_and_logged(system_client, system):
    fact = FactFactory(attribute__code="person.phone")

    response = system_client("welfare-token").get(
        facts_url(fact.subject), attributes=["person.phone", "person.bank_account"])

    assert response.status_code == 403
    assert response.json()["error"] == "outside_contract"
    assert "person.bank_account" in response.json()["detail"]
    refused = AccessRecord.objects.get(subject=fact.subject)
    assert (refused.outcome, refused.attribute_codes) == (
        Outcome.DENIED, ["person.bank_account", "person.phone"])
    assert CallRecord.objects.get().subject_ids == [str(fact.subject.public_id)]


def test_facts_are_read_as_of_a_day(system_client, system):
    old = FactFactory(attribute__code="person.phone", value="0311111111",
                      valid_from="2020-01-01")
    FactFactory(subject=old.subject, attribute=old.attribute, value="0322222222",
                valid_from="2025-01-01")

    body = system_client("welfare-token").get(facts_url(old.subject), attributes=["person.phone"],
                                              as_of="2024-06-30").json()

    assert body["facts"][0]["value"] == "0311111111"


def test_an_unknown_subject_is_not_found(system_client, system):
    response = system_client("welfare-token").get(
        "/api/v1/registry/subjects/00000000-0000-0000-0000-000000000000/facts",
        attributes=["person.phone"])

    assert response.status_code == 404


def test_a_subject_is_found_by_phone_number(system_client, system):
    fact = FactFactory(attribute__code="person.phone", value="0312345678", match_key="0312345678")

    response = system_client("welfare-token").post("/api/v1/registry/matches", {
        "key": "person.phone", "value": "03-1234-5678", "attributes": ["person.phone"]})

    assert response.json()["subject"] == str(fact.subject.public_id)


def test_matching_by_a_key_outside_the_contract_is_refused(system_client, system):
    response = system_client("welfare-token").post("/api/v1/registry/matches", {
        "key": "person.address", "value": NEW_ADDRESS, "attributes": ["person.phone"]})

    assert response.status_code == 403


def test_no_match_is_not_found(system_client, system):
    response = system_client("welfare-token").post("/api/v1/registry/matches", {
        "key": "person.phone", "value": "03-9999-9999", "attributes": ["person.phone"]})

    assert response.json()["error"] == "no_match"


def test_a_published_address_is_the_current_verified_fact(system_client, system):
    resident = ResidentFactory()

    response = system_client("welfare-token").post("/api/v1/registry/facts", {
        "subject": str(resident.subject.public_id), "attribute": "person.address",
        "value": NEW_ADDRESS, "reference": "W-2026-001"})

    assert response.status_code == 201
    fact = Fact.objects.get(subject=resident.subject)
    assert (fact.method, fact.source_kind, fact.source_organisation) == (
        Method.VERIFIED, SourceKind.BUREAU_SYSTEM, system.organisation)
    assert fact.match_key and fact.value["city"] == "千代田区"


def test_the_residents_next_procedure_prefills_the_published_address(system_client, system):
    resident = ResidentFactory()
    consent_give(subject=resident.subject, purpose="prefill", attribute_codes=["person.address"])
    version = ProcedureVersionFactory(definition=_address_procedure())
    system_client("welfare-token").post("/api/v1/registry/facts", {
        "subject": str(resident.subject.public_id), "attribute": "person.address",
        "value": NEW_ADDRESS})

    draft = draft_start(version=version, definition=version.definition, applicant=resident)

    assert draft.answers["home"]["town"] == "丸の内"
    assert draft.prefill["home"]["source"] == system.organisation.name_ja


def test_publishing_an_attribute_not_granted_is_refused(system_client, system):
    resident = ResidentFactory()

    response = system_client("welfare-token").post("/api/v1/registry/facts", {
        "subject": str(resident.subject.public_id), "attribute": "person.phone",
        "value": "0312345678"})

    assert response.status_code == 403
    assert not Fact.objects.exists()


def test_publishing_without_being_authoritative_is_refused(system_client, system, address):
    address.authoritative_sources = []
    address.save()
    resident = ResidentFactory()

    response = system_client("welfare-token").post("/api/v1/registry/facts", {
        "subject": str(resident.subject.public_id), "attribute": "person.address",
        "value": NEW_ADDRESS})

    assert response.status_code == 403
    assert not Fact.objects.exists()


def test_an_invalid_value_is_refused(system_client, system):
    resident = ResidentFactory()

    response = system_client("welfare-token").post("/api/v1/registry/facts", {
        "subject": str(resident.subject.public_id), "attribute": "person.address",
        "value": {**NEW_ADDRESS, "postal_code": "0000000"}})

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_value"
    assert not Fact.objects.exists()


def test_a_wrongly_typed_value_is_refused(system_client, system):
    resident = ResidentFactory()

    response = system_client("welfare-token").post("/api/v1/registry/facts", {
        "subject": str(resident.subject.public_id), "attribute": "person.address",
        "value": 42})

    assert response.status_code == 422


def _address_procedure() -> dict:
    return {
        "code": "housing", "title": {"ja": "都営住宅", "en": "Housing"},
        "legal_basis": "東京都営住宅条例",
        "steps": [{"id": "s1", "title": {"ja": "住所"}, "fields": [{
            "id": "home", "type": "postal_address", "label": {"ja": "住所"}, "required": True,
            "prefill": "person.address"}]}],
    }
