import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from kiban.submissions.constants import MessageKind, Status


class Submission(models.Model):
    """A resident's application: a draft until submitted, then a case with a reference."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=40, unique=True, null=True, blank=True)
    version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    # The owner bureau, copied from the procedure so every inbox query filters on one column.
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="submissions"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    subject = models.ForeignKey(
        "registry.Subject", on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    # field id -> {"fact": id, "source": label, "recorded_at": iso, "method": ...}
    prefill = models.JSONField(default=dict, blank=True)
    save_back = models.JSONField(default=list, blank=True)
    step = models.PositiveSmallIntegerField(default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "-submitted_at"]),
            models.Index(fields=["applicant", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.public_id}"

    @property
    def procedure(self):
        return self.version.procedure


class StatusChange(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Message(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:  # the kind and time only: the body is the resident's words
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="attachments"
    )
    field_id = models.CharField(max_length=80)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.field_id}: {self.filename}"


class ReferenceCounter(models.Model):
    """The last reference number issued per year; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
