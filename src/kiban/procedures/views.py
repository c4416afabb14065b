"""Builder pages for editors: procedures, settings, steps and fields, without code or JSON.

Every page is server-rendered and works without JavaScript: fields move with up and down
buttons, conditions are rows of (question, check, value). Staff must have passed two-factor
sign-in and hold a builder role in the procedure's organisation; the writes happen in
``kiban.procedures.workflow`` (audited), never here.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.identity.constants import Role
from kiban.procedures import selectors, workflow
from kiban.procedures.builder import BuilderError
from kiban.procedures.builder_forms import (
    ProcedureCreateForm,
)
from kiban.procedures.constants import VersionStatus
from kiban.procedures.localise import text
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.procedures.services import VersionNotEditable
from kiban.submissions.staff_views import staff_required


def builder_page(view):
    """Let through staff who passed two-factor sign-in; map refused roles to 403."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except workflow.RoleRequired:
            raise PermissionDenied from None

    return wrapper


def load(request: HttpRequest, code: str, number: int | None = None):
    """Return (procedure, version or None, roles of the user); 404 without a builder role."""
    procedure = get_object_or_404(Procedure.objects.select_related("organisation"), code=code)
    roles = selectors.builder_roles(request.user, procedure.organisation)
    if not roles:
        raise Http404
    version = None
    if number is not None:
        version = get_object_or_404(
            ProcedureVersion.objects.select_related("procedure__organisation"),
            procedure=procedure, number=number,
        )
    return procedure, version, roles


def editable(version: ProcedureVersion, roles: set[str]) -> bool:
    return version.status == VersionStatus.DRAFT and Role.EDITOR in roles


def editor_url(version: ProcedureVersion, anchor: str = "") -> str:
    url = reverse("builder:editor", args=[version.procedure.code, version.number])
    return f"{url}#{anchor}" if anchor else url


def apply_edit(request: HttpRequest, version: ProcedureVersion, edit, done: str) -> bool:
    """Run one builder operation on the draft; report the outcome as a message."""
    try:
        workflow.version_edit(
            version=version, actor=request.user, edit=edit,
            expected_revision=request.POST.get("revision") or None,
        )
    except BuilderError as error:
        messages.error(request, error.message)
        return False
    except VersionNotEditable as error:
        messages.error(request, str(error))
        return False
    except workflow.DraftChanged:
        messages.error(request, _(
            "Someone changed this draft while you were editing it, so your change was not "
            "saved. Check the draft and try again."))
        return False
    if done:
        messages.success(request, done)
    return True


# --- overview pages ------------------------------------------------------------------------


@builder_page
def home(request: HttpRequest) -> HttpResponse:
    organisations = selectors.builder_organisations(request.user)
    procedures = selectors.procedures_of(organisations)
    language = get_language()
    rows, reviewing, publishing = [], [], []
    roles_by_org = {o.pk: selectors.builder_roles(request.user, o) for o in organisations}
    for procedure in procedures:
        versions = sorted(procedure.versions.all(), key=lambda v: -v.number)
        published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
        open_version = next(
            (v for v in versions if v.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)),
            None,
        )
        title = text((versions[0].definition if versions else {}).get("title"), language)
        row = {"procedure": procedure, "title": title or procedure.code,
               "organisation": procedure.organisation.name(language),
               "published": published, "open": open_version}
        rows.append(row)
        roles = roles_by_org.get(procedure.organisation_id, set())
        if open_version and open_version.status == VersionStatus.IN_REVIEW:
            if Role.REVIEWER in roles and not open_version.approved_hash:
                reviewing.append(row)
            if Role.PUBLISHER in roles and open_version.approved_hash:
                publishing.append(row)
    return render(request, "procedures/builder/home.html", {
        "organisations": organisations, "rows": rows, "reviewing": reviewing,
        "publishing": publishing,
        "can_create": any(Role.EDITOR in roles for roles in roles_by_org.values()),
    })


@builder_page
def procedure_new(request: HttpRequest) -> HttpResponse:
    organisations = selectors.builder_organisations(request.user, roles=(Role.EDITOR,))
    if not organisations.exists():
        raise PermissionDenied
    form = ProcedureCreateForm(request.POST or None, organisations=organisations,
                               initial={"organisation": organisations.first()})
    if request.method == "POST" and form.is_valid():
        try:
            procedure = workflow.procedure_start(
                code=form.cleaned_data["code"], organisation=form.cleaned_data["organisation"],
                title=form.localised("title", ("ja", "en")), actor=request.user,
            )
        except workflow.WorkflowRefused as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("The procedure was created. Add its questions."))
            return redirect(editor_url(procedure.versions.get()))
    return render(request, "procedures/builder/new.html", {"form": form})


@builder_page
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    procedure, _version, roles = load(request, code)
    versions = selectors.procedure_versions(procedure)
    language = get_language()
    open_version = next(
        (v for v in versions if v.status in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)), None
    )
    latest_published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    title = text(versions[0].definition.get("title"), language) if versions else code
    return render(request, "procedures/builder/procedure.html", {
        "procedure": procedure, "versions": versions, "roles": roles, "title": title,
        "open_version": open_version, "latest_published": latest_published,
        "shared": getattr(latest_published, "template", None) if latest_published else None,
        "copied_from": procedure.copied_from,
    })


@builder_page
@require_POST
def version_new(request: HttpRequest, code: str) -> HttpResponse:
    procedure, _version, _roles = load(request, code)
    version = workflow.version_draft_open(procedure=procedure, actor=request.user)
    messages.success(request, _("Version %(number)s is open for editing.")
                     % {"number": version.number})
    return redirect(editor_url(version))


@builder_page
def attributes(request: HttpRequest) -> HttpResponse:
    organisations = selectors.builder_organisations(request.user)
    language = get_language()
    tables = []
    for organisation in organisations:
        catalogue, readable = selectors.catalogue_for(organisation)
        tables.append({
            "organisation": organisation.name(language),
            "rows": [{"attribute": a, "label": a.label(language), "readable": code in readable}
                     for code, a in catalogue.items()],
        })
    return render(request, "procedures/builder/attributes.html", {"tables": tables})
