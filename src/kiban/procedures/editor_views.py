"""Builder pages that change a draft: settings, steps and questions, conditions, order.

Every change goes through ``workflow.version_edit`` (audited, refused for anything but a
draft, refused when someone else saved since the page was loaded).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.identity.constants import Role
from kiban.procedures import builder, condition_editor, selectors, workflow
from kiban.procedures.builder import BuilderError
from kiban.procedures.builder_forms import (
    FieldAddForm,
    SettingsForm,
    StepAddForm,
    StepForm,
    field_type_label,
)
from kiban.procedures.field_form import FieldForm
from kiban.procedures.field_types import field_types
from kiban.procedures.localise import text
from kiban.procedures.views import apply_edit, builder_page, editable, editor_url, load


def _structure(definition: dict, language: str, base: str) -> list[dict]:
    """Return the steps and questions as the editor lists them (``base``: the version's URL)."""
    steps = []
    for index, step in enumerate(definition.get("steps", [])):
        fields = []
        for field in step.get("fields", []):
            url = f"{base}fields/{field['id']}/"
            fields.append({
                "id": field["id"], "url": url,
                "label": text(field.get("label"), language) or field["id"],
                "type": field_type_label(field["type"]),
                "group": field["type"] == "group",
                "required": field.get("required"),
                "prefill": field.get("prefill", ""),
                "condition": condition_editor.describe(field["show_if"], definition, language)
                if "show_if" in field else "",
                "subfields": [
                    {"id": sub["id"], "url": f"{base}fields/{field['id']}/sub/{sub['id']}/",
                     "label": text(sub.get("label"), language) or sub["id"],
                     "type": field_type_label(sub["type"])}
                    for sub in field.get("fields") or []
                ],
            })
        steps.append({
            "index": index, "id": step["id"], "number": index + 1,
            "title": text(step.get("title"), language) or step["id"],
            "condition": condition_editor.describe(step["show_if"], definition, language)
            if "show_if" in step else "",
            "fields": fields,
        })
    return steps


def _words() -> dict[str, str]:
    """Return the words repeated on every row of the editor, translated once per page."""
    return {
        "up": _("Move up"), "down": _("Move down"), "remove": _("Remove"),
        "required": _("Required"), "prefilled": _("prefilled from"),
        "shown_when": _("Shown only when:"),
    }


@builder_page
def editor(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    definition, language = version.definition, get_language()
    steps = _structure(definition, language, editor_url(version))
    return render(request, "procedures/builder/editor.html", {
        "procedure": procedure, "version": version, "roles": roles,
        "editable": editable(version, roles),
        "title": text(definition.get("title"), language) or code,
        "definition": definition,
        "purpose": text(definition.get("purpose"), language),
        "steps": steps, "words": _words(),
        "revision": workflow.revision(version),
        "add_step_form": StepAddForm(),
        "field_count": sum(len(s["fields"]) + sum(len(f["subfields"]) for f in s["fields"])
                           for s in steps),
    })


def _editable_or_back(request, version, roles) -> HttpResponse | None:
    if not editable(version, roles):
        if Role.EDITOR not in roles:
            raise PermissionDenied
        messages.error(request, _("Only a draft can be changed; create a new version."))
        return redirect(editor_url(version))
    return None


_MOVES = {"up": -1, "down": 1}


def _structure_edit(op: str, target: str, post) -> tuple:
    """Return (edit function, anchor, message) for a button of the editor's structure form."""
    parts = target.split(":")
    if op in ("step-up", "step-down"):
        return (lambda d: builder.step_move(d, parts[0], _MOVES[op[5:]]), f"step-{parts[0]}", "")
    if op == "step-remove":
        return (lambda d: builder.step_remove(d, parts[0]), "steps",
                _("The step was removed."))
    group, field_id = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])

    def place(definition):
        return builder.find_field(definition, field_id, group)[0]

    anchor = f"field-{group}-{field_id}" if group else f"field-{field_id}"
    if op in ("field-up", "field-down"):
        return (lambda d: builder.field_move(d, place(d), _MOVES[op[6:]]), anchor, "")
    if op == "field-remove":
        return (lambda d: builder.field_remove(d, place(d)), "steps",
                _("The question was removed."))
    raise Http404


@builder_page
@require_POST
def structure(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _procedure, version, roles = load(request, code, number)
    back = _editable_or_back(request, version, roles)
    if back:
        return back
    op, _sep, target = request.POST.get("op", "").partition("=")
    edit, anchor, done = _structure_edit(op, target, request.POST)
    apply_edit(request, version, edit, done)
    return redirect(editor_url(version, anchor))


@builder_page
@require_POST
def step_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    _procedure, version, roles = load(request, code, number)
    back = _editable_or_back(request, version, roles)
    if back:
        return back
    form = StepAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the step a Japanese title."))
        return redirect(editor_url(version, "add-step"))
    added = {}

    def edit(definition):
        added["id"] = builder.step_add(definition, title=form.localised("title", ("ja", "en")))

    apply_edit(request, version, edit, _("The step was added."))
    return redirect(editor_url(version, f"step-{added.get('id', '')}"))


@builder_page
def settings_edit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    back = _editable_or_back(request, version, roles)
    if back:
        return back
    form = SettingsForm(request.POST or None, definition=version.definition)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if apply_edit(request, version, lambda d: builder.settings_apply(d, values),
                      _("The settings were saved.")):
            return redirect(editor_url(version))
    return render(request, "procedures/builder/settings.html", {
        "procedure": procedure, "version": version, "form": form,
        "revision": workflow.revision(version),
    })


def _sources(definition: dict, step: int, own: str | None, language: str) -> dict:
    return {
        "show_if": condition_editor.sources(definition, step, own, same_step=False,
                                            language=language),
        "required_if": condition_editor.sources(definition, step, own, same_step=True,
                                                language=language),
    }


@builder_page
def step_edit(request: HttpRequest, code: str, number: int, step_id: str) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    back = _editable_or_back(request, version, roles)
    if back:
        return back
    definition, language = version.definition, get_language()
    try:
        index = builder.step_index(definition, step_id)
    except BuilderError:
        raise Http404 from None
    step = definition["steps"][index]
    form = StepForm(request.POST or None, step=step, language=language,
                    sources=_sources(definition, index, None, language)["show_if"])
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if form.is_valid() and apply_edit(
            request, version, lambda d: builder.step_update(d, step_id, values),
            _("The step was saved."),
        ):
            return redirect(editor_url(version, f"step-{step_id}"))
    return render(request, "procedures/builder/step.html", {
        "procedure": procedure, "version": version, "form": form, "number": index + 1,
        "step_title": text(step.get("title"), language),
        "revision": workflow.revision(version),
    })


def _add_field(request, code, number, step_id=None, group_id=None) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    back = _editable_or_back(request, version, roles)
    if back:
        return back
    definition, language = version.definition, get_language()
    group = None
    if group_id is not None:
        try:
            place, group = builder.find_field(definition, group_id)
        except BuilderError:
            raise Http404 from None
        step_id = definition["steps"][place.step]["id"]
    form = FieldAddForm(request.POST or None, in_group=group is not None)
    if request.method == "POST" and form.is_valid():
        added = {}

        def edit(d):
            added["id"] = builder.field_add(
                d, step_id=step_id, field_type=form.cleaned_data["field_type"],
                label=form.localised("label", ("ja", "en")), group_id=group_id,
            )

        done = _("The question was added. Now fill in its details.")
        if apply_edit(request, version, edit, done):
            args = [code, number, *([group_id] if group_id else []), added["id"]]
            return redirect("builder:subfield" if group_id else "builder:field", *args)
    try:
        step_title = text(definition["steps"][builder.step_index(definition, step_id)]
                          .get("title"), language)
    except BuilderError:
        raise Http404 from None
    return render(request, "procedures/builder/field_add.html", {
        "procedure": procedure, "version": version, "form": form, "step_title": step_title,
        "group_label": text(group.get("label"), language) if group else "",
        "revision": workflow.revision(version),
    })


@builder_page
def field_add(request: HttpRequest, code: str, number: int, step_id: str) -> HttpResponse:
    return _add_field(request, code, number, step_id=step_id)


@builder_page
def subfield_add(request: HttpRequest, code: str, number: int, group_id: str) -> HttpResponse:
    return _add_field(request, code, number, group_id=group_id)


@builder_page
def field_edit(request: HttpRequest, code: str, number: int, field_id: str,
               group_id: str | None = None) -> HttpResponse:
    procedure, version, roles = load(request, code, number)
    back = _editable_or_back(request, version, roles)
    if back:
        return back
    definition, language = version.definition, get_language()
    try:
        place, field = builder.find_field(definition, field_id, group_id)
    except BuilderError:
        raise Http404 from None
    attributes, readable = selectors.catalogue_for(procedure.organisation)
    form = FieldForm(
        request.POST or None, field=field, definition=definition, attributes=attributes,
        readable=readable, sources=_sources(definition, place.step, field_id, language),
        language=language, subfield=group_id is not None,
        steps=[(s["id"], _("Step %(number)s: %(title)s") % {
            "number": i + 1, "title": text(s.get("title"), language)})
            for i, s in enumerate(definition["steps"])],
        current_step=definition["steps"][place.step]["id"],
    )
    if request.method == "POST" and form.is_valid():
        values = form.values()
        target = values.pop("step", None)

        def edit(d):
            builder.field_update(d, place, values)
            if target and group_id is None:
                moved = builder.find_field(d, values["id"])[0]
                builder.field_move_to_step(d, moved, target)

        if form.is_valid() and apply_edit(request, version, edit, _("The question was saved.")):
            anchor = f"field-{group_id}-{values['id']}" if group_id else f"field-{values['id']}"
            return redirect(editor_url(version, anchor))
    group = definition["steps"][place.step]["fields"][place.position] if group_id else None
    return render(request, "procedures/builder/field.html", {
        "procedure": procedure, "version": version, "form": form, "field": field,
        "type_label": field_type_label(field["type"]),
        "step_number": place.step + 1,
        "step_title": text(definition["steps"][place.step].get("title"), language),
        "group": group, "group_label": text(group.get("label"), language) if group else "",
        "is_group": field["type"] == "group",
        "subfields": [{"id": s["id"], "label": text(s.get("label"), language) or s["id"],
                       "type": field_type_label(s["type"])} for s in field.get("fields") or []],
        "revision": workflow.revision(version),
        "registry_type": field_types[field["type"]].value_type,
    })
