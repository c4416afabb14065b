"""Staff pages: the inbox of an organisation's submissions and the case page.

Every page needs a staff account that passed two-factor sign-in; what it shows is scoped by
`casework.staff_organisations`.
"""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kiban.audit.services import security_event
from kiban.submissions import casework
from kiban.submissions.constants import Status
from kiban.submissions.csv_export import MAX_ROWS, ExportTooLarge, inbox_csv

PAGE_SIZE = 50
MESSAGE_KINDS = ("comment", "correction")


def staff_required(view):
    """Let through staff who passed two-factor sign-in; send others to sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "identity:sign-in")
        if not user.is_staff_member:
            security_event(action="staff_page_by_non_staff", request=request)
            raise PermissionDenied
        if not getattr(user, "is_verified", lambda: False)():
            return redirect_to_login(request.get_full_path(), "identity:sign-in")
        return view(request, *args, **kwargs)

    return wrapper


# --- forms -----------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("Any status"))]
        + [(s.value, s.label) for s in Status if s != Status.DRAFT],
    )
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"), required=False)
    reference = forms.CharField(
        label=gettext_lazy("Reference number"), required=False, max_length=40,
        help_text=gettext_lazy("All or part of it, e.g. 0000123"),
    )
    submitted_from = forms.DateField(
        label=gettext_lazy("Submitted from"), required=False, widget=DateInput,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
    )
    submitted_to = forms.DateField(
        label=gettext_lazy("Submitted until"), required=False, widget=DateInput,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
    )
    assigned = forms.ChoiceField(
        label=gettext_lazy("Assigned to"), required=False,
        choices=[("", gettext_lazy("Anyone")), ("me", gettext_lazy("Me")),
                 ("none", gettext_lazy("Nobody"))],
    )

    def __init__(self, *args, procedures, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("All procedures"))] + [
            (p.code, casework.annotated_title(p, language) or p.code) for p in procedures
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The end date must be on or after the start date."))
        return cleaned


class StatusChoiceField(forms.ChoiceField):
    """Offer the allowed statuses but let the service judge any value, with its own message."""

    def validate(self, value):
        forms.Field.validate(self, value)


class StatusForm(forms.Form):
    to_status = StatusChoiceField(label=gettext_lazy("New status"))
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea,
        help_text=gettext_lazy("Kept in the case history for staff."),
    )

    def __init__(self, *args, next_statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = next_statuses


class MessageForm(forms.Form):
    body = forms.CharField(max_length=5000, widget=forms.Textarea, strip=True)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.fields["body"].label = (
            _("Comment") if kind == "comment" else _("What the applicant should correct")
        )
        self.fields["body"].help_text = (
            _("Only staff see comments.") if kind == "comment"
            else _("The applicant sees this message on their page and can answer it.")
        )


# --- inbox -----------------------------------------------------------------------------


def _filter_form(request: HttpRequest, language: str) -> InboxFilterForm:
    procedures = casework.procedures_for(user=request.user)
    form = InboxFilterForm(request.GET, procedures=procedures, language=language)
    form.is_valid()  # wrong filters are shown as errors; the valid ones still apply
    return form


def _valid_filters(form: InboxFilterForm) -> dict:
    return {name: value for name, value in form.cleaned_data.items() if value}


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    language = get_language()
    form = _filter_form(request, language)
    filters = _valid_filters(form)
    cases = casework.inbox_for(user=request.user, filters=filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    for submission in page.object_list:
        submission.procedure_title = casework.annotated_title(submission, language)
    export_query = urlencode({name: form.data[name] for name in filters})  # valid filters only
    return render(request, "submissions/staff/inbox.html", {
        "form": form, "page": page, "filtered": bool(filters), "export_query": export_query,
    })


@staff_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    language = get_language()
    form = _filter_form(request, language)
    inbox_url = f"{reverse('staff:inbox')}?{request.GET.urlencode()}"
    if form.errors:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(inbox_url)
    filters = _valid_filters(form)
    headers = [_("Reference number"), _("Procedure"), _("Status"), _("Submitted"), _("Applicant")]
    try:
        content = inbox_csv(
            submissions=casework.inbox_for(user=request.user, filters=filters),
            user=request.user, language=language, fixed_headers=headers, filters=filters,
        )
    except ExportTooLarge as too_large:
        messages.error(request, _(
            "%(count)s or more applications match. Narrow the filters to export at most %(max)s."
        ) % {"count": too_large.count, "max": MAX_ROWS})
        return redirect(inbox_url)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"kiban-inbox-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- one case --------------------------------------------------------------------------


def _case(request: HttpRequest, public_id):
    return casework.submission_for_staff(user=request.user, public_id=public_id, request=request)


def _render_case(
    request: HttpRequest, submission, *, status_form=None, message_forms=None, code=200
):
    language = get_language()
    case = casework.case_file(submission=submission, user=request.user, language=language)
    message_forms = message_forms or {}
    context = {
        "case": case,
        "submission": submission,
        "organisation": submission.organisation.name(language),
        "status_form": status_form or StatusForm(next_statuses=case.next_statuses),
        "comment_form": message_forms.get("comment") or MessageForm(kind="comment"),
        "correction_form": message_forms.get("correction") or MessageForm(kind="correction"),
    }
    return render(request, "submissions/staff/submission.html", context, status=code)


@staff_required
@require_GET
def submission(request: HttpRequest, public_id) -> HttpResponse:
    return _render_case(request, _case(request, public_id))


def _back(submission) -> HttpResponse:
    return redirect("staff:submission", public_id=submission.public_id)


@staff_required
@require_POST
def status(request: HttpRequest, public_id) -> HttpResponse:
    case = _case(request, public_id)
    form = StatusForm(request.POST, next_statuses=casework.next_statuses(case.status))
    if form.is_valid():
        try:
            casework.submission_status_change(
                submission=case, to_status=form.cleaned_data["to_status"], actor=request.user,
                note=form.cleaned_data["note"],
            )
        except casework.CaseworkRefused as refused:
            form.add_error("to_status", str(refused))
        else:
            messages.success(request, _("Status changed to “%(status)s”.") % {
                "status": case.get_status_display()})
            return _back(case)
    return _render_case(request, case, status_form=form, code=400)


@staff_required
@require_POST
def message(request: HttpRequest, public_id) -> HttpResponse:
    case = _case(request, public_id)
    kind = request.POST.get("kind", "")
    if kind not in MESSAGE_KINDS:
        messages.error(request, _("Choose whether to comment or to request a correction."))
        return _back(case)
    form = MessageForm(request.POST, kind=kind)
    if form.is_valid():
        service = (
            casework.submission_comment if kind == "comment"
            else casework.submission_correction_request
        )
        try:
            service(submission=case, body=form.cleaned_data["body"], actor=request.user)
        except casework.CaseworkRefused as refused:
            form.add_error("body", str(refused))
        else:
            messages.success(request, _("Comment added.") if kind == "comment" else _(
                "Correction requested. The applicant can see your message and answer it."))
            return _back(case)
    return _render_case(request, case, message_forms={kind: form}, code=400)


@staff_required
@require_POST
def assign(request: HttpRequest, public_id) -> HttpResponse:
    case = _case(request, public_id)
    release = request.POST.get("assignee") == "none"
    try:
        casework.submission_assign(
            submission=case, assignee=None if release else request.user, actor=request.user
        )
    except casework.CaseworkRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Released.") if release else _("Assigned to you."))
    return _back(case)


@staff_required
@require_GET
def attachment(request: HttpRequest, public_id, attachment_id: int) -> FileResponse:
    case = _case(request, public_id)
    item = casework.attachment_for_staff(
        submission=case, attachment_id=attachment_id, user=request.user
    )
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.filename,
        content_type=item.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response

