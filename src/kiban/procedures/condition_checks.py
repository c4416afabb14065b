"""Check the conditions of a definition: known operators, known fields, order, no cycles.

Visibility is decided before a step is shown, so a ``show_if`` (of a step or a field) may
read only answers of earlier steps. ``required_if`` is checked after the step is posted, so
it may also read other fields of its own step. A field may never depend on itself, directly
or through others.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from kiban.procedures.findings import Finding
from kiban.procedures.logic import LogicError, referenced_fields


def _conditions(definition: Mapping[str, Any]) -> Iterator[tuple[str, str, int, str | None, Any]]:
    """Yield (path, kind, step index, field id or None, rule) for every condition."""
    for step_index, step in enumerate(definition.get("steps", [])):
        if "show_if" in step:
            yield f"$.steps[{step_index}].show_if", "show_if", step_index, None, step["show_if"]
        for position, field in enumerate(step.get("fields", [])):
            for key in ("show_if", "required_if"):
                if key in field:
                    path = f"$.steps[{step_index}].fields[{position}].{key}"
                    yield path, key, step_index, field["id"], field[key]


def _field_steps(definition: Mapping[str, Any]) -> dict[str, int]:
    return {
        field["id"]: index
        for index, step in enumerate(definition.get("steps", []))
        for field in step.get("fields", [])
    }


def _reference_findings(
    path: str, kind: str, step: int, own: str | None, used: set[str], steps: Mapping[str, int]
) -> list[tuple[str, str, str]]:
    findings = []
    for field_id in sorted(used):
        if field_id == own:
            continue  # Reported as a cycle.
        if field_id not in steps:
            findings.append(
                (
                    path,
                    "condition_unknown_field",
                    _("The condition reads %(id)s, which is not a field of this procedure.")
                    % {"id": field_id},
                )
            )
        elif steps[field_id] > step or (kind == "show_if" and steps[field_id] == step):
            findings.append(
                (
                    path,
                    "condition_later_field",
                    _("The condition reads %(id)s, which is not answered before it is needed.")
                    % {"id": field_id},
                )
            )
    return findings


def _dependencies(definition: Mapping[str, Any]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for _path, _kind, _step, own, rule in _conditions(definition):
        if own is None:
            continue
        try:
            graph.setdefault(own, set()).update(referenced_fields(rule))
        except LogicError:
            continue
    return graph


def _cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Return one list of field ids per cycle found in the dependency graph."""
    done: set[str] = set()
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            cycles.append(trail[trail.index(node) :])
            return
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*trail, node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])
    return cycles


def _field_paths(definition: Mapping[str, Any]) -> dict[str, str]:
    return {
        field["id"]: f"$.steps[{index}].fields[{position}]"
        for index, step in enumerate(definition.get("steps", []))
        for position, field in enumerate(step.get("fields", []))
    }


def condition_findings(definition: Mapping[str, Any]) -> list[Finding]:
    """Return a finding for each condition that cannot work as written."""
    steps = _field_steps(definition)
    found: list[tuple[str, str, str]] = []
    for path, kind, step, own, rule in _conditions(definition):
        try:
            used = referenced_fields(rule)
        except LogicError as error:
            found.append(
                (
                    path,
                    "condition_invalid",
                    _("The condition is not valid: %(error)s") % {"error": error},
                )
            )
            continue
        found += _reference_findings(path, kind, step, own, used, steps)
    paths = _field_paths(definition)
    for cycle in _cycles(_dependencies(definition)):
        found.append(
            (
                paths.get(cycle[0], "$.steps"),
                "condition_circular",
                _("These fields depend on each other in a circle: %(ids)s.")
                % {"ids": " → ".join([*cycle, cycle[0]])},
            )
        )
    return [Finding(path, code, message) for path, code, message in found]
