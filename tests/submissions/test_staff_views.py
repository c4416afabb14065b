import csv
import io
from urllib.parse import urlencode

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from kiban.audit.models import AuditRecord
from kiban.identity.services import totp_device_create
from kiban.registry.models import AccessRecord
from kiban.submissions.constants import MessageKind, Status
from tests.factories import (
    AttachmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProcedureVersionFactory,
    ResidentFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def signed_in_with_two_factor(client, user):
    """Sign `user` in as if they had passed TOTP (what django_otp.login stores)."""
    device = totp_device_create(user=user, confirmed=True)
    client.force_login(user)
    client.cookies["kiban_language"] = "en"  # assertions read the English texts
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def bureau():
    return OrganisationFactory()


@pytest.fixture
def case_worker(bureau):
    return MembershipFactory(organisation=bureau).user


@pytest.fixture
def staff_client(client, case_worker):
    return signed_in_with_two_factor(client, case_worker)


def case_url(submission, action=""):
    return f"/staff/submissions/{submission.public_id}/{action}"


# --- who gets in -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/inbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/staff/inbox/")


def test_staff_without_two_factor_are_sent_to_sign_in(client, case_worker):
    client.force_login(case_worker)

    response = client.get("/staff/inbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_residents_are_refused_and_logged(client):
    client.force_login(ResidentFactory())

    response = client.get("/staff/inbox/")

    assert response.status_code == 403
    assert AuditRecord.objects.filter(action="security.staff_page_by_non_staff").exists()


# --- inbox -----------------------------------------------------------------------------


def test_inbox_lists_own_bureau_cases_only(staff_client, bureau):
    own = SubmissionFactory(
        version__procedure__organisation=bureau, applicant__display_name="山田 花子"
    )
    foreign = SubmissionFactory(applicant__display_name="他局 太郎")

    response = staff_client.get("/staff/inbox/")

    page = response.content.decode()
    assert response.status_code == 200
    assert own.reference in page
    assert "山田 花子" in page
    assert ">Child allowance application</td>" in page
    assert foreign.reference not in page
    assert "他局 太郎" not in page


def test_inbox_query_count_does_not_grow_with_rows(
    staff_client, bureau, django_assert_max_num_queries
):
    version = ProcedureVersionFactory(procedure__organisation=bureau)
    assignee = MembershipFactory(organisation=bureau).user
    SubmissionFactory.create_batch(40, version=version, assigned_to=assignee)

    with django_assert_max_num_queries(8):
        response = staff_client.get("/staff/inbox/", {"status": "received"})

    assert response.content.decode().count("/staff/submissions/") == 40


def test_inbox_paginates_by_fifty(staff_client, bureau):
    version = ProcedureVersionFactory(procedure__organisation=bureau)
    SubmissionFactory.create_batch(51, version=version)

    response = staff_client.get("/staff/inbox/", {"page": "2"})

    assert response.content.decode().count("/staff/submissions/") == 1


@pytest.mark.parametrize("query", [
    {"status": "bogus"},
    {"procedure": "no-such-procedure"},
    {"submitted_from": "2026-13-45"},
    {"submitted_from": "2026-05-01", "submitted_to": "2026-04-01"},
    {"page": "abc"},
    {"reference": "x" * 200},
])
def test_bogus_filters_get_a_clear_message_not_an_error(staff_client, bureau, query):
    SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.get("/staff/inbox/", query)

    assert response.status_code == 200
    page = response.content.decode()
    assert ('class="error-summary"' in page) is ("page" not in query)
    assert f"export.csv?{urlencode(query)}" not in page  # wrong filters are not exported


# --- one case --------------------------------------------------------------------------


def test_case_of_another_bureau_is_404_and_logged(staff_client):
    foreign = SubmissionFactory()

    response = staff_client.get(case_url(foreign))

    assert response.status_code == 404
    assert AuditRecord.objects.filter(action="security.submission_out_of_scope").count() == 1
    assert not AccessRecord.objects.exists()


def test_posting_to_a_case_of_another_bureau_is_404(staff_client):
    foreign = SubmissionFactory(status=Status.RECEIVED)

    response = staff_client.post(case_url(foreign, "status/"), {"to_status": "in_review"})

    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.status == Status.RECEIVED


def test_opening_a_case_shows_it_and_logs_the_read(staff_client, bureau, case_worker):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.get(case_url(submission))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert submission.reference in page
    assert 'role="rowheader">Phone</th>' in page  # prefill provenance
    assert "<dt>Phone</dt><dd>03-1234-5678</dd>" in page
    record = AccessRecord.objects.get(subject=submission.subject)
    assert record.accessor_user == case_worker
    assert record.attribute_codes == ["person.phone", "submission.answers"]


def test_status_change_from_the_page(staff_client, bureau):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.post(
        case_url(submission, "status/"), {"to_status": "in_review", "note": "確認開始"}
    )

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.status == Status.IN_REVIEW


def test_illegal_status_from_the_page_is_refused_with_a_message(staff_client, bureau):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.post(case_url(submission, "status/"), {"to_status": "approved"})

    submission.refresh_from_db()
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "A submission that is “Received” cannot be moved to “Approved”." in page
    assert submission.status == Status.RECEIVED


def test_unknown_status_from_the_page_is_refused_with_a_message(staff_client, bureau):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.post(case_url(submission, "status/"), {"to_status": "<b>done</b>"})

    assert response.status_code == 400
    assert "“&lt;b&gt;done&lt;/b&gt;” is not a status." in response.content.decode()


def test_correction_request_from_the_page(staff_client, bureau):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.post(case_url(submission, "messages/"), {
        "kind": "correction", "correction-body": "住所の番地を記入してください。"
    })

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.status == Status.NEEDS_CORRECTION
    message = submission.messages.get()
    assert message.kind == MessageKind.CORRECTION_REQUEST
    assert message.body == "住所の番地を記入してください。"


def test_empty_comment_is_shown_as_an_error(staff_client, bureau):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.post(case_url(submission, "messages/"), {"kind": "comment"})

    assert response.status_code == 400
    assert 'href="#id_comment-body"' in response.content.decode()
    assert not submission.messages.exists()


def test_assign_to_me(staff_client, bureau, case_worker):
    submission = SubmissionFactory(version__procedure__organisation=bureau)

    response = staff_client.post(case_url(submission, "assign/"), {"assignee": "me"})

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.assigned_to == case_worker


def test_attachment_download_is_logged(staff_client, bureau):
    attachment = AttachmentFactory(submission__version__procedure__organisation=bureau)

    response = staff_client.get(case_url(attachment.submission, f"attachments/{attachment.pk}/"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert 'filename="proof.pdf"' in response["Content-Disposition"]
    record = AccessRecord.objects.get(subject=attachment.submission.subject)
    assert record.attribute_codes == ["submission.attachments"]


# --- export ----------------------------------------------------------------------------


def test_export_is_csv_with_bom_and_logged_per_case(staff_client, bureau):
    version = ProcedureVersionFactory(procedure__organisation=bureau)
    SubmissionFactory.create_batch(2, version=version, applicant__display_name="𠮷野 一郎")
    SubmissionFactory(version=version, status=Status.REJECTED)

    response = staff_client.get("/staff/inbox/export.csv", {"status": "received"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert [row[4] for row in rows[1:]] == ["𠮷野 一郎", "𠮷野 一郎"]
    assert AccessRecord.objects.count() == 2


def test_export_with_bogus_filters_goes_back_to_the_inbox(staff_client):
    response = staff_client.get("/staff/inbox/export.csv", {"status": "bogus"})

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/inbox/?")
    assert not AccessRecord.objects.exists()
