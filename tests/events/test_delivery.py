"""Webhook delivery over real HTTP to a receiver on 127.0.0.1: retries, dead, redrive, crashes.

Time is simulated by moving `next_attempt_at` and `claimed_until` into the past; nothing
sleeps. The receiver verifies every signature and applies each event id once.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kiban.events import constants as c
from kiban.events.audience import Audience, Grant, audiences
from kiban.events.constants import DeliveryStatus, EventType
from kiban.events.delivery import deliver_batch, deliveries_claim, http_client
from kiban.events.models import Delivery
from kiban.events.services import delivery_redrive, event_emit, subscription_create
from kiban.events.tasks import dispatch_once
from tests.factories import (
    DeliveryFactory,
    MemberSystemFactory,
    OrganisationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def emit_events(count: int, organisation=None) -> list:
    organisation = organisation or OrganisationFactory()
    with transaction.atomic():
        return [
            event_emit(type=EventType.SUBMISSION_CREATED, organisation=organisation,
                       payload={"reference": f"2026{n:07d}-X"})
            for n in range(count)
        ]


def time_passes(**kwargs) -> None:
    """Move every pending delivery's next attempt `kwargs` earlier (default: make all due)."""
    for delivery in Delivery.objects.filter(status=DeliveryStatus.PENDING):
        delivery.next_attempt_at -= timedelta(**kwargs) if kwargs else timedelta(days=2)
        delivery.save(update_fields=["next_attempt_at"])


def ids(events) -> list[str]:
    return [str(event.event_id) for event in events]


def test_an_event_is_posted_signed_and_applied(subscription, receiver):
    events = emit_events(2)

    report = dispatch_once()

    assert (report.sequenced, report.fanned_out, report.delivered, report.failed) == (2, 2, 2, 0)
    assert [e["id"] for e in receiver.applied] == ids(events)
    assert receiver.applied[0]["type"] == "submission.created"
    assert receiver.applied[0]["data"] == {"reference": "20260000000-X"}
    assert receiver.refused == []
    assert set(Delivery.objects.values_list("status", "attempts")) == {("delivered", 1)}


def test_a_receiver_with_another_secret_refuses_and_kiban_retries(subscription, receiver):
    receiver.secret = "whsec_not-the-one"
    emit_events(1)

    report = dispatch_once()

    delivery = Delivery.objects.get()
    assert (report.delivered, report.failed) == (0, 1)
    assert receiver.refused == ["signature"]
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 401)


def test_a_receiver_down_for_an_hour_gets_everything_when_it_returns(subscription, receiver):
    receiver.stop()
    events = emit_events(3)

    first = dispatch_once()
    waits = [(d.next_attempt_at - timezone.now()).total_seconds()
             for d in Delivery.objects.all()]
    retried = dispatch_once()
    for _ in range(8):  # an hour of attempts: 10 + 20 + … + 1280 s
        time_passes()
        dispatch_once()
    down = Delivery.objects.first()
    receiver.start()
    time_passes()
    back = dispatch_once()

    assert (first.delivered, first.failed) == (0, 3)
    assert all(7 < wait <= 12 for wait in waits)  # 10 s ± 20 %
    assert "ConnectError" in down.last_error
    assert (retried.delivered, retried.failed) == (0, 0)  # nothing due yet: backoff
    assert (back.delivered, back.failed) == (3, 0)
    assert sorted(e["id"] for e in receiver.applied) == sorted(ids(events))
    assert set(Delivery.objects.values_list("status", "attempts")) == {("delivered", 10)}


def test_the_backoff_doubles_after_each_failure(subscription, receiver):
    receiver.forced_status = 503
    emit_events(1)
    waits = []
    for _ in range(4):
        time_passes()
        dispatch_once()
        delivery = Delivery.objects.get()
        waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())

    bases = [10, 20, 40, 80]
    assert all(0.8 * base - 1 <= w <= 1.2 * base for w, base in zip(waits, bases, strict=True))
    assert delivery.last_error == "HTTP 503"


def test_a_delivery_is_dead_after_the_last_attempt_and_an_admin_redrives_it(
    subscription, receiver
):
    receiver.forced_status = 500
    DeliveryFactory(subscription=subscription, attempts=c.MAX_ATTEMPTS - 1)

    dispatch_once()
    dead = Delivery.objects.get()
    receiver.forced_status = None
    redriven = delivery_redrive(deliveries=Delivery.objects.all(), actor=StaffFactory())
    report = dispatch_once()

    assert (dead.status, dead.attempts, dead.last_status_code) == ("dead", c.MAX_ATTEMPTS, 500)
    assert redriven == 1
    assert report.delivered == 1
    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.applied) == 1


def test_redrive_leaves_deliveries_that_are_not_dead_alone(subscription):
    delivered = DeliveryFactory(subscription=subscription, status=DeliveryStatus.DELIVERED)

    assert delivery_redrive(deliveries=[delivered], actor=None) == 0


def test_a_worker_killed_after_posting_leaves_a_claim_that_lapses_and_nothing_applied_twice(
    subscription, receiver
):
    events = emit_events(3)
    dispatch_once(budget_seconds=0)  # sequence and fan out only
    claimed = deliveries_claim(worker="killed-worker")
    with http_client() as client:
        deliver_batch(client, "killed-worker", claimed)  # … and killed before recording

    while_claimed = dispatch_once()
    Delivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))  # lease over
    after_lease = dispatch_once()

    assert (while_claimed.delivered, while_claimed.failed) == (0, 0)
    assert after_lease.delivered == 3
    assert receiver.requests == 6  # every event was sent twice …
    assert receiver.duplicates == 3
    assert [e["id"] for e in receiver.applied] == ids(events)  # … and applied once


def test_a_worker_killed_before_posting_loses_nothing(subscription, receiver):
    emit_events(2)
    dispatch_once(budget_seconds=0)
    deliveries_claim(worker="killed-worker")

    Delivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    report = dispatch_once()

    assert report.delivered == 2
    assert (receiver.requests, len(receiver.applied)) == (2, 2)


def test_only_events_the_contract_grants_are_fanned_out(receiver):
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    audiences.register(lambda system, purpose: Audience(
        (Grant.of(types=[EventType.SUBMISSION_CREATED], organisation_ids=[ours.pk]),)
    ))
    try:
        system = MemberSystemFactory(organisation=ours)
        _, receiver.secret = subscription_create(
            system=system, purpose="benefit-payment", url=receiver.url,
            event_types=[EventType.SUBMISSION_CREATED],
        )
        mine = emit_events(1, ours)
        emit_events(1, theirs)
        report = dispatch_once()
    finally:
        audiences.reset()

    assert report.delivered == 1
    assert [e["id"] for e in receiver.applied] == ids(mine)


def test_a_contract_revoked_after_fan_out_stops_the_delivery(subscription, receiver):
    emit_events(1)
    dispatch_once(budget_seconds=0)
    audiences.reset()  # the contract is gone: deny by default

    report = dispatch_once()

    delivery = Delivery.objects.get()
    assert (report.delivered, report.failed) == (0, 1)
    assert delivery.status == "dead"
    assert delivery.last_error.startswith("outside_contract")
    assert receiver.requests == 0


def test_a_new_subscription_starts_from_now(grant_all, receiver):
    emit_events(2)
    dispatch_once()
    _, receiver.secret = subscription_create(
        system=MemberSystemFactory(), purpose="benefit-payment", url=receiver.url,
        event_types=[EventType.SUBMISSION_CREATED],
    )
    later = emit_events(1)

    dispatch_once()

    assert [e["id"] for e in receiver.applied] == ids(later)


def test_fan_out_counts_events_not_sequence_numbers(subscription, receiver, monkeypatch):
    from kiban.events import delivery
    from tests.factories import OutboxEventFactory

    monkeypatch.setattr(delivery, "FAN_OUT_CHUNK", 2)
    for sequence in (5, 1_000_000, 2_000_000):  # sequences may skip far (outbox_sequence)
        OutboxEventFactory(sequence=sequence)

    first = dispatch_once()
    cursor = type(subscription).objects.get().cursor
    second = dispatch_once()

    assert (first.fanned_out, cursor, second.fanned_out) == (2, 1_000_000, 1)
    assert len(receiver.applied) == 3
