"""Templates and portability: share a published procedure, copy it, import and export JSON.

A publisher shares a published version as a template; an editor of any organisation copies
it into a new procedure of their own (a draft, which then goes through the quality gate and
review like any other). Definitions travel as JSON files checked against
``kiban/schema/procedure.schema.json`` and the definition validator; an invalid file is
refused with every problem and where it is.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.audit.services import audit_record
from kiban.identity.constants import Role
from kiban.procedures import selectors
from kiban.procedures.constants import VersionStatus
from kiban.procedures.findings import Finding
from kiban.procedures.models import Procedure, ProcedureTemplate, ProcedureVersion
from kiban.procedures.quality import field_total
from kiban.procedures.services import attribute_value_types, procedure_create, version_create
from kiban.procedures.validation import MAX_FIELDS_TOTAL, validate_definition
from kiban.procedures.workflow import RoleRequired, WorkflowRefused

MAX_IMPORT_BYTES = 2 * 1024 * 1024
SCHEMA_ID = "https://kiban.example.jp/schema/procedure.schema.json"


class ImportRefused(ValueError):
    """A file that is not a valid definition; ``findings`` says what and where."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} problem(s) in the file")
        self.findings = findings


def _require(actor, organisation, role: str) -> None:
    if not selectors.has_builder_role(actor, organisation, role):
        raise RoleRequired(role)


# --- templates -----------------------------------------------------------------------------


@transaction.atomic
def template_share(*, version: ProcedureVersion, actor) -> ProcedureTemplate:
    """Share a published version as a template (publisher); it replaces older ones."""
    _require(actor, version.procedure.organisation, Role.PUBLISHER)
    if version.status != VersionStatus.PUBLISHED:
        raise WorkflowRefused(_("Only a published version can be shared as a template."))
    now = timezone.now()
    ProcedureTemplate.objects.filter(
        version__procedure=version.procedure, withdrawn_at=None
    ).exclude(version=version).update(withdrawn_at=now)
    template, created = ProcedureTemplate.objects.get_or_create(
        version=version, defaults={"shared_by": actor, "shared_at": now}
    )
    if not created and template.withdrawn_at is not None:
        template.withdrawn_at, template.shared_by, template.shared_at = None, actor, now
        template.save(update_fields=["withdrawn_at", "shared_by", "shared_at"])
    audit_record(
        action="procedure.template_share", actor=actor,
        organisation=version.procedure.organisation, target=template,
        data={"code": version.procedure.code, "version": version.number},
    )
    return template


@transaction.atomic
def template_withdraw(*, template: ProcedureTemplate, actor) -> None:
    """Stop offering a template; procedures copied from it keep their copies."""
    _require(actor, template.version.procedure.organisation, Role.PUBLISHER)
    if template.withdrawn_at is None:
        template.withdrawn_at = timezone.now()
        template.save(update_fields=["withdrawn_at"])
        audit_record(
            action="procedure.template_withdraw", actor=actor,
            organisation=template.version.procedure.organisation, target=template,
        )


@transaction.atomic
def template_copy(*, template: ProcedureTemplate, organisation, code: str, actor) -> Procedure:
    """Copy a template into a new procedure ``code`` of ``organisation`` (editor there)."""
    _require(actor, organisation, Role.EDITOR)
    if template.withdrawn_at is not None:
        raise WorkflowRefused(_("This template is no longer offered."))
    if Procedure.objects.filter(code=code).exists():
        raise WorkflowRefused(_("The code %(code)s is taken; choose another.") % {"code": code})
    definition = copy.deepcopy(template.version.definition)
    definition["code"] = code
    if organisation.contact:
        definition["contact"] = organisation.contact
    else:
        definition.pop("contact", None)
    procedure = procedure_create(
        code=code, organisation=organisation, definition=definition, actor=actor
    )
    procedure.copied_from = template.version
    procedure.save(update_fields=["copied_from"])
    source = template.version
    audit_record(
        action="procedure.template_copy", actor=actor, organisation=organisation,
        target=procedure,
        data={"code": code, "from": source.procedure.code, "from_version": source.number,
              "from_organisation": source.procedure.organisation.code},
    )
    return procedure


# --- import and export ---------------------------------------------------------------------


def definition_export(version: ProcedureVersion) -> str:
    """Return the definition of ``version`` as a JSON file's text (UTF-8, indented)."""
    exported = {"$schema": SCHEMA_ID, **version.definition}
    return json.dumps(exported, ensure_ascii=False, indent=2) + "\n"


def _parse(raw: bytes) -> Any:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused([Finding("$", "file_too_large", _(
            "The file is larger than %(max)s MB; a procedure definition is much smaller."
        ) % {"max": MAX_IMPORT_BYTES // (1024 * 1024)})])
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused(
            [Finding("$", "not_utf8", _("The file is not UTF-8 text."))]
        ) from None
    except json.JSONDecodeError as error:
        raise ImportRefused([Finding("$", "not_json", _(
            "The file is not valid JSON: %(problem)s at line %(line)s, column %(column)s."
        ) % {"problem": error.msg, "line": error.lineno, "column": error.colno})]) from None
    except RecursionError:
        raise ImportRefused(
            [Finding("$", "too_deep", _("The file is nested too deeply."))]
        ) from None


def definition_read(raw: bytes) -> dict:
    """Return the definition in a JSON file's bytes, or raise ImportRefused with every problem."""
    data = _parse(raw)
    if not isinstance(data, dict):
        raise ImportRefused([Finding("$", "not_object", _(
            "A procedure definition is a JSON object: { \"code\": …, \"steps\": […] }."
        ))])
    data.pop("$schema", None)
    count = field_total(data)
    if count > MAX_FIELDS_TOTAL:
        raise ImportRefused([Finding("$.steps", "too_many_fields", _(
            "A procedure may have at most %(max)s fields; this one has %(count)s."
        ) % {"max": MAX_FIELDS_TOTAL, "count": count})])
    findings = validate_definition(data, attribute_codes=attribute_value_types())
    if findings:
        raise ImportRefused(findings)
    return data


@transaction.atomic
def procedure_import(*, definition: dict, organisation, actor, code: str = "") -> Procedure:
    """Create a procedure of ``organisation`` from an imported definition (editor there)."""
    _require(actor, organisation, Role.EDITOR)
    code = code or definition["code"]
    if Procedure.objects.filter(code=code).exists():
        raise WorkflowRefused(_("The code %(code)s is taken; choose another.") % {"code": code})
    definition = {**definition, "code": code}
    procedure = procedure_create(
        code=code, organisation=organisation, definition=definition, actor=actor
    )
    audit_record(action="procedure.import", actor=actor, organisation=organisation,
                 target=procedure, data={"code": code, "version": 1})
    return procedure


@transaction.atomic
def version_import(*, procedure: Procedure, definition: dict, actor) -> ProcedureVersion:
    """Make an imported definition the procedure's draft: a new version, or the open draft."""
    _require(actor, procedure.organisation, Role.EDITOR)
    Procedure.objects.select_for_update().get(pk=procedure.pk)
    definition = {**definition, "code": procedure.code}
    open_version = selectors.open_version(procedure)
    if open_version is not None and open_version.status != VersionStatus.DRAFT:
        raise WorkflowRefused(_("A version is in review; wait for the review to finish."))
    if open_version is None:
        version = version_create(procedure=procedure, definition=definition, actor=actor)
    else:
        version = open_version
        version.definition = definition
        version.revision += 1
        version.save(update_fields=["definition", "revision"])
    audit_record(action="procedure.import", actor=actor, organisation=procedure.organisation,
                 target=version, data={"code": procedure.code, "version": version.number})
    return version
