from datetime import date, timedelta

import pytest
from django.utils import timezone

from kiban.registry import selectors, services
from kiban.registry.constants import AccessorKind, Method, Outcome, Purpose, SourceKind
from kiban.registry.models import AccessRecord
from tests.factories import (
    AttributeFactory,
    ConsentFactory,
    FactFactory,
    OrganisationFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db


def prefill_accessor(organisation=None):
    return selectors.Accessor(
        kind=AccessorKind.PROCEDURE,
        organisation=organisation,
        label="児童手当",
        procedure_code="ca",
    )


def test_a_new_fact_supersedes_without_overwriting():
    subject = SubjectFactory()
    old = FactFactory(
        subject=subject, value="0311111111", recorded_at=timezone.now() - timedelta(days=3)
    )
    new = services.fact_record(
        subject=subject,
        attribute_code="person.phone",
        value="09012345678",
        source_kind=SourceKind.SELF,
        method=Method.DECLARED,
    )

    current = selectors.current_facts(subject, ["person.phone"])

    assert current["person.phone"] == new
    old.refresh_from_db()
    assert old.value == "0311111111"


def test_as_of_a_past_date_returns_the_value_valid_then():
    subject = SubjectFactory()
    FactFactory(
        subject=subject,
        value="A",
        valid_from=date(2020, 1, 1),
        recorded_at=timezone.now() - timedelta(days=400),
    )
    FactFactory(subject=subject, value="B", valid_from=date(2025, 1, 1))

    assert (
        selectors.current_facts(subject, ["person.phone"], date(2024, 6, 1))["person.phone"].value
        == "A"
    )
    assert (
        selectors.current_facts(subject, ["person.phone"], date(2025, 6, 1))["person.phone"].value
        == "B"
    )


def test_prefill_reads_only_consented_attributes_and_logs_the_read():
    subject = SubjectFactory()
    phone = AttributeFactory(code="person.phone")
    AttributeFactory(code="person.email", value_type="email", label_ja="メール", label_en="E-mail")
    FactFactory(subject=subject, attribute=phone)
    FactFactory(subject=subject, attribute__code="person.email", value="a@example.jp")
    consent = ConsentFactory(subject=subject, purpose=Purpose.PREFILL)
    consent.attributes.add(phone)

    facts = selectors.facts_read(
        subject=subject,
        attribute_codes={"person.phone", "person.email"},
        purpose=Purpose.PREFILL,
        accessor=prefill_accessor(),
    )

    assert set(facts) == {"person.phone"}
    record = AccessRecord.objects.get(subject=subject)
    assert record.attribute_codes == ["person.phone"]
    assert record.accessor_kind == AccessorKind.PROCEDURE


def test_withdrawn_consent_stops_prefill():
    subject = SubjectFactory()
    phone = AttributeFactory(code="person.phone")
    FactFactory(subject=subject, attribute=phone)
    consent = ConsentFactory(subject=subject, purpose=Purpose.PREFILL)
    consent.attributes.add(phone)
    services.consent_withdraw(consent=consent)

    facts = selectors.facts_read(
        subject=subject,
        attribute_codes={"person.phone"},
        purpose=Purpose.PREFILL,
        accessor=prefill_accessor(),
    )

    assert facts == {}
    assert not AccessRecord.objects.filter(subject=subject).exists()


def test_strict_read_without_basis_is_refused_and_logged():
    subject = SubjectFactory()
    FactFactory(subject=subject)
    accessor = selectors.Accessor(kind=AccessorKind.SYSTEM, organisation=OrganisationFactory())

    with pytest.raises(selectors.AccessDenied):
        selectors.facts_read(
            subject=subject,
            attribute_codes={"person.phone"},
            purpose="benefit_check",
            accessor=accessor,
            strict=True,
        )

    assert AccessRecord.objects.get(subject=subject).outcome == Outcome.DENIED


def test_read_with_a_legal_basis_is_allowed_and_names_the_basis():
    subject = SubjectFactory()
    FactFactory(subject=subject)
    accessor = selectors.Accessor(kind=AccessorKind.STAFF, legal_basis="児童手当法 第7条")

    facts = selectors.facts_read(
        subject=subject,
        attribute_codes={"person.phone"},
        purpose=Purpose.CASE_WORK,
        accessor=accessor,
        strict=True,
    )

    assert "person.phone" in facts
    assert AccessRecord.objects.get(subject=subject).basis == "児童手当法 第7条"


def test_the_subject_reading_their_own_data_is_not_logged():
    subject = SubjectFactory()
    FactFactory(subject=subject)

    selectors.facts_read(
        subject=subject,
        attribute_codes={"person.phone"},
        purpose=Purpose.SELF_VIEW,
        accessor=selectors.Accessor(kind=AccessorKind.SELF),
    )

    assert not AccessRecord.objects.exists()


def test_consent_give_widens_one_active_consent():
    subject = SubjectFactory()
    AttributeFactory(code="person.phone")
    AttributeFactory(code="person.email", value_type="email", label_ja="メール", label_en="E-mail")

    first = services.consent_give(
        subject=subject, purpose="prefill", attribute_codes=["person.phone"]
    )
    second = services.consent_give(
        subject=subject, purpose="prefill", attribute_codes=["person.email"]
    )

    assert first == second
    assert sorted(first.attributes.values_list("code", flat=True)) == [
        "person.email",
        "person.phone",
    ]


def test_names_round_trip_exactly():
    subject = SubjectFactory()
    AttributeFactory(code="person.name", value_type="name", label_ja="氏名", label_en="Name")
    value = {
        "family": "𠮷田",
        "given": "\ufa19子",
        "family_reading": "ヨシダ",
        "given_reading": "ミコ",
    }
    services.fact_record(
        subject=subject,
        attribute_code="person.name",
        value=value,
        source_kind=SourceKind.SELF,
        method=Method.DECLARED,
    )

    fact = selectors.current_facts(subject, ["person.name"])["person.name"]

    assert fact.value == value
    assert fact.value["given"][0] == "\ufa19"
