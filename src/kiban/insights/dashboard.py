"""Sections of the dashboards and transparency pages: each a chart, its table and a CSV link.

Staff dashboards, public pages and open data build their figures here from the same
selectors, so a resident downloads exactly what a bureau analyst sees (minus what is not
public). Everything is read from rollups: a page costs a handful of grouped queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kiban.insights import charts, figures, selectors
from kiban.insights.periods import FISCAL_YEAR, MONTH, Period, fiscal_years, months_between
from kiban.insights.tables import DECIMAL, INT, PERCENT, SCORE, YEN, Column, Table
from kiban.procedures.localise import text


@dataclass
class Section:
    id: str
    title: str
    chart: SafeString
    table: Table
    note: str = ""
    link: str = ""
    key: str = ""  # the procedure or KPI code the section is about


@dataclass
class Range:
    """The months a page covers: fiscal years `first`…`last`, shown by `grain`."""

    first: int
    last: int
    grain: str = FISCAL_YEAR

    @cached_property
    def months(self) -> list[date]:
        today = date.today()
        end = min(date(self.last + 1, 3, 1), date(today.year, today.month, 1))
        return months_between(date(self.first, 4, 1), end)

    @property
    def periods(self) -> list[Period]:
        if self.grain == MONTH:
            return [Period(m, MONTH) for m in self.months]
        return fiscal_years(self.first, self.last)

    def label(self, language: str) -> str:
        first, last = (
            Period.fiscal(self.first).label(language),
            Period.fiscal(self.last).label(language),
        )
        return first if self.first == self.last else f"{first} – {last}"


@dataclass
class Catalogue:
    """Procedures with their current definitions, read once per page."""

    procedures: list
    definitions: dict[int, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, procedures: list) -> Catalogue:
        return cls(procedures, selectors.procedure_definitions(p.pk for p in procedures))

    def title(self, procedure, language: str) -> str:
        return text(self.definitions.get(procedure.pk, {}).get("title"), language) or procedure.code

    def steps(self, procedure, language: str) -> list[tuple[str, str]]:
        steps = self.definitions.get(procedure.pk, {}).get("steps", [])
        return [
            (s.get("id", str(i)), text(s.get("title"), language) or s.get("id", str(i)))
            for i, s in enumerate(steps)
        ]

    def field_label(self, procedure, field_id: str, language: str) -> str:
        for step in self.definitions.get(procedure.pk, {}).get("steps", []):
            for f in step.get("fields", []):
                if f.get("id") == field_id:
                    return text(f.get("label"), language) or field_id
        return field_id


def _suppressed_text() -> str:
    return _("fewer than 10")


def kpi_columns(first_label: str) -> list[Column]:
    return [
        Column("name", first_label),
        Column("started", _("Started online"), INT),
        Column("completion_rate", _("Completion rate"), PERCENT),
        Column("responses", _("Number of answers"), INT),
        Column("satisfaction", _("User satisfaction (7–10)"), PERCENT),
        Column("nps", _("NPS (95% interval)"), SCORE),
        Column("online", _("Online applications"), INT),
        Column("other_channels", _("Other channels"), INT),
        Column("digital_take_up", _("Digital take-up"), PERCENT),
        Column("cost_per_transaction", _("Cost per transaction"), YEN),
    ]


def kpi_record(name: str, kpis: figures.ServiceKpis, **extra) -> dict:
    """Return a table row of the four KPIs; suppressed rates are None with a flag."""
    row = {
        "name": name,
        **extra,
        "started": kpis.started,
        "completed": kpis.completed,
        "completion_rate": kpis.completion_rate,
        "completion_rate_suppressed": kpis.completion_rate is None and kpis.started > 0,
        "responses": kpis.responses,
        "satisfaction": kpis.satisfaction.estimate if kpis.satisfaction else None,
        "satisfaction_low": kpis.satisfaction.low if kpis.satisfaction else None,
        "satisfaction_high": kpis.satisfaction.high if kpis.satisfaction else None,
        "satisfaction_suppressed": kpis.satisfaction is None and kpis.responses > 0,
        "nps": kpis.nps.estimate if kpis.nps else None,
        "nps_low": kpis.nps.low if kpis.nps else None,
        "nps_high": kpis.nps.high if kpis.nps else None,
        "nps_suppressed": kpis.nps is None and kpis.responses > 0,
        "online": kpis.online,
        "other_channels": kpis.other_channels,
        "digital_take_up": kpis.digital_take_up,
        "digital_take_up_suppressed": kpis.digital_take_up is None and kpis.take_up_base > 0,
        "cost_yen": kpis.cost_yen,
        "cost_per_transaction": kpis.cost_per_transaction,
        "cost_per_transaction_suppressed": kpis.cost_per_transaction is None
        and kpis.cost_yen is not None,
    }
    return row


def _range_kpis(data, ids, span: Range) -> figures.ServiceKpis:
    """Return the KPIs of `ids` over the range, computed once per page."""
    key = (tuple(ids), span.first, span.last)
    if key not in data.memo:
        data.memo[key] = figures.service_kpis(data, ids, span.months)
    return data.memo[key]


def kpi_section(
    data,
    catalogue: Catalogue,
    span: Range,
    language: str,
    *,
    totals: list[tuple],
    table_id: str = "service-kpis",
) -> Section:
    """Return the four KPIs per procedure and for each (label, procedure ids) in `totals`."""
    table = Table(
        table_id,
        _("The four service KPIs, %(range)s") % {"range": span.label(language)},
        kpi_columns(_("Procedure")),
        suppressed_text=_suppressed_text(),
    )
    for procedure in catalogue.procedures:
        table.rows.append(
            kpi_record(
                catalogue.title(procedure, language),
                _range_kpis(data, [procedure.pk], span),
                code=procedure.code,
            )
        )
    for label, ids in totals:
        table.rows.append(kpi_record(label, _range_kpis(data, ids, span), code="", total=True))
    table.highlight_key = "total"
    bars = [
        charts.Bar(row["name"], row["completion_rate"], highlight=bool(row.get("total")))
        for row in table.rows
    ]
    chart = charts.hbar_chart(
        f"{table_id}-chart",
        _("Completion rate by procedure, %(range)s") % {"range": span.label(language)},
        _(
            "Share of online applications started that were completed (submitted, or ended as not "
            "eligible). Values based on fewer than 10 starts are not shown."
        ),
        bars,
        maximum=100,
        suffix="%",
        empty=_("No data yet"),
        suppressed_label=_suppressed_text(),
    )
    return Section(table_id, _("Service KPIs"), mark_safe(chart), table)


def trend_section(
    data, ids: list[int], span: Range, language: str, name: str, table_id: str = "trend"
) -> Section:
    """Return the KPIs of `ids` per period, drawn as completion rate and digital take-up."""
    rows = figures.kpis_by_period(data, ids, span.periods)
    table = Table(
        table_id,
        _("%(name)s by period") % {"name": name},
        [Column("period", _("Period"))] + kpi_columns("")[1:],
        suppressed_text=_suppressed_text(),
    )
    for period, kpis in rows:
        record = kpi_record("", kpis, period=period.label(language), period_key=period.key)
        record.pop("name")
        table.rows.append(record)
    table.columns.insert(1, Column("period_key", _("Period code")))
    labels = [period.label(language) for period, _kpis in rows]
    chart = charts.line_chart(
        f"{table_id}-chart",
        _("Completion rate and digital take-up: %(name)s") % {"name": name},
        _("Percentages per period. Gaps: fewer than 10 cases."),
        labels,
        [
            charts.Series(_("Completion rate (%)"), [k.completion_rate for _period, k in rows]),
            charts.Series(
                _("Digital take-up (%)"), [k.digital_take_up for _period, k in rows], True
            ),
        ],
        language=language,
        empty=_("No data yet"),
        suffix="%",
    )
    return Section(table_id, _("Trend"), mark_safe(chart), table)


def nps_section(
    data,
    catalogue: Catalogue,
    span: Range,
    language: str,
    totals: list[tuple],
    table_id: str = "nps",
) -> Section:
    """Return the NPS with its 95% interval per procedure and total."""
    table = Table(
        table_id,
        _("Net Promoter Score with 95%% interval (adjusted Wald), %(range)s")
        % {"range": span.label(language)},
        [
            Column("name", _("Procedure")),
            Column("responses", _("Number of answers"), INT),
            Column("nps", _("NPS (95% interval)"), SCORE),
            Column("satisfaction", _("User satisfaction (7–10)"), PERCENT),
            Column("mean_score", _("Mean answer (0–10)"), DECIMAL),
        ],
        suppressed_text=_suppressed_text(),
    )
    items = [(catalogue.title(p, language), [p.pk], False) for p in catalogue.procedures]
    items += [(label, ids, True) for label, ids in totals]
    rows = []
    for label, ids, total in items:
        kpis = _range_kpis(data, ids, span)
        record = kpi_record(label, kpis, total=total)
        record["mean_score"] = round(kpis.mean_score, 2) if kpis.mean_score is not None else None
        record["mean_score_suppressed"] = record["nps_suppressed"]
        table.rows.append(record)
        rows.append(charts.IntervalRow(label, record["nps"], record["nps_low"], record["nps_high"]))
    table.highlight_key = "total"
    chart = charts.interval_chart(
        f"{table_id}-chart",
        _("NPS by procedure, %(range)s") % {"range": span.label(language)},
        _(
            "Dots are the NPS (−100 to +100), lines its 95% interval. Procedures with fewer than "
            "10 answers are not shown."
        ),
        rows,
        empty=_("No answers yet"),
        suppressed_label=_("fewer than 10 answers"),
    )
    return Section(
        table_id,
        _("Satisfaction (NPS)"),
        mark_safe(chart),
        table,
        note=_(
            "NPS = % answering 9–10 minus % answering 0–6. The interval is the "
            "adjusted-Wald 95% interval; the satisfaction score is the share "
            "answering 7–10."
        ),
    )


def page_view_table(views: dict, language: str) -> Table:
    """Return anonymous views of the service catalogue per month."""
    table = Table(
        "catalogue-views",
        _("Views of the list of services, by month"),
        [Column("period", _("Period")), Column("views", _("Views"), INT)],
    )
    for month, count in sorted(views.items()):
        table.rows.append({"period": Period(month, MONTH).label(language), "views": count})
    return table
