"""Read one step of a procedure from a POST: values, errors, warnings and what was typed.

Every input of field ``x`` is named ``f-x`` or ``f-x-<suffix>``. A POST that carries an
``f-`` input of no visible field of the step was not produced by kiban's page, and is
reported as tampered rather than silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from kiban.procedures.conditions import is_empty, is_required, step_fields
from kiban.procedures.field_types import FieldError, RowErrors, field_types, required_error

FIELD_PREFIX = "f-"


def input_name(field_id: str) -> str:
    """Return the HTML name prefix of the inputs of top-level field ``field_id``."""
    return f"{FIELD_PREFIX}{field_id}"


@dataclass
class StepResult:
    """What ``parse_step`` read.

    ``values`` maps each visible field id to its value (None when empty). ``errors`` maps
    field ids to messages; keys with dots ("children.0.name") locate an error inside a group
    row and always come with a message for the group itself. ``raw`` maps input names to the
    strings typed, for re-rendering. ``action`` is the name of a lookup/add/remove button
    that was pressed: re-render the same step without advancing. ``tampered`` is True when
    the POST held inputs of fields that are not on this step; nothing else is filled then.
    """

    values: dict[str, Any] = dataclass_field(default_factory=dict)
    errors: dict[str, str] = dataclass_field(default_factory=dict)
    warnings: dict[str, list[str]] = dataclass_field(default_factory=dict)
    raw: dict[str, str] = dataclass_field(default_factory=dict)
    action: str | None = None
    tampered: bool = False


def _belongs(key: str, prefixes: Iterable[str]) -> bool:
    return any(key == prefix or key.startswith(prefix + "-") for prefix in prefixes)


def is_tampered(
    fields: list[dict], data: Mapping[str, Any], files: Mapping[str, Any] | None
) -> bool:
    """Return whether ``data`` or ``files`` hold field inputs that ``fields`` do not own."""
    prefixes = [input_name(field["id"]) for field in fields]
    keys = [*data.keys(), *(files.keys() if files is not None else [])]
    return any(key.startswith(FIELD_PREFIX) and not _belongs(key, prefixes) for key in keys)


def _parse_field(result: StepResult, field: dict, data, files, answers) -> None:
    kind = field_types[field["type"]]
    name, field_id = input_name(field["id"]), field["id"]
    result.raw.update(kind.raw_from_data(field, data, name))
    try:
        parsed = kind.parse(field, data, files, name)
    except RowErrors as error:
        result.errors[field_id] = error.message
        result.errors.update(
            {f"{field_id}.{key}": message for key, message in error.details.items()}
        )
        return
    except FieldError as error:
        result.errors[field_id] = error.message
        return
    value = parsed.value
    if value is None:
        value = kind.keep_previous(field, data, name, answers.get(field_id))
    result.values[field_id] = value
    if parsed.warnings:
        result.warnings[field_id] = parsed.warnings


def _check_required(result: StepResult, fields: list[dict], answers: Mapping[str, Any]) -> None:
    merged = {**answers, **result.values}
    for field in fields:
        field_id = field["id"]
        if field_id in result.errors or not is_empty(result.values.get(field_id)):
            continue
        if is_required(field, merged):
            result.errors[field_id] = required_error(field)


def _action(fields: list[dict], data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Return the button pressed and the id of the field it belongs to."""
    for field in fields:
        pressed = field_types[field["type"]].action(field, data, input_name(field["id"]))
        if pressed:
            return pressed, field["id"]
    return None, None


def parse_step(
    definition: Mapping[str, Any],
    step_index: int,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
) -> StepResult:
    """Read step ``step_index`` from ``data`` (request.POST) and ``files`` (request.FILES).

    Check each visible field with its type, then required and required_if against the
    answers so far merged with this step's. When a button such as "Find address" was
    pressed, skip the required checks and keep only the errors of the field it belongs to:
    the resident has not tried to continue yet.
    """
    fields = step_fields(definition, step_index, answers)
    if is_tampered(fields, data, files):
        return StepResult(tampered=True)
    result = StepResult()
    for field in fields:
        _parse_field(result, field, data, files, answers)
    result.action, acting = _action(fields, data)
    if acting is None:
        _check_required(result, fields, answers)
    else:
        result.errors = {
            key: message
            for key, message in result.errors.items()
            if key == acting or key.startswith(acting + ".")
        }
    return result
