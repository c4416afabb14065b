"""Request and response bodies of the API; requests refuse unknown fields (extra="forbid")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field

from kiban.submissions.constants import Status


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ApiError(Schema):
    """Every 4xx and 5xx answer: a machine-readable `error` and a sentence for people."""

    error: str
    detail: str
    errors: list[dict[str, Any]] | None = None
    request_id: str


#: The error answers every operation may give (the call wrapper and authentication add them).
ERRORS = {status: ApiError for status in (400, 401, 403, 404, 413, 422)}


class TokenOut(Schema):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


# --- submissions ----------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: UUID
    reference: str
    procedure: str
    procedure_version: int
    organisation: str
    status: Status
    subject: UUID
    submitted_at: datetime
    updated_at: datetime
    acknowledged: bool


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class AttachmentOut(Schema):
    id: int
    field_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    by: str
    note: str
    at: datetime


class MessageOut(Schema):
    kind: str
    author: str
    body: str
    at: datetime


class SubmissionDetail(SubmissionOut):
    answers: dict[str, Any]
    prefill: dict[str, Any]
    attachments: list[AttachmentOut]
    status_history: list[StatusChangeOut]
    messages: list[MessageOut]


class StatusIn(Strict):
    status: Literal["in_review", "approved", "rejected"]
    note: str = Field("", max_length=2000)


class MessageIn(Strict):
    kind: Literal["notice", "correction_request"] = "notice"
    body: str = Field(min_length=1, max_length=5000)


class Acknowledged(Schema):
    id: UUID
    acknowledged_at: datetime


# --- the base registry ----------------------------------------------------------------------


class SourceOut(Schema):
    kind: str
    organisation: str | None
    label: str


class FactOut(Schema):
    attribute: str
    value: Any
    valid_from: date
    valid_to: date | None
    recorded_at: datetime
    method: str
    source: SourceOut


class FactsOut(Schema):
    subject: UUID
    as_of: date
    purpose: str
    facts: list[FactOut]


AttributeCode = str


class MatchIn(Strict):
    key: AttributeCode = Field(description="The attribute to match by, e.g. person.phone.",
                               max_length=80)
    value: Any = Field(description="Its value, in the form the registry stores it.")
    attributes: list[AttributeCode] = Field(min_length=1, max_length=50)
    as_of: date | None = None


class PublishIn(Strict):
    subject: UUID
    attribute: AttributeCode = Field(max_length=80)
    value: Any
    valid_from: date | None = Field(None, description="The day it is true from; today if left out.")
    reference: str = Field("", max_length=120, description="Your own reference, e.g. a case id.")


class PublishedOut(Schema):
    subject: UUID
    attribute: str
    fact: int
    valid_from: date
    recorded_at: datetime
    method: str
    source: SourceOut
