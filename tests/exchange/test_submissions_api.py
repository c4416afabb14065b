"""Submissions for the owner bureau's system: list, fetch, acknowledge, status, messages."""

import pytest

from kiban.exchange.models import CallRecord
from kiban.registry.constants import AccessorKind
from kiban.registry.models import AccessRecord
from kiban.submissions.constants import MessageKind, Status
from kiban.submissions.models import Message, StatusChange
from tests.factories import (
    AccessTokenFactory,
    AcknowledgementFactory,
    AttachmentFactory,
    ContractFactory,
    ProcedureFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/submissions"


@pytest.fixture
def bureau_system():
    """A bureau's system with a token and a contract over its procedure child-allowance."""
    token = AccessTokenFactory(plain="bureau-token")
    procedure = ProcedureFactory(code="child-allowance", organisation=token.system.organisation)
    ContractFactory(system=token.system, read_submissions=[procedure.code],
                    work_submissions=[procedure.code])
    return token.system


def case_of(system, **kwargs):
    return SubmissionFactory(version__procedure__code="child-allowance",
                             version__procedure__organisation=system.organisation, **kwargs)


def test_list_pages_through_own_submissions_with_a_cursor(system_client, bureau_system):
    cases = [case_of(bureau_system) for _ in range(3)]
    api = system_client("bureau-token")

    first = api.get(LIST, limit=2).json()
    second = api.get(LIST, limit=2, cursor=first["next_cursor"]).json()

    listed = [item["id"] for item in first["items"] + second["items"]]
    assert listed == [str(c.public_id) for c in sorted(cases, key=lambda c: c.submitted_at)]
    assert second["next_cursor"] is None


def test_list_holds_no_other_bureaus_submissions(system_client, bureau_system):
    SubmissionFactory(version__procedure__code="other-bureau-procedure")
    own = case_of(bureau_system)

    items = system_client("bureau-token").get(LIST).json()["items"]

    assert [item["id"] for item in items] == [str(own.public_id)]


def test_new_lists_only_unacknowledged(system_client, bureau_system):
    taken, fresh = case_of(bureau_system), case_of(bureau_system)
    AcknowledgementFactory(system=bureau_system, submission=taken)

    items = system_client("bureau-token").get(LIST, new="true").json()["items"]

    assert [item["id"] for item in items] == [str(fresh.public_id)]


def test_filters_by_status(system_client, bureau_system):
    case_of(bureau_system)
    approved = case_of(bureau_system, status=Status.APPROVED)

    items = system_client("bureau-token").get(LIST, status="approved").json()["items"]

    assert [item["id"] for item in items] == [str(approved.public_id)]


def test_list_outside_the_contract_is_refused(system_client, bureau_system):
    response = system_client("bureau-token").get(LIST, procedure="tax-certificate")

    assert response.status_code == 403
    assert response.json()["error"] == "outside_contract"
    assert CallRecord.objects.get().error == "outside_contract"


def test_a_purpose_without_contract_is_refused(system_client, bureau_system):
    response = system_client("bureau-token", purpose="marketing").get(LIST)

    assert response.status_code == 403
    assert "marketing" in response.json()["detail"]


def test_a_call_without_purpose_is_refused(system_client, bureau_system):
    response = system_client("bureau-token", purpose="").get(LIST)

    assert response.status_code == 400
    assert response.json()["error"] == "purpose_missing"


def test_fetch_returns_answers_and_attachments_and_logs_the_read(system_client, bureau_system):
    case = case_of(bureau_system)
    attachment = AttachmentFactory(submission=case)

    body = system_client("bureau-token").get(f"{LIST}/{case.public_id}").json()

    assert body["answers"] == case.answers
    assert body["attachments"][0]["id"] == attachment.pk
    read = AccessRecord.objects.get(subject=case.subject)
    assert (read.accessor_kind, read.accessor_label) == (AccessorKind.SYSTEM, bureau_system.name)


def test_an_attachment_downloads_with_its_bytes(system_client, bureau_system):
    attachment = AttachmentFactory(submission=case_of(bureau_system))
    url = f"{LIST}/{attachment.submission.public_id}/attachments/{attachment.pk}"

    response = system_client("bureau-token").get(url)

    assert response.content == b"%PDF-1.4 test"


def test_another_bureaus_submission_is_not_found(system_client, bureau_system):
    foreign = SubmissionFactory()

    response = system_client("bureau-token").get(f"{LIST}/{foreign.public_id}")

    assert response.status_code == 404
    assert not AccessRecord.objects.exists()


def test_acknowledging_twice_is_fine(system_client, bureau_system):
    case = case_of(bureau_system)
    api = system_client("bureau-token")

    first = api.post(f"{LIST}/{case.public_id}/acknowledge")
    second = api.post(f"{LIST}/{case.public_id}/acknowledge")

    assert first.json() == second.json()


def test_status_change_is_seen_with_the_systems_name(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/status",
                                                  {"status": "in_review", "note": "確認中"})

    assert response.json()["status"] == "in_review"
    change = StatusChange.objects.get(submission=case)
    assert (change.to_status, change.by, change.by_label) == ("in_review", None,
                                                              bureau_system.name)


def test_a_transition_the_rules_forbid_is_a_conflict(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/status",
                                                  {"status": "approved"})

    assert response.status_code == 409
    assert response.json()["error"] == "transition_not_allowed"
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_unknown_fields_are_refused_and_nothing_changes(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/status",
                                                  {"status": "in_review", "by": "admin"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "extra_forbidden"
    assert not StatusChange.objects.filter(submission=case).exists()


def test_malformed_json_is_refused(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/status",
                                                  raw=b'{"status": ')

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


def test_an_oversized_body_is_refused(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/messages",
                                                  {"body": "あ" * 100_000})

    assert response.status_code == 413
    assert not Message.objects.exists()


def test_a_notice_reaches_the_resident(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/messages",
                                                  {"body": "書類を受け付けました。"})

    assert response.status_code == 201
    message = Message.objects.get(submission=case)
    assert (message.kind, message.author_label) == (MessageKind.NOTICE, bureau_system.name)


def test_work_needs_its_own_grant(system_client, bureau_system):
    case = case_of(bureau_system)
    bureau_system.contracts.update(work_submissions=[])

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/status",
                                                  {"status": "in_review"})

    assert response.status_code == 403


def test_the_request_id_is_echoed_and_the_response_bound_to_it(system_client, bureau_system):
    from kiban.exchange.calls import response_hash

    response = system_client("bureau-token").get(LIST, headers={"X-Request-Id": "req-42"})

    assert response["X-Request-Id"] == "req-42"
    expected = response_hash("req-42", response["X-Kiban-Request-Hash"], response.content)
    assert response["X-Kiban-Response-Hash"] == expected
    assert CallRecord.objects.get().response_hash == expected


def test_a_request_id_is_made_when_missing(system_client, bureau_system):
    response = system_client("bureau-token").get(LIST)

    assert len(response["X-Request-Id"]) == 36


def test_another_bureaus_case_cannot_be_moved_on(system_client, bureau_system):
    foreign = SubmissionFactory()

    response = system_client("bureau-token").post(f"{LIST}/{foreign.public_id}/status",
                                                  {"status": "in_review"})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.RECEIVED


def test_a_wrongly_typed_field_is_refused(system_client, bureau_system):
    case = case_of(bureau_system)

    response = system_client("bureau-token").post(f"{LIST}/{case.public_id}/status",
                                                  {"status": 3})

    assert response.status_code == 422


def test_an_expired_contract_grants_nothing(system_client, bureau_system):
    from datetime import date

    bureau_system.contracts.update(valid_to=date(2020, 1, 1), valid_from=date(2019, 1, 1))

    response = system_client("bureau-token").get(LIST)

    assert response.status_code == 403
    assert "2019" not in response.json()["detail"]
