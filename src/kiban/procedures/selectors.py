"""Reads of procedures: the public catalogue, the current version, and checked definitions."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from kiban.audit.services import security_event
from kiban.procedures.constants import VersionStatus
from kiban.procedures.localise import text
from kiban.procedures.models import ProcedureVersion
from kiban.procedures.services import canonical_hash


class TamperedVersion(Exception):
    """A published version's definition no longer matches the hash taken at publication."""


def published_procedures(language: str | None = None) -> list[ProcedureVersion]:
    """Return the latest published version of every procedure, with procedure and organisation.

    Sorted by title in ``language`` when given, else by procedure code. One query.
    """
    latest = (
        ProcedureVersion.objects.filter(
            procedure=OuterRef("procedure"), status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    versions = list(
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED, pk=Subquery(latest))
        .select_related("procedure__organisation")
        .order_by("procedure__code")
    )
    if language:
        versions.sort(key=lambda version: text(version.definition.get("title"), language))
    return versions


def current_version(procedure_code: str) -> ProcedureVersion | None:
    """Return the latest published version of procedure ``procedure_code``, or None."""
    return (
        ProcedureVersion.objects.filter(
            procedure__code=procedure_code, status=VersionStatus.PUBLISHED
        )
        .select_related("procedure__organisation")
        .order_by("-number")
        .first()
    )


def version_checked(version: ProcedureVersion) -> dict:
    """Return the definition of ``version`` after checking it is the one that was published.

    A published or retired version whose definition no longer matches its content hash (or
    that has no hash) raises TamperedVersion and records a security event. Drafts are
    returned as they are.
    """
    if (
        version.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
        and not version.content_hash
    ):
        return version.definition
    actual = canonical_hash(version.definition)
    if not version.content_hash or actual != version.content_hash:
        security_event(
            action="procedure_version_tampered",
            data={
                "procedure": version.procedure.code,
                "version": version.number,
                "version_id": version.pk,
                "expected_hash": version.content_hash,
                "actual_hash": actual,
            },
        )
        raise TamperedVersion(f"{version.procedure.code} v{version.number}")
    return version.definition
