"""Builder writes: start a procedure, edit its draft, and take it through review to residents.

Draft → in review → published, with a role for each move, all scoped to the procedure's
organisation: an editor edits and submits for review, a reviewer approves (or returns it to
draft with a note), a publisher publishes what was approved. The same person may hold
several roles; every move records who made it. The reviewer approves an exact content
hash, so nothing can change between approval and publication. The quality gate runs at
submission, approval and publication.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.audit.services import audit_record
from kiban.identity.constants import Role
from kiban.procedures import selectors
from kiban.procedures.builder import new_definition
from kiban.procedures.constants import VersionStatus
from kiban.procedures.diff import change_summary, definition_diff
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.procedures.quality import QualityFinding, blocking
from kiban.procedures.services import (
    VersionNotEditable,
    canonical_hash,
    procedure_create,
    version_create,
    version_publish,
)


class RoleRequired(PermissionError):
    """The actor lacks the role this step needs in the procedure's organisation."""


class WorkflowRefused(ValueError):
    """A move the workflow does not allow now; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QualityGateFailed(ValueError):
    """The version has findings that block it; ``findings`` lists them."""

    def __init__(self, findings: list[QualityFinding]) -> None:
        super().__init__(f"{len(findings)} finding(s) block this version")
        self.findings = findings


class DraftChanged(ValueError):
    """The draft changed since the editor's page was loaded (someone else saved)."""


def _require(actor, organisation, role: str) -> None:
    if not selectors.has_builder_role(actor, organisation, role):
        raise RoleRequired(role)


def _locked(version: ProcedureVersion) -> ProcedureVersion:
    return (
        ProcedureVersion.objects.select_for_update()
        .select_related("procedure__organisation")
        .get(pk=version.pk)
    )


def _audit(action: str, actor, version: ProcedureVersion, **data: Any) -> None:
    audit_record(
        action=f"procedure.{action}",
        actor=actor,
        organisation=version.procedure.organisation,
        target=version,
        data={"code": version.procedure.code, "version": version.number, **data},
    )


def revision(version: ProcedureVersion) -> str:
    """Return the draft's save counter that the editor's forms carry back."""
    return f"{version.pk}.{version.revision}"


@transaction.atomic
def procedure_start(*, code: str, organisation, title: dict, actor) -> Procedure:
    """Create procedure ``code`` with an empty first draft; the actor must be an editor."""
    _require(actor, organisation, Role.EDITOR)
    if Procedure.objects.filter(code=code).exists():
        raise WorkflowRefused(_("The code %(code)s is taken; choose another.") % {"code": code})
    definition = new_definition(code=code, title=title, contact=organisation.contact)
    return procedure_create(
        code=code, organisation=organisation, definition=definition, actor=actor
    )


@transaction.atomic
def version_edit(
    *,
    version: ProcedureVersion,
    actor,
    edit: Callable[[dict], Any],
    expected_revision: str | None = None,
) -> tuple[ProcedureVersion, Any]:
    """Apply ``edit`` to a copy of a draft's definition and save it; return (version, result).

    ``edit`` changes the definition it is given (see ``kiban.procedures.builder``) and may
    raise BuilderError, which leaves the draft as it was. The audit record lists what changed.
    """
    locked = _locked(version)
    _require(actor, locked.procedure.organisation, Role.EDITOR)
    if locked.status != VersionStatus.DRAFT:
        raise VersionNotEditable(_("Only a draft can be changed; create a new version."))
    if expected_revision and expected_revision != revision(locked):
        raise DraftChanged
    changed = copy.deepcopy(locked.definition)
    result = edit(changed)
    if changed == locked.definition:
        return locked, result
    changes = change_summary(definition_diff(locked.definition, changed))
    locked.definition = changed
    locked.revision += 1
    locked.save(update_fields=["definition", "revision"])
    _audit("version_edit", actor, locked, changes=changes)
    return locked, result


@transaction.atomic
def version_draft_open(*, procedure: Procedure, actor) -> ProcedureVersion:
    """Return the procedure's open draft (or version in review), else a new draft of the latest."""
    _require(actor, procedure.organisation, Role.EDITOR)
    Procedure.objects.select_for_update().get(pk=procedure.pk)
    open_version = selectors.open_version(procedure)
    if open_version is not None:
        return open_version
    latest = procedure.versions.order_by("-number").first()
    definition = copy.deepcopy(latest.definition) if latest else {}
    return version_create(procedure=procedure, definition=definition, actor=actor)


def _gate(version: ProcedureVersion) -> None:
    findings = blocking(selectors.version_quality(version))
    if findings:
        raise QualityGateFailed(findings)


@transaction.atomic
def version_submit(*, version: ProcedureVersion, actor) -> ProcedureVersion:
    """Send a draft to review (editor); refused while the quality gate finds errors."""
    locked = _locked(version)
    _require(actor, locked.procedure.organisation, Role.EDITOR)
    if locked.status != VersionStatus.DRAFT:
        raise WorkflowRefused(_("Only a draft can be sent to review."))
    _gate(locked)
    locked.status = VersionStatus.IN_REVIEW
    locked.submitted_at, locked.submitted_by = timezone.now(), actor
    locked.approved_at = locked.approved_by = None
    locked.approved_hash = locked.review_note = ""
    locked.save(
        update_fields=[
            "status", "submitted_at", "submitted_by", "approved_at", "approved_by",
            "approved_hash", "review_note",
        ]
    )
    _audit("version_submit", actor, locked, content_hash=canonical_hash(locked.definition))
    return locked


@transaction.atomic
def version_approve(*, version: ProcedureVersion, actor, note: str = "") -> ProcedureVersion:
    """Approve the exact content of a version in review (reviewer)."""
    locked = _locked(version)
    _require(actor, locked.procedure.organisation, Role.REVIEWER)
    if locked.status != VersionStatus.IN_REVIEW:
        raise WorkflowRefused(_("Only a version in review can be approved."))
    _gate(locked)
    locked.approved_at, locked.approved_by = timezone.now(), actor
    locked.approved_hash = canonical_hash(locked.definition)
    locked.review_note = note.strip()
    locked.save(update_fields=["approved_at", "approved_by", "approved_hash", "review_note"])
    _audit("version_approve", actor, locked, content_hash=locked.approved_hash, note=note.strip())
    return locked


@transaction.atomic
def version_return(*, version: ProcedureVersion, actor, note: str) -> ProcedureVersion:
    """Send a version in review back to draft with the reviewer's note (reviewer)."""
    locked = _locked(version)
    _require(actor, locked.procedure.organisation, Role.REVIEWER)
    if locked.status != VersionStatus.IN_REVIEW:
        raise WorkflowRefused(_("Only a version in review can be returned."))
    if not note.strip():
        raise WorkflowRefused(_("Say what the editor should change."))
    locked.status = VersionStatus.DRAFT
    locked.approved_at = locked.approved_by = None
    locked.approved_hash = ""
    locked.review_note = note.strip()
    locked.save(
        update_fields=["status", "approved_at", "approved_by", "approved_hash", "review_note"]
    )
    _audit("version_return", actor, locked, note=note.strip())
    return locked


@transaction.atomic
def version_release(*, version: ProcedureVersion, actor) -> ProcedureVersion:
    """Publish an approved version (publisher); earlier versions keep serving their cases."""
    locked = _locked(version)
    _require(actor, locked.procedure.organisation, Role.PUBLISHER)
    if locked.status != VersionStatus.IN_REVIEW or not locked.approved_hash:
        raise WorkflowRefused(_("A reviewer must approve this version before it is published."))
    if locked.approved_hash != canonical_hash(locked.definition):
        raise WorkflowRefused(_("The version changed after it was approved; review it again."))
    _gate(locked)
    return version_publish(version=locked, actor=actor)
