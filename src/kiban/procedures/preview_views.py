"""The builder's preview: a version exactly as residents see it, with a test resident's data.

The page is the resident's step page (same rendering, same layout) with a notice that it is
a preview; answers live only in the editor's session and nothing is submitted.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from kiban.procedures import forms as procedure_forms
from kiban.procedures import workflow
from kiban.procedures.builder import LANGUAGES, languages_of
from kiban.procedures.localise import text
from kiban.procedures.preview import sample_answers
from kiban.procedures.views import builder_page, load


def _preview_state(request, version, restart: bool) -> dict:
    key = f"kiban-builder-preview-{version.pk}"
    state = request.session.get(key)
    revision = workflow.revision(version)
    if restart or not state or state.get("revision") != revision:
        answers, prefill = sample_answers(version.definition)
        state = {"answers": answers, "prefill": prefill, "revision": revision}
        request.session[key] = state
    return state


def _storable(values: dict) -> dict:
    """Return ``values`` with uploaded files replaced by their name (nothing is stored)."""
    return {
        key: {"filename": value.filename} if hasattr(value, "uploaded_file") else value
        for key, value in values.items()
    }


def _preview_steps(definition: dict, answers: dict, language: str, current) -> list[dict]:
    items = [
        {"index": i, "title": text(definition["steps"][i].get("title"), language),
         "current": i == current}
        for i in procedure_forms.visible_steps(definition, answers)
    ]
    items.append({"index": "review", "title": None, "current": current == "review"})
    return items


@builder_page
def preview(request: HttpRequest, code: str, number: int, index: int | None = None):
    procedure, version, _roles = load(request, code, number)
    definition = version.definition
    language = request.GET.get("lang") or get_language()
    if language not in LANGUAGES or not definition.get("steps"):
        raise Http404
    state = _preview_state(request, version, restart=index is None)
    answers = state["answers"]
    visible = procedure_forms.visible_steps(definition, answers)
    base = reverse("builder:preview-start", args=[code, number])
    if index is None or (index not in visible and index != len(definition["steps"])):
        return redirect(f"{base}{visible[0] if visible else 0}/?lang={language}")
    with override(language):
        if index == len(definition["steps"]):
            return _preview_review(request, version, state, language)
        return _preview_step(request, version, state, index, language)


def _preview_step(request, version, state, index: int, language: str) -> HttpResponse:
    definition, answers = version.definition, state["answers"]
    raw = errors = warnings = None
    if request.method == "POST":
        result = procedure_forms.parse_step(definition, index, request.POST, request.FILES,
                                            answers)
        if result.tampered:
            return HttpResponseBadRequest(_("This form was changed outside kiban."))
        valid = {k: v for k, v in result.values.items() if k not in result.errors}
        answers.update(_storable(valid))
        request.session.modified = True
        if result.action or result.errors:
            raw, errors, warnings = result.raw, result.errors, result.warnings
        else:
            later = [i for i in procedure_forms.visible_steps(definition, answers) if i > index]
            target = later[0] if later else len(definition["steps"])
            url = reverse("builder:preview", args=[version.procedure.code, version.number,
                                                   target])
            return redirect(f"{url}?lang={language}")
    earlier = [i for i in procedure_forms.visible_steps(definition, answers) if i < index]
    return render(request, "procedures/builder/preview.html", {
        "procedure": version.procedure, "version": version, "language": language,
        "preview_languages": languages_of(definition),
        "title": text(definition.get("title"), language),
        "step_title": text(definition["steps"][index].get("title"), language),
        "steps": _preview_steps(definition, answers, language, index),
        "fields_html": procedure_forms.render_step(
            definition, index, answers, language, raw=raw, errors=errors, warnings=warnings,
            prefill=state["prefill"],
        ),
        "errors": procedure_forms.error_items(definition, index, errors or {}, language),
        "previous": earlier[-1] if earlier else None,
        "has_files": any(f["type"] == "file" for f in definition["steps"][index]["fields"]),
    })


def _preview_review(request, version, state, language: str) -> HttpResponse:
    definition, answers = version.definition, state["answers"]
    return render(request, "procedures/builder/preview_review.html", {
        "procedure": version.procedure, "version": version, "language": language,
        "preview_languages": languages_of(definition),
        "title": text(definition.get("title"), language),
        "steps": _preview_steps(definition, answers, language, "review"),
        "sections": procedure_forms.display_answers(definition, answers, language),
        "missing": procedure_forms.incomplete_steps(definition, answers),
    })
