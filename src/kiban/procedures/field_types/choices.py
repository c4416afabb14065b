"""Single choice (radio buttons or a select) and multiple choice (checkboxes).

Choices are listed in the definition as ``{"value": "daycare", "label": {...}}``; the value
is a stable code stored in answers, the label is what residents read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    RenderState,
    field_label,
    field_types,
)
from kiban.procedures.localise import text
from kiban.registry.constants import ValueType

_CHOICES_SCHEMA = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/choice"}}


def choices_of(field: dict) -> list[dict[str, Any]]:
    """Return the choices declared in ``field``'s options."""
    return (field.get("options") or {}).get("choices") or []


def choice_label(field: dict, value: Any, language: str) -> str:
    """Return the label of choice ``value`` in ``language``, or the value if unknown."""
    for choice in choices_of(field):
        if choice.get("value") == value:
            return text(choice.get("label"), language)
    return "" if value is None else str(value)


def _duplicate_values(field: dict) -> list[tuple[str, str, str]]:
    values = [choice.get("value") for choice in choices_of(field)]
    duplicates = sorted({v for v in values if values.count(v) > 1})
    return [
        (
            "options.choices",
            "choice_duplicate",
            _("The choice value %(value)s appears twice.") % {"value": value},
        )
        for value in duplicates
    ]


@field_types.register("choice")
class ChoiceField(FieldType):
    """One answer among the choices; radio buttons by default, a select when asked."""

    value_type = ValueType.CHOICE
    template = "procedures/fields/choice.html"
    options_schema = {
        "type": "object",
        "properties": {"choices": _CHOICES_SCHEMA, "widget": {"enum": ["radio", "select"]}},
        "required": ["choices"],
        "additionalProperties": False,
    }

    def parse(self, field, data, files, name):
        answer = data.get(name, "")
        if answer == "":
            return ParsedValue(None)
        if answer not in {choice["value"] for choice in choices_of(field)}:
            raise FieldError("choice_unknown", _("Select one of the options listed."))
        return ParsedValue(answer)

    def display(self, field, value, language):
        return choice_label(field, value, language)

    def required_message(self, field):
        return _("Select %(label)s.") % {"label": field_label(field)}

    def check_options(self, field):
        return _duplicate_values(field)

    def focus_id(self, field, name):
        widget = (field.get("options") or {}).get("widget", "radio")
        return name if widget == "select" else f"{name}-0"

    def context(self, field, name, state: RenderState):
        current = state.raw.get(name, "")
        widget = (field.get("options") or {}).get("widget", "radio")
        return {
            "widget": widget,
            "input": {"name": name, "id": name, "value": current},
            "options": [
                {
                    "id": f"{name}-{index}",
                    "value": choice["value"],
                    "label": text(choice.get("label"), state.language),
                    "checked": choice["value"] == current,
                }
                for index, choice in enumerate(choices_of(field))
            ],
        }


@field_types.register("multi_choice")
class MultiChoiceField(FieldType):
    """Any number of the choices, as checkboxes; the value lists codes in definition order."""

    template = "procedures/fields/multi_choice.html"
    options_schema = {
        "type": "object",
        "properties": {
            "choices": _CHOICES_SCHEMA,
            "min_items": {"type": "integer", "minimum": 0},
            "max_items": {"type": "integer", "minimum": 1},
        },
        "required": ["choices"],
        "additionalProperties": False,
    }

    def raw_from_data(self, field, data, name):
        return {name: "\n".join(data.getlist(name))}

    def parse(self, field, data, files, name):
        answers = set(data.getlist(name))
        if not answers:
            return ParsedValue(None)
        known = [choice["value"] for choice in choices_of(field)]
        if not answers <= set(known):
            raise FieldError("choice_unknown", _("Select only options that are listed."))
        value = [code for code in known if code in answers]
        self._check_count(field, len(value))
        return ParsedValue(value)

    def _check_count(self, field: dict, count: int) -> None:
        options = field.get("options") or {}
        low, high = options.get("min_items"), options.get("max_items")
        if low is not None and count < low:
            raise FieldError("choice_too_few", _("Select at least %(min)s options.") % {"min": low})
        if high is not None and count > high:
            raise FieldError(
                "choice_too_many", _("Select at most %(max)s options.") % {"max": high}
            )

    def raw_from_value(self, field, value):
        return {} if not value else {"": "\n".join(value)}

    def display(self, field, value, language):
        if not value:
            return ""
        separator = "、" if language.startswith("ja") else ", "
        return separator.join(choice_label(field, code, language) for code in value)

    def required_message(self, field):
        return _("Select at least one option for %(label)s.") % {"label": field_label(field)}

    def focus_id(self, field, name):
        return f"{name}-0"

    def check_options(self, field):
        options = field.get("options") or {}
        findings = _duplicate_values(field)
        low, high = options.get("min_items"), options.get("max_items")
        if low is not None and high is not None and low > high:
            findings.append(
                (
                    "options.min_items",
                    "options_min_above_max",
                    _("min_items is greater than max_items."),
                )
            )
        return findings

    def context(self, field, name, state: RenderState):
        current = set(state.raw.get(name, "").split("\n"))
        return {
            "options": [
                {
                    "id": f"{name}-{index}",
                    "value": choice["value"],
                    "label": text(choice.get("label"), state.language),
                    "checked": choice["value"] in current,
                }
                for index, choice in enumerate(choices_of(field))
            ]
        }
