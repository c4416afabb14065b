"""Writes of the resident flow: start a draft with prefill, save steps, submit with save-back."""

import hashlib
import json
import logging
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.db import rows
from kiban.events.services import event_emit
from kiban.jp.check_character import reference_with_check
from kiban.procedures import forms as procedure_forms
from kiban.procedures.builder import IDENTIFIER
from kiban.procedures.field_types import field_types
from kiban.registry import selectors as registry_selectors
from kiban.registry import services as registry_services
from kiban.registry.constants import AccessorKind, Method, Purpose, SourceKind
from kiban.submissions.constants import MessageKind, Status
from kiban.submissions.models import (
    Attachment,
    Message,
    ReferenceCounter,
    StatusChange,
    Submission,
)

log = logging.getLogger("kiban.submissions")


class SubmissionError(Exception):
    """A submission cannot move on; `code` says why (for a message next to the right thing)."""

    def __init__(self, code: str, detail: Any = None):
        self.code = code
        self.detail = detail
        super().__init__(code)


def all_fields(definition: dict) -> list[dict]:
    return [field for step in definition.get("steps", []) for field in step.get("fields", [])]


def prefill_codes(definition: dict) -> dict[str, dict]:
    """Return {field id: field} of the fields that prefill from a registry attribute."""
    return {f["id"]: f for f in all_fields(definition) if f.get("prefill")}


def _title(definition: dict) -> str:
    return procedure_forms.text(definition.get("title"), "ja")


@transaction.atomic
def draft_start(*, version, definition: dict, applicant) -> Submission:
    """Start a draft and prefill it from the registry, with each value's source and date."""
    subject = registry_selectors.applying_subject(
        user=applicant,
        business=any(
            f["prefill"].startswith("business.") for f in prefill_codes(definition).values()
        ),
    )
    procedure = version.procedure
    fields = prefill_codes(definition)
    accessor = registry_selectors.Accessor(
        kind=AccessorKind.PROCEDURE,
        organisation=procedure.organisation,
        label=_title(definition),
        procedure_code=procedure.code,
    )
    facts = registry_selectors.facts_read(
        subject=subject,
        attribute_codes={f["prefill"] for f in fields.values()},
        purpose=Purpose.PREFILL,
        accessor=accessor,
    )
    answers, provenance = {}, {}
    for field_id, field in fields.items():
        fact = facts.get(field["prefill"])
        if fact is None:
            continue
        answers[field_id] = field_types.get(field["type"]).from_fact(field, fact.value)
        provenance[field_id] = {
            "fact": fact.pk,
            "attribute": field["prefill"],
            "source": _source_label(fact),
            "source_kind": fact.source_kind,
            "recorded_at": timezone.localtime(fact.recorded_at).date().isoformat(),
            "method": fact.method,
        }
    # Every application starts here: the draft is inserted once, prefilled, in plain SQL.
    submission = rows.create(
        Submission, version=version, organisation=procedure.organisation, applicant=applicant,
        subject=subject, answers=answers, prefill=provenance,
    )
    audit_record(
        action="submission.start",
        actor=applicant,
        target=submission,
        data={"procedure": procedure.code, "prefilled": sorted(provenance)},
    )
    return submission


def _source_label(fact) -> str:
    if fact.source_organisation is not None:
        return fact.source_organisation.name_ja
    return fact.source_label or fact.get_source_kind_display()


def _store_uploads(submission: Submission, values: dict) -> dict:
    """Replace pending uploads in `values` by stored attachments."""
    stored = {}
    for field_id, value in values.items():
        upload = getattr(value, "uploaded_file", None)
        if upload is None:
            stored[field_id] = value
            continue
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment.objects.create(
            submission=submission,
            field_id=field_id,
            file=upload,
            filename=upload.name[:255],
            content_type=getattr(upload, "content_type", "") or "application/octet-stream",
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        stored[field_id] = {
            "attachment": attachment.pk,
            "filename": attachment.filename,
            "size": attachment.size,
        }
    return stored


_DRAFT = rows.Columns(Submission, "s")


def draft_save_step(
    *, submission: Submission, step_index: int, values: dict, next_step: int
) -> Submission:
    """Save one step's answers into the draft and move its bookmark to `next_step`.

    Every step of every application ends here. Without uploads the save is one statement
    that merges the answers into the stored ones in the database (so two tabs saving
    different steps at once both keep theirs) and returns the draft as saved; a step with
    files stores them first, with the draft locked.
    """
    uploads = any(getattr(value, "uploaded_file", None) is not None for value in values.values())
    # Field ids (IDENTIFIER) stand in a JSON path as they are; RETURNING on UPDATE comes with
    # RETURNING on INSERT (SQLite 3.35).
    if uploads or not connection.features.can_return_columns_from_insert or not all(
            IDENTIFIER.match(key) for key in values):
        return _draft_save_locked(submission, values, next_step)
    found = rows.select(_step_save_sql(connection.vendor, tuple(values)), [
        *_merged_answers_params(values), next_step,
        rows.prepared(Submission, "updated_at", timezone.now()), submission.pk, Status.DRAFT,
    ])
    if not found:
        raise SubmissionError("not_a_draft")
    return _DRAFT.instance(found[0])


def _merged_answers_params(values: dict) -> list:
    if connection.vendor == "postgresql":
        return [rows.prepared(Submission, "answers", values)]
    return [json.dumps(value, cls=Submission._meta.get_field("answers").encoder)
            for value in values.values()]


@cache
def _step_save_sql(vendor: str, keys: tuple[str, ...]) -> str:
    """UPDATE … RETURNING the draft: answers merged key by key (a shallow merge, as
    `{**answers, **values}`), the bookmark never moved back, only while still a draft."""
    table = rows.quoted(Submission._meta.db_table)
    answers, step, updated, pk, status = (rows.quoted(column) for column in (
        "answers", "step", "updated_at", Submission._meta.pk.column, "status"))
    if vendor == "postgresql":
        merged, later = f"{answers} || %s::jsonb", f"GREATEST({step}, %s)"
    else:  # SQLite: json_set with one path per key keeps the order of a dict merge
        paths = ", ".join(f"'$.{key}', json(%s)" for key in keys)
        merged = f"json_set({answers}, {paths})" if keys else answers
        later = f"MAX({step}, %s)"
    returned = ", ".join(rows.quoted(field.column) for field in _DRAFT.fields)
    return (f"UPDATE {table} SET {answers} = {merged}, {step} = {later}, {updated} = %s "
            f"WHERE {pk} = %s AND {status} = %s RETURNING {returned}")


@transaction.atomic
def _draft_save_locked(submission: Submission, values: dict, next_step: int) -> Submission:
    locked = rows.get(Submission, _DRAFT, "id", submission.pk, lock=True)
    if locked is None or locked.status != Status.DRAFT:
        raise SubmissionError("not_a_draft")
    locked.answers = {**locked.answers, **_store_uploads(locked, values)}
    locked.step = max(locked.step, next_step)
    locked.updated_at = timezone.now()
    rows.update(Submission, locked.pk, {"answers": locked.answers, "step": locked.step,
                                        "updated_at": locked.updated_at})
    return locked


@cache
def _counter_sql(vendor: str) -> str:
    table, year, last = (rows.quoted(name) for name in (
        ReferenceCounter._meta.db_table, "year", "last"))
    return (f"INSERT INTO {table} ({year}, {last}) VALUES (%s, 1) ON CONFLICT ({year}) "
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}")


def _next_reference(now) -> str:
    """Return the year's next reference number: one statement that counts under a row lock
    (PostgreSQL, SQLite 3.35 and later), else the row counted in three."""
    if connection.features.can_return_columns_from_insert:
        number = rows.select(_counter_sql(connection.vendor), [now.year])[0][0]
    else:
        counter, _ = ReferenceCounter.objects.get_or_create(year=now.year)
        ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        number = ReferenceCounter.objects.get(pk=counter.pk).last
    return reference_with_check(f"{now.year}{number:07d}")


def _save_back(submission: Submission, definition: dict, field_ids: list[str], actor) -> list[str]:
    """Record chosen answers as the resident's own declared facts; return the attribute codes."""
    fields = {f["id"]: f for f in all_fields(definition)}
    codes = []
    for field_id in field_ids:
        field = fields.get(field_id)
        value = submission.answers.get(field_id)
        if (
            not field
            or not field.get("save_back")
            or not field.get("prefill")
            or value in (None, "")
        ):
            continue
        kind = field_types.get(field["type"])
        fact_value = kind.to_fact(field, value)
        previous = submission.prefill.get(field_id)
        if previous and _same_as_prefilled(previous, fact_value):
            continue
        registry_services.fact_record(
            subject=submission.subject,
            attribute_code=field["prefill"],
            value=fact_value,
            source_kind=SourceKind.SELF,
            method=Method.DECLARED,
            source_label=f"{_title(definition)}（{submission.reference}）",
            source_reference=submission.reference,
            match_key=kind.match_key(value),
            recorded_by=actor,
        )
        codes.append(field["prefill"])
    return codes


def _same_as_prefilled(previous: dict, fact_value) -> bool:
    from kiban.registry.models import Fact

    fact = Fact.objects.filter(pk=previous.get("fact")).only("value").first()
    return fact is not None and fact.value == fact_value


def _joined_from(locked: Submission, read: Submission) -> None:
    """Give the freshly locked row the version, subject and owner `read` has loaded already
    (they do not change while a submission is a draft), instead of a query for each."""
    for name in ("version", "subject", "organisation"):
        field = Submission._meta.get_field(name)
        if field.is_cached(read) and getattr(read, field.attname) == getattr(locked, field.attname):
            setattr(locked, name, getattr(read, name))


@transaction.atomic
def submission_submit(
    *, submission: Submission, definition: dict, save_back: list[str], consent: bool, actor
) -> Submission:
    """Submit a complete draft: reference number, status, save-back with consent, events."""
    locked = rows.get(Submission, _DRAFT, "id", submission.pk, lock=True)
    if locked is None or locked.status != Status.DRAFT:
        raise SubmissionError("not_a_draft")
    _joined_from(locked, submission)
    missing = procedure_forms.incomplete_steps(definition, locked.answers)
    if missing:
        raise SubmissionError("incomplete", missing)
    if save_back and not consent:
        raise SubmissionError("consent_required")
    now = timezone.now()
    locked.reference = _next_reference(timezone.localtime(now))
    locked.status = Status.RECEIVED
    locked.submitted_at = locked.updated_at = now
    locked.save_back = sorted(save_back)
    rows.update(Submission, locked.pk, {name: getattr(locked, name) for name in (
        "reference", "status", "submitted_at", "updated_at", "save_back")})
    rows.create(StatusChange, submission=locked, from_status=Status.DRAFT,
                to_status=Status.RECEIVED, by=actor, by_label=str(actor))
    event_emit(
        type="submission.created", organisation=locked.organisation_id, subject=locked.subject,
        actor_label="applicant",
        payload={"submission": str(locked.public_id), "reference": locked.reference,
                 "procedure": locked.version.procedure.code, "status": locked.status},
    )
    codes = _save_back(locked, definition, save_back, actor) if consent else []
    if codes:
        registry_services.consent_give(
            subject=locked.subject, purpose=Purpose.PREFILL, attribute_codes=codes, actor=actor
        )
    audit_record(
        action="submission.submit",
        actor=actor,
        organisation=locked.organisation,
        target=locked,
        data={"reference": locked.reference, "saved_back": codes},
    )
    from kiban.submissions.tasks import submission_receipt_email

    transaction.on_commit(lambda: submission_receipt_email.enqueue(submission_id=locked.pk))
    return locked


@transaction.atomic
def correction_reply(*, submission: Submission, body: str, actor) -> Message:
    """The applicant answers a correction request; the case goes back into review."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != Status.NEEDS_CORRECTION:
        raise SubmissionError("no_correction_requested")
    message = Message.objects.create(
        submission=locked,
        kind=MessageKind.RESIDENT_REPLY,
        author=actor,
        author_label=str(actor),
        body=body,
    )
    StatusChange.objects.create(
        submission=locked,
        from_status=locked.status,
        to_status=Status.IN_REVIEW,
        by=actor,
        by_label=str(actor),
        note=body[:200],
    )
    locked.status = Status.IN_REVIEW
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    event_emit(
        type="submission.status_changed", organisation=locked.organisation_id,
        subject=locked.subject, actor_label=str(actor),
        payload={"submission": str(locked.public_id), "reference": locked.reference,
                 "procedure": locked.version.procedure.code,
                 "from": Status.NEEDS_CORRECTION, "to": Status.IN_REVIEW},
    )
    audit_record(action="submission.reply", actor=actor, target=locked)
    return message


@transaction.atomic
def draft_discard(*, submission: Submission, actor) -> None:
    if submission.status != Status.DRAFT:
        raise SubmissionError("not_a_draft")
    audit_record(action="submission.discard", actor=actor, target=submission)
    submission.attachments.all().delete()
    submission.delete()
