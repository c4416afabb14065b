"""Turn rollup sums into the figures people read: the four service KPIs, funnels, NPS and
organisation KPI series. No queries here; selectors read, this module computes."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kiban.insights import stats
from kiban.insights.constants import COMPLETING_ENDINGS, Aggregation, JourneyKind
from kiban.insights.periods import Period
from kiban.insights.rollups import BUCKETS
from kiban.insights.selectors import ServiceData


@dataclass(frozen=True)
class ServiceKpis:
    """The four service KPIs of some procedures over some months, with their counts.

    Rates are None when their base is under stats.SMALL_COUNT (suppressed) or zero."""

    started: int
    completed: int
    completion_rate: float | None
    responses: int
    satisfaction: stats.Interval | None  # share answering 7–10
    nps: stats.Interval | None
    mean_score: float | None
    online: int
    other_channels: int
    take_up_base: int  # online + other applications in the months whose channels are known
    digital_take_up: float | None
    cost_yen: Decimal | None
    cost_per_transaction: Decimal | None


def _rate(part: int, whole: int) -> float | None:
    return None if stats.suppressed(whole) else stats.ratio(part, whole)


def service_kpis(data: ServiceData, procedure_ids, months: list[date]) -> ServiceKpis:
    """Return the KPIs of `procedure_ids` (or [WHOLE]) over `months`."""
    keys = [(p, m) for p in procedure_ids for m in months]
    started = sum(data.started[k] for k in keys)
    completed = sum(data.completed[k] for k in keys)
    online = sum(data.online[k] for k in keys)
    answers: Counter = Counter()
    for k in keys:
        if k in data.scores:
            answers.update(data.scores[k])
    responses = answers["n"]
    promoters, detractors = answers["promoters"], answers["detractors"]
    passives = responses - promoters - detractors
    satisfied = answers["satisfied"]
    # Take-up and cost per transaction need every channel: only months whose other channels
    # were entered count. A month without them is unknown, not 100% online.
    known = [k for k in keys if k in data.known]
    other = sum(data.other[k] for k in known)
    online_known = sum(data.online_known[k] for k in known)
    cost = sum((data.cost_known[k] for k in known), Decimal(0)) if known else None
    transactions = online_known + other
    small = stats.suppressed(responses)
    return ServiceKpis(
        started=started,
        completed=completed,
        completion_rate=_rate(completed, started),
        responses=responses,
        satisfaction=None if small else stats.share(satisfied, responses),
        nps=None if small else stats.nps(promoters, passives, detractors),
        mean_score=None if small else answers["total"] / responses,
        online=online,
        other_channels=other,
        take_up_base=transactions,
        digital_take_up=_rate(online_known, transactions) if known else None,
        cost_yen=cost.quantize(Decimal("1")) if cost else None,
        cost_per_transaction=(
            None
            if not cost or stats.suppressed(transactions)
            else (cost / transactions).quantize(Decimal("1"))
        ),
    )


def kpis_by_period(data: ServiceData, procedure_ids, periods: list[Period]) -> list[tuple]:
    """Return [(period, ServiceKpis)] for each period (months or fiscal years)."""
    return [(period, service_kpis(data, procedure_ids, period.months())) for period in periods]


# --- funnels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int
    dropped: int = 0
    drop_rate: float | None = None
    worst: bool = False


def funnel(
    rows: list[dict], steps: list[tuple[str, str]], labels: dict[str, str]
) -> list[FunnelStage]:
    """Return the stages Started → each step completed (first time) → Completed.

    `rows` are rollup sums (kind, step, ending, n) of one procedure, `steps` the (id, title)
    of its steps in order. The stage with the largest share of people lost on the way in
    (among stages reached by at least SMALL_COUNT people) is marked `worst`.
    """
    started = sum(r["n"] for r in rows if r["kind"] == JourneyKind.START)
    done = Counter()
    for r in rows:
        if r["kind"] == JourneyKind.STEP_COMPLETED and r.get("first"):
            done[r["step"]] += r["n"]
    completed = sum(
        r["n"]
        for r in rows
        if r["kind"] in (JourneyKind.SUBMITTED, JourneyKind.ENDED)
        and r["ending"] in COMPLETING_ENDINGS
    )
    raw = [("start", labels["start"], started)]
    raw += [(step_id, title, done[step_id]) for step_id, title in steps]
    raw.append(("completed", labels["completed"], completed))
    stages, worst_index, worst_rate = [], None, 0.0
    for i, (key, label, count) in enumerate(raw):
        if i == 0:
            stages.append(FunnelStage(key, label, count))
            continue
        before = raw[i - 1][2]
        dropped = max(0, before - count)
        rate = None if stats.suppressed(before) else stats.ratio(dropped, before)
        stages.append(FunnelStage(key, label, count, dropped, rate))
        if rate is not None and rate > worst_rate:
            worst_index, worst_rate = i, rate
    if worst_index is not None:
        s = stages[worst_index]
        stages[worst_index] = FunnelStage(s.key, s.label, s.count, s.dropped, s.drop_rate, True)
    return stages


def field_errors(rows: list[dict]) -> list[dict]:
    """Return [{step, field, errors, abandoned}] most frequent first."""
    table: dict[tuple, dict] = {}
    for r in rows:
        if r["kind"] == JourneyKind.STEP_ERROR:
            table.setdefault((r["step"], r["field"]), {"errors": 0, "abandoned": 0})["errors"] += r[
                "n"
            ]
        elif r["kind"] == JourneyKind.ABANDONED and r["field"]:
            table.setdefault((r["step"], r["field"]), {"errors": 0, "abandoned": 0})[
                "abandoned"
            ] += r["n"]
    items = [{"step": s, "field": f, **v} for (s, f), v in table.items()]
    return sorted(items, key=lambda i: (-i["abandoned"], -i["errors"]))


def abandoned_by_step(rows: list[dict]) -> Counter:
    counts: Counter = Counter()
    for r in rows:
        if r["kind"] == JourneyKind.ABANDONED:
            counts[r["step"]] += r["n"]
    return counts


def devices(rows: list[dict]) -> list[dict]:
    """Return [{device, started, completed, rate}] by device class."""
    started, completed = Counter(), Counter()
    for r in rows:
        if r["kind"] == JourneyKind.START:
            started[r["device"]] += r["n"]
        elif (
            r["kind"] in (JourneyKind.SUBMITTED, JourneyKind.ENDED)
            and r["ending"] in COMPLETING_ENDINGS
        ):
            completed[r["device"]] += r["n"]
    return [
        {
            "device": d,
            "started": started[d],
            "completed": completed[d],
            "rate": _rate(completed[d], started[d]),
        }
        for d in sorted(started, key=lambda d: -started[d])
    ]


def time_to_complete(rows: list[dict]) -> dict:
    """Return {count, median_seconds (upper bound of its bucket), mean_seconds}."""
    counts = [0] * len(BUCKETS)
    total_seconds = 0
    for r in rows:
        if r["kind"] in (JourneyKind.SUBMITTED, JourneyKind.ENDED) and r["bucket"] >= 0:
            counts[r["bucket"]] += r["n"]
            total_seconds += r["seconds"] or 0
    n = sum(counts)
    return {
        "count": n,
        "median_seconds": None if stats.suppressed(n) else stats.histogram_median(BUCKETS, counts),
        "mean_seconds": None if stats.suppressed(n) else total_seconds / n,
    }


def resumed(rows: list[dict]) -> int:
    return sum(r["n"] for r in rows if r["kind"] == JourneyKind.RESUMED)


def views(rows: list[dict]) -> int:
    return sum(r["n"] for r in rows if r["kind"] == JourneyKind.PROCEDURE_VIEW)


# --- organisation KPIs ---------------------------------------------------------------------


def kpi_series(values, grain: str, aggregation: str) -> dict[Period, dict]:
    """Return {period: {"total", "by" {organisation code: value}, "provenance" set}} from
    approved values; monthly values roll up into fiscal years by `aggregation`."""
    groups: dict[Period, list] = defaultdict(list)
    for v in values:
        period = (
            Period(v.period_start, v.grain)
            if v.grain == grain
            else Period.containing(v.period_start, grain)
        )
        groups[period].append(v)
    series = {}
    for period, items in sorted(groups.items()):
        months = {v.period_start for v in items}
        if aggregation == Aggregation.LAST and any(v.grain != grain for v in items):
            items = [v for v in items if v.period_start == max(months)]
        by: dict[str, Decimal] = defaultdict(Decimal)
        for v in items:
            by[v.organisation.code if v.organisation_id else ""] += v.value
        if aggregation == Aggregation.MEAN and len(months) > 1:
            by = {code: value / len(months) for code, value in by.items()}
        series[period] = {
            "total": sum(by.values(), Decimal(0)),
            "by": dict(by),
            "provenance": {v.provenance for v in items},
        }
    return series
