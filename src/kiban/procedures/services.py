"""Writes of procedures: create a procedure, edit its drafts, publish a version.

A published version never changes: publishing stores the SHA-256 of the definition's
canonical JSON, and ``selectors.version_checked`` compares it on every load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.audit.services import audit_record
from kiban.procedures.constants import VersionStatus
from kiban.procedures.findings import Finding
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.procedures.validation import validate_definition

EDITABLE = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)


class DefinitionInvalid(ValueError):
    """Refuse to publish a definition with problems; ``findings`` lists them."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(f"{len(findings)} problem(s) in the definition")


class VersionNotEditable(ValueError):
    """Refuse to change or republish a version that is published or retired."""


def canonical_json(definition: Any) -> str:
    """Return ``definition`` as canonical JSON: sorted keys, no spaces, characters unescaped."""
    return json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_hash(definition: Any) -> str:
    """Return the SHA-256 (hex) of the canonical JSON of ``definition``."""
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def attribute_value_types() -> dict[str, str]:
    """Return the registry's attribute codes with their value types, for validation."""
    from kiban.registry.selectors import attribute_catalogue

    return dict(attribute_catalogue().values_list("code", "value_type"))


@transaction.atomic
def procedure_create(*, code: str, organisation, definition: dict, actor) -> Procedure:
    """Create procedure ``code`` owned by ``organisation``, with ``definition`` as draft 1."""
    procedure = Procedure.objects.create(code=code, organisation=organisation)
    ProcedureVersion.objects.create(
        procedure=procedure, number=1, definition=definition, created_by=_user(actor)
    )
    audit_record(
        action="procedure.create",
        actor=actor,
        organisation=organisation,
        target=procedure,
        data={"code": code, "version": 1},
    )
    return procedure


@transaction.atomic
def version_create(*, procedure: Procedure, definition: dict, actor) -> ProcedureVersion:
    """Add a new draft version of ``procedure``, numbered after the last one."""
    Procedure.objects.select_for_update().get(pk=procedure.pk)
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=last + 1, definition=definition, created_by=_user(actor)
    )
    audit_record(
        action="procedure.version_create",
        actor=actor,
        organisation=procedure.organisation,
        target=version,
        data={"code": procedure.code, "version": version.number},
    )
    return version


@transaction.atomic
def version_update(*, version: ProcedureVersion, definition: dict, actor) -> ProcedureVersion:
    """Replace the definition of a draft (or in-review) version."""
    locked = (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )
    if locked.status not in EDITABLE:
        raise VersionNotEditable(_("A published version cannot be changed; create a new version."))
    locked.definition = definition
    locked.revision += 1
    locked.save(update_fields=["definition", "revision"])
    audit_record(
        action="procedure.version_update",
        actor=actor,
        organisation=locked.procedure.organisation,
        target=locked,
        data={"code": locked.procedure.code, "version": locked.number},
    )
    return locked


def _publish_findings(
    version: ProcedureVersion, attribute_codes: Mapping[str, str]
) -> list[Finding]:
    findings = validate_definition(version.definition, attribute_codes=attribute_codes)
    code = version.definition.get("code") if isinstance(version.definition, dict) else None
    if code is not None and code != version.procedure.code:
        findings.append(
            Finding(
                "$.code",
                "code_mismatch",
                _("The definition's code %(code)s is not the procedure's code %(expected)s.")
                % {"code": code, "expected": version.procedure.code},
            )
        )
    return findings


@transaction.atomic
def version_publish(
    *, version: ProcedureVersion, actor, attribute_codes: Mapping[str, str] | None = None
) -> ProcedureVersion:
    """Validate and publish ``version``; raise DefinitionInvalid with the findings if any.

    ``attribute_codes`` (code → value type) defaults to the registry's attribute catalogue.
    """
    locked = (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )
    if locked.status not in EDITABLE:
        raise VersionNotEditable(_("This version is published already."))
    codes = attribute_codes if attribute_codes is not None else attribute_value_types()
    findings = _publish_findings(locked, codes)
    if findings:
        raise DefinitionInvalid(findings)
    locked.status = VersionStatus.PUBLISHED
    locked.content_hash = canonical_hash(locked.definition)
    locked.published_at = timezone.now()
    locked.published_by = _user(actor)
    locked.save(update_fields=["status", "content_hash", "published_at", "published_by"])
    audit_record(
        action="procedure.version_publish",
        actor=actor,
        organisation=locked.procedure.organisation,
        target=locked,
        data={
            "code": locked.procedure.code,
            "version": locked.number,
            "content_hash": locked.content_hash,
        },
    )
    return locked
