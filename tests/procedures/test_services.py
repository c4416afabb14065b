"""Creating, editing and publishing procedures; reading them back checked."""

import pytest

from kiban.audit.models import AuditRecord
from kiban.procedures import selectors, services
from kiban.procedures.constants import VersionStatus
from kiban.procedures.models import ProcedureVersion
from tests.factories import (
    AttributeFactory,
    OrganisationFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    StaffFactory,
)
from tests.procedures.conftest import ATTRIBUTE_CODES

pytestmark = pytest.mark.django_db


def draft(definition: dict) -> ProcedureVersion:
    procedure = ProcedureFactory(code=definition["code"])
    return ProcedureVersionFactory(
        procedure=procedure,
        number=1,
        status=VersionStatus.DRAFT,
        definition=definition,
        content_hash="",
        published_at=None,
    )


def test_canonical_hash_ignores_key_order_but_not_characters():
    assert services.canonical_hash({"a": 1, "b": "神"}) == services.canonical_hash(
        {"b": "神", "a": 1}
    )
    assert services.canonical_hash({"b": "\ufa19"}) != services.canonical_hash({"b": "\u795e"})
    assert services.canonical_json({"b": "神", "a": [1, 2]}) == '{"a":[1,2],"b":"神"}'


def test_procedure_create_makes_draft_one(example_definition):
    organisation, staff = OrganisationFactory(), StaffFactory()

    procedure = services.procedure_create(
        code="childcare-allowance",
        organisation=organisation,
        definition=example_definition,
        actor=staff,
    )

    version = procedure.versions.get()
    assert (version.number, version.status, version.created_by) == (1, VersionStatus.DRAFT, staff)
    assert AuditRecord.objects.filter(
        action="procedure.create", target_id=str(procedure.pk)
    ).exists()


def test_version_publish_stores_the_hash(example_definition, attribute_codes):
    version = draft(example_definition)

    published = services.version_publish(
        version=version, actor=StaffFactory(), attribute_codes=attribute_codes
    )

    published.refresh_from_db()
    assert published.status == VersionStatus.PUBLISHED
    assert published.content_hash == services.canonical_hash(example_definition)
    assert published.published_at is not None
    assert AuditRecord.objects.filter(action="procedure.version_publish").count() == 1


def test_version_publish_reads_the_attribute_catalogue_by_default(example_definition):
    for code, value_type in ATTRIBUTE_CODES.items():
        AttributeFactory(code=code, value_type=value_type)
    version = draft(example_definition)

    assert services.version_publish(version=version, actor=None).status == VersionStatus.PUBLISHED


def test_version_publish_refuses_an_invalid_definition(example_definition, attribute_codes):
    example_definition["legal_basis"] = ""
    version = draft(example_definition)

    with pytest.raises(services.DefinitionInvalid) as caught:
        services.version_publish(version=version, actor=None, attribute_codes=attribute_codes)

    assert [f.code for f in caught.value.findings] == ["my_number_without_legal_basis"]
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_version_publish_refuses_a_definition_of_another_procedure(
    example_definition, attribute_codes
):
    version = draft(example_definition)
    version.procedure.code = "other"
    version.procedure.save()

    with pytest.raises(services.DefinitionInvalid) as caught:
        services.version_publish(version=version, actor=None, attribute_codes=attribute_codes)

    assert caught.value.findings[0].code == "code_mismatch"


def test_published_versions_never_change(example_definition, attribute_codes):
    version = services.version_publish(
        version=draft(example_definition), actor=None, attribute_codes=attribute_codes
    )

    with pytest.raises(services.VersionNotEditable):
        services.version_publish(version=version, actor=None, attribute_codes=attribute_codes)
    with pytest.raises(services.VersionNotEditable):
        services.version_update(version=version, definition={}, actor=None)


def test_version_create_numbers_after_the_last(example_definition):
    version = draft(example_definition)

    second = services.version_create(
        procedure=version.procedure, definition=example_definition, actor=None
    )

    assert (second.number, second.status) == (2, VersionStatus.DRAFT)


def test_current_version_is_the_latest_published():
    procedure = ProcedureFactory()
    ProcedureVersionFactory(procedure=procedure, number=1)
    latest = ProcedureVersionFactory(procedure=procedure, number=2)
    ProcedureVersionFactory(procedure=procedure, number=3, status=VersionStatus.DRAFT)

    assert selectors.current_version(procedure.code) == latest
    assert selectors.current_version("no-such-procedure") is None


def test_published_procedures_takes_one_query(django_assert_num_queries):
    for _ in range(3):
        procedure = ProcedureFactory()
        ProcedureVersionFactory(procedure=procedure, number=1)
        ProcedureVersionFactory(procedure=procedure, number=2)
    ProcedureVersionFactory(status=VersionStatus.DRAFT)

    with django_assert_num_queries(1):
        versions = selectors.published_procedures(language="en")
        organisations = [version.procedure.organisation.code for version in versions]

    assert len(organisations) == 3
    assert {version.number for version in versions} == {2}


def test_version_checked_returns_the_published_definition(example_definition, attribute_codes):
    version = services.version_publish(
        version=draft(example_definition), actor=None, attribute_codes=attribute_codes
    )

    reloaded = ProcedureVersion.objects.get(pk=version.pk)

    assert selectors.version_checked(reloaded) == example_definition


def test_version_checked_detects_a_changed_definition(example_definition, attribute_codes):
    version = services.version_publish(
        version=draft(example_definition), actor=None, attribute_codes=attribute_codes
    )
    changed = {**example_definition, "legal_basis": "なし"}
    ProcedureVersion.objects.filter(pk=version.pk).update(definition=changed)

    with pytest.raises(selectors.TamperedVersion):
        selectors.version_checked(ProcedureVersion.objects.get(pk=version.pk))

    record = AuditRecord.objects.get(action="security.procedure_version_tampered")
    assert record.data["version_id"] == version.pk


def test_version_checked_refuses_a_published_version_without_hash():
    version = ProcedureVersionFactory(content_hash="")

    with pytest.raises(selectors.TamperedVersion):
        selectors.version_checked(version)


def test_version_checked_returns_drafts_as_they_are(example_definition):
    assert selectors.version_checked(draft(example_definition)) == example_definition
