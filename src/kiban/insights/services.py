"""Writes of the insights app: journey events, satisfaction answers, service data that staff
enter (other channels, costs, publication) and organisation KPI values with approval.

Every staff write is audited; KPI values are never changed in place (see KpiValue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.insights import journeys
from kiban.insights.constants import Ending, Provenance, Source, ValueStatus
from kiban.insights.masking import mask_personal_data
from kiban.insights.models import (
    ChannelVolume,
    KpiValue,
    OrgKpi,
    Publication,
    SatisfactionResponse,
    ServiceCost,
)
from kiban.insights.periods import Period

MAX_COMMENT = 2000


class InsightsError(Exception):
    """A write that cannot be done; `code` says why (for a message next to the right thing)."""

    def __init__(self, code: str, detail=None):
        self.code = code
        self.detail = detail
        super().__init__(code)


def journey_record(request, kind: str, **details) -> None:
    """Record what just happened in the resident flow (one insert; never raises).

    `kind` is a JourneyKind value; details: submission=, procedure=, step= (index or id),
    fields= (ids of answers with errors), ending= (for "ended": not_eligible, referred).
    """
    journeys.record(request, kind, **details)


def journey_errors(request, submission, step, fields) -> None:
    """Record the answers of a step that were not accepted, one event per field id."""
    journeys.record(request, "step_error", submission=submission, step=step, fields=fields)


# --- satisfaction ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    score: int | None
    comment: str


def feedback_record(
    *, procedure, ending: str, feedback: Feedback, journey: str = ""
) -> SatisfactionResponse | None:
    """Keep one anonymous answer (score 0–10 and/or comment), with personal data masked.

    An empty answer keeps nothing; a second answer for the same journey and ending is
    ignored (the first is returned).
    """
    if ending not in Ending.values:
        raise InsightsError("bad_ending")
    if feedback.score is not None and not 0 <= feedback.score <= 10:
        raise InsightsError("bad_score")
    comment = mask_personal_data(feedback.comment.strip()[:MAX_COMMENT])
    if feedback.score is None and not comment:
        return None
    if journey:
        earlier = SatisfactionResponse.objects.filter(journey=journey, ending=ending).first()
        if earlier is not None:
            return earlier
    now = timezone.now()
    answer = SatisfactionResponse.objects.create(
        at=now,
        month=timezone.localdate(now).replace(day=1),
        procedure=procedure,
        organisation_id=procedure.organisation_id,
        ending=ending,
        score=feedback.score,
        comment=comment,
        has_comment=bool(comment),
        journey=journey,
    )
    journeys.schedule_rollup()
    return answer


# --- service data entered by staff --------------------------------------------------------


@transaction.atomic
def channel_volumes_set(
    *, procedure, month: date, counts: dict[str, int], actor, source: str = Source.FORM
) -> list[ChannelVolume]:
    """Set the applications that arrived outside kiban in `month`, one count per channel."""
    month = month.replace(day=1)
    changed, rows = {}, []
    for channel, count in counts.items():
        if count is None:
            continue
        if count < 0:
            raise InsightsError("negative", channel)
        row = ChannelVolume.objects.filter(
            procedure=procedure, month=month, channel=channel
        ).first()
        if row is not None and row.count == count:
            rows.append(row)
            continue
        changed[channel] = {"from": row.count if row else None, "to": count}
        if row is None:
            row = ChannelVolume(procedure=procedure, month=month, channel=channel)
        row.count, row.source, row.entered_by, row.entered_at = count, source, actor, timezone.now()
        row.save()
        rows.append(row)
    if changed:
        audit_record(
            action="insights.channels_set",
            actor=actor,
            organisation=procedure.organisation,
            target=procedure,
            data={"month": month.isoformat()[:7], "changes": changed, "source": source},
        )
    return rows


@transaction.atomic
def service_cost_set(
    *,
    procedure,
    period: Period,
    amount_yen: Decimal,
    actor,
    note: str = "",
    source: str = Source.FORM,
) -> ServiceCost:
    """Set what a procedure cost in a month or fiscal year (yen)."""
    if amount_yen < 0:
        raise InsightsError("negative", "amount_yen")
    row = ServiceCost.objects.filter(
        procedure=procedure, grain=period.grain, period_start=period.start
    ).first()
    previous = str(row.amount_yen) if row else None
    if row is None:
        row = ServiceCost(procedure=procedure, grain=period.grain, period_start=period.start)
    row.amount_yen, row.note, row.source = amount_yen, note[:300], source
    row.entered_by, row.entered_at = actor, timezone.now()
    row.save()
    audit_record(
        action="insights.cost_set",
        actor=actor,
        organisation=procedure.organisation,
        target=procedure,
        data={"period": period.key, "from": previous, "to": str(amount_yen), "source": source},
    )
    return row


@transaction.atomic
def publication_set(*, procedure, is_public: bool, actor) -> Publication:
    """Publish (or withdraw) a procedure's figures on the transparency pages and open data."""
    row, _ = Publication.objects.get_or_create(procedure=procedure)
    if row.is_public != is_public:
        row.is_public, row.decided_by, row.decided_at = is_public, actor, timezone.now()
        row.save()
        audit_record(
            action="insights.publication_set",
            actor=actor,
            organisation=procedure.organisation,
            target=procedure,
            data={"public": is_public},
        )
    return row


# --- organisation KPIs -------------------------------------------------------------------


@transaction.atomic
def kpi_save(*, code: str, fields: dict, actor=None) -> OrgKpi:
    """Create or update a KPI in the catalogue (definition, unit, owner, baseline, target)."""
    kpi = OrgKpi.objects.filter(code=code).first()
    before = {k: str(getattr(kpi, k)) for k in fields} if kpi else None
    if kpi is None:
        kpi = OrgKpi(code=code, created_by=actor)
    for name, value in fields.items():
        setattr(kpi, name, value)
    kpi.updated_at = timezone.now()
    kpi.full_clean(exclude=["created_by"])
    kpi.save()
    audit_record(
        action="insights.kpi_saved",
        actor=actor,
        organisation=kpi.owner,
        target=kpi,
        data={"before": before, "after": {k: str(v) for k, v in fields.items()}},
    )
    return kpi


def _current(kpi: OrgKpi, period: Period, organisation, statuses) -> KpiValue | None:
    return (
        KpiValue.objects.filter(
            kpi=kpi,
            grain=period.grain,
            period_start=period.start,
            organisation=organisation,
            status__in=statuses,
        )
        .order_by("-id")
        .first()
    )


def check_kpi_value(kpi: OrgKpi, period: Period, organisation, value: Decimal) -> None:
    """Raise InsightsError if this value cannot belong to this KPI."""
    if period.grain != kpi.grain:
        raise InsightsError("period_grain", kpi.grain)
    if value < 0:
        raise InsightsError("negative")
    if kpi.by_organisation and organisation is None:
        raise InsightsError("organisation_required")
    if not kpi.by_organisation and organisation is not None:
        raise InsightsError("organisation_not_allowed")


@transaction.atomic
def kpi_value_submit(
    *,
    kpi: OrgKpi,
    period: Period,
    value: Decimal,
    actor,
    organisation=None,
    note: str = "",
    provenance: str = Provenance.ENTERED,
) -> KpiValue:
    """Enter a value for approval; a value for a period that has one is a correction."""
    check_kpi_value(kpi, period, organisation, value)
    approved = _current(kpi, period, organisation, [ValueStatus.APPROVED])
    waiting = KpiValue.objects.filter(
        kpi=kpi,
        grain=period.grain,
        period_start=period.start,
        organisation=organisation,
        status=ValueStatus.SUBMITTED,
    )
    for older in waiting:
        older.status, older.decided_at = ValueStatus.SUPERSEDED, timezone.now()
        older.decision_note = "replaced by a newer entry before approval"
        older.save(update_fields=["status", "decided_at", "decision_note"])
    entry = KpiValue.objects.create(
        kpi=kpi,
        grain=period.grain,
        period_start=period.start,
        organisation=organisation,
        value=value,
        note=note[:500],
        provenance=provenance,
        supersedes=approved,
        entered_by=actor,
    )
    audit_record(
        action="insights.kpi_value_submitted",
        actor=actor,
        organisation=kpi.owner,
        target=entry,
        data={
            "kpi": kpi.code,
            "period": period.key,
            "value": str(value),
            "correction_of": approved.pk if approved else None,
            "bureau": organisation.code if organisation else None,
        },
    )
    return entry


@transaction.atomic
def kpi_value_decide(*, entry: KpiValue, approve: bool, actor, note: str = "") -> KpiValue:
    """Approve or reject a waiting value; the one who entered it cannot decide (four eyes)."""
    entry = KpiValue.objects.select_for_update().get(pk=entry.pk)
    if entry.status != ValueStatus.SUBMITTED:
        raise InsightsError("not_waiting")
    if entry.entered_by_id is not None and entry.entered_by_id == getattr(actor, "pk", None):
        raise InsightsError("own_entry")
    now = timezone.now()
    if approve:
        KpiValue.objects.filter(
            kpi=entry.kpi,
            grain=entry.grain,
            period_start=entry.period_start,
            organisation=entry.organisation,
            status=ValueStatus.APPROVED,
        ).update(status=ValueStatus.SUPERSEDED)
    entry.status = ValueStatus.APPROVED if approve else ValueStatus.REJECTED
    entry.decided_by, entry.decided_at, entry.decision_note = actor, now, note[:500]
    entry.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        action="insights.kpi_value_approved" if approve else "insights.kpi_value_rejected",
        actor=actor,
        organisation=entry.kpi.owner,
        target=entry,
        data={"kpi": entry.kpi.code, "value": str(entry.value), "note": note[:500]},
    )
    return entry


def kpi_values_load(
    *, kpi: OrgKpi, values: list[tuple[Period, object, Decimal, str]], actor=None
) -> int:
    """Load approved values without the approval step (demo and migrations only)."""
    rows = [
        KpiValue(
            kpi=kpi,
            grain=period.grain,
            period_start=period.start,
            organisation=org,
            value=value,
            provenance=provenance,
            status=ValueStatus.APPROVED,
            entered_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
            note="demo",
        )
        for period, org, value, provenance in values
    ]
    KpiValue.objects.bulk_create(rows)
    audit_record(
        action="insights.kpi_values_loaded",
        actor=actor,
        organisation=kpi.owner,
        target=kpi,
        data={"values": len(rows)},
    )
    return len(rows)
