"""Resident pages: catalogue, the multi-step apply flow, review, receipt and My page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.audit.services import security_event
from kiban.identity import selectors as identity_selectors
from kiban.insights import services as insights
from kiban.procedures import forms as procedure_forms
from kiban.procedures import selectors as procedure_selectors
from kiban.submissions import selectors, services
from kiban.submissions.constants import MessageKind, Status
from kiban.submissions.flow import (
    error_summary,
    next_step,
    previous_step,
    receipt_for,
    save_back_choices,
    step_titles,
)
from kiban.submissions.receipt import receipt_pdf


def _definition(request: HttpRequest, version) -> dict:
    try:
        return procedure_selectors.version_checked(version)
    except procedure_selectors.TamperedVersion:
        raise Http404 from None


def catalogue(request: HttpRequest) -> HttpResponse:
    language = get_language()
    entries = [
        {
            "code": version.procedure.code,
            "title": procedure_forms.text(version.definition.get("title"), language),
            "description": procedure_forms.text(version.definition.get("description"), language),
            "organisation": version.procedure.organisation.name(language),
        }
        for version in procedure_selectors.published_procedures()
    ]
    insights.journey_record(request, "catalogue_view")
    return render(request, "submissions/catalogue.html", {"entries": entries})


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = procedure_selectors.current_version(code)
    if version is None:
        raise Http404
    procedure = version.procedure
    definition = _definition(request, version)
    language = get_language()
    reused = [
        (procedure_forms.text(f.get("label"), language), f["prefill"])
        for f in services.all_fields(definition)
        if f.get("prefill")
    ]
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('identity:sign-in')}?next={request.path}")
        if not request.user.is_resident:
            messages.error(request, _("Staff accounts cannot apply. Sign in as a resident."))
            return redirect(request.path)
        if not identity_selectors.meets_assurance(
            user=request.user, required=definition.get("requires_assurance")
        ):
            messages.info(request, _("This service needs a verified identity. Verify it once "
                                     "with your My Number card, then start again here."))
            return redirect(f"{reverse('identity:verify')}?next={request.path}")
        submission = services.draft_start(
            version=version, definition=definition, applicant=request.user
        )
        insights.journey_record(request, "start", submission=submission)
        first = procedure_forms.visible_steps(definition, submission.answers)[0]
        return redirect("submissions:step", public_id=submission.public_id, index=first)
    context = {
        "procedure": procedure,
        "definition": definition,
        "title": procedure_forms.text(definition.get("title"), language),
        "description": procedure_forms.text(definition.get("description"), language),
        "purpose": procedure_forms.text(definition.get("purpose"), language),
        "organisation": procedure.organisation.name(language),
        "reused": reused,
        "steps": step_titles(definition, {}, language),
    }
    insights.journey_record(request, "procedure_view", procedure=procedure)
    return render(request, "submissions/procedure_detail.html", context)


@login_required
def step(request: HttpRequest, public_id, index: int) -> HttpResponse:
    submission = selectors.submission_of_applicant(request=request, public_id=public_id)
    if submission.status != Status.DRAFT:
        return redirect("submissions:application", public_id=public_id)
    definition = _definition(request, submission.version)
    visible = procedure_forms.visible_steps(definition, submission.answers)
    if index not in visible or index > max(submission.step, visible[0]):
        return redirect(
            "submissions:step",
            public_id=public_id,
            index=min(submission.step, visible[-1]) if submission.step in visible else visible[0],
        )
    language = get_language()
    context = {"submission": submission, "index": index}
    raw = errors = warnings = None
    if request.method == "POST":
        result = procedure_forms.parse_step(
            definition, index, request.POST, request.FILES, submission.answers
        )
        if result.tampered:
            security_event(
                action="tampered_form", request=request, data={"submission": str(public_id)}
            )
            return HttpResponseBadRequest(
                _("This form was changed outside kiban. Nothing was saved.")
            )
        valid = {k: v for k, v in result.values.items() if k not in result.errors}
        answers = {**submission.answers, **valid}
        if result.action or result.errors:
            insights.journey_errors(request, submission, index, result.errors)
            submission = services.draft_save_step(
                submission=submission, step_index=index, values=valid, next_step=submission.step
            )
            raw, errors, warnings = result.raw, result.errors, result.warnings
        else:
            insights.journey_record(request, "step_completed", submission=submission, step=index)
            target = next_step(definition, index, answers)
            submission = services.draft_save_step(
                submission=submission,
                step_index=index,
                values=result.values,
                next_step=target if target is not None else index + 1,
            )
            if request.POST.get("later"):
                messages.success(
                    request, _("Your draft is saved. You can continue it from My page.")
                )
                return redirect("submissions:my-page")
            if target is None:
                return redirect("submissions:review", public_id=public_id)
            return redirect("submissions:step", public_id=public_id, index=target)
    insights.journey_record(request, "step_shown", submission=submission, step=index)
    fields_html = procedure_forms.render_step(
        definition,
        index,
        submission.answers,
        language,
        raw=raw,
        errors=errors,
        warnings=warnings,
        prefill=submission.prefill,
    )
    context.update(
        {
            "title": procedure_forms.text(definition.get("title"), language),
            "step_title": procedure_forms.text(definition["steps"][index].get("title"), language),
            "steps": step_titles(definition, submission.answers, language, current=index),
            "fields_html": fields_html,
            "errors": error_summary(definition, index, errors or {}, language),
            "previous": previous_step(definition, index, submission.answers),
            "has_files": any(
                f["type"] == "file" for f in definition["steps"][index].get("fields", [])
            ),
        }
    )
    return render(request, "submissions/step.html", context)


@login_required
def review(request: HttpRequest, public_id) -> HttpResponse:
    submission = selectors.submission_of_applicant(request=request, public_id=public_id)
    if submission.status != Status.DRAFT:
        return redirect("submissions:application", public_id=public_id)
    definition = _definition(request, submission.version)
    language = get_language()
    choices = save_back_choices(definition, submission, language)
    problem = None
    if request.method == "POST":
        chosen = [
            c["field_id"] for c in choices if request.POST.get(f"save-{c['field_id']}") == "yes"
        ]
        try:
            submission = services.submission_submit(
                submission=submission,
                definition=definition,
                save_back=chosen,
                consent=bool(chosen),
                actor=request.user,
            )
        except services.SubmissionError as error:
            if error.code == "incomplete":
                messages.error(
                    request, _("Some required answers are missing. Please complete this step.")
                )
                return redirect("submissions:step", public_id=public_id, index=error.detail[0])
            problem = error.code
            insights.journey_record(request, "error", submission=submission)
        else:
            insights.journey_record(request, "submitted", submission=submission)
            return redirect("submissions:receipt", public_id=public_id)
    context = {
        "submission": submission,
        "title": procedure_forms.text(definition.get("title"), language),
        "sections": procedure_forms.display_answers(definition, submission.answers, language),
        "step_links": procedure_forms.visible_steps(definition, submission.answers),
        "choices": choices,
        "problem": problem,
        "steps": step_titles(definition, submission.answers, language, current="review"),
    }
    insights.journey_record(request, "review", submission=submission)
    return render(request, "submissions/review.html", context)


@login_required
def receipt(request: HttpRequest, public_id) -> HttpResponse:
    submission = selectors.submission_of_applicant(request=request, public_id=public_id)
    if submission.status == Status.DRAFT:
        return redirect("submissions:review", public_id=public_id)
    definition = _definition(request, submission.version)
    language = get_language()
    return render(
        request,
        "submissions/receipt.html",
        {
            "submission": submission,
            "title": procedure_forms.text(definition.get("title"), language),
            "organisation": submission.organisation.name(language),
            "contact": definition.get("contact", ""),
            "saved_back": submission.save_back,
        },
    )


@login_required
def receipt_download(request: HttpRequest, public_id) -> HttpResponse:
    submission = selectors.submission_of_applicant(request=request, public_id=public_id)
    if submission.status == Status.DRAFT:
        raise Http404
    definition = _definition(request, submission.version)
    pdf = receipt_pdf(receipt_for(request, submission, definition, get_language()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{submission.reference}.pdf"'
    return response


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff_member:
        return redirect("staff:inbox")
    drafts, cases = selectors.drafts_and_cases(user=request.user)
    language = get_language()
    for item in drafts + cases:
        item.title = procedure_forms.text(item.version.definition.get("title"), language)
    return render(request, "submissions/my_page.html", {"drafts": drafts, "cases": cases})


@login_required
def application(request: HttpRequest, public_id) -> HttpResponse:
    submission = selectors.submission_of_applicant(request=request, public_id=public_id)
    if submission.status == Status.DRAFT:
        insights.journey_record(request, "resumed", submission=submission)
        return redirect("submissions:step", public_id=public_id, index=submission.step)
    definition = _definition(request, submission.version)
    language = get_language()
    if request.method == "POST":
        body = request.POST.get("body", "").strip()
        if not body:
            messages.error(request, _("Write your answer before sending it."))
        else:
            try:
                services.correction_reply(submission=submission, body=body, actor=request.user)
            except services.SubmissionError:
                messages.error(request, _("No correction is requested for this application."))
            else:
                messages.success(request, _("Your answer was sent to the bureau."))
            return redirect("submissions:application", public_id=public_id)
    return render(
        request,
        "submissions/application.html",
        {
            "submission": submission,
            "title": procedure_forms.text(definition.get("title"), language),
            "organisation": submission.organisation.name(language),
            "sections": procedure_forms.display_answers(definition, submission.answers, language),
            "history": submission.status_changes.all(),
            "messages_for_resident": submission.messages.exclude(kind=MessageKind.COMMENT),
            "can_reply": submission.status == Status.NEEDS_CORRECTION,
        },
    )


@login_required
@require_POST
def discard(request: HttpRequest, public_id) -> HttpResponse:
    submission = selectors.submission_of_applicant(request=request, public_id=public_id)
    try:
        services.draft_discard(submission=submission, actor=request.user)
    except services.SubmissionError:
        raise Http404 from None
    messages.success(request, _("The draft was deleted."))
    return redirect("submissions:my-page")
