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

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """One version of a procedure's definition (JSON, see schema/procedure.schema.json).

    A published version never changes: `content_hash` is taken at publication and checked
    every time the version is loaded for a resident or a case worker.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.status})"
