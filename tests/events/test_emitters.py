"""The changes that emit events do so in their own transaction, with ids and codes only."""

import pytest
from django.db import transaction

from kiban.events.models import OutboxEvent
from kiban.registry.constants import Method, SourceKind
from kiban.registry.services import consent_give, consent_withdraw, fact_record
from kiban.submissions import casework
from kiban.submissions.constants import Status
from kiban.submissions.models import StatusChange
from kiban.submissions.services import submission_submit
from tests.factories import (
    AttributeFactory,
    MembershipFactory,
    OrganisationFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


class Undo(Exception):
    pass


def test_submitting_emits_submission_created():
    draft = SubmissionFactory(status=Status.DRAFT, reference=None, submitted_at=None)

    submitted = submission_submit(submission=draft, definition=draft.version.definition,
                                  save_back=[], consent=False, actor=draft.applicant)

    event = OutboxEvent.objects.get()
    assert event.type == "submission.created"
    assert event.organisation_id == draft.organisation_id
    assert event.subject_public_id == draft.subject.public_id
    assert event.payload == {
        "submission": str(draft.public_id), "reference": submitted.reference,
        "procedure": draft.version.procedure.code, "status": "received",
    }
    assert event.actor_label == "applicant"  # not the resident's name


def test_a_status_change_emits_submission_status_changed():
    case = SubmissionFactory()
    staff = MembershipFactory(organisation=case.organisation).user

    casework.submission_status_change(submission=case, to_status=Status.IN_REVIEW, actor=staff)

    event = OutboxEvent.objects.get()
    assert event.type == "submission.status_changed"
    assert event.payload == {
        "submission": str(case.public_id), "reference": case.reference,
        "procedure": case.version.procedure.code, "from": "received", "to": "in_review",
    }


def test_a_correction_request_emits_the_change_to_needs_correction():
    case = SubmissionFactory()
    staff = MembershipFactory(organisation=case.organisation).user

    casework.submission_correction_request(submission=case, body="住所を確認してください。",
                                           actor=staff)

    event = OutboxEvent.objects.get()
    assert (event.payload["from"], event.payload["to"]) == ("received", "needs_correction")
    assert "住所" not in str(event.payload)


def test_a_status_change_rolled_back_leaves_no_event():
    case = SubmissionFactory()
    staff = MembershipFactory(organisation=case.organisation).user

    with pytest.raises(Undo), transaction.atomic():
        casework.submission_status_change(submission=case, to_status=Status.IN_REVIEW,
                                          actor=staff)
        raise Undo

    assert not StatusChange.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_refused_status_change_emits_nothing():
    case = SubmissionFactory(status=Status.APPROVED)
    staff = MembershipFactory(organisation=case.organisation).user

    with pytest.raises(casework.CaseworkRefused):
        casework.submission_status_change(submission=case, to_status=Status.IN_REVIEW,
                                          actor=staff)

    assert not OutboxEvent.objects.exists()


def test_recording_a_fact_emits_fact_published_without_its_value():
    bureau = OrganisationFactory(code="bureau-tax")
    AttributeFactory(code="person.phone")
    case = SubmissionFactory()

    fact = fact_record(subject=case.subject, attribute_code="person.phone", value="0312345678",
                       source_kind=SourceKind.BUREAU_SYSTEM, method=Method.VERIFIED,
                       source_organisation=bureau, actor_label="tokyo/bureau-tax/system")

    event = OutboxEvent.objects.get()
    assert (event.type, event.organisation, event.actor_label) == (
        "fact.published", bureau, "tokyo/bureau-tax/system")
    assert event.payload == {
        "subject": str(case.subject.public_id), "attribute": "person.phone", "fact": fact.pk,
        "valid_from": fact.valid_from.isoformat(), "source_kind": "bureau_system",
        "method": "verified", "source": "bureau-tax",
    }
    assert "0312345678" not in str(event.payload)


def test_withdrawing_a_consent_emits_consent_withdrawn_once():
    AttributeFactory(code="person.phone")
    case = SubmissionFactory()
    consent = consent_give(subject=case.subject, purpose="prefill",
                           attribute_codes=["person.phone"])

    consent_withdraw(consent=consent)
    consent_withdraw(consent=consent)

    event = OutboxEvent.objects.get()
    assert (event.type, event.organisation, event.subject_public_id) == (
        "consent.withdrawn", None, case.subject.public_id)
    assert event.payload == {"consent": consent.pk, "purpose": "prefill",
                             "attributes": ["person.phone"]}
