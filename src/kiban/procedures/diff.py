"""What changed between two versions of a procedure, field by field.

Steps and fields are matched by id (a field id is unique in a procedure; a subfield's is
unique in its group), so a renamed label shows as a change of that field, a field that moved
to another step as a move, and a new id as one field removed and one added. Texts are
compared per language ("label.en"). No database here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiban.procedures.localise import text

PROCEDURE_KEYS = (
    "title", "description", "purpose", "legal_basis", "retention_days", "contact",
    "requires_assurance", "languages",
)
STEP_KEYS = ("title", "description", "show_if")
FIELD_KEYS = (
    "type", "label", "help", "error", "required", "need", "prefill", "save_back",
    "autocomplete", "options", "show_if", "required_if",
)
LOCALISED_KEYS = {"title", "description", "purpose", "label", "help", "error"}


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed, changed or moved; ``part`` what it is in."""

    kind: str
    part: str  # "procedure", "step" or "field"
    id: str  # the step or field id ("group.sub" for a subfield), "" for the procedure
    label: str  # its label or title in the language asked for
    key: str = ""  # the property that changed, e.g. "label.en", "required"
    old: Any = None
    new: Any = None


def _property_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], keys: tuple[str, ...]
) -> list[tuple[str, Any, Any]]:
    changes = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in LOCALISED_KEYS and (isinstance(before, dict) or isinstance(after, dict)):
            before, after = before or {}, after or {}
            for language in sorted(set(before) | set(after)):
                if before.get(language) != after.get(language):
                    changes.append((f"{key}.{language}", before.get(language), after.get(language)))
        else:
            changes.append((key, before, after))
    return changes


def _fields(definition: Mapping[str, Any]) -> dict[str, tuple[str, dict]]:
    """Return {field key: (step id, field)}; subfields are keyed "group.sub"."""
    found = {}
    for step in definition.get("steps", []):
        for field in step.get("fields", []):
            found[field.get("id", "")] = (step.get("id", ""), field)
            for sub in field.get("fields") or []:
                found[f"{field.get('id', '')}.{sub.get('id', '')}"] = (step.get("id", ""), sub)
    return found


def _order(items: list[str], keep: set[str]) -> list[str]:
    return [item for item in items if item in keep]


def _step_changes(old: Mapping, new: Mapping, language: str) -> list[Change]:
    before = {s.get("id"): s for s in old.get("steps", [])}
    after = {s.get("id"): s for s in new.get("steps", [])}
    changes = []
    for step_id, step in after.items():
        label = text(step.get("title"), language)
        if step_id not in before:
            changes.append(Change("added", "step", step_id, label))
            continue
        for key, was, now in _property_changes(before[step_id], step, STEP_KEYS):
            changes.append(Change("changed", "step", step_id, label, key, was, now))
    for step_id, step in before.items():
        if step_id not in after:
            changes.append(Change("removed", "step", step_id, text(step.get("title"), language)))
    common = set(before) & set(after)
    old_order, new_order = _order(list(before), common), _order(list(after), common)
    if old_order != new_order:
        changes.append(Change("moved", "step", "", "", "order", old_order, new_order))
    return changes


def _field_changes(old: Mapping, new: Mapping, language: str) -> list[Change]:
    before, after = _fields(old), _fields(new)
    changes = []
    for key, (step_id, field) in after.items():
        label = text(field.get("label"), language)
        if key not in before:
            changes.append(Change("added", "field", key, label, "step", None, step_id))
            continue
        old_step, old_field = before[key]
        if old_step != step_id:
            changes.append(Change("moved", "field", key, label, "step", old_step, step_id))
        old_plain = {k: v for k, v in old_field.items() if k != "fields"}
        new_plain = {k: v for k, v in field.items() if k != "fields"}
        for prop, was, now in _property_changes(old_plain, new_plain, FIELD_KEYS):
            changes.append(Change("changed", "field", key, label, prop, was, now))
    for key, (step_id, field) in before.items():
        if key not in after:
            label = text(field.get("label"), language)
            changes.append(Change("removed", "field", key, label, "step", step_id, None))
    return changes


def definition_diff(
    old: Mapping[str, Any], new: Mapping[str, Any], language: str = "ja"
) -> list[Change]:
    """Return every change from ``old`` to ``new``: procedure, then steps, then fields."""
    title = text(new.get("title"), language)
    changes = [
        Change("changed", "procedure", "", title, key, was, now)
        for key, was, now in _property_changes(old, new, PROCEDURE_KEYS)
    ]
    return changes + _step_changes(old, new, language) + _field_changes(old, new, language)


def change_summary(changes: list[Change], limit: int = 50) -> list[dict[str, Any]]:
    """Return ``changes`` as short JSON-safe rows for an audit record (at most ``limit``)."""
    rows = [
        {"kind": c.kind, "part": c.part, "id": c.id, "key": c.key}
        for c in changes[:limit]
    ]
    if len(changes) > limit:
        rows.append({"kind": "more", "count": len(changes) - limit})
    return rows
