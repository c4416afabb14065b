"""The transactional outbox: an event commits or rolls back with its change, then is numbered."""

import pytest
from django.db import transaction

from kiban.events.constants import EventType
from kiban.events.models import OutboxEvent
from kiban.events.services import event_emit, latest_sequence, outbox_sequence
from tests.factories import OrganisationFactory, SubjectFactory

pytestmark = pytest.mark.django_db


class Undo(Exception):
    pass


def emit(organisation, **payload):
    return event_emit(type=EventType.SUBMISSION_CREATED, organisation=organisation,
                      payload=payload or {"reference": "20260000001-X"}, actor_label="test")


def test_an_event_is_written_in_the_transaction_of_the_change():
    organisation = OrganisationFactory()
    subject = SubjectFactory()
    with transaction.atomic():
        event = event_emit(type=EventType.FACT_PUBLISHED, organisation=organisation,
                           subject=subject, payload={"attribute": "person.phone", "fact": 7})

    stored = OutboxEvent.objects.get()
    assert stored == event
    assert stored.subject_public_id == subject.public_id
    assert stored.organisation == organisation
    assert stored.payload == {"attribute": "person.phone", "fact": 7}
    assert stored.sequence is None


def test_an_event_is_gone_when_its_transaction_rolls_back():
    organisation = OrganisationFactory()

    with pytest.raises(Undo), transaction.atomic():
        emit(organisation)
        raise Undo

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    organisation = OrganisationFactory()

    with pytest.raises(RuntimeError, match="inside the transaction"):
        emit(organisation)

    assert not OutboxEvent.objects.exists()


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError, match="unknown event type"), transaction.atomic():
        event_emit(type="submission.deleted", organisation=None, payload={})


def test_a_payload_big_enough_to_hold_personal_data_is_refused():
    with pytest.raises(ValueError, match="ids and codes"), transaction.atomic():
        emit(None, answers="東京都新宿区西新宿二丁目8番1号" * 100)


def test_one_dispatch_is_enqueued_per_transaction(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        emit(organisation)
        emit(organisation)

    assert len(callbacks) == 1


def test_the_sequencer_numbers_committed_events_in_order():
    organisation = OrganisationFactory()
    with transaction.atomic():
        first, second = emit(organisation), emit(organisation)

    assert outbox_sequence() == 2
    assert outbox_sequence() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sequence, second.sequence) == (1, 2)
    assert latest_sequence() == 2


def test_an_event_committed_after_a_sequenced_one_gets_a_larger_sequence():
    organisation = OrganisationFactory()
    with transaction.atomic():
        early = emit(organisation)
    outbox_sequence()
    with transaction.atomic():
        late = emit(organisation)
    outbox_sequence()

    early.refresh_from_db()
    late.refresh_from_db()
    assert late.sequence == early.sequence + 1
