"""Demo history for the insights app: two and a half fiscal years of journeys, answers,
other channels, costs and organisation KPIs, generated fast.

History before the current month is written straight into the rollups (what months of
raw events would have produced); the current month is written as raw events and answers
and rolled up by the real pipeline, so both paths show. Every figure is made up except
the organisation KPI points marked "published" (see ../shared/JAPAN.md): copy paper
purchased in FY2016, FY2021 and FY2022, and the FY2021 total of 255 digitalisation support
cases with 11–34 new a month. `load_demo` calls `insights_demo_load`; a second call adds
nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.identity.constants import Role
from kiban.identity.models import Membership, Organisation, User
from kiban.insights import services
from kiban.insights.constants import Ending, JourneyKind, Provenance, Source
from kiban.insights.journeys import journey_key
from kiban.insights.models import (
    ChannelVolume,
    JourneyEvent,
    JourneyRollup,
    OrgKpi,
    PageViewRollup,
    Publication,
    SatisfactionResponse,
    SatisfactionRollup,
    ServiceCost,
)
from kiban.insights.periods import Period, add_months, fiscal_year, months_between
from kiban.insights.rollups import BUCKETS, rollups_run

# code: monthly starts, pass rate of each step, errors per 100 starts by (step, field),
# answer mean, yearly cost (yen). One step in each is clearly the worst.
PROFILES = {
    "child-allowance": (
        900,
        [0.93, 0.71, 0.95],
        {
            ("household", "children"): 34,
            ("household", "address"): 9,
            ("applicant", "phone"): 6,
            ("payment", "bank_account"): 7,
        },
        7.6,
        52_000_000,
    ),
    "housing-application": (
        600,
        [0.95, 0.9, 0.66],
        {
            ("wishes", "monthly_rent"): 31,
            ("wishes", "area"): 8,
            ("household", "household_size"): 5,
            ("applicant", "birth_date"): 4,
        },
        6.4,
        38_000_000,
    ),
    "tax-certificate": (
        1500,
        [0.97, 0.92, 0.95],
        {
            ("certificate", "fiscal_year"): 12,
            ("applicant", "address"): 5,
            ("delivery", "copies"): 2,
        },
        8.3,
        30_000_000,
    ),
    "sme-subsidy": (
        60,
        [0.9, 0.6, 0.86],
        {("plan", "amount"): 40, ("plan", "plan"): 18, ("business", "corporate_number"): 11},
        6.9,
        21_000_000,
    ),
}
STEP_IDS = {
    "child-allowance": ["applicant", "household", "payment"],
    "housing-application": ["applicant", "household", "wishes"],
    "tax-certificate": ["applicant", "certificate", "delivery"],
    "sme-subsidy": ["business", "plan", "attachments"],
}
DEVICES = (("mobile", 0.62, 0.94), ("desktop", 0.33, 1.05), ("tablet", 0.05, 1.0))
# Minutes to complete: the share of journeys in each BUCKETS bucket.
TIME_SHARES = (0.02, 0.05, 0.09, 0.16, 0.2, 0.12, 0.12, 0.08, 0.06, 0.04, 0.02, 0.025, 0.005, 0)
COMMENTS = [
    "住所の入力が簡単でした。前回の情報が入っていて助かりました。",
    "子どもの情報を入れる画面が分かりにくかったです。",
    "スマホで最後までできました。",
    "家賃の欄に何を書けばよいか迷いました。電話 090-1234-5678 まで連絡ください。",
    "確認の連絡は taro.yamada@example.jp にお願いします。",
    "マイナンバー 1234 5678 9012 を入力する場所がありませんでした。",
    "東京都新宿区西新宿2-8-1 に住んでいますが、郵便番号 163-8001 が自動で出ました。",
    "The English page was clear. Thank you.",
    "添付書類のアップロードでエラーになりました。",
    "窓口に行かずに済みました。",
]
COPY_PAPER = [  # fiscal year, sheets, provenance
    (2016, 200_000_000, Provenance.PUBLISHED),
    (2017, 188_000_000, Provenance.ILLUSTRATIVE),
    (2018, 176_000_000, Provenance.ILLUSTRATIVE),
    (2019, 162_000_000, Provenance.ILLUSTRATIVE),
    (2020, 118_000_000, Provenance.ILLUSTRATIVE),
    (2021, 90_000_000, Provenance.PUBLISHED),
    (2022, 57_000_000, Provenance.PUBLISHED),
]
# New digitalisation support cases a month in FY2021 (April…March): 11 to 34, 255 in all.
SUPPORT_CASES = [11, 13, 15, 17, 18, 20, 22, 23, 25, 27, 30, 34]
SUPPORT_SHARES = {"welfare": 0.32, "industry": 0.27, "tax": 0.18, "housing": 0.23}
SEED = 2026


def insights_demo_load() -> None:
    """Load the insights demo: analyst roles, publication, KPIs, history; idempotent."""
    with transaction.atomic():
        _analysts_grant()
        procedures = _demo_procedures()
        if (
            procedures
            and not JourneyRollup.objects.filter(procedure__in=procedures.values()).exists()
        ):
            _publish(procedures)
            today = timezone.localdate()
            _history_load(procedures, today)
            _current_month_load(procedures, today)
            audit_record(
                action="insights.demo_loaded",
                data={"procedures": sorted(procedures), "from": _first_month(today).isoformat()},
            )
        _kpis_load()
    if procedures:
        rollups_run(max_seconds=60)


def _first_month(today: date) -> date:
    """Return April of last fiscal year: at least a year of history, the default range."""
    return date(fiscal_year(today) - 1, 4, 1)


def _analysts_grant() -> None:
    from kiban.identity import services as identity

    for user in User.objects.filter(
        email__startswith="caseworker.", email__endswith="@demo.kiban.jp"
    ):
        code = user.email.split("@")[0].removeprefix("caseworker.")
        organisation = Organisation.objects.filter(code=code).first()
        if (
            organisation
            and not Membership.objects.filter(
                user=user, organisation=organisation, role=Role.ANALYST
            ).exists()
        ):
            identity.membership_grant(user=user, organisation=organisation, role=Role.ANALYST)


def _demo_procedures() -> dict:
    from kiban.procedures.models import Procedure

    return {p.code: p for p in Procedure.objects.filter(code__in=PROFILES)}


def _publish(procedures: dict) -> None:
    for procedure in procedures.values():
        Publication.objects.get_or_create(procedure=procedure, defaults={"is_public": True})


def _split(rng: random.Random, total: int, shares) -> list[int]:
    """Split `total` by `shares` (largest remainder, a little noise)."""
    weights = [max(0.0, s * rng.uniform(0.9, 1.1)) for s in shares]
    scale = sum(weights) or 1
    raw = [total * w / scale for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[
        : total - sum(counts)
    ]:
        counts[i] += 1
    return counts


def _month_rows(code: str, procedure, month: date, index: int, rng: random.Random):
    """Return the rollup rows of one procedure and month, and its number of completions."""
    base, passes, errors, _mean, _cost = PROFILES[code]
    season = 1.25 if month.month in (5, 11) and code == "housing-application" else 1.0
    season *= 1.3 if month.month in (6, 2) and code == "child-allowance" else 1.0
    starts = int(base * season * (1 + 0.02 * index) * rng.uniform(0.9, 1.1))
    improving = min(1.0, 1 + 0.004 * index)  # a little better every month
    rows: list[tuple] = []

    def add(
        kind, count, step="", field="", device="", ending="", bucket=-1, first=False, seconds=0
    ):
        if count > 0:
            rows.append(
                (
                    month,
                    procedure.organisation_id,
                    procedure.pk,
                    kind,
                    step,
                    field,
                    device,
                    ending,
                    bucket,
                    first,
                    count,
                    seconds,
                )
            )

    by_device = _split(rng, starts, [share for _, share, _ in DEVICES])
    for (device, _share, _factor), count in zip(DEVICES, by_device, strict=True):
        add(JourneyKind.START, count, device=device)
        add(JourneyKind.PROCEDURE_VIEW, int(count * rng.uniform(2.2, 2.8)), device=device)
    reached, abandoned = starts, Counter()
    for step_id, rate in zip(STEP_IDS[code], passes, strict=True):
        add(JourneyKind.STEP_SHOWN, int(reached * rng.uniform(1.15, 1.3)), step=step_id)
        done = int(reached * min(0.99, rate * improving) * rng.uniform(0.98, 1.02))
        done = min(done, reached)
        add(JourneyKind.STEP_COMPLETED, done, step=step_id, first=True)
        add(JourneyKind.STEP_COMPLETED, int(done * 0.06), step=step_id)
        step_errors = {f: n for (s, f), n in errors.items() if s == step_id}
        for field, per_hundred in step_errors.items():
            add(
                JourneyKind.STEP_ERROR,
                int(starts * per_hundred / 100 * rng.uniform(0.8, 1.2)),
                step=step_id,
                field=field,
            )
        lost = reached - done
        fields = list(step_errors)
        after_error = (
            _split(rng, int(lost * 0.6), [step_errors[f] for f in fields]) if fields else []
        )
        for field, count in zip(fields, after_error, strict=True):
            abandoned[(step_id, field)] += count
        abandoned[(step_id, "")] += lost - sum(after_error)
        reached = done
    add(JourneyKind.REVIEW, int(reached * 1.1), step="")
    completed = int(reached * rng.uniform(0.95, 0.99))
    abandoned[("", "")] += reached - completed
    for (step_id, field), count in abandoned.items():
        add(JourneyKind.ABANDONED, count, step=step_id, field=field)
    add(JourneyKind.RESUMED, int(starts * 0.12), step=STEP_IDS[code][1])
    add(JourneyKind.ERROR, int(completed * 0.004))
    device_done = _split(rng, completed, [share * factor for _, share, factor in DEVICES])
    for (device, _share, _factor), done in zip(DEVICES, device_done, strict=True):
        for bucket, count in enumerate(_split(rng, done, TIME_SHARES)):
            if count:
                add(
                    JourneyKind.SUBMITTED,
                    count,
                    device=device,
                    ending=Ending.SUBMITTED,
                    bucket=bucket,
                    seconds=int(count * BUCKETS[bucket] * 0.7),
                )
    return rows, completed


def _satisfaction_rows(code, procedure, month, completed, rng) -> list[SatisfactionRollup]:
    mean = PROFILES[code][3]
    rate = 0.15 if code != "sme-subsidy" else 0.12
    answers = int(completed * rate * rng.uniform(0.85, 1.15))
    scores = Counter(max(0, min(10, round(rng.gauss(mean, 2.1)))) for _ in range(answers))
    rows = [
        SatisfactionRollup(
            month=month,
            organisation_id=procedure.organisation_id,
            procedure=procedure,
            ending=Ending.SUBMITTED,
            score=s,
            count=n,
        )
        for s, n in scores.items()
    ]
    errors = Counter(max(0, min(10, round(rng.gauss(3, 2)))) for _ in range(rng.randint(0, 3)))
    rows += [
        SatisfactionRollup(
            month=month,
            organisation_id=procedure.organisation_id,
            procedure=procedure,
            ending=Ending.ERROR,
            score=s,
            count=n,
        )
        for s, n in errors.items()
    ]
    return rows


def _channels(procedure, month, online, index, rng) -> list[ChannelVolume]:
    take_up = min(0.8, 0.38 + 0.009 * index) * rng.uniform(0.96, 1.04)
    other = int(online * (1 - take_up) / take_up)
    counts = _split(rng, other, [0.5, 0.3, 0.2])
    return [
        ChannelVolume(
            procedure=procedure, month=month, channel=channel, count=count, source=Source.DEMO
        )
        for channel, count in zip(("counter", "post", "paper"), counts, strict=True)
    ]


def _history_load(procedures: dict, today: date) -> None:
    """Write rollups for every month from April two fiscal years ago to last month."""
    first, last = _first_month(today), add_months(today.replace(day=1), -1)
    rollups, answers, channels, views = [], [], [], Counter()
    for code, procedure in sorted(procedures.items()):
        for index, month in enumerate(months_between(first, last)):
            rng = random.Random(f"{SEED}:{code}:{month}")
            rows, completed = _month_rows(code, procedure, month, index, rng)
            rollups += rows
            answers += _satisfaction_rows(code, procedure, month, completed, rng)
            online = sum(r[10] for r in rows if r[3] == JourneyKind.SUBMITTED)
            channels += _channels(procedure, month, online, index, rng)
            views[month] += sum(r[10] for r in rows if r[3] == JourneyKind.START) * 3
        for fy in range(fiscal_year(first), fiscal_year(today) + 1):
            cost = Decimal(PROFILES[code][4]) * Decimal(1 - 0.06 * (fy - fiscal_year(first)))
            ServiceCost.objects.create(
                procedure=procedure,
                grain="fiscal_year",
                period_start=date(fy, 4, 1),
                amount_yen=cost.quantize(1),
                source=Source.DEMO,
                note="demo",
            )
    _insert(
        JourneyRollup,
        [
            "month",
            "organisation_id",
            "procedure_id",
            "kind",
            "step",
            "field",
            "device",
            "ending",
            "bucket",
            "first",
            "count",
            "seconds",
        ],
        rollups,
    )
    SatisfactionRollup.objects.bulk_create(answers, batch_size=1000)
    ChannelVolume.objects.bulk_create(channels, batch_size=1000)
    PageViewRollup.objects.bulk_create(
        [PageViewRollup(month=m, page="catalogue", device="", count=n) for m, n in views.items()]
    )


def _journey_events(code, procedure, start: datetime, rng, now: datetime) -> list[JourneyEvent]:
    """Return the raw events of one made-up journey this month."""
    device = rng.choices([d for d, _, _ in DEVICES], [s for _, s, _ in DEVICES])[0]
    key = journey_key(f"demo-{code}-{start.isoformat()}-{rng.random()}")
    at, events = start, []

    def event(kind, **fields):
        if at <= now:
            events.append(
                JourneyEvent(
                    at=at,
                    month=at.date().replace(day=1),
                    kind=kind,
                    procedure=procedure,
                    organisation_id=procedure.organisation_id,
                    journey=key,
                    device=device,
                    **fields,
                )
            )

    event(JourneyKind.PROCEDURE_VIEW)
    event(JourneyKind.START)
    _base, passes, errors, _mean, _cost = PROFILES[code]
    for step_id, rate in zip(STEP_IDS[code], passes, strict=True):
        event(JourneyKind.STEP_SHOWN, step=step_id)
        for (s, field), per_hundred in errors.items():
            if s == step_id and rng.random() < per_hundred / 100:
                at += timedelta(seconds=rng.randint(20, 120))
                event(JourneyKind.STEP_ERROR, step=step_id, field=field)
        if rng.random() > rate:
            return events
        at += timedelta(seconds=rng.randint(40, 400))
        event(JourneyKind.STEP_COMPLETED, step=step_id, first=True)
    event(JourneyKind.REVIEW)
    at += timedelta(seconds=rng.randint(20, 200))
    event(JourneyKind.SUBMITTED, ending=Ending.SUBMITTED, seconds=int((at - start).total_seconds()))
    return events


def _current_month_load(procedures: dict, today: date) -> None:
    """Write this month's raw events and answers; the rollup pipeline counts them."""
    now = timezone.now()
    month_start = timezone.make_aware(datetime(today.year, today.month, 1, 8))
    span = max(1.0, (now - month_start).total_seconds())
    events = []
    for code, procedure in sorted(procedures.items()):
        rng = random.Random(f"{SEED}:{code}:current")
        journeys = max(15, PROFILES[code][0] // 8 * today.day // 30)
        for _ in range(journeys):
            start = month_start + timedelta(seconds=rng.uniform(0, span))
            events += _journey_events(code, procedure, start, rng, now)
        for i in range(max(12, journeys // 8)):
            comment = COMMENTS[i % len(COMMENTS)] if i < 2 * len(COMMENTS) else ""
            services.feedback_record(
                procedure=procedure,
                ending=Ending.SUBMITTED,
                feedback=services.Feedback(
                    max(0, min(10, round(rng.gauss(PROFILES[code][3], 2)))), comment
                ),
            )
    JourneyEvent.objects.bulk_create(events, batch_size=2000)
    catalogue = [
        JourneyEvent(
            at=now, month=today.replace(day=1), kind=JourneyKind.CATALOGUE_VIEW, device="mobile"
        )
        for _ in range(len(events) // 10)
    ]
    JourneyEvent.objects.bulk_create(catalogue, batch_size=2000)
    SatisfactionResponse.objects.filter(procedure__in=procedures.values(), at__gt=now).update(
        at=now
    )


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows with one prepared statement (the ORM's per-object work is the
    slow part of loading a demo)."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


# --- organisation KPIs -------------------------------------------------------------------


def _kpis_load() -> None:
    platform = Organisation.objects.filter(code="digital-service").first()
    if platform is None or OrgKpi.objects.filter(code="copy-paper").exists():
        return
    admin = User.objects.filter(email="admin@demo.kiban.jp").first()
    copy_paper = services.kpi_save(
        code="copy-paper",
        actor=admin,
        fields={
            "name_ja": "コピー用紙の購入枚数",
            "name_en": "Copy paper purchased",
            "definition_ja": "都庁全体で1年度（4月〜3月）に購入したコピー用紙（A4換算）の枚数。",
            "definition_en": "Sheets of copy paper (A4 equivalent) the whole Tokyo Metropolitan "
            "Government bought in a fiscal year (April–March).",
            "unit_ja": "枚",
            "unit_en": "sheets",
            "owner": platform,
            "grain": "fiscal_year",
            "aggregation": "sum",
            "direction": "lower",
            "baseline_value": Decimal(200_000_000),
            "baseline_period": "FY2016",
            "target_value": Decimal(100_000_000),
            "target_date": date(2022, 3, 31),
            "is_public": True,
            "data_note_ja": "公表値：2016年度 約2億枚、2021年度 約9,000万枚"
            "（55%削減、目標は50%削減）、2022年度 約5,700万枚。"
            "2017〜2020年度はデモ用の例示値。",
            "data_note_en": "Published figures: about 200 million sheets in FY2016, about 90 "
            "million "
            "in FY2021 (−55%; the target was −50%) and about 57 million in FY2022. "
            "FY2017–FY2020 are illustrative values for the demo.",
        },
    )
    services.kpi_values_load(
        kpi=copy_paper,
        actor=admin,
        values=[
            (Period.fiscal(fy), None, Decimal(sheets), provenance)
            for fy, sheets, provenance in COPY_PAPER
        ],
    )
    _support_cases_load(platform, admin)
    _welfare_forms_load(admin)


def _support_cases_load(platform, admin) -> None:
    bureaus = {o.code: o for o in Organisation.objects.filter(code__in=SUPPORT_SHARES)}
    kpi = services.kpi_save(
        code="digital-support-cases",
        actor=admin,
        fields={
            "name_ja": "デジタル化支援の件数",
            "name_en": "Digitalisation support cases",
            "definition_ja": "デジタルサービス局が各局から新たに受けた"
            "デジタル化支援の件数（月ごと、依頼元の局別）。",
            "definition_en": "New digitalisation support cases the Digital Service Bureau took on "
            "for other bureaus each month, by requesting bureau.",
            "unit_ja": "件",
            "unit_en": "cases",
            "owner": platform,
            "grain": "month",
            "aggregation": "sum",
            "direction": "higher",
            "by_organisation": True,
            "baseline_value": Decimal(11),
            "baseline_period": "2021-04",
            "is_public": True,
            "data_note_ja": "公表値：令和3年度（2021年度）の累計255件（3月末）、"
            "月11〜34件の新規。月別の内訳と局別の内訳はデモ用の例示値。",
            "data_note_en": "Published: 255 cases in FY2021 (令和3年度) by the end of March, "
            "with 11 to 34 new cases a month. The month-by-month series and the split by "
            "bureau are illustrative values for the demo.",
        },
    )
    rng = random.Random(f"{SEED}:support")
    values = []
    for i, total in enumerate(SUPPORT_CASES):
        month = Period(add_months(date(2021, 4, 1), i), "month")
        codes = sorted(bureaus)
        for code, count in zip(
            codes, _split(rng, total, [SUPPORT_SHARES[c] for c in codes]), strict=True
        ):
            values.append((month, bureaus[code], Decimal(count), Provenance.ILLUSTRATIVE))
    services.kpi_values_load(kpi=kpi, actor=admin, values=values)


def _welfare_forms_load(admin) -> None:
    welfare = Organisation.objects.filter(code="welfare").first()
    analyst = User.objects.filter(email="caseworker.welfare@demo.kiban.jp").first()
    if welfare is None:
        return
    kpi = services.kpi_save(
        code="welfare-paper-forms",
        actor=admin,
        fields={
            "name_ja": "紙の申請様式の数（福祉局）",
            "name_en": "Paper application forms in use (welfare)",
            "definition_ja": "福祉局で年度末に使われている紙の申請様式の数。",
            "definition_en": "Paper application forms the Bureau of Social Welfare still uses at "
            "the "
            "end of a fiscal year.",
            "unit_ja": "様式",
            "unit_en": "forms",
            "owner": welfare,
            "grain": "fiscal_year",
            "aggregation": "last",
            "direction": "lower",
            "baseline_value": Decimal(120),
            "baseline_period": "FY2023",
            "target_value": Decimal(0),
            "target_date": date(2028, 3, 31),
            "data_note_ja": "デモ用の例示値。",
            "data_note_en": "Illustrative values for the demo.",
        },
    )
    services.kpi_values_load(
        kpi=kpi,
        actor=admin,
        values=[
            (Period.fiscal(2023), None, Decimal(120), Provenance.ILLUSTRATIVE),
            (Period.fiscal(2024), None, Decimal(95), Provenance.ILLUSTRATIVE),
        ],
    )
    if analyst is not None:
        services.kpi_value_submit(
            kpi=kpi,
            period=Period.fiscal(2025),
            value=Decimal(71),
            actor=analyst,
            note="年度末の棚卸し（デモ）",
        )
