"""Life events (ライフイベント): bundles of procedures a resident starts once.

A life event such as 転入 (moving into Tokyo) or 出生 (a birth) lists procedures of
different bureaus. The resident starts it once: kiban opens one draft submission per
procedure (each prefilled and logged like any other). Answers the procedures share — top-level
fields that prefill from the same registry attribute — are asked once, on a page of their
own, and copied into every draft; each procedure's own steps then ask only the rest.
Submitting sends one submission to each bureau, each with its own reference number.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.audit.services import audit_record
from kiban.identity.constants import Role
from kiban.procedures import selectors
from kiban.procedures.builder import localised
from kiban.procedures.conditions import incomplete_steps
from kiban.procedures.field_types import field_types
from kiban.procedures.models import Journey, JourneyItem, LifeEvent, LifeEventProcedure
from kiban.procedures.workflow import RoleRequired, WorkflowRefused


class JourneyIncomplete(ValueError):
    """A procedure of the journey still misses answers; ``item`` and ``step`` say where."""

    def __init__(self, item: int, step: int) -> None:
        super().__init__(f"item {item} step {step}")
        self.item, self.step = item, step


def _require(actor, organisation) -> None:
    if not selectors.has_builder_role(actor, organisation, Role.EDITOR):
        raise RoleRequired(Role.EDITOR)


def _audit(action: str, actor, life_event: LifeEvent, **data: Any) -> None:
    audit_record(action=f"life_event.{action}", actor=actor,
                 organisation=life_event.organisation, target=life_event,
                 data={"code": life_event.code, **data})


# --- building a life event (staff) ----------------------------------------------------------


@transaction.atomic
def life_event_create(*, code: str, organisation, title: Mapping[str, str],
                      description: Mapping[str, str], actor) -> LifeEvent:
    """Create an unpublished life event owned by ``organisation`` (editor there)."""
    _require(actor, organisation)
    if LifeEvent.objects.filter(code=code).exists():
        raise WorkflowRefused(_("The code %(code)s is taken; choose another.") % {"code": code})
    life_event = LifeEvent.objects.create(
        code=code, organisation=organisation, title=localised(title),
        description=localised(description), created_by=actor,
    )
    _audit("create", actor, life_event)
    return life_event


@transaction.atomic
def life_event_update(*, life_event: LifeEvent, title, description, actor) -> LifeEvent:
    _require(actor, life_event.organisation)
    life_event.title, life_event.description = localised(title), localised(description)
    life_event.save(update_fields=["title", "description"])
    _audit("update", actor, life_event)
    return life_event


@transaction.atomic
def life_event_procedure_add(*, life_event: LifeEvent, procedure, actor) -> None:
    """Add a published procedure (of any bureau) at the end of the life event."""
    _require(actor, life_event.organisation)
    if selectors.current_version(procedure.code) is None:
        raise WorkflowRefused(_("Only a published procedure can be part of a life event."))
    if life_event.entries.filter(procedure=procedure).exists():
        return
    last = life_event.entries.aggregate(last=Max("position"))["last"]
    LifeEventProcedure.objects.create(life_event=life_event, procedure=procedure,
                                      position=0 if last is None else last + 1)
    _audit("procedure_add", actor, life_event, procedure=procedure.code)


@transaction.atomic
def life_event_procedure_remove(*, life_event: LifeEvent, procedure, actor) -> None:
    _require(actor, life_event.organisation)
    life_event.entries.filter(procedure=procedure).delete()
    _audit("procedure_remove", actor, life_event, procedure=procedure.code)


@transaction.atomic
def life_event_procedure_move(*, life_event: LifeEvent, procedure, delta: int, actor) -> None:
    """Move a procedure ``delta`` places in the life event's order."""
    _require(actor, life_event.organisation)
    entries = list(life_event.entries.order_by("position", "id"))
    index = next((i for i, e in enumerate(entries) if e.procedure_id == procedure.pk), None)
    if index is None or not 0 <= index + delta < len(entries):
        return
    entries[index], entries[index + delta] = entries[index + delta], entries[index]
    for position, entry in enumerate(entries):
        if entry.position != position:
            entry.position = position
            entry.save(update_fields=["position"])
    _audit("procedure_move", actor, life_event, procedure=procedure.code, delta=delta)


@transaction.atomic
def life_event_publish(*, life_event: LifeEvent, published: bool, actor) -> LifeEvent:
    """Offer the life event to residents, or stop offering it."""
    _require(actor, life_event.organisation)
    if published and not life_event.entries.exists():
        raise WorkflowRefused(_("Add at least one procedure first."))
    life_event.published_at = timezone.now() if published else None
    life_event.save(update_fields=["published_at"])
    _audit("publish" if published else "unpublish", actor, life_event)
    return life_event


# --- shared answers -------------------------------------------------------------------------


@dataclass
class SharedAnswer:
    """One answer asked once: the registry attribute and where each procedure asks it."""

    attribute: str
    field: dict  # the field shown on the shared page
    uses: list[tuple[int, dict]]  # (procedure index in the bundle, its field)

    @property
    def field_id(self) -> str:
        return self.field["id"]


def shared_answers(definitions: list[Mapping[str, Any]]) -> list[SharedAnswer]:
    """Return the answers that two or more of ``definitions`` prefill from one attribute."""
    uses: dict[str, list[tuple[int, dict]]] = {}
    for index, definition in enumerate(definitions):
        for step in definition.get("steps", []):
            for field in step.get("fields", []):
                if field.get("prefill"):
                    uses.setdefault(field["prefill"], []).append((index, field))
    shared = []
    for code, found in uses.items():
        if len({index for index, _field in found}) < 2:
            continue
        field = copy.deepcopy(found[0][1])
        for key in ("show_if", "required_if", "prefill", "save_back", "need"):
            field.pop(key, None)
        field["id"] = code.replace(".", "_")
        field["required"] = any(f.get("required") for _index, f in found)
        shared.append(SharedAnswer(code, field, found))
    return shared


def shared_definition(title: Mapping[str, str], shared: list[SharedAnswer]) -> dict:
    """Return a one-step definition holding the shared answers, for render/parse_step."""
    return {"code": "shared", "title": dict(title),
            "steps": [{"id": "shared", "title": dict(title),
                       "fields": [answer.field for answer in shared]}]}


def without_shared(definition: Mapping[str, Any], shared: list[SharedAnswer]) -> dict:
    """Return ``definition`` without the fields asked on the shared page (steps kept)."""
    codes = {answer.attribute for answer in shared}
    trimmed = copy.deepcopy(dict(definition))
    for step in trimmed.get("steps", []):
        step["fields"] = [f for f in step.get("fields", []) if f.get("prefill") not in codes]
    return trimmed


def convert(value: Any, source: dict, target: dict) -> Any:
    """Return a value of field ``source`` as field ``target`` holds it (through the registry)."""
    if value is None:
        return None
    fact = field_types[source["type"]].to_fact(source, value)
    return field_types[target["type"]].from_fact(target, fact)


# --- the resident's journey -----------------------------------------------------------------


def journey_versions(life_event: LifeEvent) -> list:
    """Return the current published version of each procedure of the life event, in order."""
    versions = []
    for entry in life_event.entries.select_related("procedure").order_by("position", "id"):
        version = selectors.current_version(entry.procedure.code)
        if version is not None:
            versions.append(version)
    return versions


@transaction.atomic
def journey_start(*, life_event: LifeEvent, applicant) -> Journey:
    """Start a journey: one prefilled draft per published procedure of the life event."""
    from kiban.submissions import services as submission_services

    if life_event.published_at is None:
        raise WorkflowRefused(_("This life event is not offered."))
    versions = journey_versions(life_event)
    if not versions:
        raise WorkflowRefused(_("None of this life event's procedures is open now."))
    journey = Journey.objects.create(life_event=life_event, applicant=applicant)
    for position, version in enumerate(versions):
        submission = submission_services.draft_start(
            version=version, definition=selectors.version_checked(version), applicant=applicant
        )
        JourneyItem.objects.create(journey=journey, submission=submission, position=position)
    audit_record(action="life_event.journey_start", actor=applicant, target=journey,
                 data={"life_event": life_event.code,
                       "procedures": [v.procedure.code for v in versions]})
    return journey


def _field_step(definition: Mapping[str, Any], field_id: str) -> int:
    for index, step in enumerate(definition.get("steps", [])):
        if any(field.get("id") == field_id for field in step.get("fields", [])):
            return index
    return 0


@transaction.atomic
def journey_shared_save(*, journey: Journey, items: list, values: Mapping[str, Any],
                        shared: list[SharedAnswer], actor) -> None:
    """Copy each shared answer into every draft of the journey that asks it."""
    from kiban.submissions import services as submission_services

    for answer in shared:
        value = values.get(answer.field_id)
        for index, field in answer.uses:
            submission, definition = items[index]
            submission_services.draft_save_step(
                submission=submission, step_index=_field_step(definition, field["id"]),
                values={field["id"]: convert(value, answer.field, field)}, next_step=0,
            )
    journey.shared_saved_at = timezone.now()
    journey.save(update_fields=["shared_saved_at"])
    audit_record(action="life_event.journey_shared_save", actor=actor, target=journey,
                 data={"shared": [answer.attribute for answer in shared]})


@transaction.atomic
def journey_submit(*, journey: Journey, items: list, actor) -> list:
    """Submit every draft of the journey: each bureau receives its own submission."""
    from kiban.submissions import services as submission_services
    from kiban.submissions.constants import Status

    for position, (submission, definition) in enumerate(items):
        missing = incomplete_steps(definition, submission.answers)
        if submission.status == Status.DRAFT and missing:
            raise JourneyIncomplete(position, missing[0])
    submitted = []
    for submission, definition in items:
        if submission.status == Status.DRAFT:
            submission = submission_services.submission_submit(
                submission=submission, definition=definition, save_back=[], consent=False,
                actor=actor,
            )
        submitted.append(submission)
    journey.submitted_at = timezone.now()
    journey.save(update_fields=["submitted_at"])
    audit_record(action="life_event.journey_submit", actor=actor, target=journey,
                 data={"references": [s.reference for s in submitted]})
    return submitted
