"""Versions and review: roles, who did what, immutability, submissions pinned to versions."""

import copy

import pytest
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from kiban.audit.models import AuditRecord
from kiban.identity.constants import Role
from kiban.identity.services import totp_device_create
from kiban.procedures import builder, selectors, workflow
from kiban.procedures.attribute_access import attribute_access_grant
from kiban.procedures.constants import VersionStatus
from kiban.procedures.services import VersionNotEditable, procedure_create, version_update
from kiban.registry.catalogue import catalogue_load
from kiban.registry.models import Attribute
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory
from tests.procedures.test_quality import complete, good_field, texts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    catalogue_load()
    with translation.override("en"):
        yield


@pytest.fixture
def bureau():
    return OrganisationFactory(contact="福祉局 03-5321-1111")


def staff(bureau, *roles):
    user = StaffFactory()
    for role in roles:
        MembershipFactory(user=user, organisation=bureau, role=role)
    return user


def signed_in(client, user):
    device = totp_device_create(user=user, confirmed=True)
    client.force_login(user)
    client.cookies["kiban_language"] = "en"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def draft(bureau, editor, definition=None):
    definition = definition or complete()
    procedure = procedure_create(code=definition["code"], organisation=bureau,
                                 definition=definition, actor=editor)
    return procedure.versions.get()


def published(bureau):
    editor, reviewer, publisher = (staff(bureau, role) for role in Role.values[:3])
    version = draft(bureau, editor)
    workflow.version_submit(version=version, actor=editor)
    workflow.version_approve(version=version, actor=reviewer)
    return workflow.version_release(version=version, actor=publisher), editor


def test_editor_reviewer_and_publisher_each_do_their_part_and_are_recorded(bureau):
    editor, reviewer, publisher = (staff(bureau, role) for role in Role.values[:3])
    version = draft(bureau, editor)

    workflow.version_submit(version=version, actor=editor)
    with pytest.raises(workflow.RoleRequired):
        workflow.version_approve(version=version, actor=editor)
    workflow.version_approve(version=version, actor=reviewer, note="OK")
    with pytest.raises(workflow.RoleRequired):
        workflow.version_release(version=version, actor=reviewer)
    version = workflow.version_release(version=version, actor=publisher)

    assert version.status == VersionStatus.PUBLISHED
    assert (version.submitted_by, version.approved_by, version.published_by) == (
        editor, reviewer, publisher)
    assert list(AuditRecord.objects.filter(
        target_type="procedures.procedureversion", target_id=str(version.pk)).values_list(
        "action", flat=True).order_by("id")) == [
        "procedure.version_submit", "procedure.version_approve", "procedure.version_publish"]


def test_publishing_needs_an_approval_of_this_exact_content(bureau):
    editor, reviewer, publisher = (staff(bureau, role) for role in Role.values[:3])
    version = draft(bureau, editor)
    workflow.version_submit(version=version, actor=editor)

    with pytest.raises(workflow.WorkflowRefused, match="approve"):
        workflow.version_release(version=version, actor=publisher)
    workflow.version_approve(version=version, actor=reviewer)
    changed = copy.deepcopy(version.definition)
    changed["contact"] = "changed after approval"
    version_update(version=version, definition=changed, actor=editor)
    with pytest.raises(workflow.WorkflowRefused, match="changed after it was approved"):
        workflow.version_release(version=version, actor=publisher)


def test_a_reviewer_returns_a_version_to_draft_with_a_note(bureau):
    editor, reviewer = staff(bureau, Role.EDITOR), staff(bureau, Role.REVIEWER)
    version = draft(bureau, editor)
    workflow.version_submit(version=version, actor=editor)

    with pytest.raises(workflow.WorkflowRefused):
        workflow.version_return(version=version, actor=reviewer, note=" ")
    version = workflow.version_return(version=version, actor=reviewer, note="英語を直して")

    assert (version.status, version.review_note) == (VersionStatus.DRAFT, "英語を直して")


def test_the_gate_blocks_submission(bureau):
    editor = staff(bureau, Role.EDITOR)
    definition = complete()
    del definition["steps"][0]["fields"][0]["label"]["en"]
    version = draft(bureau, editor, definition)

    with pytest.raises(workflow.QualityGateFailed) as refused:
        workflow.version_submit(version=version, actor=editor)

    assert [f.path for f in refused.value.findings] == ["$.steps[0].fields[0].label.en"]


def test_only_drafts_are_edited_and_a_stale_form_is_refused(bureau):
    editor = staff(bureau, Role.EDITOR)
    version = draft(bureau, editor)
    stale = workflow.revision(version)
    rename = {"label": texts("電話", "Tel", "でんわ")}

    def edit(definition):
        builder.field_update(definition, builder.find_field(definition, "phone")[0], rename)

    version, _result = workflow.version_edit(version=version, actor=editor, edit=edit,
                                             expected_revision=stale)
    with pytest.raises(workflow.DraftChanged):
        workflow.version_edit(version=version, actor=editor, edit=edit,
                              expected_revision=stale)
    workflow.version_submit(version=version, actor=editor)
    with pytest.raises(VersionNotEditable):
        workflow.version_edit(version=version, actor=editor, edit=edit)


def test_a_published_version_never_changes_and_a_new_one_starts_from_it(bureau):
    version, editor = published(bureau)

    with pytest.raises(VersionNotEditable):
        workflow.version_edit(version=version, actor=editor, edit=lambda d: d.clear())
    second = workflow.version_draft_open(procedure=version.procedure, actor=editor)

    assert (second.number, second.status) == (2, VersionStatus.DRAFT)
    assert second.definition == version.definition
    assert workflow.version_draft_open(procedure=version.procedure, actor=editor) == second


def test_submissions_stay_on_their_version_while_a_new_one_is_published(bureau, client):
    from kiban.submissions.models import Submission
    from tests.factories import ResidentFactory

    version, editor = published(bureau)
    resident = ResidentFactory()
    client.force_login(resident)
    first = client.post(f"/services/{version.procedure.code}/")["Location"]
    reviewer, publisher = staff(bureau, Role.REVIEWER), staff(bureau, Role.PUBLISHER)
    second = workflow.version_draft_open(procedure=version.procedure, actor=editor)
    workflow.version_edit(version=second, actor=editor, edit=lambda d: builder.field_update(
        d, builder.find_field(d, "phone")[0], {"label": texts("電話", "Tel", "でんわ")}))
    workflow.version_submit(version=second, actor=editor)
    workflow.version_approve(version=second, actor=reviewer)
    workflow.version_release(version=second, actor=publisher)

    client.post(first, {"f-phone": "03-1234-5678"})
    client.post(first.replace("step/0/", "review/"))
    started_later = client.post(f"/services/{version.procedure.code}/")

    old, new = Submission.objects.order_by("id")
    assert (old.version, old.status) == (version, "received")
    assert new.version == second
    assert started_later.status_code == 302
    assert selectors.current_version(version.procedure.code) == second


def test_sensitive_prefill_needs_the_platform_teams_permission(bureau):
    editor = staff(bureau, Role.EDITOR)
    account = {"id": "account", "type": "bank_account", "prefill": "person.bank_account",
               "label": texts("口座", "Account", "こうざ"), "need": "支払のため。"}
    version = draft(bureau, editor, complete(account))

    with pytest.raises(workflow.QualityGateFailed):
        workflow.version_submit(version=version, actor=editor)
    attribute_access_grant(organisation=bureau,
                           attribute=Attribute.objects.get(code="person.bank_account"),
                           legal_basis="児童手当法第7条", actor=None)
    assert workflow.version_submit(version=version, actor=editor).status == "in_review"


# --- pages -----------------------------------------------------------------------------------


def test_staff_of_another_bureau_cannot_open_the_builder_pages(bureau, client):
    version, _editor = published(bureau)
    outsider = staff(OrganisationFactory(), Role.EDITOR)

    response = signed_in(client, outsider).get(f"/staff/builder/p/{version.procedure.code}/")

    assert response.status_code == 404


def test_the_builder_needs_two_factor(bureau, client):
    client.force_login(staff(bureau, Role.EDITOR))

    response = client.get("/staff/builder/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_labels_are_escaped_in_every_builder_page(bureau, client):
    editor = staff(bureau, Role.EDITOR, Role.REVIEWER)
    hostile = good_field(label=texts("<script>alert(1)</script>", "<b>x</b>", "x"))
    version = draft(bureau, editor, complete(hostile))
    signed_in(client, editor)
    base = f"/staff/builder/p/{version.procedure.code}/v1/"

    pages = [client.get(base + path) for path in
             ("", "fields/phone/", "quality/", "preview/0/", "diff/")]

    assert all(page.status_code == 200 for page in pages)
    assert not any("<script>alert" in page.content.decode() for page in pages)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in p.content.decode() for p in pages)
    assert "This text contains &lt;script; remove it." in pages[2].content.decode()


def test_moves_are_buttons_and_a_condition_is_built_from_rows(bureau, client):
    editor = staff(bureau, Role.EDITOR)
    definition = complete(good_field(), good_field(id="mobile", prefill="person.phone"))
    version = draft(bureau, editor, definition)
    signed_in(client, editor)
    base = f"/staff/builder/p/{version.procedure.code}/v1/"
    revision = workflow.revision(version)

    client.post(f"{base}structure/", {"op": "field-down=phone", "revision": revision})
    page = client.get(f"{base}fields/phone/")
    saved = client.post(f"{base}fields/phone/", {
        "id": "phone", "label_ja": "電話番号", "label_en": "Phone", "label_ja_easy": "でんわ",
        "need": "連絡のため。", "prefill": "person.phone", "step": "main",
        "required_if_0_path": "mobile", "required_if_0_operator": "not_answered",
        "show_if_combine": "all", "required_if_combine": "all",
    })

    version.refresh_from_db()
    fields = version.definition["steps"][0]["fields"]
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    assert page.status_code == 200
    assert [f["id"] for f in fields] == ["mobile", "phone"]
    assert fields[1]["required_if"] == {"!": [{"var": "mobile"}]}


def test_the_editor_page_makes_as_few_queries_for_100_questions_as_for_2(bureau, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = staff(bureau, Role.EDITOR)
    small = draft(bureau, editor, complete(good_field(), good_field(id="b")))
    large_definition = complete(*[good_field(id=f"p{i}") for i in range(100)])
    large_definition["code"] = "large"
    large = draft(bureau, editor, large_definition)
    signed_in(client, editor)

    counts = []
    for version in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/staff/builder/p/{version.procedure.code}/v1/").status_code == 200
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1] <= 10
