from django.db import models

# Labels are English only: they show in the platform team's Django admin, never on a page for
# residents or staff (systems read the codes).


class EventType(models.TextChoices):
    """What happened; an event's payload holds ids and codes, never personal data values."""

    SUBMISSION_CREATED = "submission.created", "Submission received"
    SUBMISSION_STATUS_CHANGED = "submission.status_changed", "Submission status changed"
    FACT_PUBLISHED = "fact.published", "Fact recorded in the base registry"
    CONSENT_WITHDRAWN = "consent.withdrawn", "Consent withdrawn"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead"


#: A failed delivery waits RETRY_BASE_SECONDS × 2^(attempts − 1), at most RETRY_CAP_SECONDS,
#: ±RETRY_JITTER, before the next attempt; it is dead after MAX_ATTEMPTS attempts. 32 attempts
#: span about 23 hours, so a receiver that is down for most of a day still gets everything.
RETRY_BASE_SECONDS = 10
RETRY_CAP_SECONDS = 3600
RETRY_JITTER = 0.2
MAX_ATTEMPTS = 32

#: A worker's claim on a delivery lasts this long; a worker killed mid-delivery leaves its claim
#: behind, and after it lapses another worker delivers again (at least once).
LEASE_SECONDS = 120
#: Per POST: connect and total timeouts. A batch stops claiming work well inside the lease.
CONNECT_TIMEOUT_SECONDS = 5.0
REQUEST_TIMEOUT_SECONDS = 10.0
DELIVERY_BATCH = 50

#: Largest payload `event_emit` accepts: a payload holds ids and codes, so a big one is a bug
#: (most likely personal data that should not be there).
MAX_PAYLOAD_BYTES = 2048
#: Largest page of the pull feed.
FEED_MAX_LIMIT = 500
FEED_DEFAULT_LIMIT = 100
