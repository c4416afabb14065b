"""Edit a procedure definition the way the no-code builder does, one operation at a time.

Every function here changes the definition it is given (the caller passes a copy) and
raises ``BuilderError`` with a message for the editor when the operation cannot be done.
Fields are found by id: a top-level field by its own id, a subfield of a group by
``(group id, subfield id)``. No database here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kiban.procedures.field_types import field_types
from kiban.procedures.logic import LogicError, referenced_fields
from kiban.procedures.validation import MAX_FIELDS_PER_STEP, MAX_FIELDS_TOTAL

LANGUAGES = ("ja", "en", "ja-easy")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
CONDITION_KEYS = ("show_if", "required_if")


class BuilderError(ValueError):
    """An operation the builder refuses; ``message`` is shown to the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldPlace:
    """Where a field is: its step, its position, and its position inside a group."""

    step: int
    position: int
    sub: int | None = None

    @property
    def path(self) -> str:
        path = f"$.steps[{self.step}].fields[{self.position}]"
        return path if self.sub is None else f"{path}.fields[{self.sub}]"


def languages_of(definition: Mapping[str, Any]) -> list[str]:
    """Return the languages ``definition`` is offered in (all three unless it says)."""
    offered = definition.get("languages")
    return [code for code in LANGUAGES if code in offered] if offered else list(LANGUAGES)


def localised(values: Mapping[str, str]) -> dict[str, str]:
    """Return the non-empty texts of ``values`` keyed by language, stripped."""
    return {code: values[code].strip() for code in LANGUAGES if (values.get(code) or "").strip()}


def new_definition(*, code: str, title: Mapping[str, str], contact: str = "") -> dict:
    """Return the definition of a new procedure: its title and one empty step."""
    definition: dict[str, Any] = {
        "code": code,
        "title": localised(title),
        "languages": list(LANGUAGES),
        "steps": [{"id": "step_1", "title": localised(title), "fields": []}],
    }
    if contact.strip():
        definition["contact"] = contact.strip()
    return definition


def _set_or_drop(target: dict, key: str, value: Any) -> None:
    if value in (None, "", {}, []):
        target.pop(key, None)
    else:
        target[key] = value


def settings_apply(definition: dict, values: Mapping[str, Any]) -> None:
    """Set the procedure-wide properties in ``values``; empty values remove the property."""
    for key in ("title", "description", "purpose"):
        if key in values:
            _set_or_drop(definition, key, localised(values[key]))
    for key in ("legal_basis", "contact", "requires_assurance"):
        if key in values:
            _set_or_drop(definition, key, (values[key] or "").strip())
    if "retention_days" in values:
        _set_or_drop(definition, "retention_days", values["retention_days"])
    if "languages" in values:
        definition["languages"] = [code for code in LANGUAGES if code in values["languages"]]


# --- steps ---------------------------------------------------------------------------------


def step_index(definition: Mapping[str, Any], step_id: str) -> int:
    """Return the index of step ``step_id``, or raise BuilderError."""
    for index, step in enumerate(definition.get("steps", [])):
        if step.get("id") == step_id:
            return index
    raise BuilderError(_("There is no step %(id)s.") % {"id": step_id})


def _unique_id(taken: set[str], stem: str) -> str:
    number = 1
    while f"{stem}_{number}" in taken:
        number += 1
    return f"{stem}_{number}"


def step_add(definition: dict, *, title: Mapping[str, str]) -> str:
    """Append a step titled ``title``; return its id."""
    texts = localised(title)
    if "ja" not in texts:
        raise BuilderError(_("Give the step a Japanese title."))
    steps = definition.setdefault("steps", [])
    step_id = _unique_id({step["id"] for step in steps}, "step")
    steps.append({"id": step_id, "title": texts, "fields": []})
    return step_id


def step_update(definition: dict, step_id: str, values: Mapping[str, Any]) -> None:
    """Set the title, description and ``show_if`` of a step (None removes the condition)."""
    step = definition["steps"][step_index(definition, step_id)]
    if "title" in values:
        _set_or_drop(step, "title", localised(values["title"]))
    if "description" in values:
        _set_or_drop(step, "description", localised(values["description"]))
    if "show_if" in values:
        _set_or_drop(step, "show_if", values["show_if"])


def step_remove(definition: dict, step_id: str) -> None:
    """Remove a step and its fields, unless another part's condition reads one of them."""
    index = step_index(definition, step_id)
    for field in definition["steps"][index]["fields"]:
        _refuse_if_read(definition, field["id"], ignore_step=index)
    del definition["steps"][index]


def step_move(definition: dict, step_id: str, delta: int) -> None:
    """Move a step ``delta`` places (-1 up, +1 down); moving past either end does nothing."""
    steps = definition["steps"]
    index = step_index(definition, step_id)
    target = index + delta
    if 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]


# --- fields --------------------------------------------------------------------------------


def field_places(definition: Mapping[str, Any]) -> Iterator[tuple[FieldPlace, dict]]:
    """Yield (place, field) for every field, each group's subfields after it."""
    for step, step_def in enumerate(definition.get("steps", [])):
        for position, field in enumerate(step_def.get("fields", [])):
            yield FieldPlace(step, position), field
            for sub, subfield in enumerate(field.get("fields") or []):
                yield FieldPlace(step, position, sub), subfield


def find_field(definition: Mapping[str, Any], field_id: str, group_id: str | None = None):
    """Return (place, field) of a field (a subfield of ``group_id``), or raise BuilderError."""
    for place, field in field_places(definition):
        if group_id is None and place.sub is None and field.get("id") == field_id:
            return place, field
        if group_id is not None and place.sub is not None and field.get("id") == field_id:
            group = definition["steps"][place.step]["fields"][place.position]
            if group.get("id") == group_id:
                return place, field
    raise BuilderError(_("There is no field %(id)s.") % {"id": field_id})


def _container(definition: dict, place: FieldPlace) -> list[dict]:
    fields = definition["steps"][place.step]["fields"]
    return fields if place.sub is None else fields[place.position]["fields"]


def _field_count(definition: Mapping[str, Any], step: int | None = None) -> int:
    steps = definition.get("steps", [])
    chosen = steps if step is None else [steps[step]]
    return sum(1 + len(f.get("fields") or []) for s in chosen for f in s.get("fields", []))


def field_add(
    definition: dict,
    *,
    step_id: str,
    field_type: str,
    label: Mapping[str, str],
    group_id: str | None = None,
) -> str:
    """Add a field of ``field_type`` at the end of a step (or of a group); return its id."""
    kind = field_types.get(field_type)
    if kind is None:
        raise BuilderError(_("There is no field type %(type)s.") % {"type": field_type})
    texts = localised(label)
    if "ja" not in texts:
        raise BuilderError(_("Give the field a Japanese label."))
    index = step_index(definition, step_id)
    if _field_count(definition, index) >= MAX_FIELDS_PER_STEP:
        raise BuilderError(
            _("A step may have at most %(max)s fields; add a new step.")
            % {"max": MAX_FIELDS_PER_STEP}
        )
    if _field_count(definition) >= MAX_FIELDS_TOTAL:
        raise BuilderError(
            _("A procedure may have at most %(max)s fields.") % {"max": MAX_FIELDS_TOTAL}
        )
    if group_id is None:
        container = definition["steps"][index]["fields"]
        taken = {field.get("id") for _place, field in field_places(definition)}
    else:
        place, group = find_field(definition, group_id)
        if group["type"] != "group" or place.step != index:
            raise BuilderError(_("Only a group may have subfields."))
        if not kind.allowed_in_group:
            raise BuilderError(
                _("A %(type)s field cannot be inside a group.") % {"type": field_type}
            )
        container = group.setdefault("fields", [])
        taken = {field.get("id") for field in container}
    field_id = _unique_id(taken, field_type)
    container.append({"id": field_id, "type": field_type, "label": texts})
    return field_id


def field_update(definition: dict, place: FieldPlace, values: Mapping[str, Any]) -> None:
    """Set the properties in ``values`` on the field at ``place``; None or "" removes one.

    A new ``id`` is checked for uniqueness and every condition reading the old id is
    rewritten to read the new one.
    """
    field = _container(definition, place)[place.position if place.sub is None else place.sub]
    new_id = values.get("id")
    if new_id and new_id != field["id"]:
        _rename(definition, place, field, new_id)
    for key in ("label", "help", "error"):
        if key in values:
            _set_or_drop(field, key, localised(values[key]))
    for key in ("need", "prefill", "options", "show_if", "required_if"):
        if key in values:
            _set_or_drop(field, key, values[key])
    for key in ("required", "save_back"):
        if key in values:
            if values[key]:
                field[key] = True
            else:
                field.pop(key, None)
    if not field.get("prefill"):
        field.pop("save_back", None)


def _rename(definition: dict, place: FieldPlace, field: dict, new_id: str) -> None:
    if not IDENTIFIER.match(new_id):
        raise BuilderError(
            _("An id starts with a lowercase letter and has only a-z, 0-9 and _.")
        )
    if place.sub is None:
        taken = {f.get("id") for p, f in field_places(definition) if p.sub is None}
    else:
        taken = {f.get("id") for f in _container(definition, place)}
    if new_id in taken:
        raise BuilderError(_("The field id %(id)s is used twice.") % {"id": new_id})
    old_id, field["id"] = field["id"], new_id
    if place.sub is None:
        for owner in _condition_owners(definition):
            for key in CONDITION_KEYS:
                if key in owner:
                    owner[key] = rename_in_rule(owner[key], old_id, new_id)


def rename_in_rule(rule: Any, old_id: str, new_id: str) -> Any:
    """Return ``rule`` with every ``var`` of field ``old_id`` (or its parts) reading ``new_id``."""
    if isinstance(rule, list):
        return [rename_in_rule(item, old_id, new_id) for item in rule]
    if not isinstance(rule, dict):
        return rule
    if set(rule) == {"var"}:
        args = rule["var"] if isinstance(rule["var"], list) else [rule["var"]]
        path = args[0] if args and isinstance(args[0], str) else ""
        head, dot, rest = path.partition(".")
        if head == old_id:
            renamed = f"{new_id}{dot}{rest}"
            return {"var": [renamed, *args[1:]] if isinstance(rule["var"], list) else renamed}
        return rule
    return {key: rename_in_rule(value, old_id, new_id) for key, value in rule.items()}


def _condition_owners(definition: dict) -> Iterator[dict]:
    for step in definition.get("steps", []):
        yield step
        yield from step.get("fields", [])


def readers_of(definition: Mapping[str, Any], field_id: str) -> list[str]:
    """Return the ids of the steps and fields whose conditions read ``field_id``."""
    readers = []
    for owner in _condition_owners(definition):  # type: ignore[arg-type]
        for key in CONDITION_KEYS:
            try:
                used = referenced_fields(owner[key]) if key in owner else set()
            except LogicError:
                continue
            if field_id in used and owner.get("id") != field_id:
                readers.append(owner.get("id", ""))
    return readers


def _refuse_if_read(definition: dict, field_id: str, ignore_step: int | None = None) -> None:
    ignored = set()
    if ignore_step is not None:
        step = definition["steps"][ignore_step]
        ignored = {step["id"], *(field["id"] for field in step.get("fields", []))}
    readers = [reader for reader in readers_of(definition, field_id) if reader not in ignored]
    if readers:
        raise BuilderError(
            _("The conditions of %(readers)s read %(id)s; change them first.")
            % {"readers": ", ".join(readers), "id": field_id}
        )


def field_remove(definition: dict, place: FieldPlace) -> None:
    """Remove the field at ``place``, unless a condition reads it."""
    container = _container(definition, place)
    index = place.position if place.sub is None else place.sub
    if place.sub is None:
        _refuse_if_read(definition, container[index]["id"])
    del container[index]


def field_move(definition: dict, place: FieldPlace, delta: int) -> None:
    """Move a field ``delta`` places within its step (or group); nothing past either end."""
    container = _container(definition, place)
    index = place.position if place.sub is None else place.sub
    target = index + delta
    if 0 <= target < len(container):
        container[index], container[target] = container[target], container[index]


def field_move_to_step(definition: dict, place: FieldPlace, step_id: str) -> None:
    """Move a top-level field to the end of another step."""
    if place.sub is not None:
        raise BuilderError(_("A subfield stays in its group."))
    target = step_index(definition, step_id)
    if target == place.step:
        return
    if _field_count(definition, target) >= MAX_FIELDS_PER_STEP:
        raise BuilderError(
            _("A step may have at most %(max)s fields; add a new step.")
            % {"max": MAX_FIELDS_PER_STEP}
        )
    field = definition["steps"][place.step]["fields"].pop(place.position)
    definition["steps"][target]["fields"].append(field)
