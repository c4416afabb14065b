"""Sections about organisation KPIs: a series against its target, and its split by bureau."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kiban.insights import charts, figures, stats
from kiban.insights.constants import Direction
from kiban.insights.dashboard import Section
from kiban.insights.periods import Period
from kiban.insights.tables import DECIMAL, PERCENT, Column, Table


def org_kpi_section(kpi, values: list, language: str) -> Section:
    """Return an organisation KPI per period against its target and baseline."""
    series = figures.kpi_series(values, kpi.grain, kpi.aggregation)
    unit = kpi.unit(language)
    name = kpi.name(language)
    target = None
    if kpi.target_value is not None:
        when = (
            Period.containing(kpi.target_date, kpi.grain).label(language) if kpi.target_date else ""
        )
        target = charts.Target(
            float(kpi.target_value),
            _("Target %(value)s by %(when)s")
            % {"value": charts.compact_number(float(kpi.target_value), language), "when": when},
        )
    bars = [
        charts.Bar(period.label(language), float(entry["total"]))
        for period, entry in series.items()
    ]
    description = kpi.definition(language)
    if series and kpi.baseline_value:
        last_period, last = list(series.items())[-1]
        change = (
            100 * (float(last["total"]) - float(kpi.baseline_value)) / float(kpi.baseline_value)
        )
        description = _(
            "%(period)s: %(value)s %(unit)s, %(change)+.0f%% against the baseline "
            "%(baseline_period)s."
        ) % {
            "period": last_period.label(language),
            "value": f"{last['total']:,.0f}",
            "unit": unit,
            "change": change,
            "baseline_period": kpi.baseline_period,
        }
    chart = charts.bar_chart(
        f"kpi-{kpi.code}-chart",
        name,
        description,
        bars,
        target,
        language=language,
        empty=_("No approved values yet"),
    )
    columns = [
        Column("period", _("Period")),
        Column("period_key", _("Period code")),
        Column("value", _("Value (%(unit)s)") % {"unit": unit}, DECIMAL),
    ]
    if kpi.baseline_value:
        columns.append(Column("vs_baseline", _("Change against baseline"), PERCENT))
    if kpi.target_value is not None:
        columns.append(Column("target", _("Target"), DECIMAL))
        columns.append(Column("target_met", _("Target met")))
    columns.append(Column("provenance", _("Source of the figure")))
    if kpi.by_organisation:
        columns.append(Column("cumulative", _("Cumulative"), DECIMAL))
    table = Table(f"kpi-{kpi.code}", name, columns)
    running = 0
    provenance_names = dict(_provenance_names())
    for period, entry in series.items():
        running += entry["total"]
        met = None
        if kpi.target_value is not None:
            better = (
                entry["total"] <= kpi.target_value
                if kpi.direction == Direction.LOWER
                else entry["total"] >= kpi.target_value
            )
            met = _("Yes") if better else _("No")
        table.rows.append(
            {
                "period": period.label(language),
                "period_key": period.key,
                "value": entry["total"],
                "vs_baseline": stats.ratio(
                    float(entry["total"]) - float(kpi.baseline_value), float(kpi.baseline_value)
                )
                if kpi.baseline_value
                else None,
                "target": kpi.target_value,
                "target_met": met,
                "cumulative": running,
                "provenance": ", ".join(
                    sorted(str(provenance_names.get(p, p)) for p in entry["provenance"])
                ),
            }
        )
    return Section(
        table.id, name, mark_safe(chart), table, note=kpi.data_note(language), key=kpi.code
    )


def _provenance_names():
    from kiban.insights.constants import Provenance

    return Provenance.choices


def bureau_breakdown_table(kpi, values: list, language: str) -> Table | None:
    """Return a KPI split by bureau per period (when the KPI has values per bureau)."""
    if not kpi.by_organisation:
        return None
    series = figures.kpi_series(values, kpi.grain, kpi.aggregation)
    codes = sorted({code for entry in series.values() for code in entry["by"]})
    names = {
        v.organisation.code: v.organisation.name(language) for v in values if v.organisation_id
    }
    table = Table(
        f"kpi-{kpi.code}-by-bureau",
        _("%(name)s by bureau") % {"name": kpi.name(language)},
        [Column("period", _("Period"))]
        + [Column(c, names.get(c, c), DECIMAL) for c in codes]
        + [Column("total", _("Total"), DECIMAL)],
    )
    for period, entry in series.items():
        table.rows.append(
            {"period": period.label(language), **entry["by"], "total": entry["total"]}
        )
    return table
