"""Render the fields of a step as accessible HTML, with the field types' templates.

Every input has a label; composite types are fieldsets with a legend; hints, prefill
notices, errors and warnings are linked with aria-describedby; required fields say so in
text. Labels and answers are autoescaped by the templates: nothing here marks user or
definition text safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from kiban.procedures.conditions import is_required, step_fields
from kiban.procedures.field_types import field_types
from kiban.procedures.localise import format_day, text
from kiban.procedures.parsing import input_name


@dataclass
class StepRendering:
    """The state shared by the fields of one step while rendering (a RenderState)."""

    raw: Mapping[str, str]
    language: str
    answers: Mapping[str, Any]
    errors: Mapping[str, str]
    warnings: Mapping[str, list[str]]

    def render(self, field: dict, name: str, key: str) -> str:
        """Render a subfield (of a group row) whose error messages are under ``key``."""
        return render_field(
            self, field, name, key, required=bool(field.get("required")), nested=True
        )


def prefill_notice(info: Mapping[str, Any], language: str) -> str:
    """Return the notice shown under a prefilled field: its source and date."""
    recorded = info.get("recorded_at") or ""
    try:
        shown_date = format_day(date.fromisoformat(recorded[:10]), language)
    except ValueError:
        shown_date = recorded
    return _("Prefilled from %(source)s (%(date)s) — check it and correct it if needed.") % {
        "source": info.get("source", ""),
        "date": shown_date,
    }


def _common(state: StepRendering, field: dict, name: str, key: str) -> dict[str, Any]:
    warnings = state.warnings.get(key, [])
    return {
        "field": field,
        "name": name,
        "label": text(field.get("label"), state.language),
        "help": text(field.get("help"), state.language),
        "error": state.errors.get(key, ""),
        "warnings": [
            {"id": f"{name}--warning-{index}", "text": warning}
            for index, warning in enumerate(warnings)
        ],
        "ids": {"hint": f"{name}--hint", "error": f"{name}--error", "prefill": f"{name}--prefill"},
    }


def _described_by(context: Mapping[str, Any]) -> str:
    ids = context["ids"]
    described = []
    if context["help"] or context.get("format_hint"):
        described.append(ids["hint"])
    if context.get("prefill"):
        described.append(ids["prefill"])
    if context["error"]:
        described.append(ids["error"])
    described.extend(context.get("described_extra", []))
    described.extend(warning["id"] for warning in context["warnings"])
    return " ".join(described)


# The parts every field type's template shows the same way, built here rather than by an
# {% include %} each: four includes per field cost more than the rest of its template.
def _label_html(context: Mapping[str, Any]) -> SafeString:
    if context["required"]:
        tag = format_html('<span class="tag-required">{}</span>', _("Required"))
    else:
        tag = format_html('<span class="tag-optional">{}</span>', _("Optional"))
    return format_html("{}{}", context["label"], tag)


def _messages_html(context: Mapping[str, Any]) -> SafeString:
    ids, parts = context["ids"], []
    help_text, hint = context["help"], context.get("format_hint") or ""
    if help_text or hint:
        parts.append(format_html('<span class="hint" id="{}">{}{}{}</span>', ids["hint"],
                                 help_text, " " if help_text and hint else "", hint))
    if context.get("prefill"):
        parts.append(format_html('<span class="prefill" id="{}">{}</span>', ids["prefill"],
                                 context["prefill"]))
    if context["error"]:
        parts.append(format_html(
            '<span class="field-error" id="{}"><span class="visually-hidden">{} </span>{}</span>',
            ids["error"], _("Error:"), context["error"]))
    return mark_safe("".join(parts))  # noqa: S308 - each part is format_html's


def _attrs_html(context: Mapping[str, Any]) -> SafeString:
    parts = []
    if context["describedby"]:
        parts.append(format_html(' aria-describedby="{}"', context["describedby"]))
    if context["error"]:
        parts.append(' aria-invalid="true"')
    if context["required"]:
        parts.append(' aria-required="true"')
    if context.get("autocomplete"):
        parts.append(format_html(' autocomplete="{}"', context["autocomplete"]))
    return mark_safe("".join(parts))  # noqa: S308 - constants and format_html's parts


def _warnings_html(context: Mapping[str, Any]) -> SafeString:
    return format_html_join(
        "", '<span class="field-warning" id="{}"><span class="visually-hidden">{} </span>{}'
        "</span>", ((warning["id"], _("Warning:"), warning["text"])
                    for warning in context["warnings"]))


def render_field(
    state: StepRendering,
    field: dict,
    name: str,
    key: str,
    *,
    required: bool,
    prefill: Mapping[str, Any] | None = None,
    nested: bool = False,
) -> SafeString:
    """Render one field with its type's template; ``key`` finds its error and warnings.

    A ``nested`` field (in a group row: a child, a household member) is about someone else,
    so the browser must not fill it with the resident's own name, phone or e-mail.
    """
    kind = field_types[field["type"]]
    context = _common(state, field, name, key)
    context.update(
        required=required,
        nested=nested,
        autocomplete=field.get("autocomplete") or ("off" if nested else kind.autocomplete),
        prefill=prefill_notice(prefill, state.language) if prefill else "",
    )
    context.update(kind.context(field, name, state))
    context["describedby"] = _described_by(context)
    context.update(label_html=_label_html(context), messages_html=_messages_html(context),
                   attrs_html=_attrs_html(context), warnings_html=_warnings_html(context))
    return render_to_string(kind.template, context)


def raw_from_answers(fields: list[dict], answers: Mapping[str, Any]) -> dict[str, str]:
    """Return the input strings that show the saved ``answers`` of ``fields``."""
    raw: dict[str, str] = {}
    for field in fields:
        name = input_name(field["id"])
        kind = field_types[field["type"]]
        suffixed = kind.raw_from_value(field, answers.get(field["id"]))
        raw.update({name + suffix: value for suffix, value in suffixed.items()})
    return raw


def render_step(
    definition: Mapping[str, Any],
    step_index: int,
    answers: Mapping[str, Any],
    language: str,
    raw: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    warnings: Mapping[str, list[str]] | None = None,
    prefill: Mapping[str, Mapping[str, Any]] | None = None,
) -> SafeString:
    """Return the HTML of the visible fields of a step (not the <form> around them).

    Show ``raw`` (what was just typed) when given, else the saved ``answers``. ``prefill``
    maps field ids to {"source", "recorded_at", "method"} for the prefill notices. The form
    must use enctype="multipart/form-data" when the step has a file field.
    """
    with override(language):
        fields = step_fields(definition, step_index, answers)
        state = StepRendering(
            raw=raw if raw is not None else raw_from_answers(fields, answers),
            language=language,
            answers=answers,
            errors=errors or {},
            warnings=warnings or {},
        )
        rendered = [
            render_field(
                state,
                field,
                input_name(field["id"]),
                field["id"],
                required=is_required(field, answers),
                prefill=(prefill or {}).get(field["id"]),
            )
            for field in fields
        ]
    # Each piece is a rendered, autoescaped template.
    return mark_safe("".join(rendered))  # noqa: S308
