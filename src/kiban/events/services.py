"""Writes of the events app: emit an event (outbox), sequence the outbox, subscriptions, redrive.

Other apps call only `event_emit`, inside the transaction of the change the event
describes: the event commits or rolls back with it, and delivery starts after the commit.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.db import rows
from kiban.events.audience import audiences
from kiban.events.constants import MAX_PAYLOAD_BYTES, DeliveryStatus, EventType
from kiban.events.models import Delivery, OutboxEvent, WebhookSubscription

#: Most subscriptions one member system may hold.
MAX_SUBSCRIPTIONS_PER_SYSTEM = 20
SEQUENCE_BATCH = 500
# Any constant: the PostgreSQL advisory lock that lets one sequencer run at a time.
SEQUENCER_LOCK = 0x6B6962616E01


class EventsRefused(Exception):
    """A request about events is refused; `code` is machine-readable, `detail` explains."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


def event_emit(
    *, type: str, organisation, subject=None, payload: dict[str, Any], actor_label: str = ""
) -> OutboxEvent:
    """Write an event in the caller's transaction; it is delivered once that commits.

    `organisation` (an Organisation, its id or None) owns the event; `subject` is a registry
    Subject or its public id. `payload` holds ids, references, statuses and codes — never a
    personal data value; a large payload is refused as a sign that one slipped in.
    """
    if type not in EventType.values:
        raise ValueError(f"unknown event type {type!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_emit must run inside the transaction of the change")
    encoded = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
    if len(encoded.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"an event payload holds ids and codes; this one is {len(encoded)} bytes")
    event = rows.create(  # on the way of every submission: plain SQL (kiban.db.rows)
        OutboxEvent,
        type=type,
        organisation_id=getattr(organisation, "pk", organisation),
        subject_public_id=getattr(subject, "public_id", subject),
        payload=json.loads(encoded),
        actor_label=actor_label[:200],
    )
    _dispatch_on_commit()
    return event


def _enqueue_dispatch() -> None:
    from kiban.events.tasks import events_dispatch

    events_dispatch.enqueue()


def _dispatch_on_commit() -> None:
    """Enqueue one dispatch task when the transaction commits, however many events it wrote."""
    pending = transaction.get_connection().run_on_commit
    if not any(entry[1] is _enqueue_dispatch for entry in pending):
        # Robust: a failed enqueue must not fail the change; the sweep delivers later.
        transaction.on_commit(_enqueue_dispatch, robust=True)


def _sequencer_lock() -> None:
    """Let one sequencer run at a time (SQLite's IMMEDIATE transactions do so already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])


def outbox_sequence(*, limit: int = SEQUENCE_BATCH) -> int:
    """Number committed events in commit order for the feed cursor; return how many.

    Only committed rows are visible here, and one sequencer runs at a time, so an event that
    commits later always gets a larger sequence than every one a reader has already seen.
    Sequences increase with the row id from just past the last one given; they may skip
    numbers (after an event that committed late), never go back.
    """
    if not OutboxEvent.objects.filter(sequence=None).exists():
        return 0
    with transaction.atomic():
        _sequencer_lock()
        ids = list(
            OutboxEvent.objects.filter(sequence=None).order_by("id").values_list("id", flat=True)[
                :limit
            ]
        )
        if not ids:
            return 0
        last = OutboxEvent.objects.aggregate(last=Max("sequence"))["last"] or 0
        OutboxEvent.objects.filter(pk__in=ids).update(sequence=F("id") + (last + 1 - ids[0]))
    return len(ids)


def latest_sequence() -> int:
    return OutboxEvent.objects.aggregate(last=Max("sequence"))["last"] or 0


# --- webhook subscriptions ----------------------------------------------------------------


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise EventsRefused("invalid_url", "an absolute http(s) URL of at most 500 characters")
    if parts.username or parts.password:
        raise EventsRefused("invalid_url", "credentials do not belong in the URL")
    return url


def _checked_types(system, purpose: str, event_types: Iterable[str]) -> list[str]:
    types = sorted(set(event_types))
    unknown = [t for t in types if t not in EventType.values]
    if not types or unknown:
        raise EventsRefused("invalid_event_types", f"unknown: {', '.join(unknown)}" if unknown
                            else "name at least one event type")
    outside = [t for t in types if t not in audiences.for_system(system, purpose).types]
    if outside:
        raise EventsRefused(
            "outside_contract", f"no contract for “{purpose}” grants {', '.join(outside)}"
        )
    return types


@transaction.atomic
def subscription_create(
    *, system, purpose: str, url: str, event_types: Iterable[str], actor_label: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe `system` to `event_types` at `url` under its contract for `purpose`.

    Return the subscription and its secret, which is shown this once. A new subscription
    receives events from now on; earlier ones are in the pull feed.
    """
    url = _checked_url(url)
    types = _checked_types(system, purpose, event_types)
    if WebhookSubscription.objects.filter(system=system).count() >= MAX_SUBSCRIPTIONS_PER_SYSTEM:
        raise EventsRefused("too_many_subscriptions", f"at most {MAX_SUBSCRIPTIONS_PER_SYSTEM}")
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(
        system=system, purpose=purpose, url=url, event_types=types, secret=secret,
        cursor=latest_sequence(),
        created_by_label=actor_label[:200],
    )
    audit_record(
        action="events.subscription_create", actor_label=actor_label,
        organisation=getattr(system, "organisation", None), target=subscription,
        data={"url": url, "event_types": types, "purpose": purpose},
    )
    return subscription, secret


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription, actor_label: str = "") -> None:
    """Delete a subscription with its deliveries, delivered or not."""
    audit_record(
        action="events.subscription_delete", actor_label=actor_label,
        organisation=getattr(subscription.system, "organisation", None), target=subscription,
        data={"url": subscription.url, "event_types": subscription.event_types},
    )
    subscription.delete()


@transaction.atomic
def delivery_redrive(*, deliveries: Iterable[Delivery] | Any, actor) -> int:
    """Give dead deliveries a fresh set of attempts, starting now; return how many.

    `deliveries` is a queryset or a list; those not dead are left alone.
    """
    ids = [d.pk for d in deliveries]
    count = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DEAD).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(),
        claimed_until=None, claimed_by="",
    )
    audit_record(action="events.delivery_redrive", actor=actor,
                 data={"deliveries": sorted(ids)[:1000], "redriven": count})
    return count
