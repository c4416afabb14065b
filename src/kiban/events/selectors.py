"""Reads of the events app: the feed a member system may receive, its subscriptions, documents."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kiban.events.audience import Audience
from kiban.events.constants import DeliveryStatus, EventType
from kiban.events.models import Delivery, OutboxEvent, WebhookSubscription


def _grant_filter(
    types: Iterable[str],
    organisation_ids: Iterable[int | None] | None,
    attribute_codes: Iterable[str] | None,
) -> Q | None:
    """Return the filter of what one grant allows, or None if it allows nothing."""
    types = sorted(types)
    if not types or (organisation_ids is not None and not organisation_ids):
        return None
    allowed = Q(type__in=types)
    if organisation_ids is not None:
        of_these = Q(organisation_id__in=sorted(i for i in organisation_ids if i is not None))
        if None in organisation_ids:
            of_these |= Q(organisation_id=None)
        allowed &= of_these
    if attribute_codes is not None and EventType.FACT_PUBLISHED in types:
        allowed &= ~Q(type=EventType.FACT_PUBLISHED) | Q(
            payload__attribute__in=sorted(attribute_codes)
        )
    return allowed


def _events(allowed: Q | None, after: int, upto: int | None) -> QuerySet[OutboxEvent]:
    if allowed is None:
        return OutboxEvent.objects.none()
    events = OutboxEvent.objects.filter(allowed, sequence__gt=after)
    if upto is not None:
        events = events.filter(sequence__lte=upto)
    return events.order_by("sequence")


def _page(allowed: Q | None, after: int, limit: int, upto: int | None) -> list[OutboxEvent]:
    if allowed is None or limit <= 0:
        return []
    return list(_events(allowed, after, upto).select_related("organisation")[:limit])


def _audience_filter(audience: Audience) -> Q | None:
    allowed = None
    for grant in audience.grants:
        one = _grant_filter(grant.types, grant.organisation_ids, grant.attribute_codes)
        if one is not None:
            allowed = one if allowed is None else allowed | one
    return allowed


def events_for(
    *,
    organisation_ids: set[int | None] | frozenset[int | None] | None,
    types: set[str] | frozenset[str],
    after: int,
    limit: int,
    attribute_codes: set[str] | frozenset[str] | None = None,
    upto: int | None = None,
) -> list[OutboxEvent]:
    """Return up to `limit` sequenced events after the cursor `after`, oldest first.

    Only `types`; only events of `organisation_ids` (None: of any organisation or none; an
    id None in the set: events of no organisation);
    fact events only about `attribute_codes` (None: any). `upto` caps the sequence.
    """
    return _page(_grant_filter(types, organisation_ids, attribute_codes), after, limit, upto)


def events_for_audience(
    audience: Audience, *, after: int, limit: int, upto: int | None = None
) -> list[OutboxEvent]:
    """Return the page of `events_for` over everything any grant of `audience` allows."""
    return _page(_audience_filter(audience), after, limit, upto)


def event_ids_for_audience(audience: Audience, *, after: int, upto: int) -> list[int]:
    """Return the row ids of the events in (after, upto] that `audience` may receive."""
    allowed = _audience_filter(audience)
    if allowed is None:
        return []
    return list(_events(allowed, after, upto).values_list("pk", flat=True))


def event_document(event: OutboxEvent) -> dict:
    """Return an event as the feed and webhooks show it (the same document in both)."""
    return {
        "id": str(event.event_id),
        "type": event.type,
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "organisation": event.organisation.code if event.organisation_id else None,
        "subject": str(event.subject_public_id) if event.subject_public_id else None,
        "data": event.payload,
    }


def subscriptions_for(*, system) -> QuerySet[WebhookSubscription]:
    """Return the webhook subscriptions of one member system."""
    return WebhookSubscription.objects.filter(system=system).order_by("created_at", "id")


def subscription_for(*, system, public_id) -> WebhookSubscription | None:
    """Return `system`'s subscription `public_id`, or None (also for another system's)."""
    return subscriptions_for(system=system).filter(public_id=public_id).first()


def deliveries_dead(*, subscription: WebhookSubscription | None = None) -> QuerySet[Delivery]:
    """Return the dead deliveries, of one subscription or of all (for the platform team)."""
    dead = Delivery.objects.filter(status=DeliveryStatus.DEAD).select_related(
        "event", "subscription"
    )
    return dead.filter(subscription=subscription) if subscription is not None else dead
