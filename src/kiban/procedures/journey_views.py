"""Life event pages for residents: start a bundle once and apply to every procedure in it.

New pages beside the single-procedure apply flow (which they reuse through
``kiban.submissions.services``): a page of shared answers, each procedure's own steps
without the shared questions, one review, one submit that sends each bureau its own
submission.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kiban.audit.services import security_event
from kiban.identity import selectors as identity_selectors
from kiban.insights import services as insights
from kiban.procedures import forms as procedure_forms
from kiban.procedures import life_events, selectors, workflow
from kiban.procedures.localise import text
from kiban.procedures.models import Journey, LifeEvent


def catalogue(request: HttpRequest) -> HttpResponse:
    language = get_language()
    entries = [
        {"event": event, "title": text(event.title, language),
         "description": text(event.description, language),
         "organisations": sorted({e.procedure.organisation.name(language)
                                  for e in event.entries.all()})}
        for event in selectors.published_life_events()
    ]
    return render(request, "procedures/life_events/catalogue.html", {"entries": entries})


def detail(request: HttpRequest, code: str) -> HttpResponse:
    event = get_object_or_404(LifeEvent, code=code, published_at__isnull=False)
    language = get_language()
    versions = life_events.journey_versions(event)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('identity:sign-in')}?next={request.path}")
        if not request.user.is_resident:
            messages.error(request, _("Staff accounts cannot apply. Sign in as a resident."))
            return redirect(request.path)
        if not all(identity_selectors.meets_assurance(
                user=request.user, required=v.definition.get("requires_assurance"))
                for v in versions):
            messages.info(request, _("This service needs a verified identity. Verify it once "
                                     "with your My Number card, then start again here."))
            return redirect(f"{reverse('identity:verify')}?next={request.path}")
        try:
            journey = life_events.journey_start(life_event=event, applicant=request.user)
        except workflow.WorkflowRefused as error:
            messages.error(request, error.message)
            return redirect(request.path)
        items, shared = _state(journey)
        for submission, _definition in items:
            insights.journey_record(request, "start", submission=submission)
        return redirect(_pages(journey, items, shared)[0][1])
    shared = life_events.shared_answers([v.definition for v in versions])
    return render(request, "procedures/life_events/detail.html", {
        "event": event, "title": text(event.title, language),
        "description": text(event.description, language),
        "procedures": [
            {"title": text(v.definition.get("title"), language),
             "organisation": v.procedure.organisation.name(language),
             "purpose": text(v.definition.get("purpose"), language)}
            for v in versions
        ],
        "shared": [text(a.field.get("label"), language) for a in shared],
    })


def _state(journey: Journey) -> tuple[list, list]:
    items = selectors.journey_items(journey)
    return items, life_events.shared_answers([definition for _s, definition in items])


def _pages(journey: Journey, items: list, shared: list) -> list[tuple[tuple, str]]:
    """Return the journey's pages in order: (key, url); shared answers, steps, review."""
    from kiban.submissions.constants import Status

    base = reverse("life_events:journey", args=[journey.public_id])
    pages = [(("shared",), f"{base}shared/")] if shared else []
    for position, (submission, definition) in enumerate(items):
        if submission.status != Status.DRAFT:
            continue
        trimmed = life_events.without_shared(definition, shared)
        for index in procedure_forms.visible_steps(trimmed, submission.answers):
            if procedure_forms.step_fields(trimmed, index, submission.answers):
                pages.append((("step", position, index), f"{base}{position}/{index}/"))
    pages.append((("review",), f"{base}review/"))
    return pages


def _next(pages: list, key: tuple) -> str:
    keys = [page for page, _url in pages]
    return pages[min(keys.index(key) + 1, len(pages) - 1)][1] if key in keys else pages[0][1]


def _journey(request: HttpRequest, public_id) -> Journey:
    try:
        return selectors.journey_of(user=request.user, public_id=public_id)
    except Journey.DoesNotExist:
        raise Http404 from None


def _progress(journey, items, shared, pages, current, language) -> list[dict]:
    """Return the progress indicator: shared answers, each procedure once, then review."""
    titles = {"shared": _("Answers for every procedure"), "review": _("Check and submit")}
    steps: list[dict] = []
    for key, _url in pages:
        if key[0] == "step":
            title = text(items[key[1]][1].get("title"), language)
            here = current[0] == "step" and current[1] == key[1]
        else:
            title, here = titles[key[0]], key == current
        if steps and steps[-1]["title"] == title:
            steps[-1]["current"] = steps[-1]["current"] or here
        else:
            steps.append({"title": title, "current": here})
    return steps


@login_required
def journey(request: HttpRequest, public_id) -> HttpResponse:
    journey = _journey(request, public_id)
    items, shared = _state(journey)
    language = get_language()
    return render(request, "procedures/life_events/journey.html", {
        "journey": journey, "title": text(journey.life_event.title, language),
        "items": [
            {"submission": submission, "title": text(definition.get("title"), language),
             "organisation": submission.organisation.name(language)}
            for submission, definition in items
        ],
        "next": _pages(journey, items, shared)[0][1],
    })


@login_required
def shared_step(request: HttpRequest, public_id) -> HttpResponse:
    journey = _journey(request, public_id)
    items, shared = _state(journey)
    if not shared or journey.submitted_at:
        return redirect("life_events:journey", public_id)
    language = get_language()
    definition = life_events.shared_definition(journey.life_event.title, shared)
    answers, prefill = {}, {}
    for answer in shared:
        index, field = answer.uses[0]
        submission = items[index][0]
        answers[answer.field_id] = life_events.convert(
            submission.answers.get(field["id"]), field, answer.field)
        if field["id"] in submission.prefill:
            prefill[answer.field_id] = submission.prefill[field["id"]]
    raw = errors = warnings = None
    if request.method == "POST":
        result = procedure_forms.parse_step(definition, 0, request.POST, request.FILES, answers)
        if result.tampered:
            security_event(action="tampered_form", request=request,
                           data={"journey": str(public_id)})
            return HttpResponseBadRequest(_("This form was changed outside kiban. Nothing was "
                                            "saved."))
        if result.action or result.errors:
            raw, errors, warnings = result.raw, result.errors, result.warnings
        else:
            life_events.journey_shared_save(journey=journey, items=items, values=result.values,
                                            shared=shared, actor=request.user)
            items, shared = _state(journey)
            return redirect(_next(_pages(journey, items, shared), ("shared",)))
    pages = _pages(journey, items, shared)
    return render(request, "procedures/life_events/step.html", {
        "journey": journey, "title": text(journey.life_event.title, language),
        "step_title": _("Answers for every procedure"),
        "lead": _("These answers are used by every procedure of %(event)s. You give them once.")
        % {"event": text(journey.life_event.title, language)},
        "steps": _progress(journey, items, shared, pages, ("shared",), language),
        "fields_html": procedure_forms.render_step(
            definition, 0, answers, language, raw=raw, errors=errors, warnings=warnings,
            prefill=prefill),
        "errors": procedure_forms.error_items(definition, 0, errors or {}, language),
        "has_files": False,
    })


@login_required
def procedure_step(request: HttpRequest, public_id, item: int, index: int) -> HttpResponse:
    from kiban.submissions import services as submission_services

    journey = _journey(request, public_id)
    items, shared = _state(journey)
    pages = _pages(journey, items, shared)
    key = ("step", item, index)
    if key not in [page for page, _url in pages]:
        return redirect(pages[0][1])
    submission, definition = items[item]
    trimmed = life_events.without_shared(definition, shared)
    language = get_language()
    raw = errors = warnings = None
    if request.method == "POST":
        result = procedure_forms.parse_step(trimmed, index, request.POST, request.FILES,
                                            submission.answers)
        if result.tampered:
            security_event(action="tampered_form", request=request,
                           data={"journey": str(public_id)})
            return HttpResponseBadRequest(_("This form was changed outside kiban. Nothing was "
                                            "saved."))
        valid = {k: v for k, v in result.values.items() if k not in result.errors}
        if result.action or result.errors:
            submission = submission_services.draft_save_step(
                submission=submission, step_index=index, values=valid,
                next_step=submission.step)
            raw, errors, warnings = result.raw, result.errors, result.warnings
            if result.errors:
                insights.journey_errors(request, submission, index, result.errors)
        else:
            submission_services.draft_save_step(submission=submission, step_index=index,
                                                values=result.values, next_step=index + 1)
            insights.journey_record(request, "step_completed", submission=submission,
                                    step=index)
            items, shared = _state(journey)
            return redirect(_next(_pages(journey, items, shared), key))
    else:
        insights.journey_record(request, "step_shown", submission=submission, step=index)
    return render(request, "procedures/life_events/step.html", {
        "journey": journey, "title": text(definition.get("title"), language),
        "organisation": submission.organisation.name(language),
        "step_title": text(definition["steps"][index].get("title"), language),
        "steps": _progress(journey, items, shared, pages, key, language),
        "fields_html": procedure_forms.render_step(
            trimmed, index, submission.answers, language, raw=raw, errors=errors,
            warnings=warnings, prefill=submission.prefill),
        "errors": procedure_forms.error_items(trimmed, index, errors or {}, language),
        "has_files": any(f["type"] == "file" for f in trimmed["steps"][index]["fields"]),
    })


@login_required
def review(request: HttpRequest, public_id) -> HttpResponse:
    journey = _journey(request, public_id)
    items, shared = _state(journey)
    language = get_language()
    if request.method == "POST":
        try:
            submitted = life_events.journey_submit(journey=journey, items=items,
                                                   actor=request.user)
        except life_events.JourneyIncomplete as error:
            messages.error(request, _("Some required answers are missing. Please complete "
                                      "this step."))
            pages = _pages(journey, items, shared)
            keys = [page for page, _url in pages]
            target = ("step", error.item, error.step)
            return redirect(pages[keys.index(target)][1] if target in keys else pages[0][1])
        for submission in submitted:
            insights.journey_record(request, "submitted", submission=submission)
        messages.success(request, _("Your applications were sent. Each bureau received its "
                                    "own application."))
        return redirect("life_events:journey", public_id)
    pages = _pages(journey, items, shared)
    return render(request, "procedures/life_events/review.html", {
        "journey": journey, "title": text(journey.life_event.title, language),
        "steps": _progress(journey, items, shared, pages, ("review",), language),
        "items": [
            {"submission": submission, "title": text(definition.get("title"), language),
             "organisation": submission.organisation.name(language),
             "sections": procedure_forms.display_answers(definition, submission.answers,
                                                         language)}
            for submission, definition in items
        ],
        "submitted": journey.submitted_at is not None,
    })
