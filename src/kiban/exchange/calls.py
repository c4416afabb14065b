"""Every API call: a request id, a purpose, hashes binding response to request, a log record.

`logged_call` wraps each operation of the API (authentication included). A changing call
(POST, PUT, PATCH, DELETE) runs in a transaction that also appends the call to the message
log, so a change and the record of the call that made it commit together; a 5xx answer rolls
the change back and its record is written on its own. A reading call (GET) runs without a
transaction; its only writes, the resident's access-log rows, are held and written with its
record in a short transaction at the end, which keeps the database's write lock short.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kiban.exchange.constants import MAX_BODY_BYTES, PURPOSE_HEADER, REQUEST_ID_HEADER, ErrorCode
from kiban.exchange.message_log import call_record
from kiban.registry.services import access_rows_held

log = logging.getLogger("kiban.exchange")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
PURPOSE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,119}$")
READING_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class Call:
    """What the log keeps of one call; views add the subjects they touched."""

    request_id: str
    purpose: str
    at: datetime
    started: float
    operation: str
    system: object = None
    client_id: str = ""
    subject_ids: list[str] = field(default_factory=list)
    error: str = ""


class CallError(Exception):
    """Answer a call with a 4xx: `code` (ErrorCode) and a sentence saying why."""

    def __init__(self, status: int, code: str, detail: str, errors: list | None = None):
        self.status, self.code, self.detail, self.errors = status, code, detail, errors
        super().__init__(detail)


def error_response(request: HttpRequest, status: int, code: str, detail: str,
                   errors: list | None = None) -> HttpResponse:
    call: Call | None = getattr(request, "kiban_call", None)
    if call is not None:
        call.error = code
    body = {"error": code, "detail": detail, "errors": errors,
            "request_id": call.request_id if call else ""}
    return HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status,
                        content_type="application/json; charset=utf-8")


def purpose_of(request: HttpRequest) -> str:
    """Return the call's purpose, or raise CallError if it names none (or an invalid one)."""
    purpose = request.kiban_call.purpose
    if not purpose:
        raise CallError(400, ErrorCode.PURPOSE_MISSING,
                        f"Name the purpose of the call in the {PURPOSE_HEADER} header.")
    if not PURPOSE.match(purpose):
        raise CallError(400, ErrorCode.INVALID_REQUEST,
                        f"{PURPOSE_HEADER} is a contract's purpose code, like benefit-payment.")
    return purpose


def request_hash(request: HttpRequest, body: bytes) -> str:
    """Hash what the caller asked: method, path with query, and body."""
    head = f"{request.method} {request.get_full_path()}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def response_hash(request_id: str, requested: str, content: bytes) -> str:
    """Bind a response to its request: sha256(request id LF request hash LF response body)."""
    return hashlib.sha256(f"{request_id}\n{requested}\n".encode() + content).hexdigest()


def _call_start(request: HttpRequest, operation: str) -> tuple[Call, HttpResponse | None]:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    call = Call(
        request_id=given if REQUEST_ID.match(given) else str(uuid.uuid4()),
        purpose=request.headers.get(PURPOSE_HEADER, "").strip()[:120], at=timezone.now(),
        started=time.perf_counter(), operation=operation,
    )
    request.kiban_call = call
    if given and not REQUEST_ID.match(given):
        return call, error_response(request, 400, ErrorCode.INVALID_REQUEST,
                                    f"{REQUEST_ID_HEADER} is 1 to 100 letters, digits or . _ : -")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return call, error_response(request, 413, ErrorCode.TOO_LARGE,
                                    f"The body is larger than {MAX_BODY_BYTES} bytes.")
    return call, None


def _finish(request: HttpRequest, response: HttpResponse, body: bytes,
            together: list | tuple = ()) -> None:
    """Add the binding headers and append the call to the message log (with `together`)."""
    call: Call = request.kiban_call
    requested = request_hash(request, body)
    content = b"" if response.streaming else response.content
    answered = response_hash(call.request_id, requested, content)
    system = call.system
    record = call_record(
        at=call.at, system=system, client_id=call.client_id or getattr(system, "client_id", ""),
        operation=call.operation, method=request.method, path=request.path,
        purpose=call.purpose, request_id=call.request_id, subject_ids=call.subject_ids,
        status=response.status_code, error=call.error, request_hash=requested,
        response_hash=answered, duration_us=int((time.perf_counter() - call.started) * 1e6),
        together=together,
    )
    response[REQUEST_ID_HEADER] = call.request_id
    response["X-Kiban-Request-Hash"] = requested
    response["X-Kiban-Response-Hash"] = answered
    response["X-Kiban-Log-Record"] = str(record.number)
    response["Cache-Control"] = "no-store"


def _operation_name(run) -> str:
    operation = getattr(run, "__self__", None)
    view = getattr(operation, "view_func", None)
    return getattr(view, "__name__", "") or getattr(run, "__name__", "call")


def logged_call(run):
    """Wrap an operation's run (ninja "view" decorator): id, limits, transaction, log."""
    name = _operation_name(run)

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs):
        call, refused = _call_start(request, name)
        body = b""
        if refused is None:
            body = request.body
            if len(body) > MAX_BODY_BYTES:  # a chunked body gives no length beforehand
                refused = error_response(request, 413, ErrorCode.TOO_LARGE,
                                         f"The body is larger than {MAX_BODY_BYTES} bytes.")
        if refused is not None:
            _finish(request, refused, body)
            return refused
        if request.method in READING_METHODS:
            # A read changes nothing but the resident's access log. It runs without a
            # transaction, and its access-log rows are written with its message-log record
            # in one short commit at the end: concurrent reads barely queue, and the data is
            # answered only once both are committed.
            with access_rows_held() as held:
                response = run(request, *args, **kwargs)
                _finish(request, response, body, together=held)
            return response
        try:
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                if response.status_code >= 500:
                    raise _RolledBack(response)
                _finish(request, response, body)
        except _RolledBack as failed:
            response = failed.response
            _finish(request, response, body)
        return response

    return wrapper


class _RolledBack(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response
