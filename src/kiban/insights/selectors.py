"""Reads of the insights app. Dashboards read rollups only, never raw events, and every
read is scoped: by the bureaus a member of staff may see, or by what owners made public."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, Max, Min, Q, Sum, When

from kiban.identity.constants import OrganisationKind, Role
from kiban.identity.models import Membership, Organisation
from kiban.insights import stats
from kiban.insights.constants import COMPLETING_ENDINGS, JourneyKind, ValueStatus
from kiban.insights.models import (
    ChannelVolume,
    JourneyRollup,
    KpiValue,
    OrgKpi,
    PageViewRollup,
    Publication,
    SatisfactionResponse,
    SatisfactionRollup,
    ServiceCost,
)

#: Roles that may read a bureau's dashboards and enter its service data.
INSIGHT_ROLES = frozenset({Role.ANALYST, Role.ADMIN})
#: Roles that may approve KPI values of their organisation (never their own entries).
APPROVER_ROLES = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Scope:
    """What a member of staff may see: every bureau (platform team) or some bureaus."""

    everything: bool
    bureau_ids: frozenset[int] = frozenset()
    approver_ids: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()  # the bureaus and their departments

    @property
    def empty(self) -> bool:
        return not self.everything and not self.bureau_ids

    def allows(self, organisation_id: int | None) -> bool:
        return self.everything or organisation_id in self.organisation_ids


def bureau_of_organisations() -> dict[int, int]:
    """Return {organisation id: id of its bureau} for every organisation (one query)."""
    rows = {
        pk: (parent, kind)
        for pk, parent, kind in Organisation.objects.values_list("pk", "parent_id", "kind")
    }
    bureau_of = {}
    for pk in rows:
        node, hops = pk, 0
        while rows[node][1] == OrganisationKind.DEPARTMENT and rows[node][0] in rows and hops < 10:
            node, hops = rows[node][0], hops + 1
        bureau_of[pk] = node
    return bureau_of


def staff_scope(*, user) -> Scope:
    """Return the bureaus whose figures `user` may read: platform analysts see all."""
    memberships = list(
        Membership.objects.filter(user=user, role__in=INSIGHT_ROLES).select_related("organisation")
    )
    if not memberships:
        return Scope(everything=False)
    everything = any(m.organisation.kind == OrganisationKind.PLATFORM for m in memberships)
    bureau_of = bureau_of_organisations()
    bureaus = frozenset(bureau_of[m.organisation_id] for m in memberships)
    approvers = frozenset(
        bureau_of[m.organisation_id] for m in memberships if m.role in APPROVER_ROLES
    )
    organisations = frozenset(pk for pk, bureau in bureau_of.items() if bureau in bureaus)
    return Scope(
        everything=everything,
        bureau_ids=bureaus,
        approver_ids=approvers,
        organisation_ids=organisations,
    )


def platform_organisation() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.PLATFORM).order_by("pk").first()


def bureaus_in(scope: Scope) -> list[Organisation]:
    bureaus = Organisation.objects.exclude(kind=OrganisationKind.DEPARTMENT)
    if not scope.everything:
        bureaus = bureaus.filter(pk__in=scope.bureau_ids)
    return list(bureaus.order_by("kind", "code"))


def procedures_in(scope: Scope, bureau: Organisation | None = None) -> list:
    """Return the procedures of the bureaus in `scope` (of `bureau` only when given)."""
    from kiban.procedures.models import Procedure

    procedures = Procedure.objects.select_related("organisation")
    if bureau is not None:
        departments = [pk for pk, b in bureau_of_organisations().items() if b == bureau.pk]
        procedures = procedures.filter(organisation_id__in=departments)
    if not scope.everything:
        procedures = procedures.filter(organisation_id__in=scope.organisation_ids)
    return list(procedures.order_by("organisation__code", "code"))


def procedure_ids_by_bureau() -> dict[int, list[int]]:
    """Return {bureau id: [procedure ids]} of every procedure (for organisation totals)."""
    from kiban.procedures.models import Procedure

    bureau_of = bureau_of_organisations()
    by_bureau: dict[int, list[int]] = defaultdict(list)
    for pk, organisation_id in Procedure.objects.values_list("pk", "organisation_id"):
        by_bureau[bureau_of.get(organisation_id, organisation_id)].append(pk)
    return dict(by_bureau)


def public_procedures() -> list:
    """Return the procedures whose owners publish their figures."""
    from kiban.procedures.models import Procedure

    public = Publication.objects.filter(is_public=True).values("procedure_id")
    return list(
        Procedure.objects.filter(pk__in=public)
        .select_related("organisation")
        .order_by("organisation__code", "code")
    )


def is_public(procedure) -> bool:
    return Publication.objects.filter(procedure=procedure, is_public=True).exists()


def visible_kpis(scope: Scope) -> list[OrgKpi]:
    """Return KPIs owned by the bureaus in scope plus organisation-wide ones (platform-owned)."""
    kpis = OrgKpi.objects.select_related("owner")
    if not scope.everything:
        kpis = kpis.filter(
            Q(owner_id__in=scope.bureau_ids) | Q(owner__kind=OrganisationKind.PLATFORM)
        )
    return list(kpis.order_by("code"))


def public_kpis() -> list[OrgKpi]:
    return list(OrgKpi.objects.filter(is_public=True).select_related("owner").order_by("code"))


def can_enter_kpi(scope: Scope, kpi: OrgKpi) -> bool:
    return scope.everything or kpi.owner_id in scope.bureau_ids


def can_approve_kpi(scope: Scope, kpi: OrgKpi, user) -> bool:
    if (
        scope.everything
        and Membership.objects.filter(
            user=user, role__in=APPROVER_ROLES, organisation__kind=OrganisationKind.PLATFORM
        ).exists()
    ):
        return True
    return kpi.owner_id in scope.approver_ids


_definitions: dict[int, dict] = {}  # published versions never change, so this never goes stale


def procedure_definitions(procedure_ids) -> dict[int, dict]:
    """Return {procedure id: definition of its latest published version}.

    A published version is immutable (its content hash is checked wherever residents or
    case workers load it), so definitions are kept in memory by version id: a dashboard
    reads one small query of ids, not every definition's JSON on each request.
    """
    from kiban.procedures.constants import VersionStatus
    from kiban.procedures.models import ProcedureVersion

    latest: dict[int, int] = {}
    rows = (
        ProcedureVersion.objects.filter(
            procedure_id__in=list(procedure_ids), status=VersionStatus.PUBLISHED
        )
        .order_by("procedure_id", "-number")
        .values_list("procedure_id", "pk")
    )
    for procedure_id, version_id in rows:
        latest.setdefault(procedure_id, version_id)
    missing = [v for v in latest.values() if v not in _definitions]
    if missing:
        _definitions.update(
            ProcedureVersion.objects.filter(pk__in=missing).values_list("pk", "definition")
        )
    return {procedure_id: _definitions[v] for procedure_id, v in latest.items()}


# --- service figures from rollups ------------------------------------------------------------


#: The key under which `service_data(whole=True)` puts the whole organisation's sums.
WHOLE = 0


@dataclass
class ServiceData:
    """Sums per (procedure id, month) read from the rollups and the entered service data.

    `known` marks the months whose other channels were entered; take-up and cost per
    transaction use only those (`online_known`, `cost_known`).
    """

    started: Counter = field(default_factory=Counter)
    completed: Counter = field(default_factory=Counter)
    online: Counter = field(default_factory=Counter)
    # (p, m) -> {n, promoters, detractors, satisfied (7–10), total (sum of the answers)}
    scores: dict = field(default_factory=lambda: defaultdict(Counter))
    other: Counter = field(default_factory=Counter)
    known: set = field(default_factory=set)
    online_known: Counter = field(default_factory=Counter)
    cost_known: Counter = field(default_factory=Counter)  # yen, for months in `known`
    memo: dict = field(default_factory=dict)  # figures already computed for this page


def _journey_sums(data: ServiceData, rows, key) -> None:
    for r in rows:
        k = key(r)
        if r["kind"] == JourneyKind.START:
            data.started[k] += r["n"]
        elif r["ending"] in COMPLETING_ENDINGS:
            data.completed[k] += r["n"]
        if r["kind"] == JourneyKind.SUBMITTED:
            data.online[k] += r["n"]


def _costs(procedure_ids, first: date, last: date) -> dict[tuple, Decimal]:
    """Return {(procedure, month): yen}: month costs plus a twelfth of a fiscal year's."""
    costs: dict[tuple, Decimal] = defaultdict(Decimal)
    rows = ServiceCost.objects.filter(
        period_start__gte=date(first.year - 1, 4, 1), period_start__lte=last
    )
    if procedure_ids is not None:
        rows = rows.filter(procedure_id__in=procedure_ids)
    for c in rows.values("procedure_id", "grain", "period_start", "amount_yen"):
        if c["grain"] == "month":
            costs[(c["procedure_id"], c["period_start"])] += c["amount_yen"]
        else:
            for i in range(12):
                month = date(c["period_start"].year + (3 + i) // 12, (3 + i) % 12 + 1, 1)
                costs[(c["procedure_id"], month)] += c["amount_yen"] / 12
    return costs


def _score_classes(answers, *by: str):
    """Group satisfaction rollups by month (and `by`) into the counts the figures need."""

    def count(condition):
        return Sum(Case(When(condition, then="count"), default=0))

    return answers.values(*by, "month").annotate(
        n=Sum("count"),
        promoters=count(Q(score__gte=stats.PROMOTER_MIN)),
        detractors=count(Q(score__lte=stats.DETRACTOR_MAX)),
        satisfied=count(Q(score__gte=stats.SATISFIED_MIN)),
        total=Sum(F("score") * F("count")),
    )


def _classes(row: dict) -> dict:
    return {k: row[k] or 0 for k in ("n", "promoters", "detractors", "satisfied", "total")}


def service_data(
    *, procedure_ids: list[int], first: date, last: date, whole: bool = False
) -> ServiceData:
    """Read everything the four KPIs need for these procedures and months: a few grouped
    queries over rollups and entered data, whatever the number of raw events. With `whole`,
    also the whole organisation's sums per month under the key (WHOLE, month)."""
    data = ServiceData()
    months = Q(month__gte=first, month__lte=last)
    kinds = [JourneyKind.START, JourneyKind.SUBMITTED, JourneyKind.ENDED]
    journeys = JourneyRollup.objects.filter(months, kind__in=kinds)
    answers = SatisfactionRollup.objects.filter(months, score__gte=0)
    _journey_sums(
        data,
        journeys.filter(procedure_id__in=procedure_ids)
        .values("procedure_id", "month", "kind", "ending")
        .annotate(n=Sum("count")),
        lambda r: (r["procedure_id"], r["month"]),
    )
    for r in _score_classes(answers.filter(procedure_id__in=procedure_ids), "procedure_id"):
        data.scores[(r["procedure_id"], r["month"])].update(_classes(r))
    costs = _costs(None if whole else procedure_ids, first, last)
    wanted = set(procedure_ids)
    known_pairs = set()
    for r in (
        ChannelVolume.objects.filter(months)
        .values("procedure_id", "month")
        .annotate(n=Sum("count"))
    ):
        key = (r["procedure_id"], r["month"])
        known_pairs.add(key)
        targets = ([key] if key[0] in wanted else []) + ([(WHOLE, key[1])] if whole else [])
        for target in targets:
            data.known.add(target)
            data.other[target] += r["n"]
            data.cost_known[target] += costs.get(key, Decimal(0))
    if whole:
        _journey_sums(
            data,
            journeys.values("month", "kind", "ending").annotate(n=Sum("count")),
            lambda r: (WHOLE, r["month"]),
        )
        for r in _score_classes(answers):
            data.scores[(WHOLE, r["month"])].update(_classes(r))
        submitted = journeys.filter(kind=JourneyKind.SUBMITTED).values("procedure_id", "month")
        for r in submitted.annotate(n=Sum("count")):
            if (r["procedure_id"], r["month"]) in known_pairs:
                data.online_known[(WHOLE, r["month"])] += r["n"]
    for key in data.known:
        if key[0] != WHOLE:
            data.online_known[key] = data.online[key]
    return data


def journey_rows(*, procedure_id: int, first: date, last: date) -> list[dict]:
    """Return the rollup rows of one procedure summed over the months (for its funnel,
    answer errors, devices and time to complete): a few hundred rows at most."""
    return list(
        JourneyRollup.objects.filter(procedure_id=procedure_id, month__gte=first, month__lte=last)
        .values("kind", "step", "field", "device", "ending", "bucket", "first")
        .annotate(n=Sum("count"), seconds=Sum("seconds"))
    )


def funnel_rows(*, procedure_ids: list[int], first: date, last: date) -> list[dict]:
    """Return starts, first step completions and completions per procedure (funnels)."""
    return list(
        JourneyRollup.objects.filter(
            procedure_id__in=procedure_ids,
            month__gte=first,
            month__lte=last,
        )
        .filter(
            Q(kind=JourneyKind.START)
            | Q(kind=JourneyKind.STEP_COMPLETED, first=True)
            | Q(kind__in=[JourneyKind.SUBMITTED, JourneyKind.ENDED])
        )
        .values("procedure_id", "kind", "step", "ending")
        .annotate(n=Sum("count"))
    )


def page_views(*, first: date, last: date) -> dict[date, int]:
    rows = (
        PageViewRollup.objects.filter(month__gte=first, month__lte=last)
        .values("month")
        .annotate(n=Sum("count"))
    )
    return {r["month"]: r["n"] for r in rows}


def latest_comments(*, procedure_ids: list[int], limit: int = 20) -> list[SatisfactionResponse]:
    """Return the newest comments (stored masked) of these procedures."""
    return list(
        SatisfactionResponse.objects.filter(procedure_id__in=procedure_ids, has_comment=True)
        .select_related("procedure")
        .order_by("-id")[:limit]
    )


def data_months() -> tuple[date | None, date | None]:
    """Return the first and last month with rolled-up journeys."""
    bounds = JourneyRollup.objects.aggregate(first=Min("month"), last=Max("month"))
    return bounds["first"], bounds["last"]


# --- organisation KPIs -------------------------------------------------------------------


def kpi_approved_values(kpi: OrgKpi) -> list[KpiValue]:
    return list(kpi.values.filter(status=ValueStatus.APPROVED).select_related("organisation"))


def kpi_history(kpi: OrgKpi, limit: int = 200) -> list[KpiValue]:
    """Return every value ever entered, newest first (the audit trail of corrections)."""
    return list(
        kpi.values.select_related("organisation", "entered_by", "decided_by").order_by("-id")[
            :limit
        ]
    )


def kpi_waiting(kpis: list[OrgKpi]) -> list[KpiValue]:
    return list(
        KpiValue.objects.filter(kpi__in=kpis, status=ValueStatus.SUBMITTED)
        .select_related("kpi", "organisation", "entered_by")
        .order_by("id")
    )
