import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from kiban.events.constants import DeliveryStatus, EventType


class OutboxEvent(models.Model):
    """Something that happened, written in the same transaction as the change (outbox).

    `sequence` is the pull feed's cursor. It is given after commit, in commit order, by
    `outbox_sequence`: an auto-increment id is handed out at insert time, so on a database
    with concurrent writers a smaller id can become visible after a larger one, and a reader
    whose cursor had passed it would never see it.
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=60, choices=EventType.choices)
    # The organisation the event belongs to (a submission's bureau, a fact's source); null
    # when no organisation owns it (a resident's own declaration, a platform-wide consent).
    organisation = models.ForeignKey(
        "identity.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_public_id = models.UUIDField(null=True, blank=True)
    # Ids, references, statuses, attribute codes: never a personal data value.
    payload = models.JSONField(default=dict)
    actor_label = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    sequence = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sequence", "id"]
        indexes = [
            models.Index(fields=["organisation", "sequence"]),
            models.Index(
                fields=["id"], condition=Q(sequence=None), name="events_outbox_unsequenced"
            ),
            models.Index(
                fields=["sequence"], condition=Q(published_at=None),
                name="events_outbox_unpublished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class WebhookSubscription(models.Model):
    """A member system's wish to be POSTed some event types at a URL, signed with a secret."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.ForeignKey(
        "exchange.MemberSystem", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    # The purpose whose contract grants the events; asked again at every fan-out and delivery.
    purpose = models.CharField(max_length=120)
    url = models.CharField(max_length=500)  # checked by subscription_create
    event_types = models.JSONField(default=list)
    # The HMAC key: shown once when the subscription is made. Kept as is, since signing
    # needs it; it never appears in the API, the admin or a log.
    secret = models.CharField(max_length=100, editable=False)
    # Events with a sequence up to here have been fanned out into deliveries.
    cursor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({', '.join(self.event_types)})"


class Delivery(models.Model):
    """One event to one subscription: tried until delivered, or dead after the limit."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's claim (lease): until then no other worker takes it; a crash leaves it to lapse.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="events_delivery_once_per_subscription"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=Q(status=DeliveryStatus.PENDING),
                name="events_delivery_due",
            ),
            models.Index(fields=["subscription", "status"]),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} ({self.status})"
