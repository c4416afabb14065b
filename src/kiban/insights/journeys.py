"""Record journey events from the resident flow: one cheap insert, never an error for the page.

The submissions views call `services.journey_record` at each point of the flow; this module
turns the call into `JourneyEvent` rows without identifying anyone (see the model).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from contextlib import nullcontext
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kiban.db import rows
from kiban.insights.constants import Ending, JourneyKind
from kiban.insights.devices import BOT, device_class
from kiban.insights.models import JourneyEvent

log = logging.getLogger("kiban.insights")

#: A step shown this long after the draft was last saved counts as a resumed draft.
RESUME_GAP = timedelta(minutes=30)
#: Each web process asks the worker to update the rollups at most this often.
ROLLUP_INTERVAL_SECONDS = 10.0
MAX_FIELD_ERRORS = 50
_GET_ONLY = {
    JourneyKind.STEP_SHOWN,
    JourneyKind.REVIEW,
    JourneyKind.PROCEDURE_VIEW,
    JourneyKind.CATALOGUE_VIEW,
}
_next_schedule = 0.0


def journey_key(public_id) -> str:
    """Return the keyed hash that ties the events of one draft together (not reversible
    without the secret key, and different from every id shown elsewhere)."""
    return _journey_key(settings.SECRET_KEY, str(public_id))


@lru_cache(maxsize=4096)  # every page of a draft asks again
def _journey_key(secret: str, public_id: str) -> str:
    digest = hmac.new(secret.encode(), f"journey:{public_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


_procedure_of_version: dict[int, int] = {}


def _procedure_id(submission) -> int:
    """Return the submission's procedure id without a query when the version is loaded."""
    cached = submission._state.fields_cache.get("version")
    if cached is not None:
        return cached.procedure_id
    if submission.version_id not in _procedure_of_version:
        from kiban.procedures.models import ProcedureVersion

        _procedure_of_version[submission.version_id] = ProcedureVersion.objects.values_list(
            "procedure_id", flat=True
        ).get(pk=submission.version_id)
    return _procedure_of_version[submission.version_id]


def _step_id(submission, step) -> str:
    if step is None:
        return ""
    if isinstance(step, int):
        steps = submission.version.definition.get("steps", [])
        return str(steps[step].get("id", step)) if 0 <= step < len(steps) else str(step)
    return str(step)[:80]


def build_events(
    request, kind: str, *, submission=None, procedure=None, step=None, fields=None, ending: str = ""
) -> list[dict]:
    """Return the rows (field values of `JourneyEvent`; defaults for the rest) one call of
    the flow stands for: none for a POST re-showing a page."""
    kind = JourneyKind(kind)
    if kind in _GET_ONLY and request.method != "GET":
        return []
    device = device_class(request.META.get("HTTP_USER_AGENT"))
    if device == BOT and submission is None:
        return []
    now = timezone.now()
    month = timezone.localdate(now, timezone.get_default_timezone()).replace(day=1)
    base = {"at": now, "month": month, "device": device, "kind": kind}
    if submission is None:
        if procedure is not None:
            base.update(procedure_id=procedure.pk, organisation_id=procedure.organisation_id)
        return [base]
    base.update(
        procedure_id=_procedure_id(submission),
        organisation_id=submission.organisation_id,
        journey=journey_key(submission.public_id),
        step=_step_id(submission, step),
    )
    if kind == JourneyKind.STEP_ERROR:
        return [{**base, "field": str(f)[:80]} for f in list(fields or ())[:MAX_FIELD_ERRORS]]
    event = dict(base)
    if kind == JourneyKind.STEP_COMPLETED and isinstance(step, int):
        event["first"] = step >= submission.step  # called before the bookmark moves on
    if kind in (JourneyKind.SUBMITTED, JourneyKind.ENDED):
        event["ending"] = (
            Ending.SUBMITTED if kind == JourneyKind.SUBMITTED else (ending or Ending.NOT_ELIGIBLE)
        )
        event["seconds"] = max(0, int((now - submission.created_at).total_seconds()))
    events = [event]
    if kind == JourneyKind.STEP_SHOWN and now - submission.updated_at > RESUME_GAP:
        events.append({**base, "kind": JourneyKind.RESUMED})
    return events


def record(request, kind: str, **details) -> None:
    """Write the events of one call; log, never raise, if that fails."""
    try:
        events = build_events(request, kind, **details)
        # On every page of the flow: one INSERT without the ORM (several in one transaction).
        with transaction.atomic() if len(events) > 1 else nullcontext():
            for event in events:
                rows.insert(JourneyEvent, event)
        if events:
            schedule_rollup()
    except Exception:  # analytics must never break a resident's page
        log.exception("journey event %s not recorded", kind)


def schedule_rollup() -> None:
    """Ask the worker to bring the rollups up to date, at most every few seconds."""
    global _next_schedule
    now = time.monotonic()
    if now < _next_schedule:
        return
    _next_schedule = now + ROLLUP_INTERVAL_SECONDS
    from kiban.insights.tasks import rollups_catch_up

    transaction.on_commit(lambda: rollups_catch_up.enqueue())
