"""Which steps and fields a resident sees, and which answers are still missing.

Conditions (``show_if`` on steps and fields, ``required_if`` on fields) are evaluated on
the server with ``kiban.procedures.logic`` against the answers given so far.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kiban.procedures.logic import holds


def all_fields(definition: Mapping[str, Any]) -> Iterator[tuple[int, dict]]:
    """Yield (step index, field) for every top-level field of every step."""
    for index, step in enumerate(definition.get("steps", [])):
        for field in step.get("fields", []):
            yield index, field


def visible_steps(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> list[int]:
    """Return the indices of the steps whose ``show_if`` holds for ``answers``."""
    return [
        index
        for index, step in enumerate(definition.get("steps", []))
        if holds(step.get("show_if"), answers)
    ]


def step_fields(
    definition: Mapping[str, Any], step_index: int, answers: Mapping[str, Any]
) -> list[dict]:
    """Return the fields of step ``step_index`` whose ``show_if`` holds for ``answers``."""
    step = definition["steps"][step_index]
    return [field for field in step.get("fields", []) if holds(field.get("show_if"), answers)]


def is_required(field: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Return whether ``field`` must be answered, given ``answers``."""
    if field.get("required"):
        return True
    rule = field.get("required_if")
    return rule is not None and holds(rule, answers)


def is_empty(value: Any) -> bool:
    """Return whether ``value`` counts as no answer."""
    return value is None or value == "" or value == [] or value == {}


def incomplete_steps(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> list[int]:
    """Return the visible steps in which a visible, required field has no answer."""
    return [
        index
        for index in visible_steps(definition, answers)
        if any(
            is_required(field, answers) and is_empty(answers.get(field["id"]))
            for field in step_fields(definition, index, answers)
        )
    ]


def prune_answers(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return only the answers of fields the resident can currently see (data minimisation).

    Answers given before a condition changed (a hidden step or field) are dropped.
    """
    visible = {
        field["id"]
        for index in visible_steps(definition, answers)
        for field in step_fields(definition, index, answers)
    }
    return {key: value for key, value in answers.items() if key in visible}
