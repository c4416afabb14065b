"""Life event pages for staff: bundle published procedures of several bureaus.

The residents' side is ``journey_views``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kiban.identity.constants import Role
from kiban.procedures import life_events, selectors, workflow
from kiban.procedures.builder_forms import LifeEventForm
from kiban.procedures.localise import text
from kiban.procedures.models import LifeEvent, Procedure
from kiban.procedures.views import builder_page

# --- staff ---------------------------------------------------------------------------------


@builder_page
def staff_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.builder_organisations(request.user, roles=(Role.EDITOR,))
    language = get_language()
    entries = [
        {"life_event": event, "title": text(event.title, language),
         "procedures": [entry.procedure.code for entry in event.entries.all()]}
        for event in selectors.life_events_of(organisations)
    ]
    return render(request, "procedures/life_events/staff_list.html",
                  {"entries": entries, "can_create": organisations.exists()})


@builder_page
def staff_new(request: HttpRequest) -> HttpResponse:
    organisations = selectors.builder_organisations(request.user, roles=(Role.EDITOR,))
    if not organisations.exists():
        raise PermissionDenied
    form = LifeEventForm(request.POST or None, organisations=organisations,
                         initial={"organisation": organisations.first()})
    if request.method == "POST" and form.is_valid():
        try:
            event = life_events.life_event_create(
                code=form.cleaned_data["code"], organisation=form.cleaned_data["organisation"],
                title=form.localised("title"), description=form.localised("description"),
                actor=request.user,
            )
        except workflow.WorkflowRefused as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("The life event was created. Add its procedures."))
            return redirect("builder:life-event", event.code)
    return render(request, "procedures/life_events/staff_new.html", {"form": form})


def _staff_action(request: HttpRequest, event: LifeEvent) -> None:
    action, actor = request.POST.get("action", ""), request.user
    name, _sep, code = action.partition("=")
    if name == "add":
        code = request.POST.get("procedure", "")
    procedure = Procedure.objects.filter(code=code).first() if code else None
    if name in ("add", "remove", "up", "down") and procedure is None:
        messages.error(request, _("Choose a procedure."))
        return
    if name == "add":
        life_events.life_event_procedure_add(life_event=event, procedure=procedure, actor=actor)
    elif name == "remove":
        life_events.life_event_procedure_remove(life_event=event, procedure=procedure,
                                                actor=actor)
    elif name in ("up", "down"):
        life_events.life_event_procedure_move(life_event=event, procedure=procedure,
                                              delta=-1 if name == "up" else 1, actor=actor)
    elif name in ("publish", "unpublish"):
        life_events.life_event_publish(life_event=event, published=name == "publish",
                                       actor=actor)
    else:
        raise Http404
    messages.success(request, _("The life event was saved."))


@builder_page
def staff_edit(request: HttpRequest, code: str) -> HttpResponse:
    event = get_object_or_404(LifeEvent.objects.select_related("organisation"), code=code)
    if not selectors.has_builder_role(request.user, event.organisation, Role.EDITOR):
        raise Http404
    form = LifeEventForm(request.POST if request.POST.get("action") == "save" else None,
                         life_event=event)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "save":
                if form.is_valid():
                    life_events.life_event_update(
                        life_event=event, title=form.localised("title"),
                        description=form.localised("description"), actor=request.user)
                    messages.success(request, _("The life event was saved."))
                    return redirect("builder:life-event", code)
            else:
                _staff_action(request, event)
                return redirect("builder:life-event", code)
        except workflow.WorkflowRefused as error:
            messages.error(request, error.message)
            return redirect("builder:life-event", code)
    language = get_language()
    versions = life_events.journey_versions(event)
    shared = life_events.shared_answers([v.definition for v in versions])
    included = {entry.procedure_id for entry in event.entries.all()}
    return render(request, "procedures/life_events/staff_edit.html", {
        "event": event, "form": form, "title": text(event.title, language),
        "entries": [
            {"procedure": entry.procedure,
             "title": text(selectors.current_version(entry.procedure.code).definition
                           .get("title"), language)
             if selectors.current_version(entry.procedure.code) else entry.procedure.code,
             "organisation": entry.procedure.organisation.name(language)}
            for entry in event.entries.select_related("procedure__organisation")
        ],
        "candidates": [
            {"code": v.procedure.code, "title": text(v.definition.get("title"), language),
             "organisation": v.procedure.organisation.name(language)}
            for v in selectors.bundle_candidates() if v.procedure_id not in included
        ],
        "shared": [{"attribute": a.attribute, "label": text(a.field.get("label"), language),
                    "count": len({i for i, _f in a.uses})} for a in shared],
    })
