"""Builder pages around a version: quality gate, preview, diff, review, templates, JSON files."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.identity.constants import Role
from kiban.procedures import quality, selectors, templates_share, workflow
from kiban.procedures.builder_forms import CopyForm, ImportForm, ReviewForm
from kiban.procedures.constants import VersionStatus
from kiban.procedures.diff import definition_diff
from kiban.procedures.localise import text
from kiban.procedures.models import Procedure, ProcedureTemplate
from kiban.procedures.services import DefinitionInvalid, VersionNotEditable
from kiban.procedures.views import builder_page, editable, editor_url, load


def finding_link(version, path: str) -> str:
    """Return the builder page (and input) where the part at ``path`` is edited."""
    definition = version.definition
    step, position, sub, rest = quality.locate(path)
    anchor = quality.anchor(rest)
    code, number = version.procedure.code, version.number
    if version.status != VersionStatus.DRAFT:
        return editor_url(version)
    try:
        if step is None:
            url = reverse("builder:settings", args=[code, number])
        elif position is None:
            step_id = definition["steps"][step]["id"]
            if rest.startswith(".fields"):
                return editor_url(version, f"step-{step_id}")
            url = reverse("builder:step", args=[code, number, step_id])
        else:
            field = definition["steps"][step]["fields"][position]
            if sub is None:
                url = reverse("builder:field", args=[code, number, field["id"]])
            else:
                sub_id = field["fields"][sub]["id"]
                url = reverse("builder:subfield", args=[code, number, field["id"], sub_id])
    except (KeyError, IndexError, TypeError):
        return editor_url(version)
    return f"{url}#{anchor}" if anchor else url


def _findings(version, *, check_accessibility: bool = True) -> list[dict]:
    return [
        {"finding": finding, "link": finding_link(version, finding.path)}
        for finding in selectors.version_quality(
            version, check_accessibility=check_accessibility, language=get_language()
        )
    ]


@builder_page
def quality_page(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    findings = _findings(version)
    errors = [f for f in findings if f["finding"].severity == quality.ERROR]
    return render(request, "procedures/builder/quality.html", {
        "procedure": procedure, "version": version, "roles": roles, "findings": findings,
        "errors": errors, "warnings": [f for f in findings if f not in errors],
        "title": text(version.definition.get("title"), get_language()) or code,
        "editable": editable(version, roles),
        "max_fields": quality.MAX_FIELDS_PER_STEP, "easy_max": quality.EASY_SENTENCE_MAX,
    })



# --- diff, export, history ---------------------------------------------------------------


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@builder_page
def diff(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure, version, _roles = load(request, code, number)
    versions = {v.number: v for v in procedure.versions.all()}
    try:
        against = int(request.GET.get("against") or max(n for n in versions if n < number))
    except ValueError:
        against = None
    base = versions.get(against)
    language = get_language()
    changes = definition_diff(base.definition if base else {}, version.definition, language)
    return render(request, "procedures/builder/diff.html", {
        "procedure": procedure, "version": version, "base": base,
        "others": sorted(n for n in versions if n != number),
        "changes": [{"change": c, "old": _shown(c.old), "new": _shown(c.new)} for c in changes],
        "title": text(version.definition.get("title"), language) or code,
    })


@builder_page
def export(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _procedure, version, _roles = load(request, code, number)
    response = HttpResponse(templates_share.definition_export(version),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-v{number}.json"'
    return response


@builder_page
def history(request: HttpRequest, code: str) -> HttpResponse:
    procedure, _version, _roles = load(request, code)
    return render(request, "procedures/builder/history.html", {
        "procedure": procedure, "records": selectors.builder_history(procedure),
    })


# --- review and publication ----------------------------------------------------------------


@builder_page
@require_POST
def submit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure, version, _roles = load(request, code, number)
    try:
        workflow.version_submit(version=version, actor=request.user)
    except workflow.QualityGateFailed as error:
        messages.error(request, _(
            "The quality gate found %(count)s problem(s). Fix them, then send the version to "
            "review again.") % {"count": len(error.findings)})
        return redirect("builder:quality", code, number)
    except workflow.WorkflowRefused as error:
        messages.error(request, error.message)
        return redirect(editor_url(version))
    messages.success(request, _("Version %(number)s was sent to review.") % {"number": number})
    return redirect("builder:procedure", code)


@builder_page
def review(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    if not roles & {Role.REVIEWER, Role.PUBLISHER}:
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, note = request.POST.get("action"), form.cleaned_data["note"]
        try:
            if action == "approve":
                workflow.version_approve(version=version, actor=request.user, note=note)
                messages.success(request, _("You approved version %(number)s.")
                                 % {"number": number})
            elif action == "return":
                workflow.version_return(version=version, actor=request.user, note=note)
                messages.success(request, _("Version %(number)s went back to the editor.")
                                 % {"number": number})
                return redirect("builder:procedure", code)
            else:
                raise Http404
        except workflow.QualityGateFailed as error:
            messages.error(request, _("The quality gate found %(count)s problem(s).")
                           % {"count": len(error.findings)})
        except workflow.WorkflowRefused as error:
            messages.error(request, error.message)
        return redirect("builder:review", code, number)
    published = (procedure.versions.filter(status=VersionStatus.PUBLISHED, number__lt=number)
                 .order_by("-number").first())
    language = get_language()
    changes = definition_diff(published.definition if published else {}, version.definition,
                              language)
    findings = _findings(version)
    return render(request, "procedures/builder/review.html", {
        "procedure": procedure, "version": version, "roles": roles, "form": form,
        "title": text(version.definition.get("title"), language) or code,
        "base": published,
        "changes": [{"change": c, "old": _shown(c.old), "new": _shown(c.new)} for c in changes],
        "findings": findings,
        "errors": [f for f in findings if f["finding"].severity == quality.ERROR],
        "own_submission": version.submitted_by_id == request.user.pk,
        "approved": bool(version.approved_hash),
    })


@builder_page
@require_POST
def publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _procedure, version, _roles = load(request, code, number)
    try:
        workflow.version_release(version=version, actor=request.user)
    except workflow.QualityGateFailed as error:
        messages.error(request, _("The quality gate found %(count)s problem(s).")
                       % {"count": len(error.findings)})
        return redirect("builder:quality", code, number)
    except (workflow.WorkflowRefused, VersionNotEditable) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect("builder:review", code, number)
    except DefinitionInvalid as error:
        messages.error(request, "; ".join(f.message for f in error.findings[:5]))
        return redirect("builder:quality", code, number)
    messages.success(request, _(
        "Version %(number)s is published. Residents who started on an earlier version finish "
        "on it.") % {"number": number})
    return redirect("builder:procedure", code)


@builder_page
@require_POST
def share(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _procedure, version, _roles = load(request, code, number)
    if request.POST.get("action") == "withdraw":
        template = get_object_or_404(ProcedureTemplate, version=version)
        templates_share.template_withdraw(template=template, actor=request.user)
        messages.success(request, _("The template was withdrawn."))
    else:
        try:
            templates_share.template_share(version=version, actor=request.user)
        except workflow.WorkflowRefused as error:
            messages.error(request, error.message)
            return redirect("builder:procedure", code)
        messages.success(request, _("Version %(number)s is shared as a template for every "
                                    "bureau.") % {"number": number})
    return redirect("builder:procedure", code)


# --- templates and files -------------------------------------------------------------------


@builder_page
def templates(request: HttpRequest) -> HttpResponse:
    language = get_language()
    entries = []
    for template in selectors.shared_templates():
        definition = template.version.definition
        entries.append({
            "template": template,
            "title": text(definition.get("title"), language),
            "description": text(definition.get("description"), language),
            "organisation": template.version.procedure.organisation.name(language),
            "steps": [
                {"title": text(step.get("title"), language),
                 "fields": [text(f.get("label"), language) for f in step.get("fields", [])]}
                for step in definition.get("steps", [])
            ],
        })
    can_copy = selectors.builder_organisations(request.user, roles=(Role.EDITOR,)).exists()
    return render(request, "procedures/builder/templates.html",
                  {"entries": entries, "can_copy": can_copy})


@builder_page
def template_copy(request: HttpRequest, template_id: int) -> HttpResponse:
    template = get_object_or_404(
        ProcedureTemplate.objects.select_related("version__procedure__organisation"),
        pk=template_id, withdrawn_at=None,
    )
    organisations = selectors.builder_organisations(request.user, roles=(Role.EDITOR,))
    if not organisations.exists():
        raise PermissionDenied
    source = template.version.procedure
    form = CopyForm(request.POST or None, organisations=organisations,
                    initial={"organisation": organisations.first(),
                             "code": f"{source.code}-copy"[:80]})
    if request.method == "POST" and form.is_valid():
        try:
            procedure = templates_share.template_copy(
                template=template, organisation=form.cleaned_data["organisation"],
                code=form.cleaned_data["code"], actor=request.user,
            )
        except workflow.WorkflowRefused as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("The template was copied. Check the contact and the "
                                        "legal basis for your bureau."))
            return redirect(editor_url(procedure.versions.get()))
    return render(request, "procedures/builder/template_copy.html", {
        "form": form, "template": template,
        "title": text(template.version.definition.get("title"), get_language()),
        "organisation": source.organisation.name(get_language()),
    })


@builder_page
def import_definition(request: HttpRequest) -> HttpResponse:
    organisations = selectors.builder_organisations(request.user, roles=(Role.EDITOR,))
    if not organisations.exists():
        raise PermissionDenied
    target = None
    if request.GET.get("procedure"):
        target = get_object_or_404(Procedure, code=request.GET["procedure"],
                                   organisation__in=organisations)
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations,
                      initial={"organisation": target.organisation if target
                               else organisations.first()})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            definition = templates_share.definition_read(form.cleaned_data["file"].read())
            if target is not None:
                version = templates_share.version_import(procedure=target, definition=definition,
                                                         actor=request.user)
            else:
                version = templates_share.procedure_import(
                    definition=definition, organisation=form.cleaned_data["organisation"],
                    code=form.cleaned_data["code"], actor=request.user,
                ).versions.get()
        except templates_share.ImportRefused as error:
            problems = error.findings
        except workflow.WorkflowRefused as error:
            form.add_error("code" if target is None else None, error.message)
        else:
            messages.success(request, _("The definition was imported as a draft."))
            return redirect(editor_url(version))
    return render(request, "procedures/builder/import.html",
                  {"form": form, "problems": problems, "target": target})
