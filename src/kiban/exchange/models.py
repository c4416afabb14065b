"""Member systems, their credentials and contracts, and the message log of their calls."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

SYSTEM_CODE = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)+$",
    "A system code is lowercase words joined by slashes, like tokyo/welfare/benefits-system.",
)


class MemberSystem(models.Model):
    """A bureau's back-office system (各局システム) that calls kiban's API with its credentials."""

    code = models.CharField(max_length=200, unique=True, validators=[SYSTEM_CODE])
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="member_systems"
    )
    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=64, unique=True)
    contact = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ClientSecret(models.Model):
    """One secret of a system; stored as a SHA-256 hash (it is 256 random bits, not a password).

    Two secrets are active during a rotation: the previous one until `expires_at`.
    """

    system = models.ForeignKey(MemberSystem, on_delete=models.CASCADE, related_name="secrets")
    secret_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8)  # the last characters, to tell secrets apart
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.system_id} …{self.hint}"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AccessToken(models.Model):
    """A short-lived bearer token issued for a secret; only its hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    system = models.ForeignKey(MemberSystem, on_delete=models.CASCADE, related_name="+")
    secret = models.ForeignKey(ClientSecret, on_delete=models.CASCADE, related_name="tokens")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token of {self.system_id} until {self.expires_at:%H:%M}"


class Contract(models.Model):
    """What one system may do for one purpose, on a legal basis, for a period. Deny by default."""

    system = models.ForeignKey(MemberSystem, on_delete=models.PROTECT, related_name="contracts")
    purpose = models.SlugField(max_length=120)
    description = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=300)
    read_attributes = models.JSONField(default=list, blank=True)
    # Attribute codes the system may find a subject by (a phone number, an address).
    match_keys = models.JSONField(default=list, blank=True)
    publish_attributes = models.JSONField(default=list, blank=True)
    read_submissions = models.JSONField(default=list, blank=True)  # procedure codes
    work_submissions = models.JSONField(default=list, blank=True)  # procedure codes
    receive_events = models.JSONField(default=list, blank=True)  # event types
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # the last day it is valid
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system__code", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "purpose"], condition=Q(revoked_at=None),
                name="contract_one_active_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system.code} · {self.purpose}"

    def is_valid_on(self, day) -> bool:
        return (
            self.revoked_at is None and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


class Acknowledgement(models.Model):
    """A system has taken over a submission; "new" submissions are those not acknowledged."""

    system = models.ForeignKey(MemberSystem, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "submission"], name="acknowledged_once")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} acknowledged by {self.system_id}"


class CallRecord(models.Model):
    """One API call in the message log (メッセージログ): metadata only, never the payload.

    Append-only; `hash` chains it to the record before (`kiban.exchange.chain`). Every call
    seals its record as it commits; `number` and `hash` are empty only in records an older
    version wrote unsealed, until `message_log.log_seal` seals them.
    """

    number = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    at = models.DateTimeField()
    system = models.ForeignKey(
        MemberSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "identity.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True)
    operation = models.CharField(max_length=80)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    purpose = models.CharField(max_length=120, blank=True)
    request_id = models.CharField(max_length=100)
    subject_ids = models.JSONField(default=list)
    status = models.PositiveSmallIntegerField()
    error = models.CharField(max_length=40, blank=True)
    request_hash = models.CharField(max_length=64)
    response_hash = models.CharField(max_length=64)
    duration_us = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["system", "at"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.method} {self.path} {self.status}"

    @property
    def duration_ms(self) -> float:
        return self.duration_us / 1000


class ChainHead(models.Model):
    """The last sealed record: one row, locked by every call while it appends its record."""

    number = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head at {self.number}"


class Checkpoint(models.Model):
    """An Ed25519 signature over the chain hash at record `number`."""

    number = models.PositiveBigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64)  # raw key, hex
    signature = models.CharField(max_length=128)  # hex
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"checkpoint at {self.number}"


class CallStats(models.Model):
    """Calls of one system in one hour, rolled up from the message log for the operations view."""

    system = models.ForeignKey(MemberSystem, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    total_us = models.PositiveBigIntegerField(default=0)
    max_us = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-hour"]
        constraints = [models.UniqueConstraint(fields=["system", "hour"], name="stats_hourly")]

    def __str__(self) -> str:
        return f"{self.system_id} {self.hour:%Y-%m-%d %H}h: {self.calls} calls"

    @property
    def mean_ms(self) -> float | None:
        return self.total_us / self.calls / 1000 if self.calls else None

    @property
    def max_ms(self) -> float:
        return self.max_us / 1000


class StatsWatermark(models.Model):
    """The last log record rolled up into CallStats (one row)."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"rolled up to {self.number}"
