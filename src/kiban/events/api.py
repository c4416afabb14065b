"""The events API for member systems: the pull feed and webhook subscriptions.

The exchange API mounts `router` under /api/v1/events: its authentication sets
`request.auth` to the calling MemberSystem, and `logged_call` logs every call and answers
CallError and OutsideContract uniformly. Every call names its purpose (X-Kiban-Purpose);
what a system receives is what its contract for that purpose grants
(`kiban.events.audience`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from pydantic import ConfigDict

from kiban.events import selectors, services
from kiban.events.audience import Audience, audiences
from kiban.events.constants import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, EventType
from kiban.exchange.calls import CallError, purpose_of
from kiban.exchange.schemas import ERRORS, ApiError
from kiban.exchange.selectors import OutsideContract

router = Router(tags=["events"])


class Event(Schema):
    id: UUID
    type: EventType
    sequence: int = Field(description="The cursor: pass it as `after` to read on from here.")
    occurred_at: datetime
    organisation: str | None = Field(description="Code of the organisation the event belongs to.")
    subject: UUID | None = Field(description="Public id of the registry subject, if any.")
    data: dict[str, Any] = Field(description="Ids, references, statuses and codes; no values.")


class Feed(Schema):
    events: list[Event]
    next_after: int = Field(description="Pass as `after` in the next call.")
    has_more: bool


class FeedQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    after: int = Field(0, ge=0, description="Return events with a larger sequence than this.")
    limit: int = Field(FEED_DEFAULT_LIMIT, ge=1, le=FEED_MAX_LIMIT)


class SubscriptionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=500, description="Where kiban POSTs the events (http or https).")
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType.values))


class Subscription(Schema):
    id: UUID
    url: str
    purpose: str
    event_types: list[EventType]
    created_at: datetime


class SubscriptionCreated(Subscription):
    secret: str = Field(description="The HMAC-SHA256 key of X-Kiban-Signature. Shown only now.")


REFUSAL_STATUS = {"outside_contract": 403, "too_many_subscriptions": 409}


def _caller(request) -> tuple[Any, Audience]:
    """Return the calling system and what its contract for the call's purpose lets it receive.

    Refuse (403, logged by the exchange) a purpose whose contract grants no events.
    """
    system = request.auth
    purpose = purpose_of(request)
    audience = audiences.for_system(system, purpose)
    if not audience.grants:
        raise OutsideContract(f"No contract in force for “{purpose}” grants receive_events.")
    return system, audience


def _refused(refused: services.EventsRefused) -> CallError:
    code = "invalid_request" if refused.code.startswith("invalid") else refused.code
    return CallError(REFUSAL_STATUS.get(refused.code, 400), code, refused.detail)


def _subscription(subscription) -> dict:
    return {"id": subscription.public_id, "url": subscription.url,
            "purpose": subscription.purpose, "event_types": subscription.event_types,
            "created_at": subscription.created_at}


@router.get("", response={200: Feed, **ERRORS}, operation_id="events_feed")
def feed(request, query: Query[FeedQuery]):
    """Return the events after the cursor `after` that the caller's contract lets it receive.

    Start with after=0 and pass `next_after` back each time; an event comes once per
    cursor, in the order it was committed. `has_more` says to ask again at once.
    """
    _system, audience = _caller(request)
    services.outbox_sequence()  # what has committed is in the feed now, not at the next sweep
    latest = services.latest_sequence()
    events = selectors.events_for_audience(audience, after=query.after, limit=query.limit + 1)
    has_more = len(events) > query.limit
    events = events[: query.limit]
    # Nothing the caller may see lies between its last event and `latest`: skip ahead.
    next_after = events[-1].sequence if has_more else max(
        query.after, latest, *(e.sequence for e in events)
    )
    request.kiban_call.subject_ids = sorted({str(e.subject_public_id) for e in events
                                             if e.subject_public_id})
    return Answer(200, {"events": [selectors.event_document(e) for e in events],
                        "next_after": next_after, "has_more": has_more})


@router.get("/subscriptions", response={200: list[Subscription], **ERRORS},
            operation_id="events_subscriptions")
def subscription_list(request):
    """Return the caller's webhook subscriptions (without their secrets)."""
    system, _audience = _caller(request)
    return Answer(200, [_subscription(s) for s in selectors.subscriptions_for(system=system)])


@router.post("/subscriptions", response={201: SubscriptionCreated, 409: ApiError, **ERRORS},
             operation_id="events_subscribe")
def subscription_create(request, body: SubscriptionIn):
    """Subscribe to event types at a URL; the answer holds the signing secret, only this once.

    kiban POSTs each event (the same document as in the feed) with X-Kiban-Event-Id,
    X-Kiban-Timestamp and X-Kiban-Signature; see docs/events.md for checking them.
    """
    system, _audience = _caller(request)
    try:
        subscription, secret = services.subscription_create(
            system=system, purpose=request.kiban_call.purpose, url=body.url,
            event_types=body.event_types, actor_label=str(system),
        )
    except services.EventsRefused as refused:
        raise _refused(refused) from None
    return Answer(201, {**_subscription(subscription), "secret": secret})


@router.delete("/subscriptions/{subscription_id}", response={204: None, **ERRORS},
               operation_id="events_unsubscribe")
def subscription_delete(request, subscription_id: UUID):
    """Delete one of the caller's subscriptions; its undelivered events are dropped."""
    system, _audience = _caller(request)
    subscription = selectors.subscription_for(system=system, public_id=subscription_id)
    if subscription is None:
        raise Http404("No such subscription of this system.")
    services.subscription_delete(subscription=subscription, actor_label=str(system))
    return Answer(204, None)
