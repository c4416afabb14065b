"""Navigation and page data of the apply flow, computed from a procedure definition."""

from django.utils import timezone

from kiban.db import rows
from kiban.procedures import forms as procedure_forms
from kiban.submissions.receipt import Receipt


def step_titles(definition: dict, answers: dict, language: str, current=None) -> list[dict]:
    """Return the step indicator: visible steps, then review, marking the current one."""
    visible = procedure_forms.visible_steps(definition, answers)
    items = [
        {
            "index": i,
            "title": procedure_forms.text(definition["steps"][i].get("title"), language),
            "current": i == current,
        }
        for i in visible
    ]
    items.append({"index": "review", "title": None, "current": current == "review"})
    return items


def next_step(definition: dict, index: int, answers: dict) -> int | None:
    later = [i for i in procedure_forms.visible_steps(definition, answers) if i > index]
    return later[0] if later else None


def previous_step(definition: dict, index: int, answers: dict) -> int | None:
    earlier = [i for i in procedure_forms.visible_steps(definition, answers) if i < index]
    return earlier[-1] if earlier else None


def error_summary(definition: dict, index: int, errors: dict, language: str) -> list[dict]:
    """Return [{"id", "label", "message"}] for the summary that links to each field."""
    return procedure_forms.error_items(definition, index, errors, language)


def save_back_choices(definition: dict, submission, language: str) -> list[dict]:
    """Return answers the resident may save to their profile: new or changed save-back fields."""
    from kiban.procedures.field_types import field_types
    from kiban.registry.models import Fact

    # On the review page and the submit: the prefilled facts' values in plain SQL.
    prefilled = rows.field_values(Fact, "value", {
        p["fact"] for p in submission.prefill.values() if isinstance(p.get("fact"), int)})
    choices = []
    for step in definition.get("steps", []):
        for field in step.get("fields", []):
            value = submission.answers.get(field["id"])
            if not (field.get("save_back") and field.get("prefill")) or value in (None, "", [], {}):
                continue
            kind = field_types.get(field["type"])
            provenance = submission.prefill.get(field["id"])
            if provenance and prefilled.get(provenance.get("fact")) == kind.to_fact(field, value):
                continue
            choices.append(
                {
                    "field_id": field["id"],
                    "label": procedure_forms.text(field.get("label"), language),
                    "display": kind.display(field, value, language),
                    "changed": provenance is not None,
                }
            )
    return choices


def receipt_for(request, submission, definition: dict, language: str) -> Receipt:
    sections = [
        (title, [(label, value) for label, value in rows])
        for title, rows in procedure_forms.display_answers(definition, submission.answers, language)
    ]
    return Receipt(
        reference=submission.reference,
        procedure_title=procedure_forms.text(definition.get("title"), language),
        organisation_name=submission.organisation.name(language),
        submitted_at=submission.submitted_at or timezone.now(),
        applicant_name=str(submission.applicant),
        sections=sections,
        language=language,
        contact=definition.get("contact", ""),
        status_url=request.build_absolute_uri(f"/my/applications/{submission.public_id}/"),
    )
