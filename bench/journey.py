"""One resident's way through a procedure: start, each step (keeping prefill), review, receipt.

The journey talks through a `Transport`, so the same steps run over HTTP against the real
server (timed) and in-process through Django's test client (to count database writes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from page_forms import Control, main_form

MAX_STEPS = 10  # a procedure with more pages than this is a loop, not a procedure


class JourneyError(Exception):
    """The platform answered something a resident would not expect; the application failed."""


@dataclass
class Reply:
    status: int
    location: str
    text: str


class Transport(Protocol):
    def get(self, path: str) -> Reply: ...

    def post(self, path: str, data: dict[str, str]) -> Reply: ...

    def csrf_token(self) -> str: ...


# Answers a resident gives to the questions prefill cannot answer, by input name; anything
# else that is required and empty gets a plausible value from `_fallback`.
ANSWERS = {
    "housing-application": {
        "f-household_size": "3", "f-currently_renting": "yes", "f-area": "ku",
        "f-monthly_rent": "85000", "f-landlord": "private",
    },
    "tax-certificate": {
        "f-certificate_type": "amount", "f-tax_item": "individual-enterprise",
        "f-fiscal_year": "2025", "f-copies": "1", "f-delivery": "post",
    },
}


def _fallback(control: Control) -> str:
    if control.options:
        return next((o for o in control.options if o), "")
    return {"number": "1", "date": "2000-01-01", "tel": "090-1234-5678",
            "email": "bench@example.jp"}.get(control.input_type, "ベンチ")


def filled(html: str, answers: dict[str, str]) -> dict[str, str]:
    """Return the page form's data with prefilled values kept and open questions answered."""
    form = main_form(html)
    for control in form.controls.values():
        if control.kind in ("hidden", "file", "checkbox"):
            continue
        if control.name in answers and not control.value:
            control.value = answers[control.name]
        elif not control.value and (control.required or control.kind == "radio"):
            # Radio groups carry "required" on their legend, not the inputs: answer them all.
            control.value = _fallback(control)
    return form.data()


Record = Callable[[str, float], None]


def _timed(record: Record, label: str, call: Callable[..., Reply], *args) -> Reply:
    started = time.perf_counter()
    reply = call(*args)
    record(label, time.perf_counter() - started)
    return reply


def _expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise JourneyError(f"{what}: HTTP {reply.status} (expected {status}) {reply.location}")
    return reply


def apply(transport: Transport, code: str, record: Record) -> str:
    """Complete one application of procedure `code`; return the receipt's path.

    Each request is passed to `record(label, seconds)`; redirects are followed by hand so
    that every page is one request with its own latency.
    """
    answers = ANSWERS.get(code, {})
    start = _timed(record, "start", transport.post, f"/services/{code}/",
                   {"csrfmiddlewaretoken": transport.csrf_token()})
    location = _expect(start, 302, "start").location
    for _ in range(MAX_STEPS):
        if "/step/" not in location:
            break
        label = "step" + location.rstrip("/").rsplit("/", 1)[1]
        page = _expect(_timed(record, f"{label} GET", transport.get, location), 200, label)
        data = filled(page.text, answers)
        saved = _timed(record, f"{label} POST", transport.post, location, data)
        location = _expect(saved, 302, f"{label} POST (invalid answers?)").location
    else:
        raise JourneyError(f"more than {MAX_STEPS} steps")
    if not location.endswith("/review/"):
        raise JourneyError(f"expected the review page, got {location}")
    review = _expect(_timed(record, "review GET", transport.get, location), 200, "review")
    data = filled(review.text, {})
    submitted = _timed(record, "submit POST", transport.post, location, data)
    receipt_path = _expect(submitted, 302, "submit").location
    if not receipt_path.endswith("/receipt/"):
        raise JourneyError(f"submit did not lead to the receipt: {receipt_path}")
    _expect(_timed(record, "receipt GET", transport.get, receipt_path), 200, "receipt")
    return receipt_path


def sign_in(transport: Transport, email: str, password: str) -> None:
    page = _expect(transport.get("/accounts/sign-in/"), 200, "sign-in page")
    data = {**main_form(page.text).data(), "username": email, "password": password}
    reply = _expect(transport.post("/accounts/sign-in/", data), 302, f"sign-in of {email}")
    if "/sign-in" in reply.location:
        raise JourneyError(f"sign-in of {email} led to {reply.location}")
