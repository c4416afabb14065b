"""Check a procedure definition before it can be published.

The JSON Schema (``kiban/schema/procedure.schema.json``) checks the format; the checks here
need more than a schema: unique ids, registered field types and their options, conditions
that read only earlier answers and never themselves, prefill attributes that exist with a
compatible value type, the legal basis a My Number field needs, and size limits. Each
problem is a ``Finding`` with the JSON path of the offending part.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from kiban.procedures.condition_checks import condition_findings
from kiban.procedures.field_types import field_types
from kiban.procedures.findings import Finding

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "procedure.schema.json"
MAX_FIELDS_TOTAL = 2000
MAX_FIELDS_PER_STEP = 60


@dataclass(frozen=True)
class FieldAt:
    """A field with its place in the definition; ``group`` is set for subfields."""

    path: str
    field: dict
    step: int
    position: int
    group: dict | None = None


@cache
def procedure_schema() -> dict[str, Any]:
    """Return the JSON Schema of procedure definitions."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(procedure_schema())


def _options_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "$defs": procedure_schema()["$defs"]})


def _schema_message(error: ValidationError) -> ValidationError:
    """Return the most telling error of an anyOf/oneOf failure, or the error itself.

    "is not of type" says only which alternative did not apply; prefer what went wrong
    inside the alternative that did (an unknown operator, say).
    """
    while error.context:
        telling = [e for e in error.context if e.validator != "type"]
        error = best_match(telling or error.context)
    return error


def schema_findings(definition: Any) -> list[Finding]:
    """Return a finding for each place where ``definition`` breaks the JSON Schema."""
    findings = []
    for error in sorted(_validator().iter_errors(definition), key=lambda e: list(e.path)):
        detail = _schema_message(error)
        findings.append(Finding(detail.json_path, "schema", detail.message))
    return findings


def fields_at(definition: Mapping[str, Any]) -> Iterator[FieldAt]:
    """Yield every field of ``definition``, subfields of groups after their group."""
    for step_index, step in enumerate(definition.get("steps", [])):
        for position, field in enumerate(step.get("fields", [])):
            path = f"$.steps[{step_index}].fields[{position}]"
            yield FieldAt(path, field, step_index, position)
            for sub_position, sub in enumerate(field.get("fields") or []):
                yield FieldAt(f"{path}.fields[{sub_position}]", sub, step_index, position, field)


def _duplicate_ids(definition: Mapping[str, Any]) -> list[Finding]:
    seen: dict[tuple[str, str], str] = {}
    findings = []
    for index, step in enumerate(definition.get("steps", [])):
        seen_key = ("step", step["id"])
        if seen_key in seen:
            findings.append(
                Finding(
                    f"$.steps[{index}].id",
                    "duplicate_id",
                    _("The step id %(id)s is used twice.") % {"id": step["id"]},
                )
            )
        seen.setdefault(seen_key, "")
    for place in fields_at(definition):
        scope = place.group["id"] if place.group else ""
        key = (f"field:{scope}", place.field["id"])
        if key in seen:
            findings.append(
                Finding(
                    f"{place.path}.id",
                    "duplicate_id",
                    _("The field id %(id)s is used twice.") % {"id": place.field["id"]},
                )
            )
        seen.setdefault(key, place.path)
    return findings


def _type_findings(place: FieldAt) -> list[Finding]:
    field, path = place.field, place.path
    kind = field_types.get(field["type"])
    if kind is None:
        return [
            Finding(
                f"{path}.type",
                "field_type_unknown",
                _("There is no field type %(type)s.") % {"type": field["type"]},
            )
        ]
    findings = [
        Finding(f"{path}.options{error.json_path[1:]}", "options_invalid", error.message)
        for error in _options_validator(kind.options_schema).iter_errors(field.get("options", {}))
    ]
    findings += [
        Finding(f"{path}.{where}", code, message)
        for where, code, message in kind.check_options(field)
    ]
    return findings + _structure_findings(place)


def _structure_findings(place: FieldAt) -> list[Finding]:
    field, path = place.field, place.path
    kind = field_types[field["type"]]
    findings = []
    if field["type"] == "group" and not field.get("fields"):
        findings.append(Finding(path, "group_without_fields", _("A group needs subfields.")))
    if field["type"] != "group" and field.get("fields"):
        findings.append(
            Finding(f"{path}.fields", "fields_not_allowed", _("Only a group may have subfields."))
        )
    if place.group is not None:
        if not kind.allowed_in_group:
            findings.append(
                Finding(
                    f"{path}.type",
                    "type_not_allowed_in_group",
                    _("A %(type)s field cannot be inside a group.") % {"type": field["type"]},
                )
            )
        for key in ("show_if", "required_if", "prefill", "save_back"):
            if key in field:
                findings.append(
                    Finding(
                        f"{path}.{key}",
                        "subfield_option_unsupported",
                        _("Subfields of a group cannot use %(key)s.") % {"key": key},
                    )
                )
    return findings


def _prefill_findings(place: FieldAt, attribute_codes: Mapping[str, str]) -> list[Finding]:
    field, path = place.field, place.path
    code = field.get("prefill")
    if not code:
        if field.get("save_back"):
            return [
                Finding(
                    f"{path}.save_back",
                    "save_back_without_prefill",
                    _("save_back needs a prefill attribute to save to."),
                )
            ]
        return []
    kind = field_types.get(field["type"])
    if code not in attribute_codes:
        return [
            Finding(
                f"{path}.prefill",
                "prefill_unknown_attribute",
                _("There is no registry attribute %(code)s.") % {"code": code},
            )
        ]
    if kind is None:
        return []
    if kind.value_type is None or attribute_codes[code] != kind.value_type:
        return [
            Finding(
                f"{path}.prefill",
                "prefill_incompatible",
                _("A %(type)s field cannot hold %(code)s, whose values are of type %(value_type)s.")
                % {"type": field["type"], "code": code, "value_type": attribute_codes[code]},
            )
        ]
    return []


def _legal_findings(definition: Mapping[str, Any], place: FieldAt) -> list[Finding]:
    if place.field["type"] == "my_number" and not (definition.get("legal_basis") or "").strip():
        return [
            Finding(
                f"{place.path}.type",
                "my_number_without_legal_basis",
                _("A procedure may ask for My Number only when it states its legal basis."),
            )
        ]
    return []


def _limit_findings(definition: Mapping[str, Any]) -> list[Finding]:
    findings = []
    total = 0
    for index, step in enumerate(definition.get("steps", [])):
        count = sum(1 + len(field.get("fields") or []) for field in step.get("fields", []))
        total += count
        if count > MAX_FIELDS_PER_STEP:
            findings.append(
                Finding(
                    f"$.steps[{index}].fields",
                    "too_many_fields_in_step",
                    _("A step may have at most %(max)s fields; this one has %(count)s.")
                    % {"max": MAX_FIELDS_PER_STEP, "count": count},
                )
            )
    if total > MAX_FIELDS_TOTAL:
        findings.append(
            Finding(
                "$.steps",
                "too_many_fields",
                _("A procedure may have at most %(max)s fields; this one has %(count)s.")
                % {"max": MAX_FIELDS_TOTAL, "count": total},
            )
        )
    return findings


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(
                item, f"{path}.{key}" if str(key).isidentifier() else f"{path}['{key}']"
            )
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def script_findings(definition: Any) -> list[Finding]:
    """Flag texts holding <script: harmless (every text is escaped) but never intended."""
    return [
        Finding(path, "script_in_text", _("This text contains <script; remove it."))
        for path, value in _strings(definition, "$")
        if "<script" in value.lower()
    ]


def validate_definition(definition: Any, *, attribute_codes: Mapping[str, str]) -> list[Finding]:
    """Return every problem of ``definition``; an empty list means it can be published.

    ``attribute_codes`` maps registry attribute codes to their value types. Format problems
    are reported alone, since the other checks need a well-formed definition.
    """
    findings = schema_findings(definition)
    if findings:
        return findings + script_findings(definition)
    return structure_findings(definition, attribute_codes=attribute_codes)


def structure_findings(
    definition: Mapping[str, Any], *, attribute_codes: Mapping[str, str]
) -> list[Finding]:
    """Return the problems beyond the JSON Schema: ids, types, prefill, law, conditions, size.

    ``definition`` must have the shape the schema gives (steps with ids, fields with ids and
    types); texts may be missing. The builder uses this to report everything at once while a
    draft still lacks some texts.
    """
    limits = _limit_findings(definition)
    if any(finding.code == "too_many_fields" for finding in limits):
        return limits  # Checking each of 10,000 fields would only bury this one message.
    findings = _duplicate_ids(definition)
    for place in fields_at(definition):
        findings += _type_findings(place)
        findings += _prefill_findings(place, attribute_codes)
        findings += _legal_findings(definition, place)
    findings += condition_findings(definition)
    return findings + limits + script_findings(definition)
