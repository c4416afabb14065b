"""Staff casework on submissions: the inbox, opening a case, statuses, messages, assignment.

Selectors are scoped by organisation: a staff member works the submissions of the
organisations where they hold a case-work role, and of the departments under them. Every
read of a case's personal data is written to the applicant's access log; every write is
audited.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kiban.audit.services import audit_record, security_event
from kiban.events.services import event_emit
from kiban.identity.constants import Role, UserKind
from kiban.identity.models import Organisation, User
from kiban.jp.width import fold_width
from kiban.procedures.localise import text
from kiban.procedures.models import Procedure, ProcedureVersion
from kiban.procedures.selectors import TamperedVersion, version_checked
from kiban.registry.constants import AccessorKind, Purpose
from kiban.registry.selectors import Accessor
from kiban.registry.services import access_record
from kiban.submissions.constants import TRANSITIONS, MessageKind, Status
from kiban.submissions.models import Attachment, Message, StatusChange, Submission

log = logging.getLogger("kiban.submissions")

#: Roles that may work cases, and so read applicants' personal data.
CASE_WORK_ROLES = frozenset({Role.CASE_WORKER, Role.ADMIN})
#: The pseudo attribute code under which a read of a submission's answers is logged.
ANSWERS_CODE = "submission.answers"
ATTACHMENTS_CODE = "submission.attachments"
TITLE_LANGUAGES = {"ja": "ja", "en": "en", "easy": "ja-easy"}


class CaseworkRefused(Exception):
    """A casework action is not allowed; `str()` is the message to show the staff member."""

    MESSAGES = {
        "unknown_status": _("“%(to)s” is not a status."),
        "transition": _("A submission that is “%(from)s” cannot be moved to “%(to)s”."),
        "correction_needs_message": _(
            "To ask for a correction, send a correction request: it tells the applicant what "
            "to correct."
        ),
        "empty_body": _("Write a message first."),
        "not_case_worker": _("You do not work cases of this organisation."),
        "assignee_not_case_worker": _(
            "%(assignee)s does not work cases of this organisation."
        ),
    }

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.MESSAGES[self.code]) % self.params


# --- selectors -------------------------------------------------------------------------


def staff_organisations(user: User) -> QuerySet[Organisation]:
    """Return the organisations whose cases `user` may work: memberships and their departments."""
    if not user.is_authenticated or user.kind != UserKind.STAFF:
        return Organisation.objects.none()
    member_of = user.memberships.filter(role__in=CASE_WORK_ROLES).values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=member_of) | Q(parent_id__in=member_of))


@dataclass(frozen=True)
class SystemActor:
    """A bureau system working cases through the exchange API, for the organisations listed."""

    label: str
    organisation_ids: frozenset[int]

    def __str__(self) -> str:
        return self.label


def _user(actor: User | SystemActor) -> User | None:
    return actor if isinstance(actor, User) else None


def may_work(*, user: User | SystemActor, submission: Submission) -> bool:
    if isinstance(user, SystemActor):
        return submission.organisation_id in user.organisation_ids
    return staff_organisations(user).filter(pk=submission.organisation_id).exists()


def _title_in(definition_path: str, language: str) -> KeyTextTransform:
    """Return the expression of a definition's title in `language`, read by the database."""
    return KeyTextTransform(language, KeyTransform("title", definition_path))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inbox_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Submission]:
    """Return the submitted cases `user` may work, newest first, narrowed by `filters`.

    `filters` holds cleaned values: status, procedure (code), reference (part of it),
    submitted_from and submitted_to (dates, inclusive) and assigned ("me" or "none").
    Answers are deferred: the list shows no personal data but the applicant's name.
    """
    filters = filters or {}
    cases = (
        Submission.objects.filter(organisation__in=staff_organisations(user))
        .exclude(status=Status.DRAFT)
        .select_related("applicant", "assigned_to")
        .defer("answers", "prefill", "save_back")
        .annotate(**{
            f"title_{suffix}": _title_in("version__definition", code)
            for suffix, code in TITLE_LANGUAGES.items()
        })
        .order_by("-submitted_at", "-id")
    )
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("procedure"):
        cases = cases.filter(version__procedure__code=filters["procedure"])
    if filters.get("reference"):
        cases = cases.filter(reference__icontains=fold_width(filters["reference"]).strip())
    if filters.get("submitted_from"):
        cases = cases.filter(submitted_at__gte=_day_start(filters["submitted_from"]))
    if filters.get("submitted_to"):
        cases = cases.filter(submitted_at__lt=_day_start(filters["submitted_to"] + timedelta(1)))
    if filters.get("assigned") == "me":
        cases = cases.filter(assigned_to=user)
    elif filters.get("assigned") == "none":
        cases = cases.filter(assigned_to=None)
    return cases


def annotated_title(submission: Submission, language: str) -> str:
    """Return the procedure title of an `inbox_for` row in `language`."""
    titles = {
        code: getattr(submission, f"title_{suffix}", None)
        for suffix, code in TITLE_LANGUAGES.items()
    }
    return text({code: title for code, title in titles.items() if title}, language)


def procedures_for(*, user: User) -> QuerySet[Procedure]:
    """Return the procedures of `user`'s organisations, titled by their latest version."""
    latest = ProcedureVersion.objects.filter(procedure=OuterRef("pk")).order_by("-number")
    return Procedure.objects.filter(organisation__in=staff_organisations(user)).annotate(**{
        f"title_{suffix}": Subquery(
            latest.annotate(t=_title_in("definition", code)).values("t")[:1]
        )
        for suffix, code in TITLE_LANGUAGES.items()
    })


def submission_for_staff(*, user: User, public_id, request=None) -> Submission:
    """Return the submitted case `public_id` if `user` may work it.

    Raise Http404 otherwise; a case that exists but belongs to another organisation is
    logged as a security event, since staff only reach it by guessing or sharing links.
    """
    submission = (
        Submission.objects.select_related(
            "version__procedure", "organisation", "applicant", "assigned_to", "subject"
        )
        .filter(public_id=public_id)
        .first()
    )
    if submission is None:
        raise Http404
    if submission.status == Status.DRAFT or not may_work(user=user, submission=submission):
        security_event(
            action="submission_out_of_scope", request=request,
            data={"submission": str(public_id), "user": user.pk,
                  "organisation": submission.organisation.code},
        )
        raise Http404
    return submission


# --- reading a case (logged in the applicant's access log) -------------------------------


def definition_fields(definition: dict) -> list[dict]:
    return [f for step in definition.get("steps", []) for f in step.get("fields", [])]


def case_attribute_codes(definition: dict) -> list[str]:
    """Return what a case worker reads: the prefilled registry attributes and the answers."""
    fields = definition_fields(definition)
    codes = {f["prefill"] for f in fields if isinstance(f.get("prefill"), str)}
    return sorted(codes | {ANSWERS_CODE})


def case_accessor(*, submission: Submission, user: User) -> Accessor:
    definition = submission.version.definition
    return Accessor(
        kind=AccessorKind.STAFF, user=user, organisation=submission.organisation,
        label=str(user), procedure_code=submission.version.procedure.code,
        reference=submission.reference or "", legal_basis=definition.get("legal_basis", ""),
    )


def case_read_log(*, submission: Submission, user: User, attribute_codes=None) -> None:
    """Write the applicant's access-log row for `user` reading `submission`."""
    accessor = case_accessor(submission=submission, user=user)
    access_record(
        subject=submission.subject,
        attribute_codes=attribute_codes or case_attribute_codes(submission.version.definition),
        accessor=accessor, purpose=Purpose.CASE_WORK, basis=accessor.legal_basis,
    )


def checked_definition(version: ProcedureVersion) -> dict | None:
    """Return the version's definition, or None if it is not the one published (logged)."""
    try:
        return version_checked(version)
    except TamperedVersion:
        return None


def answer_sections(definition: dict | None, answers: dict, language: str) -> list | None:
    """Return [(step title, [(label, value)])], or None without a trustworthy definition."""
    if definition is None:
        return None
    from kiban.procedures.forms import display_answers  # lazily: forms pull in rendering

    return display_answers(definition, answers, language)


@dataclass
class CaseFile:
    """What a case worker sees of one submission."""

    submission: Submission
    title: str
    sections: list | None
    raw_answers: str
    provenance: list[dict]
    attachments: list[Attachment]
    history: list[StatusChange]
    messages: list[Message]
    next_statuses: list[tuple[str, str]] = field(default_factory=list)
    may_request_correction: bool = False
    # The version's definition failed its integrity check: answers are shown as stored.
    tampered: bool = False


def case_file(*, submission: Submission, user: User, language: str) -> CaseFile:
    """Return the case file of `submission` for `user`, logging the read for the applicant."""
    case_read_log(submission=submission, user=user)
    definition = checked_definition(submission.version)
    procedure = submission.version.procedure
    labels = {
        f["id"]: text(f.get("label"), language) for f in definition_fields(definition or {})
    }
    provenance = [
        {"label": labels.get(field_id, field_id), "source": p.get("source", ""),
         "recorded_at": p.get("recorded_at", ""), "attribute": p.get("attribute", "")}
        for field_id, p in submission.prefill.items()
    ]
    return CaseFile(
        submission=submission,
        title=text(definition.get("title"), language) if definition else procedure.code,
        sections=answer_sections(definition, submission.answers, language),
        raw_answers=json.dumps(submission.answers, ensure_ascii=False, indent=2),
        provenance=provenance,
        attachments=list(submission.attachments.order_by("uploaded_at", "id")),
        history=list(submission.status_changes.all()),
        messages=list(submission.messages.all()),
        next_statuses=next_statuses(submission.status),
        may_request_correction=Status.NEEDS_CORRECTION in TRANSITIONS.get(submission.status, ()),
        tampered=definition is None,
    )


def next_statuses(status: str) -> list[tuple[str, str]]:
    """Return the (value, label) statuses a case may move to by a plain status change.

    Needs correction is left out: it is reached by a correction request, which tells the
    applicant what to correct.
    """
    allowed = TRANSITIONS.get(status, frozenset())
    return [(s.value, s.label) for s in Status if s in allowed and s != Status.NEEDS_CORRECTION]


def attachment_for_staff(*, submission: Submission, attachment_id: int, user: User) -> Attachment:
    """Return an attachment of a case `user` may work, logging the read for the applicant."""
    attachment = submission.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    case_read_log(submission=submission, user=user, attribute_codes=[ATTACHMENTS_CODE])
    audit_record(
        action="submission.attachment_download", actor=user,
        organisation=submission.organisation, target=attachment,
        data={"submission": submission.reference},
    )
    return attachment


# --- services --------------------------------------------------------------------------


def _locked_for(submission: Submission, actor: User) -> Submission:
    """Lock the submission row and check that `actor` works its organisation's cases."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not may_work(user=actor, submission=locked):
        raise CaseworkRefused("not_case_worker")
    return locked


def _move(locked: Submission, to_status: str, actor: User, note: str) -> StatusChange:
    if to_status not in Status.values or to_status == Status.DRAFT:
        raise CaseworkRefused("unknown_status", to=to_status)
    if to_status not in TRANSITIONS.get(locked.status, frozenset()):
        raise CaseworkRefused(
            "transition", **{"from": Status(locked.status).label, "to": Status(to_status).label}
        )
    change = StatusChange.objects.create(
        submission=locked, from_status=locked.status, to_status=to_status, by=_user(actor),
        by_label=str(actor), note=note,
    )
    locked.status = to_status
    locked.updated_at = change.at
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        action="submission.status_change", actor=_user(actor), actor_label=str(actor),
        organisation=locked.organisation, target=locked,
        data={"from": change.from_status, "to": to_status},
    )
    event_emit(
        type="submission.status_changed", organisation=locked.organisation_id,
        subject=locked.subject, actor_label=str(actor),
        payload={"submission": str(locked.public_id), "reference": locked.reference,
                 "procedure": locked.version.procedure.code, "from": change.from_status,
                 "to": to_status},
    )
    return change


def _sync(submission: Submission, locked: Submission) -> None:
    """Copy the new state onto the caller's instance, so it sees what was written."""
    submission.status = locked.status
    submission.updated_at = locked.updated_at
    submission.assigned_to_id = locked.assigned_to_id


@transaction.atomic
def submission_status_change(
    *, submission: Submission, to_status: str, actor: User, note: str = ""
) -> StatusChange:
    """Move a case to `to_status` if TRANSITIONS allows it from its current status.

    Needs correction is refused here: `submission_correction_request` reaches it with a
    message that tells the applicant what to correct.
    """
    locked = _locked_for(submission, actor)
    if to_status == Status.NEEDS_CORRECTION:
        raise CaseworkRefused("correction_needs_message")
    change = _move(locked, to_status, actor, note.strip())
    _sync(submission, locked)
    return change


def _message(locked: Submission, kind: str, body: str, actor: User) -> Message:
    return Message.objects.create(
        submission=locked, kind=kind, author=_user(actor), author_label=str(actor), body=body
    )


@transaction.atomic
def submission_comment(*, submission: Submission, body: str, actor: User) -> Message:
    """Add an internal comment to a case; the applicant never sees comments."""
    body = body.strip()
    if not body:
        raise CaseworkRefused("empty_body")
    locked = _locked_for(submission, actor)
    message = _message(locked, MessageKind.COMMENT, body, actor)
    audit_record(
        action="submission.comment", actor=actor, organisation=locked.organisation,
        target=locked, data={"message": message.pk},
    )
    return message


@transaction.atomic
def submission_correction_request(*, submission: Submission, body: str, actor: User) -> Message:
    """Ask the applicant for a correction: a message they see, and status needs correction."""
    body = body.strip()
    if not body:
        raise CaseworkRefused("empty_body")
    locked = _locked_for(submission, actor)
    _move(locked, Status.NEEDS_CORRECTION, actor, "")
    message = _message(locked, MessageKind.CORRECTION_REQUEST, body, actor)
    audit_record(
        action="submission.correction_request", actor=_user(actor), actor_label=str(actor),
        organisation=locked.organisation, target=locked, data={"message": message.pk},
    )
    _sync(submission, locked)
    return message


@transaction.atomic
def submission_notice(*, submission: Submission, body: str, actor: User | SystemActor) -> Message:
    """Send the applicant a message from the bureau; the status stays as it is."""
    body = body.strip()
    if not body:
        raise CaseworkRefused("empty_body")
    locked = _locked_for(submission, actor)
    message = _message(locked, MessageKind.NOTICE, body, actor)
    audit_record(
        action="submission.notice", actor=_user(actor), actor_label=str(actor),
        organisation=locked.organisation, target=locked, data={"message": message.pk},
    )
    return message


@transaction.atomic
def submission_assign(
    *, submission: Submission, assignee: User | None, actor: User
) -> Submission:
    """Assign a case to `assignee` (None releases it); the assignee must work such cases."""
    locked = _locked_for(submission, actor)
    if assignee is not None and not may_work(user=assignee, submission=locked):
        raise CaseworkRefused("assignee_not_case_worker", assignee=str(assignee))
    previous = locked.assigned_to_id
    locked.assigned_to = assignee
    locked.updated_at = timezone.now()
    locked.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        action="submission.assign", actor=actor, organisation=locked.organisation, target=locked,
        data={"from": previous, "to": assignee.pk if assignee else None},
    )
    _sync(submission, locked)
    submission.assigned_to = assignee
    return locked
