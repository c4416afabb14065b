import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from kiban.procedures.constants import VersionStatus


class Procedure(models.Model):
    """An online procedure (手続) owned by one organisation; its content lives in versions."""

    code = models.SlugField(max_length=80, unique=True)
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="procedures"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The shared template this procedure was copied from, if any.
    copied_from = models.ForeignKey(
        "ProcedureVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """One version of a procedure's definition (JSON, see schema/procedure.schema.json).

    A published version never changes: `content_hash` is taken at publication and checked
    every time the version is loaded for a resident or a case worker. Review records who
    did what: the editor submits (`submitted_by`), a reviewer approves the exact content
    (`approved_hash`), a publisher publishes (`published_by`).
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64, blank=True)
    # Counts the saves of a draft, so an editor's form can tell that someone else saved since.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The content hash the reviewer approved; publishing needs it to match the definition.
    approved_hash = models.CharField(max_length=64, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.status})"


class ProcedureTemplate(models.Model):
    """A published version shared as a template that any bureau may copy."""

    version = models.OneToOneField(
        ProcedureVersion, on_delete=models.PROTECT, related_name="template"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return f"template {self.version}"


class AttributeAccess(models.Model):
    """An organisation's permission to prefill from a sensitive registry attribute.

    Normal and public attributes may be prefilled by any organisation (the resident's
    consent is still checked at every read); sensitive ones only by organisations listed
    here, each with the legal basis that allows it. See docs/builder.md.
    """

    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="attribute_access"
    )
    attribute = models.ForeignKey(
        "registry.Attribute", on_delete=models.PROTECT, related_name="organisation_access"
    )
    legal_basis = models.CharField(max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "attribute"], name="attribute_access_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code} may prefill {self.attribute.code}"


class LifeEvent(models.Model):
    """A bundle of procedures one life event needs (転入, 出生…), started once by a resident."""

    code = models.SlugField(max_length=80, unique=True)
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="life_events"
    )
    title = models.JSONField(default=dict)  # {"ja": ..., "en": ..., "ja-easy": ...}
    description = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LifeEventProcedure(models.Model):
    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="entries")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["life_event", "procedure"], name="life_event_procedure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.life_event_id}:{self.procedure_id}@{self.position}"


class Journey(models.Model):
    """A resident's run through a life event: one draft submission per procedure."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="journeys")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journeys"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the shared answers were confirmed, and when every submission was sent.
    shared_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"journey {self.public_id}"


class JourneyItem(models.Model):
    """One procedure of a journey and the resident's submission for it."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="items")
    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="journey_item"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.journey_id}:{self.submission_id}"
