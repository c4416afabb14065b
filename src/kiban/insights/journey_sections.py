"""Sections about journeys: funnels with the worst step, answer errors, devices, timing."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kiban.insights import charts, figures
from kiban.insights.dashboard import Catalogue, Range, Section, _suppressed_text
from kiban.insights.tables import INT, PERCENT, Column, Table


def funnel_section(
    procedure, catalogue: Catalogue, rows: list[dict], language: str, span: Range
) -> Section:
    """Return the funnel of one procedure with its worst step highlighted."""
    stages = figures.funnel(
        rows,
        catalogue.steps(procedure, language),
        {"start": _("Started"), "completed": _("Completed")},
    )
    title = catalogue.title(procedure, language)
    worst = next((s for s in stages if s.worst), None)
    message = (
        _("Largest drop-off: %(step)s — %(rate).0f%% of those who reached it stopped.")
        % {"step": worst.label, "rate": worst.drop_rate}
        if worst
        else _("No step has enough data to compare.")
    )
    table = Table(
        f"funnel-{procedure.code}",
        _("Funnel: %(title)s, %(range)s") % {"title": title, "range": span.label(language)},
        [
            Column("stage", _("Stage")),
            Column("count", _("People"), INT),
            Column("dropped", _("Stopped here"), INT),
            Column("drop_rate", _("Drop-off rate"), PERCENT),
            Column("worst_label", _("Largest drop-off")),
        ],
        suppressed_text=_suppressed_text(),
        highlight_key="worst",
    )
    for s in stages:
        table.rows.append(
            {
                "stage": s.label,
                "step_id": s.key,
                "count": s.count,
                "dropped": s.dropped if s.key != "start" else None,
                "drop_rate": s.drop_rate,
                "drop_rate_suppressed": s.key != "start" and s.drop_rate is None,
                "worst": s.worst,
                "worst_label": _("Yes") if s.worst else "",
            }
        )
    chart = charts.funnel_chart(
        f"funnel-{procedure.code}-chart",
        _("Funnel: %(title)s") % {"title": title},
        message,
        [
            charts.Stage(s.label, s.count, f"−{s.drop_rate:.0f}%" if s.drop_rate else "", s.worst)
            for s in stages
        ],
        highlight_label=_("Largest drop-off"),
        empty=_("No journeys yet"),
    )
    return Section(table.id, title, mark_safe(chart), table, note=message, key=procedure.code)


def field_error_table(procedure, catalogue: Catalogue, rows: list[dict], language: str) -> Table:
    steps = dict(catalogue.steps(procedure, language))
    table = Table(
        f"errors-{procedure.code}",
        _("Answers not accepted, and who gave up after them"),
        [
            Column("step", _("Step")),
            Column("field", _("Question")),
            Column("errors", _("Times not accepted"), INT),
            Column("abandoned", _("Gave up after this error"), INT),
        ],
    )
    for item in figures.field_errors(rows):
        table.rows.append(
            {
                "step": steps.get(item["step"], item["step"]),
                "field": catalogue.field_label(procedure, item["field"], language),
                "field_id": item["field"],
                "errors": item["errors"],
                "abandoned": item["abandoned"],
            }
        )
    return table


def journey_tables(procedure, catalogue: Catalogue, rows: list[dict], language: str) -> list[Table]:
    """Return devices, time to complete, drop-offs per step and resumed drafts of a procedure."""
    device_names = {
        "mobile": _("Mobile"),
        "tablet": _("Tablet"),
        "desktop": _("Desktop"),
        "other": _("Other"),
        "bot": _("Automated"),
        "": _("Unknown"),
    }
    devices = Table(
        f"devices-{procedure.code}",
        _("Completion by device"),
        [
            Column("device", _("Device")),
            Column("started", _("Started"), INT),
            Column("completed", _("Completed"), INT),
            Column("rate", _("Completion rate"), PERCENT),
        ],
        suppressed_text=_suppressed_text(),
    )
    for d in figures.devices(rows):
        devices.rows.append(
            {
                **d,
                "device": device_names.get(d["device"], d["device"]),
                "rate_suppressed": d["rate"] is None,
            }
        )
    timing = figures.time_to_complete(rows)
    other = Table(
        f"journeys-{procedure.code}",
        _("Time to complete and resumed drafts"),
        [Column("measure", _("Measure")), Column("value", _("Value"))],
        suppressed_text=_suppressed_text(),
    )
    median = timing["median_seconds"]
    other.rows = [
        {"measure": _("Completed journeys"), "value": f"{timing['count']:,}"},
        {
            "measure": _("Half completed within"),
            "value": _minutes(median),
            "value_suppressed": median is None,
        },
        {"measure": _("Drafts resumed later"), "value": f"{figures.resumed(rows):,}"},
        {"measure": _("Views of the procedure's page"), "value": f"{figures.views(rows):,}"},
    ]
    steps = dict(catalogue.steps(procedure, language))
    gave_up = Table(
        f"abandoned-{procedure.code}",
        _("Journeys abandoned, by last step"),
        [Column("step", _("Last step")), Column("count", _("Journeys"), INT)],
    )
    for step, count in figures.abandoned_by_step(rows).most_common():
        gave_up.rows.append(
            {"step": steps.get(step, step or _("Before the first step")), "count": count}
        )
    return [devices, other, gave_up]


def _minutes(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    if seconds >= 86400:
        return _("%(days)d days") % {"days": round(seconds / 86400)}
    return _("%(minutes)d minutes") % {"minutes": round(seconds / 60)}
