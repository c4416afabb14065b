import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from kiban.registry.constants import (
    AccessorKind,
    Method,
    Outcome,
    RepresentationKind,
    Sensitivity,
    SourceKind,
    SubjectKind,
    ValueType,
)


class Subject(models.Model):
    """A person or a business the base registry (ベース・レジストリ) holds facts about."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subject",
    )
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="represented_subjects"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind}:{self.public_id}"


class Attribute(models.Model):
    """An entry of the attribute catalogue, e.g. `person.phone`."""

    code = models.CharField(max_length=80, unique=True)
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    value_type = models.CharField(max_length=30, choices=ValueType.choices)
    label_ja = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    label_easy = models.CharField(max_length=200, blank=True)
    sensitivity = models.CharField(
        max_length=20, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    # Organisation codes whose systems may publish authoritative (verified) values.
    authoritative_sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def label(self, language: str) -> str:
        if language == "en":
            return self.label_en
        if language == "ja-easy" and self.label_easy:
            return self.label_easy
        return self.label_ja


class Fact(models.Model):
    """One value of one attribute of one subject, with its provenance. Never updated.

    A new fact supersedes older ones from its `valid_from` on; "as of" questions pick, among
    the facts valid on a date, the one recorded last (bitemporal: valid time and record time).
    """

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="facts")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="facts")
    value = models.JSONField()
    # Normalised copy for matching (address key, phone digits); never shown.
    match_key = models.CharField(max_length=300, blank=True, db_index=True)
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_organisation = models.ForeignKey(
        "identity.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_label = models.CharField(max_length=200, blank=True)
    source_reference = models.CharField(max_length=120, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["subject", "attribute", "-recorded_at"])]
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.attribute_id}@{self.subject_id} {self.recorded_at:%Y-%m-%d}"


class Consent(models.Model):
    """A subject's consent to read some attributes for a purpose, until withdrawn."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=120)
    # Null: every kiban procedure may use it (the once-only prefill consent).
    organisation = models.ForeignKey(
        "identity.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attributes = models.ManyToManyField(Attribute, related_name="consents")
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"consent {self.purpose} by {self.subject_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AccessRecord(models.Model):
    """One read of a subject's facts ("who read my data"), visible to the subject."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="access_records")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    attribute_codes = models.JSONField(default=list)
    accessor_kind = models.CharField(max_length=20, choices=AccessorKind.choices)
    accessor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accessor_organisation = models.ForeignKey(
        "identity.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accessor_label = models.CharField(max_length=200, blank=True)
    procedure_code = models.CharField(max_length=80, blank=True)
    reference = models.CharField(max_length=80, blank=True)
    purpose = models.CharField(max_length=200)
    basis = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"])]

    def __str__(self) -> str:
        return f"read {self.attribute_codes} of {self.subject_id} for {self.purpose}"


class Representation(models.Model):
    """A person (an account) who may act for a subject: a parent for a child, a representative
    for a business. Checked on every access made on the subject's behalf; visible to both."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="representations")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="representations"
    )
    kind = models.CharField(max_length=20, choices=RepresentationKind.choices)
    source_label = models.CharField(max_length=200, blank=True)  # where we know it from
    valid_from = models.DateField(default=timezone.localdate)
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["agent", "subject"])]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.kind} for {self.subject_id}"

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to > on)
