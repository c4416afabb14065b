"""Webhook delivery: fan events out to subscriptions, claim due deliveries, POST, record.

At least once, crash-safe. A worker claims a batch of due deliveries with a lease
(`claimed_until`), POSTs them outside any transaction, then records each outcome. A worker
killed in between leaves its claims to lapse; another worker then delivers them again, and
the receiver, which honours event ids, applies each event once. Claims use SELECT … FOR
UPDATE SKIP LOCKED on PostgreSQL, so several workers share the work; on SQLite the claim's
transaction holds the write lock, which serialises claims just as well.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kiban.events import constants as c
from kiban.events.audience import Audience, audiences
from kiban.events.models import Delivery, OutboxEvent, WebhookSubscription
from kiban.events.selectors import event_document, event_ids_for_audience
from kiban.events.services import latest_sequence
from kiban.events.webhooks import retry_delay, signed_headers

log = logging.getLogger("kiban.events")

FAN_OUT_CHUNK = 2000


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]


def http_client() -> httpx.Client:
    """Return the client deliveries are POSTed with: short timeouts, no redirects followed."""
    timeout = httpx.Timeout(c.REQUEST_TIMEOUT_SECONDS, connect=c.CONNECT_TIMEOUT_SECONDS)
    return httpx.Client(timeout=timeout, follow_redirects=False,
                        headers={"User-Agent": "kiban-webhooks/1"})


# --- fan-out ------------------------------------------------------------------------------


def deliveries_fan_out() -> int:
    """Create the deliveries of newly sequenced events for every subscription; return how many."""
    latest = latest_sequence()
    behind = WebhookSubscription.objects.filter(cursor__lt=latest).values_list("pk", flat=True)
    return sum(_fan_out_one(pk, latest) for pk in list(behind))


def _fan_out_one(subscription_pk: int, latest: int) -> int:
    with transaction.atomic():
        subscription = (
            WebhookSubscription.objects.select_for_update(skip_locked=True)
            .filter(pk=subscription_pk, cursor__lt=latest)
            .first()
        )
        if subscription is None:  # another worker is at it, or it was deleted
            return 0
        upto = _chunk_end(subscription.cursor, latest)
        audience = _audience(subscription)
        event_ids = event_ids_for_audience(audience, after=subscription.cursor, upto=upto)
        Delivery.objects.bulk_create(
            [Delivery(event_id=pk, subscription=subscription) for pk in event_ids],
            ignore_conflicts=True,
        )
        WebhookSubscription.objects.filter(pk=subscription.pk).update(cursor=upto)
    return len(event_ids)


def _chunk_end(cursor: int, latest: int) -> int:
    """Return the sequence FAN_OUT_CHUNK events after `cursor`, or `latest` if that is nearer.

    Counted in events, not in sequence numbers, which may skip (`outbox_sequence`).
    """
    ends = (
        OutboxEvent.objects.filter(sequence__gt=cursor, sequence__lte=latest)
        .order_by("sequence")
        .values_list("sequence", flat=True)[FAN_OUT_CHUNK - 1 : FAN_OUT_CHUNK]
    )
    return next(iter(ends), latest)


def _audience(subscription: WebhookSubscription) -> Audience:
    audience = audiences.for_system(subscription.system, subscription.purpose)
    return audience.narrowed(subscription.event_types)


# --- claim, POST, record ------------------------------------------------------------------


@dataclass
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str = ""
    unreachable: bool = False  # the receiver could not be reached at all
    final: bool = False  # no point in trying again: dead at once


def deliveries_claim(*, worker: str, limit: int = c.DELIVERY_BATCH) -> list[Delivery]:
    """Claim up to `limit` due deliveries for `worker` with a lease; return them."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            Delivery.objects.filter(status=c.DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until=None) | Q(claimed_until__lte=now))
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
        )
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            claimed_until=now + timedelta(seconds=c.LEASE_SECONDS), claimed_by=worker
        )
    return list(
        Delivery.objects.filter(pk__in=ids, claimed_by=worker)
        .select_related("event__organisation", "subscription__system__organisation")
        .order_by("next_attempt_at", "id")
    )


def delivery_body(delivery: Delivery) -> bytes:
    document = event_document(delivery.event)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def delivery_post(client: httpx.Client, delivery: Delivery) -> Outcome:
    """POST one delivery, signed now; 2xx is delivered, anything else is a failure."""
    body = delivery_body(delivery)
    subscription = delivery.subscription
    headers = signed_headers(secret=subscription.secret, event_id=str(delivery.event.event_id),
                             body=body)
    try:
        response = client.post(subscription.url, content=body, headers=headers)
    except httpx.TransportError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:500], unreachable=True)
    except Exception as error:  # e.g. a URL httpx refuses: fail this one, not the batch
        log.warning("webhook delivery %s failed: %r", delivery.pk, error)
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}")


def deliveries_record(*, worker: str, outcomes: dict[int, Outcome]) -> None:
    """Write the outcomes of one batch: delivered in bulk, failures with their next attempt."""
    now = timezone.now()
    delivered: dict[int | None, list[int]] = defaultdict(list)
    for pk, outcome in outcomes.items():
        if outcome.delivered:
            delivered[outcome.status_code].append(pk)
    for status_code, pks in delivered.items():
        # Delivered is delivered, even if this worker's lease lapsed meanwhile.
        Delivery.objects.filter(pk__in=pks, status=c.DeliveryStatus.PENDING).update(
            status=c.DeliveryStatus.DELIVERED, delivered_at=now, attempts=F("attempts") + 1,
            last_status_code=status_code, last_error="", claimed_until=None,
        )
    failed = {pk: o for pk, o in outcomes.items() if not o.delivered}
    rows = Delivery.objects.filter(pk__in=failed, claimed_by=worker,
                                   status=c.DeliveryStatus.PENDING).only("pk", "attempts")
    for delivery in rows:
        _record_failure(delivery, failed[delivery.pk], now)


def _record_failure(delivery: Delivery, outcome: Outcome, now) -> None:
    attempts = delivery.attempts + 1
    changes = {"attempts": attempts, "last_status_code": outcome.status_code,
               "last_error": outcome.error[:500], "claimed_until": None}
    if attempts >= c.MAX_ATTEMPTS or outcome.final:
        changes["status"] = c.DeliveryStatus.DEAD
    else:
        delay = retry_delay(attempts, base=c.RETRY_BASE_SECONDS, cap=c.RETRY_CAP_SECONDS,
                            jitter=c.RETRY_JITTER)
        changes["next_attempt_at"] = now + timedelta(seconds=delay)
    Delivery.objects.filter(pk=delivery.pk, status=c.DeliveryStatus.PENDING).update(**changes)


def deliveries_release(*, worker: str, pks: list[int]) -> None:
    """Give back claims this worker will not use, so that others need not wait for the lease."""
    Delivery.objects.filter(pk__in=pks, claimed_by=worker, status=c.DeliveryStatus.PENDING).update(
        claimed_until=None, claimed_by=""
    )


class AudienceCache:
    """What each subscription may receive, asked again after `ttl` seconds.

    A worker delivering batch after batch need not read the same contract for each one; a
    revoked contract stops deliveries within `ttl` seconds.
    """

    def __init__(self, ttl: float = 5.0):
        self.ttl = ttl
        self._known: dict[int, tuple[float, Audience]] = {}

    def __call__(self, subscription: WebhookSubscription) -> Audience:
        now = time.monotonic()
        known = self._known.get(subscription.pk)
        if known is None or now - known[0] > self.ttl:
            known = self._known[subscription.pk] = (now, _audience(subscription))
        return known[1]


def deliver_batch(
    client: httpx.Client, worker: str, batch: list[Delivery], audience_of=None
) -> dict[int, Outcome]:
    """POST a claimed batch; return the outcomes of the deliveries it got to.

    A receiver that cannot be reached is not tried again in the same batch: its remaining
    deliveries fail with it. Work left when half the lease is used up is released.
    """
    audience_of = audience_of or AudienceCache()
    started = time.monotonic()
    outcomes: dict[int, Outcome] = {}
    unreachable: dict[int, Outcome] = {}
    for index, delivery in enumerate(batch):
        if time.monotonic() - started > c.LEASE_SECONDS / 2:
            deliveries_release(worker=worker, pks=[d.pk for d in batch[index:]])
            break
        subscription = delivery.subscription
        event = delivery.event
        if not audience_of(subscription).allows(
            type=event.type, organisation_id=event.organisation_id, payload=event.payload
        ):
            outcomes[delivery.pk] = Outcome(False, error="outside_contract: not granted now",
                                            final=True)
        elif subscription.pk in unreachable:
            outcomes[delivery.pk] = unreachable[subscription.pk]
        else:
            outcomes[delivery.pk] = outcome = delivery_post(client, delivery)
            if outcome.unreachable:
                unreachable[subscription.pk] = outcome
    return outcomes


def deliveries_deliver_due(
    *, client: httpx.Client | None = None, worker: str, budget_seconds: float = 30.0
) -> tuple[int, int]:
    """Deliver due deliveries batch by batch for up to `budget_seconds`; return (ok, failed).

    Without a `client`, make one for the first batch (making one costs a few milliseconds,
    which a dispatch with nothing due need not spend) and close it at the end.
    """
    started = time.monotonic()
    ok = failed = 0
    own_client = None
    audience_of = AudienceCache()
    try:
        while time.monotonic() - started < budget_seconds:
            batch = deliveries_claim(worker=worker)
            if not batch:
                break
            if client is None:
                client = own_client = http_client()
            outcomes = deliver_batch(client, worker, batch, audience_of)
            deliveries_record(worker=worker, outcomes=outcomes)
            delivered = sum(1 for o in outcomes.values() if o.delivered)
            ok, failed = ok + delivered, failed + len(outcomes) - delivered
    finally:
        if own_client is not None:
            own_client.close()
    return ok, failed
