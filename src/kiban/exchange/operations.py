"""Figures of the operations view: calls, errors and latency per member system and hour.

The message log is rolled up into hourly CallStats rows incrementally (from the last record
rolled up on), so the staff pages read a few rows instead of scanning the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from kiban.exchange.models import CallRecord, CallStats, ChainHead, MemberSystem, StatsWatermark
from kiban.identity.constants import OrganisationKind, Role

ROLLUP_BATCH = 200_000  # log records per rollup step, to keep one transaction short


@transaction.atomic
def stats_rollup() -> int:
    """Add the log records since the last rollup to the hourly figures; return how many."""
    watermark, _ = StatsWatermark.objects.select_for_update().get_or_create(pk=1)
    head = ChainHead.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    upto = min(head, watermark.number + ROLLUP_BATCH)
    if upto <= watermark.number:
        return 0
    rows = (
        CallRecord.objects.filter(number__gt=watermark.number, number__lte=upto,
                                  system__isnull=False)
        .annotate(hour=TruncHour("at")).values("system_id", "hour")
        .annotate(calls=Count("pk"), errors=Count("pk", filter=Q(status__gte=400)),
                  refused=Count("pk", filter=Q(status=403)), total_us=Sum("duration_us"),
                  max_us=Max("duration_us"))
    )
    for row in rows:
        stats, _ = CallStats.objects.get_or_create(system_id=row["system_id"], hour=row["hour"])
        CallStats.objects.filter(pk=stats.pk).update(
            calls=F("calls") + row["calls"], errors=F("errors") + row["errors"],
            refused=F("refused") + row["refused"], total_us=F("total_us") + row["total_us"],
        )
        if row["max_us"] > stats.max_us:
            CallStats.objects.filter(pk=stats.pk).update(max_us=row["max_us"])
    rolled = upto - watermark.number
    watermark.number = upto
    watermark.save(update_fields=["number"])
    return rolled


# --- selectors ------------------------------------------------------------------------------


def is_platform_admin(user) -> bool:
    return user.memberships.filter(organisation__kind=OrganisationKind.PLATFORM,
                                   role=Role.ADMIN).exists()


def systems_for(user) -> QuerySet[MemberSystem]:
    """Return the systems `user` may watch: all for the platform team, else own organisations."""
    systems = MemberSystem.objects.select_related("organisation").order_by("code")
    if user.memberships.filter(organisation__kind=OrganisationKind.PLATFORM).exists():
        return systems
    own = user.memberships.values("organisation_id")
    return systems.filter(Q(organisation__in=own) | Q(organisation__parent__in=own))


@dataclass
class Figures:
    """Calls of one system over a period."""

    calls: int = 0
    errors: int = 0
    refused: int = 0
    total_us: int = 0
    max_us: int = 0

    @property
    def mean_ms(self) -> float | None:
        return self.total_us / self.calls / 1000 if self.calls else None

    @property
    def max_ms(self) -> float:
        return self.max_us / 1000

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.calls if self.calls else None


def figures_by_system(*, systems, hours: int = 24) -> dict[int, Figures]:
    """Return {system id: Figures} over the last `hours` hours."""
    since = timezone.now() - timedelta(hours=hours)
    rows = (
        CallStats.objects.filter(system__in=systems, hour__gte=since).values("system_id")
        .annotate(calls=Sum("calls"), errors=Sum("errors"), refused=Sum("refused"),
                  total_us=Sum("total_us"), max_us=Max("max_us"))
    )
    return {row.pop("system_id"): Figures(**row) for row in rows}


def hourly(*, system: MemberSystem, hours: int = 48) -> list[CallStats]:
    """Return the system's hourly figures of the last `hours` hours, newest first."""
    since = timezone.now() - timedelta(hours=hours)
    return list(CallStats.objects.filter(system=system, hour__gte=since).order_by("-hour"))


def recent_calls(*, system: MemberSystem, limit: int = 50) -> QuerySet[CallRecord]:
    return CallRecord.objects.filter(system=system).order_by("-at", "-number")[:limit]
