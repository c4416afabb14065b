"""Submissions for the owner bureau's systems: list, fetch, acknowledge, status, messages."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja import Status as Answer
from pydantic import Field

from kiban.exchange import selectors, services
from kiban.exchange.calls import CallError, purpose_of
from kiban.exchange.constants import MAX_PAGE_SIZE, PAGE_SIZE, ErrorCode, Operation
from kiban.exchange.schemas import (
    ERRORS,
    Acknowledged,
    ApiError,
    MessageIn,
    MessageOut,
    StatusChangeOut,
    StatusIn,
    SubmissionDetail,
    SubmissionOut,
    SubmissionPage,
)
from kiban.registry.constants import AccessorKind
from kiban.registry.selectors import Accessor
from kiban.registry.services import access_record
from kiban.submissions import casework
from kiban.submissions.constants import Status

router = Router()


class ListFilters(Schema):
    status: Status | None = None
    procedure: str | None = Field(None, max_length=80)
    submitted_after: datetime | None = None
    new: bool = Field(False, description="Only submissions this system has not acknowledged.")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _contract(request: HttpRequest, operation: str, codes=()):
    return selectors.contract_for(system=request.auth, purpose=purpose_of(request),
                                  operation=operation, codes=codes)


def _cursor_encode(submission) -> str:
    raw = json.dumps([submission.submitted_at.isoformat(), submission.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, pk = json.loads(raw)
        return datetime.fromisoformat(at), int(pk)
    except (binascii.Error, ValueError, TypeError):
        raise CallError(400, ErrorCode.INVALID_REQUEST, "The cursor is not one we gave.") from None


def _summary(submission, acknowledged: bool) -> dict:
    return {
        "id": submission.public_id, "reference": submission.reference,
        "procedure": submission.version.procedure.code,
        "procedure_version": submission.version.number,
        "organisation": submission.organisation.code, "status": submission.status,
        "subject": submission.subject.public_id, "submitted_at": submission.submitted_at,
        "updated_at": submission.updated_at, "acknowledged": acknowledged,
    }


@router.get("", response={200: SubmissionPage, **ERRORS}, summary="List submissions")
def submission_list(request: HttpRequest, filters: Query[ListFilters]):
    """Page through the submissions of the procedures your contract names, oldest first."""
    codes = [filters.procedure] if filters.procedure else []
    contract = _contract(request, Operation.READ_SUBMISSIONS, codes)
    cases = selectors.submissions_for(system=request.auth, contract=contract)
    cases = cases.select_related("organisation").defer("answers", "prefill", "save_back")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.procedure:
        cases = cases.filter(version__procedure__code=filters.procedure)
    if filters.submitted_after:
        cases = cases.filter(submitted_at__gt=filters.submitted_after)
    if filters.new:
        cases = cases.exclude(pk__in=_acknowledged(request.auth))
    if filters.cursor:
        at, pk = _cursor_decode(filters.cursor)
        cases = cases.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk))
    page = list(cases.order_by("submitted_at", "pk")[: filters.limit + 1])
    more, page = len(page) > filters.limit, page[: filters.limit]
    taken = selectors.acknowledged_ids(system=request.auth, submission_ids=[s.pk for s in page])
    request.kiban_call.subject_ids = sorted({str(s.subject.public_id) for s in page})
    return Answer(200, {"items": [_summary(s, s.pk in taken) for s in page],
                 "next_cursor": _cursor_encode(page[-1]) if more else None})


def _acknowledged(system):
    from kiban.exchange.models import Acknowledgement

    return Acknowledgement.objects.filter(system=system).values("submission_id")


def _case(request: HttpRequest, public_id: UUID, operation: str):
    """Return the contract and the case, or 404 (logged) for a case of another organisation."""
    contract = _contract(request, operation)
    submission = selectors.submission_for(system=request.auth, contract=contract,
                                          public_id=public_id)
    if submission is None:
        raise CallError(404, ErrorCode.NOT_FOUND,
                        "No submission with this id is open to your contract.")
    request.kiban_call.subject_ids = [str(submission.subject.public_id)]
    if operation == Operation.WORK_SUBMISSIONS:
        _contract(request, operation, [submission.version.procedure.code])
    return contract, submission


def _read_log(request: HttpRequest, contract, submission, codes) -> None:
    """Write the applicant's access-log row: this system read their case."""
    system = request.auth
    accessor = Accessor(
        kind=AccessorKind.SYSTEM, organisation=system.organisation, label=system.name,
        procedure_code=submission.version.procedure.code, reference=submission.reference or "",
        legal_basis=contract.legal_basis,
    )
    access_record(subject=submission.subject, attribute_codes=codes, accessor=accessor,
                  purpose=contract.purpose, basis=contract.legal_basis)


@router.get("/{uuid:public_id}", response={200: SubmissionDetail, **ERRORS},
            summary="Fetch a submission with its answers and attachments")
def submission_fetch(request: HttpRequest, public_id: UUID):
    """Return one submission; the read appears in the applicant's access log."""
    contract, submission = _case(request, public_id, Operation.READ_SUBMISSIONS)
    codes = casework.case_attribute_codes(submission.version.definition)
    _read_log(request, contract, submission, codes)
    taken = selectors.acknowledged_ids(system=request.auth, submission_ids=[submission.pk])
    attachments = submission.attachments.order_by("uploaded_at", "id")
    return Answer(200, {
        **_summary(submission, submission.pk in taken),
        "answers": submission.answers, "prefill": submission.prefill,
        "attachments": [{
            "id": a.pk, "field_id": a.field_id, "filename": a.filename,
            "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
            "url": reverse("api-v1:submission_attachment", args=[submission.public_id, a.pk]),
        } for a in attachments],
        "status_history": [StatusChangeOut(
            from_status=c.from_status, to_status=c.to_status, by=c.by_label, note=c.note, at=c.at,
        ) for c in submission.status_changes.all()],
        "messages": [MessageOut(kind=m.kind, author=m.author_label, body=m.body, at=m.at)
                     for m in submission.messages.all()],
    })


ATTACHMENT_ANSWER = {"responses": {200: {
    "description": "The file, with its own content type",
    "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
}}}


@router.get("/{uuid:public_id}/attachments/{int:attachment_id}", response=ERRORS,
            summary="Download an attachment", openapi_extra=ATTACHMENT_ANSWER)
def submission_attachment(request: HttpRequest, public_id: UUID, attachment_id: int):
    contract, submission = _case(request, public_id, Operation.READ_SUBMISSIONS)
    attachment = submission.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise CallError(404, ErrorCode.NOT_FOUND, "The submission has no such attachment.")
    _read_log(request, contract, submission, [casework.ATTACHMENTS_CODE])
    with attachment.file.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.pk}"'
    response["X-Kiban-Sha256"] = attachment.sha256
    return response


@router.post("/{uuid:public_id}/acknowledge", response={200: Acknowledged, **ERRORS},
             summary="Acknowledge a submission")
def submission_acknowledge(request: HttpRequest, public_id: UUID):
    """Mark the submission as taken over by your system; `new=true` lists leave it out."""
    _, submission = _case(request, public_id, Operation.READ_SUBMISSIONS)
    acknowledgement = services.submission_acknowledge(system=request.auth, submission=submission)
    return Answer(200, {"id": submission.public_id, "acknowledged_at": acknowledgement.at})


def _refused(refused: casework.CaseworkRefused) -> CallError:
    return CallError(409, ErrorCode.TRANSITION, str(refused))


def _actor(request: HttpRequest) -> casework.SystemActor:
    system = request.auth
    return casework.SystemActor(label=system.name,
                                organisation_ids=selectors.organisation_ids(system))


@router.post("/{uuid:public_id}/status", response={200: SubmissionOut, 409: ApiError, **ERRORS},
             summary="Change the status of a submission")
def submission_status(request: HttpRequest, public_id: UUID, payload: StatusIn):
    """Move the case on (in review, approved, rejected); the applicant sees the new status."""
    _, submission = _case(request, public_id, Operation.WORK_SUBMISSIONS)
    try:
        casework.submission_status_change(submission=submission, to_status=payload.status,
                                          actor=_actor(request), note=payload.note)
    except casework.CaseworkRefused as refused:
        raise _refused(refused) from None
    taken = selectors.acknowledged_ids(system=request.auth, submission_ids=[submission.pk])
    return Answer(200, _summary(submission, submission.pk in taken))


@router.post("/{uuid:public_id}/messages", response={201: MessageOut, 409: ApiError, **ERRORS},
             summary="Send the applicant a message")
def submission_message(request: HttpRequest, public_id: UUID, payload: MessageIn):
    """Send a notice, or ask for a correction (the status becomes needs correction)."""
    _, submission = _case(request, public_id, Operation.WORK_SUBMISSIONS)
    send = {"notice": casework.submission_notice,
            "correction_request": casework.submission_correction_request}[payload.kind]
    try:
        message = send(submission=submission, body=payload.body, actor=_actor(request))
    except casework.CaseworkRefused as refused:
        raise _refused(refused) from None
    return Answer(201, {"kind": message.kind, "author": message.author_label, "body": message.body,
                 "at": message.at})

