"""Templates, JSON export and import: clear refusals of invalid and hostile files."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kiban.identity.constants import Role
from kiban.procedures import templates_share, workflow
from kiban.procedures.models import Procedure
from kiban.procedures.templates_share import ImportRefused, definition_read
from kiban.registry.catalogue import catalogue_load
from tests.factories import OrganisationFactory
from tests.procedures.test_builder_workflow import draft, published, signed_in, staff
from tests.procedures.test_quality import complete, good_field

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    catalogue_load()
    with translation.override("en"):
        yield


def refused(raw: bytes) -> list[tuple[str, str]]:
    with pytest.raises(ImportRefused) as error:
        definition_read(raw)
    return [(finding.path, finding.code) for finding in error.value.findings]


def test_an_exported_definition_imports_again_unchanged():
    bureau = OrganisationFactory()
    version, editor = published(bureau)

    exported = templates_share.definition_export(version)
    imported = definition_read(exported.encode())
    procedure = templates_share.procedure_import(definition=imported, organisation=bureau,
                                                 actor=editor, code="imported-copy")

    assert json.loads(exported)["$schema"].endswith("procedure.schema.json")
    assert procedure.versions.get().definition == {**version.definition,
                                                   "code": "imported-copy"}


def test_files_that_are_not_definitions_are_refused_with_where_and_why():
    assert refused(b"\xff\xfe") == [("$", "not_utf8")]
    assert refused(b'{"code": "x",\n  "steps": [}') == [("$", "not_json")]
    assert refused(b"[1, 2]") == [("$", "not_object")]
    assert refused(b"[" * 100_000 + b"]" * 100_000) in ([("$", "too_deep")],
                                                       [("$", "not_json")])
    assert refused(b" " * (templates_share.MAX_IMPORT_BYTES + 1)) == [("$", "file_too_large")]


def test_schema_problems_are_listed_with_their_json_paths():
    definition = complete()
    definition["retention_days"] = "forever"
    definition["steps"][0]["fields"][0]["type"] = "Phone Number"

    found = refused(json.dumps(definition).encode())

    assert ("$.retention_days", "schema") in found
    assert ("$.steps[0].fields[0].type", "schema") in found


def test_hostile_definitions_are_refused():
    circular = complete(good_field(id="a", required_if={"!!": [{"var": "b"}]}),
                        good_field(id="b", required_if={"!!": [{"var": "a"}]}))
    missing = complete(good_field(show_if={"==": [{"var": "ghost"}, 1]}))
    script = complete(good_field(label={"ja": "<SCRIPT src=x>", "en": "x"}))
    huge = complete(*[good_field(id=f"p{i}") for i in range(10_000)])

    assert ("$.steps[0].fields[0]", "condition_circular") in refused(
        json.dumps(circular).encode())
    assert ("$.steps[0].fields[0].show_if", "condition_unknown_field") in refused(
        json.dumps(missing).encode())
    assert ("$.steps[0].fields[0].label.ja", "script_in_text") in refused(
        json.dumps(script).encode())
    assert refused(json.dumps(huge).encode()) == [("$.steps", "too_many_fields")]


def test_the_import_page_lists_every_problem(client):
    bureau = OrganisationFactory()
    signed_in(client, staff(bureau, Role.EDITOR))
    upload = SimpleUploadedFile("bad.json", b'{"code": "bad"}', "application/json")

    response = client.post("/staff/builder/import/", {"file": upload,
                                                      "organisation": bureau.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file was refused" in page
    assert "&#x27;title&#x27; is a required property" in page
    assert not Procedure.objects.filter(code="bad").exists()


def test_a_good_file_imports_as_a_draft_of_the_editors_bureau(client):
    bureau = OrganisationFactory()
    signed_in(client, staff(bureau, Role.EDITOR))
    upload = SimpleUploadedFile("ok.json", json.dumps(complete()).encode(), "application/json")

    response = client.post("/staff/builder/import/", {"file": upload,
                                                      "organisation": bureau.pk,
                                                      "code": "from-file"})

    procedure = Procedure.objects.get(code="from-file")
    assert response["Location"] == "/staff/builder/p/from-file/v1/"
    assert procedure.organisation == bureau
    assert procedure.versions.get().definition["code"] == "from-file"


def test_a_template_is_shared_by_a_publisher_and_copied_by_another_bureau():
    owner, other = OrganisationFactory(), OrganisationFactory(contact="住宅 03-0000-1111")
    version, editor = published(owner)
    other_editor = staff(other, Role.EDITOR)

    with pytest.raises(workflow.RoleRequired):
        templates_share.template_share(version=version, actor=editor)
    template = templates_share.template_share(version=version,
                                              actor=staff(owner, Role.PUBLISHER))
    with pytest.raises(workflow.RoleRequired):
        templates_share.template_copy(template=template, organisation=owner, code="x",
                                      actor=other_editor)
    copy = templates_share.template_copy(template=template, organisation=other,
                                         code="their-copy", actor=other_editor)

    definition = copy.versions.get().definition
    assert (copy.organisation, copy.copied_from) == (other, version)
    assert definition["contact"] == "住宅 03-0000-1111"
    assert definition["steps"] == version.definition["steps"]


def test_only_a_published_version_is_shared():
    bureau = OrganisationFactory()
    editor = staff(bureau, Role.EDITOR, Role.PUBLISHER)

    with pytest.raises(workflow.WorkflowRefused):
        templates_share.template_share(version=draft(bureau, editor), actor=editor)
