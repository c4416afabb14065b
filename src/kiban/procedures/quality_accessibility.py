"""The gate's accessibility rule: render every step as residents see it, check the HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _

from kiban.procedures import accessibility
from kiban.procedures.findings import QualityFinding
from kiban.procedures.localise import text
from kiban.procedures.preview import step_html, without_conditions


def _problem_message(problem: accessibility.Problem) -> str:
    messages = {
        "id_duplicate": _("The id %(element)s is used twice on the page."),
        "reference_missing": _("%(element)s points at an id that is not on the page (%(detail)s)."),
        "label_missing": _("An input (%(element)s) has no label."),
        "label_empty": _("An input (%(element)s) has an empty label."),
        "h1_count": _("The page must have exactly one main heading (h1)."),
        "heading_skipped": _("A heading level is skipped (%(detail)s)."),
        "legend_missing": _("A group of inputs (%(element)s) has no legend."),
        "group_without_fieldset": _("Options (%(element)s) are not grouped with a legend."),
        "button_without_text": _("A button (%(element)s) has no text."),
    }
    return messages.get(problem.code, problem.code) % {
        "element": problem.element, "detail": problem.detail,
    }


def _field_path(definition: Mapping[str, Any], step: int, element: str) -> str:
    if element.startswith("f-"):
        field_id = element[2:].split("-", 1)[0]
        for position, field in enumerate(definition["steps"][step].get("fields", [])):
            if field.get("id") == field_id:
                return f"$.steps[{step}].fields[{position}]"
    return f"$.steps[{step}]"


def accessibility_findings(
    definition: Mapping[str, Any], languages: list[str]
) -> list[QualityFinding]:
    """Render every step (all fields shown, with and without errors) and check the HTML."""
    shown = without_conditions(definition)
    found: dict[tuple[str, str], QualityFinding] = {}
    for index, step in enumerate(shown.get("steps", [])):
        runs = [(code, True) for code in languages] + [("ja", False)]
        for language, with_errors in runs:
            heading = f"<h1>{escape(text(step.get('title'), language))}</h1>"
            try:
                html = heading + step_html(shown, index, language, with_errors=with_errors)
            except Exception as error:  # noqa: BLE001 - a broken definition must not crash the gate
                path = f"$.steps[{index}]"
                found[(path, "render_failed")] = QualityFinding(
                    path, "render_failed",
                    _("This step cannot be shown: %(error)s") % {"error": error},
                )
                break
            for problem in accessibility.check_html(html):
                path = _field_path(shown, index, problem.element)
                key = (path, problem.code)
                if key not in found:
                    found[key] = QualityFinding(
                        path, f"a11y_{problem.code}", _problem_message(problem)
                    )
    return list(found.values())
