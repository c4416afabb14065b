import csv
import io
from datetime import date, datetime

import pytest
from django.http import Http404
from django.utils import timezone, translation

from kiban.audit.models import AuditRecord
from kiban.identity.constants import OrganisationKind, Role
from kiban.registry.constants import AccessorKind, Purpose
from kiban.registry.models import AccessRecord
from kiban.submissions import casework, csv_export
from kiban.submissions.constants import MessageKind, Status
from kiban.submissions.csv_export import BOM, csv_cell, inbox_csv
from kiban.submissions.models import Message, StatusChange
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProcedureVersionFactory,
    ResidentFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db
HEADERS = ["reference", "procedure", "status", "submitted_at", "applicant"]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the translations say."""
    with translation.override("en"):
        yield


def case_worker_of(organisation, role=Role.CASE_WORKER):
    return MembershipFactory(organisation=organisation, role=role).user


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- scope ---------------------------------------------------------------------------


def test_bureau_staff_work_their_bureau_and_its_departments():
    bureau = OrganisationFactory()
    department = OrganisationFactory(kind=OrganisationKind.DEPARTMENT, parent=bureau)
    OrganisationFactory()
    staff = case_worker_of(bureau)

    organisations = set(casework.staff_organisations(staff))

    assert organisations == {bureau, department}


def test_department_staff_do_not_work_their_bureau():
    bureau = OrganisationFactory()
    department = OrganisationFactory(kind=OrganisationKind.DEPARTMENT, parent=bureau)
    staff = case_worker_of(department)

    assert set(casework.staff_organisations(staff)) == {department}


def test_roles_without_case_work_and_residents_work_nothing():
    bureau = OrganisationFactory()
    analyst = case_worker_of(bureau, role=Role.ANALYST)
    resident = ResidentFactory()

    assert not casework.staff_organisations(analyst).exists()
    assert not casework.staff_organisations(resident).exists()


def test_inbox_holds_submitted_cases_of_own_bureau_only():
    bureau_a, bureau_b = OrganisationFactory(), OrganisationFactory()
    staff = case_worker_of(bureau_a)
    own = SubmissionFactory(version__procedure__organisation=bureau_a)
    SubmissionFactory(version__procedure__organisation=bureau_a, status=Status.DRAFT,
                      reference=None, submitted_at=None)
    SubmissionFactory(version__procedure__organisation=bureau_b)

    cases = list(casework.inbox_for(user=staff, filters={}))

    assert cases == [own]


def test_inbox_filters_by_status_procedure_reference_dates_and_assignee():
    bureau = OrganisationFactory()
    staff = case_worker_of(bureau)
    version = ProcedureVersionFactory(procedure__organisation=bureau)
    wanted = SubmissionFactory(
        version=version, status=Status.IN_REVIEW, reference="20260000042-7", assigned_to=staff,
        submitted_at=timezone.make_aware(datetime(2026, 4, 10, 23, 30)),
    )
    SubmissionFactory(version=version, status=Status.RECEIVED)
    SubmissionFactory(version__procedure__organisation=bureau, status=Status.IN_REVIEW)
    filters = {
        "status": Status.IN_REVIEW, "procedure": version.procedure.code,
        "reference": "００００４２", "submitted_from": date(2026, 4, 10),
        "submitted_to": date(2026, 4, 10), "assigned": "me",
    }

    cases = list(casework.inbox_for(user=staff, filters=filters))

    assert cases == [wanted]


def test_inbox_rows_carry_the_procedure_title_in_each_language():
    submission = SubmissionFactory()
    staff = case_worker_of(submission.organisation)

    row = casework.inbox_for(user=staff, filters={}).get()

    assert casework.annotated_title(row, "ja") == "児童手当の申請"
    assert casework.annotated_title(row, "en") == "Child allowance application"
    assert casework.annotated_title(row, "ja-easy") == "児童手当の申請"


def test_case_of_another_bureau_is_not_found_and_the_attempt_is_logged():
    bureau_a, bureau_b = OrganisationFactory(), OrganisationFactory()
    staff = case_worker_of(bureau_a)
    foreign = SubmissionFactory(version__procedure__organisation=bureau_b)

    with pytest.raises(Http404):
        casework.submission_for_staff(user=staff, public_id=foreign.public_id)

    event = AuditRecord.objects.get(action="security.submission_out_of_scope")
    assert event.data["submission"] == str(foreign.public_id)
    assert event.data["user"] == staff.pk


def test_drafts_are_not_cases():
    bureau = OrganisationFactory()
    staff = case_worker_of(bureau)
    draft = SubmissionFactory(version__procedure__organisation=bureau, status=Status.DRAFT,
                              reference=None, submitted_at=None)

    with pytest.raises(Http404):
        casework.submission_for_staff(user=staff, public_id=draft.public_id)


# --- reading a case --------------------------------------------------------------------


def test_opening_a_case_is_written_to_the_applicants_access_log():
    submission = SubmissionFactory()
    staff = case_worker_of(submission.organisation)

    case = casework.case_file(submission=submission, user=staff, language="ja")

    record = AccessRecord.objects.get(subject=submission.subject)
    assert record.attribute_codes == ["person.phone", "submission.answers"]
    assert record.accessor_kind == AccessorKind.STAFF
    assert record.accessor_user == staff
    assert record.accessor_organisation == submission.organisation
    assert record.accessor_label == str(staff)
    assert record.procedure_code == submission.version.procedure.code
    assert record.reference == submission.reference
    assert record.purpose == Purpose.CASE_WORK
    assert record.basis == "児童手当法第7条"
    assert case.title == "児童手当の申請"
    assert case.provenance[0]["label"] == "電話番号"
    assert case.sections == [("連絡先", [("電話番号", "03-1234-5678")])]


def test_a_tampered_definition_shows_stored_answers_and_is_logged():
    submission = SubmissionFactory(version__content_hash="0" * 64)
    staff = case_worker_of(submission.organisation)

    case = casework.case_file(submission=submission, user=staff, language="ja")

    assert case.tampered
    assert case.sections is None
    assert '"phone": "0312345678"' in case.raw_answers
    assert AuditRecord.objects.filter(action="security.procedure_version_tampered").exists()


def test_a_received_case_offers_review_and_rejection_and_a_correction_request():
    submission = SubmissionFactory(status=Status.RECEIVED)
    staff = case_worker_of(submission.organisation)

    case = casework.case_file(submission=submission, user=staff, language="en")

    assert [value for value, _ in case.next_statuses] == [Status.IN_REVIEW, Status.REJECTED]
    assert case.may_request_correction


# --- status, messages, assignment ------------------------------------------------------


def test_status_change_follows_the_transitions_and_is_audited():
    submission = SubmissionFactory(status=Status.RECEIVED)
    staff = case_worker_of(submission.organisation)

    change = casework.submission_status_change(
        submission=submission, to_status=Status.IN_REVIEW, actor=staff, note="書類確認中"
    )

    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    assert (change.from_status, change.to_status, change.by, change.note) == (
        Status.RECEIVED, Status.IN_REVIEW, staff, "書類確認中"
    )
    audit = AuditRecord.objects.get(action="submission.status_change")
    assert audit.data == {"from": "received", "to": "in_review"}
    assert audit.organisation == submission.organisation


def test_illegal_transition_is_refused_with_a_clear_message():
    submission = SubmissionFactory(status=Status.RECEIVED)
    staff = case_worker_of(submission.organisation)

    with pytest.raises(casework.CaseworkRefused) as refused:
        casework.submission_status_change(
            submission=submission, to_status=Status.APPROVED, actor=staff
        )

    assert str(refused.value) == "A submission that is “Received” cannot be moved to “Approved”."
    assert not StatusChange.objects.exists()


def test_unknown_status_is_refused():
    submission = SubmissionFactory(status=Status.IN_REVIEW)
    staff = case_worker_of(submission.organisation)

    with pytest.raises(casework.CaseworkRefused) as refused:
        casework.submission_status_change(submission=submission, to_status="done", actor=staff)

    assert str(refused.value) == "“done” is not a status."


def test_needs_correction_is_reached_only_with_a_correction_request():
    submission = SubmissionFactory(status=Status.RECEIVED)
    staff = case_worker_of(submission.organisation)

    with pytest.raises(casework.CaseworkRefused) as refused:
        casework.submission_status_change(
            submission=submission, to_status=Status.NEEDS_CORRECTION, actor=staff
        )

    assert refused.value.code == "correction_needs_message"


def test_a_closed_case_cannot_change():
    submission = SubmissionFactory(status=Status.APPROVED)
    staff = case_worker_of(submission.organisation)

    with pytest.raises(casework.CaseworkRefused):
        casework.submission_status_change(
            submission=submission, to_status=Status.IN_REVIEW, actor=staff
        )


def test_staff_of_another_bureau_cannot_change_a_case():
    submission = SubmissionFactory(status=Status.RECEIVED)
    outsider = case_worker_of(OrganisationFactory())

    with pytest.raises(casework.CaseworkRefused):
        casework.submission_status_change(
            submission=submission, to_status=Status.IN_REVIEW, actor=outsider
        )


def test_correction_request_is_a_message_for_the_applicant():
    submission = SubmissionFactory(status=Status.IN_REVIEW)
    staff = case_worker_of(submission.organisation)

    message = casework.submission_correction_request(
        submission=submission, body="電話番号が1桁足りません。", actor=staff
    )

    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_CORRECTION
    shown_to_applicant = submission.messages.exclude(kind=MessageKind.COMMENT)
    assert list(shown_to_applicant) == [message]
    assert message.kind == MessageKind.CORRECTION_REQUEST
    assert message.author_label == str(staff)
    assert AuditRecord.objects.filter(action="submission.correction_request").count() == 1


def test_correction_request_on_a_closed_case_is_refused():
    submission = SubmissionFactory(status=Status.REJECTED)
    staff = case_worker_of(submission.organisation)

    with pytest.raises(casework.CaseworkRefused):
        casework.submission_correction_request(submission=submission, body="…", actor=staff)

    assert not Message.objects.exists()


def test_comment_is_internal_and_audited():
    submission = SubmissionFactory()
    staff = case_worker_of(submission.organisation)

    message = casework.submission_comment(
        submission=submission, body="  課長確認済み ", actor=staff
    )

    assert (message.kind, message.body) == (MessageKind.COMMENT, "課長確認済み")
    assert AuditRecord.objects.get(action="submission.comment").data == {"message": message.pk}


def test_empty_comment_is_refused():
    submission = SubmissionFactory()
    staff = case_worker_of(submission.organisation)

    with pytest.raises(casework.CaseworkRefused):
        casework.submission_comment(submission=submission, body="   ", actor=staff)


def test_assign_to_a_case_worker_and_not_to_an_outsider():
    submission = SubmissionFactory()
    staff = case_worker_of(submission.organisation)
    outsider = case_worker_of(OrganisationFactory())

    casework.submission_assign(submission=submission, assignee=staff, actor=staff)
    with pytest.raises(casework.CaseworkRefused):
        casework.submission_assign(submission=submission, assignee=outsider, actor=staff)

    submission.refresh_from_db()
    assert submission.assigned_to == staff
    assert AuditRecord.objects.filter(action="submission.assign").count() == 1


# --- CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+81", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_evaluate_are_quoted(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["山田 太郎", "03-1234-5678", "a=b", "", None])
def test_other_cells_are_unchanged(value):
    assert csv_cell(value) == (value or "")


def test_csv_has_a_bom_keeps_rare_glyphs_and_defuses_formulas():
    submission = SubmissionFactory(
        applicant__display_name="𠮷田 髙子", answers={"phone": "=HYPERLINK(\"http://x\")"}
    )
    formula_name = SubmissionFactory(
        version=submission.version, applicant__display_name="=cmd|' /C calc'!A0"
    )
    staff = case_worker_of(submission.organisation)

    content = inbox_csv(
        submissions=casework.inbox_for(user=staff, filters={}), user=staff, language="ja",
        fixed_headers=HEADERS,
    )

    assert content.startswith(BOM.encode("utf-8"))
    rows = csv_rows(content)
    assert rows[0] == [*HEADERS, "電話番号"]
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[submission.reference][4] == "𠮷田 髙子"
    assert by_reference[submission.reference][5] == "'=HYPERLINK(\"http://x\")"
    assert by_reference[formula_name.reference][4] == "'=cmd|' /C calc'!A0"
    assert by_reference[submission.reference][1] == "児童手当の申請"


def test_csv_export_logs_one_access_record_per_case_and_one_audit_record():
    version = ProcedureVersionFactory()
    submissions = SubmissionFactory.create_batch(3, version=version)
    staff = case_worker_of(version.procedure.organisation)

    inbox_csv(
        submissions=casework.inbox_for(user=staff, filters={}), user=staff, language="en",
        fixed_headers=HEADERS, filters={"status": ""},
    )

    records = AccessRecord.objects.filter(accessor_user=staff, purpose=Purpose.CASE_WORK)
    assert sorted(r.subject_id for r in records) == sorted(s.subject_id for s in submissions)
    assert {tuple(r.attribute_codes) for r in records} == {("person.phone", "submission.answers")}
    assert AuditRecord.objects.get(action="submission.export").data == {"count": 3, "filters": {}}


def test_an_export_over_the_limit_is_refused_and_logs_nothing(monkeypatch):
    version = ProcedureVersionFactory()
    SubmissionFactory.create_batch(2, version=version)
    staff = case_worker_of(version.procedure.organisation)
    monkeypatch.setattr(csv_export, "MAX_ROWS", 1)

    with pytest.raises(csv_export.ExportTooLarge):
        inbox_csv(
            submissions=casework.inbox_for(user=staff, filters={}), user=staff, language="ja",
            fixed_headers=HEADERS,
        )

    assert not AccessRecord.objects.exists()
    assert not AuditRecord.objects.filter(action="submission.export").exists()
