"""Keep the rollups that dashboards read up to date, incrementally, from the raw tables.

Each run reads the raw rows after its cursor in chunks (by primary key only), adds their
counts to the rollup rows in the same transaction that moves the cursor, and closes
journeys that went quiet as abandoned. The worker runs it (`tasks.rollups_catch_up`);
`rollups_rebuild` recomputes everything from scratch with set-based SQL.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Sum, Value, When
from django.utils import timezone

from kiban.insights.constants import JourneyKind
from kiban.insights.models import (
    JourneyEvent,
    JourneyRollup,
    JourneyState,
    PageViewRollup,
    RollupCursor,
    SatisfactionResponse,
    SatisfactionRollup,
)

CHUNK = 10_000
ABANDON_AFTER = timedelta(days=7)
#: Upper bounds (seconds) of the time-to-complete buckets: 1, 2, 3, 5, 8, 10, 15, 20, 30
#: minutes, 1 and 2 hours, a day, a week, longer.
BUCKETS = (60, 120, 180, 300, 480, 600, 900, 1200, 1800, 3600, 7200, 86400, 604800, 2**31)
_DEVICE_KINDS = {
    JourneyKind.START,
    JourneyKind.SUBMITTED,
    JourneyKind.ENDED,
    JourneyKind.PROCEDURE_VIEW,
}
_CLOSING_KINDS = {JourneyKind.SUBMITTED, JourneyKind.ENDED}
_KEY = ("procedure_id", "month", "kind", "step", "field", "device", "ending", "bucket", "first")


def bucket_of(seconds: int | None) -> int:
    if seconds is None:
        return -1
    return next(i for i, bound in enumerate(BUCKETS) if seconds <= bound)


def _cursor(name: str) -> RollupCursor:
    cursor, _ = RollupCursor.objects.select_for_update().get_or_create(name=name)
    return cursor


def _add_journey_counts(deltas: dict[tuple, list[int]], organisation_of: dict[int, int]) -> None:
    """Add counts (and seconds) to the rollup rows with these keys, creating missing ones."""
    if not deltas:
        return
    procedures = {key[0] for key in deltas}
    months = {key[1] for key in deltas}
    kinds = {key[2] for key in deltas}
    existing = {
        tuple(getattr(row, name) for name in _KEY): row
        for row in JourneyRollup.objects.filter(
            procedure_id__in=procedures, month__in=months, kind__in=kinds
        )
    }
    rows = []
    for key, (count, seconds) in deltas.items():
        row = existing.get(key) or JourneyRollup(**dict(zip(_KEY, key, strict=True)))
        row.organisation_id = organisation_of.get(key[0], row.organisation_id)
        row.count += count
        row.seconds += seconds
        rows.append(row)
    JourneyRollup.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=list(_KEY),
        update_fields=["organisation", "count", "seconds"],
    )


def _add_page_views(views: Counter) -> None:
    if not views:
        return
    existing = {
        (r.page, r.month, r.device): r
        for r in PageViewRollup.objects.filter(month__in={key[1] for key in views})
    }
    rows = []
    for (page, month, device), count in views.items():
        row = existing.get((page, month, device)) or PageViewRollup(
            page=page, month=month, device=device
        )
        row.count += count
        rows.append(row)
    PageViewRollup.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["page", "month", "device"],
        update_fields=["count"],
    )


def _event_key(kind, procedure_id, month, step, field, device, ending, seconds, first) -> tuple:
    return (
        procedure_id,
        month,
        kind,
        step
        if kind
        not in (
            JourneyKind.START,
            JourneyKind.SUBMITTED,
            JourneyKind.ENDED,
            JourneyKind.PROCEDURE_VIEW,
            JourneyKind.ERROR,
        )
        else "",
        field if kind == JourneyKind.STEP_ERROR else "",
        device if kind in _DEVICE_KINDS else "",
        ending,
        bucket_of(seconds) if kind in _CLOSING_KINDS else -1,
        bool(first) if kind == JourneyKind.STEP_COMPLETED else False,
    )


def _reopen(states: list[JourneyState]) -> dict[tuple, list[int]]:
    """Return rollup deltas that take back the abandonment of journeys that came back."""
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for state in states:
        key = (
            state.procedure_id,
            state.abandoned_month,
            JourneyKind.ABANDONED,
            state.last_step,
            state.last_field,
            "",
            "",
            -1,
            False,
        )
        deltas[key][0] -= 1
    return deltas


def _keep_states(latest: dict[str, tuple]) -> dict[tuple, list[int]]:
    """Upsert the last event of every journey in the chunk; return reopening deltas."""
    keys = list(latest)
    reopened: list[JourneyState] = []
    for start in range(0, len(keys), 500):
        reopened += JourneyState.objects.filter(
            journey__in=keys[start : start + 500], abandoned_month__isnull=False
        )
    states = [
        JourneyState(
            journey=journey,
            organisation_id=organisation_id,
            procedure_id=procedure_id,
            last_kind=kind,
            last_step=step,
            last_field=field if kind == JourneyKind.STEP_ERROR else "",
            last_at=at,
            last_month=month,
            closed=kind in _CLOSING_KINDS,
            abandoned_month=None,
        )
        for journey, (kind, procedure_id, organisation_id, step, field, at, month) in latest.items()
    ]
    JourneyState.objects.bulk_create(
        states,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["journey"],
        update_fields=[
            "organisation_id",
            "procedure_id",
            "last_kind",
            "last_step",
            "last_field",
            "last_at",
            "last_month",
            "closed",
            "abandoned_month",
        ],
    )
    return _reopen(reopened)


@transaction.atomic
def journey_chunk(limit: int = CHUNK) -> int:
    """Roll up the next `limit` journey events; return how many were read."""
    cursor = _cursor("journeys")
    events = list(
        JourneyEvent.objects.filter(id__gt=cursor.last_id)
        .order_by("id")
        .values_list(
            "id",
            "kind",
            "procedure_id",
            "organisation_id",
            "month",
            "journey",
            "step",
            "field",
            "device",
            "ending",
            "seconds",
            "first",
            "at",
        )[:limit]
    )
    if not events:
        return 0
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    views: Counter = Counter()
    organisation_of: dict[int, int] = {}
    latest: dict[str, tuple] = {}
    for (
        _,
        kind,
        procedure_id,
        organisation_id,
        month,
        journey,
        step,
        field,
        device,
        ending,
        seconds,
        first,
        at,
    ) in events:
        if kind == JourneyKind.CATALOGUE_VIEW:
            views[("catalogue", month, device)] += 1
            continue
        if procedure_id is None:
            continue
        organisation_of[procedure_id] = organisation_id
        delta = deltas[
            _event_key(kind, procedure_id, month, step, field, device, ending, seconds, first)
        ]
        delta[0] += 1
        delta[1] += seconds or 0
        if journey and kind != JourneyKind.PROCEDURE_VIEW:
            latest[journey] = (kind, procedure_id, organisation_id, step, field, at, month)
    for key, (count, seconds) in _keep_states(latest).items():
        deltas[key][0] += count
        deltas[key][1] += seconds
    _add_journey_counts(deltas, organisation_of)
    _add_page_views(views)
    cursor.last_id = events[-1][0]
    cursor.updated_at = timezone.now()
    cursor.save(update_fields=["last_id", "updated_at"])
    return len(events)


@transaction.atomic
def journeys_close(now=None) -> int:
    """Count journeys quiet for ABANDON_AFTER as abandoned at their last step (and after
    their last answer error); return how many. Set-based: one grouped read, one update."""
    cutoff = (now or timezone.now()) - ABANDON_AFTER
    _cursor("journeys")  # the same lock as the chunks, so no chunk runs meanwhile
    stale = JourneyState.objects.filter(closed=False, last_at__lt=cutoff)
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    organisation_of = {}
    for g in stale.values(
        "procedure_id", "organisation_id", "last_month", "last_step", "last_field"
    ).annotate(n=Count("journey")):
        key = (
            g["procedure_id"],
            g["last_month"],
            JourneyKind.ABANDONED,
            g["last_step"],
            g["last_field"],
            "",
            "",
            -1,
            False,
        )
        deltas[key][0] += g["n"]
        organisation_of[g["procedure_id"]] = g["organisation_id"]
    if not deltas:
        return 0
    _add_journey_counts(deltas, organisation_of)
    stale.update(closed=True, abandoned_month=F("last_month"))
    return sum(count for count, _ in deltas.values())


@transaction.atomic
def satisfaction_chunk(limit: int = CHUNK) -> int:
    """Roll up the next `limit` satisfaction answers; return how many were read."""
    cursor = _cursor("satisfaction")
    answers = list(
        SatisfactionResponse.objects.filter(id__gt=cursor.last_id)
        .order_by("id")
        .values_list("id", "procedure_id", "organisation_id", "month", "ending", "score")[:limit]
    )
    if not answers:
        return 0
    deltas: Counter = Counter()
    organisation_of = {}
    for _, procedure_id, organisation_id, month, ending, score in answers:
        deltas[(procedure_id, month, ending, -1 if score is None else score)] += 1
        organisation_of[procedure_id] = organisation_id
    existing = {
        (r.procedure_id, r.month, r.ending, r.score): r
        for r in SatisfactionRollup.objects.filter(
            procedure_id__in={k[0] for k in deltas}, month__in={k[1] for k in deltas}
        )
    }
    rows = []
    for key, count in deltas.items():
        procedure_id, month, ending, score = key
        row = existing.get(key) or SatisfactionRollup(
            procedure_id=procedure_id, month=month, ending=ending, score=score
        )
        row.organisation_id = organisation_of[procedure_id]
        row.count += count
        rows.append(row)
    SatisfactionRollup.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["procedure", "month", "ending", "score"],
        update_fields=["organisation", "count"],
    )
    cursor.last_id = answers[-1][0]
    cursor.updated_at = timezone.now()
    cursor.save(update_fields=["last_id", "updated_at"])
    return len(answers)


def rollups_run(*, max_seconds: float = 50.0, now=None) -> dict[str, int]:
    """Catch up with every raw table for at most about `max_seconds`; return rows read."""
    deadline = time.monotonic() + max_seconds
    done = {"journey_events": 0, "satisfaction": 0, "abandoned": 0, "more": 0}
    while time.monotonic() < deadline:
        read = journey_chunk()
        done["journey_events"] += read
        if read < CHUNK:
            break
    while time.monotonic() < deadline:
        read = satisfaction_chunk()
        done["satisfaction"] += read
        if read < CHUNK:
            break
    done["abandoned"] = journeys_close(now)
    done["more"] = int(rollups_lag() > 0)
    return done


def rollups_lag() -> int:
    """Return how many journey events the rollups have not read yet (an estimate by id)."""
    last = RollupCursor.objects.filter(name="journeys").values_list("last_id", flat=True).first()
    newest = JourneyEvent.objects.aggregate(newest=Max("id"))["newest"] or 0
    return max(0, newest - (last or 0))


def _rebuild_states(newest: int) -> None:
    """Write every journey's last event as its state, in one INSERT … SELECT."""
    quote = connection.ops.quote_name
    events, states = quote(JourneyEvent._meta.db_table), quote(JourneyState._meta.db_table)
    columns = ", ".join(
        quote(c)
        for c in (
            "journey",
            "organisation_id",
            "procedure_id",
            "last_kind",
            "last_step",
            "last_field",
            "last_at",
            "last_month",
            "closed",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {states} ({columns}) "
            f"SELECT e.journey, e.organisation_id, e.procedure_id, e.kind, e.step, "
            f"CASE WHEN e.kind = %s THEN e.field ELSE '' END, e.at, e.month, "
            f"(e.kind IN (%s, %s)) FROM {events} e WHERE e.id IN ("
            f"SELECT MAX(id) FROM {events} WHERE journey <> '' AND kind <> %s AND id <= %s "
            f"GROUP BY journey)",
            [
                JourneyKind.STEP_ERROR,
                JourneyKind.SUBMITTED,
                JourneyKind.ENDED,
                JourneyKind.PROCEDURE_VIEW,
                newest,
            ],
        )


@transaction.atomic
def rollups_rebuild(now=None) -> dict[str, int]:
    """Recompute every rollup from the raw tables with set-based queries (backfills, repairs)."""
    journeys = _cursor("journeys")
    satisfaction = _cursor("satisfaction")
    JourneyRollup.objects.all().delete()
    PageViewRollup.objects.all().delete()
    SatisfactionRollup.objects.all().delete()
    JourneyState.objects.all().delete()
    newest = JourneyEvent.objects.aggregate(newest=Max("id"))["newest"] or 0
    events = JourneyEvent.objects.filter(id__lte=newest)
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    organisation_of = {}
    bucket = Case(
        *(When(seconds__lte=bound, then=Value(i)) for i, bound in enumerate(BUCKETS)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    grouped = (
        events.exclude(procedure=None)
        .annotate(bucket=bucket)
        .values(
            "procedure_id",
            "organisation_id",
            "month",
            "kind",
            "step",
            "field",
            "device",
            "ending",
            "first",
            "bucket",
        )
        .annotate(n=Count("id"), s=Sum("seconds"))
    )
    for g in grouped.iterator(chunk_size=10_000):
        key = _event_key(
            g["kind"],
            g["procedure_id"],
            g["month"],
            g["step"],
            g["field"],
            g["device"],
            g["ending"],
            None,
            g["first"],
        )
        if g["kind"] in _CLOSING_KINDS:
            key = (*key[:7], g["bucket"], key[8])
        deltas[key][0] += g["n"]
        deltas[key][1] += g["s"] or 0
        organisation_of[g["procedure_id"]] = g["organisation_id"]
    _add_journey_counts(deltas, organisation_of)
    views = Counter(
        {
            ("catalogue", g["month"], g["device"]): g["n"]
            for g in events.filter(kind=JourneyKind.CATALOGUE_VIEW)
            .values("month", "device")
            .annotate(n=Count("id"))
        }
    )
    _add_page_views(views)
    _rebuild_states(newest)
    journeys.last_id = newest
    journeys.save(update_fields=["last_id"])
    newest_answer = SatisfactionResponse.objects.aggregate(newest=Max("id"))["newest"] or 0
    SatisfactionRollup.objects.bulk_create(
        [
            SatisfactionRollup(
                procedure_id=g["procedure_id"],
                organisation_id=g["organisation_id"],
                month=g["month"],
                ending=g["ending"],
                score=-1 if g["score"] is None else g["score"],
                count=g["n"],
            )
            for g in SatisfactionResponse.objects.filter(id__lte=newest_answer)
            .values("procedure_id", "organisation_id", "month", "ending", "score")
            .annotate(n=Count("id"))
        ],
        batch_size=1000,
    )
    satisfaction.last_id = newest_answer
    satisfaction.save(update_fields=["last_id"])
    abandoned = journeys_close(now)
    return {
        "journey_events": newest,
        "satisfaction": newest_answer,
        "abandoned": abandoned,
        "rollup_rows": JourneyRollup.objects.count(),
    }


__all__ = [
    "bucket_of",
    "journey_chunk",
    "journeys_close",
    "rollups_lag",
    "rollups_rebuild",
    "rollups_run",
    "satisfaction_chunk",
]
