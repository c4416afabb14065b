"""Answers as people read them: review page, receipt, case view and CSV export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import override

from kiban.procedures.conditions import step_fields, visible_steps
from kiban.procedures.field_types import field_types
from kiban.procedures.localise import text
from kiban.procedures.parsing import input_name


def display_answers(
    definition: Mapping[str, Any], answers: Mapping[str, Any], language: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return [(step title, [(field label, answer as text)])] for the visible steps.

    Fields the resident cannot see are left out; an unanswered visible field shows "".
    Groups show one line per row, separated by newlines (use ``linebreaksbr`` in HTML).
    My Number is masked by its type.
    """
    sections = []
    with override(language):
        for index in visible_steps(definition, answers):
            step = definition["steps"][index]
            rows = [
                (
                    text(field.get("label"), language),
                    field_types[field["type"]].display(field, answers.get(field["id"]), language),
                )
                for field in step_fields(definition, index, answers)
            ]
            sections.append((text(step.get("title"), language), rows))
    return sections


def error_items(
    definition: Mapping[str, Any], step_index: int, errors: Mapping[str, str], language: str
) -> list[dict[str, str]]:
    """Return [{"id", "label", "message"}] for an error summary linking to each field.

    Row-level keys of groups ("children.0.name") are summarised by the group's own entry.
    """
    fields = {field["id"]: field for field in definition["steps"][step_index].get("fields", [])}
    items = []
    for key, message in errors.items():
        field = fields.get(key)
        if field is None:
            continue
        kind = field_types[field["type"]]
        items.append(
            {
                "id": kind.focus_id(field, input_name(key)),
                "label": text(field.get("label"), language),
                "message": message,
            }
        )
    return items
