"""Import service data and KPI values from CSV files: all rows or none, with a report.

Each import reads the whole file with `tabular.read_table`, checks every row against the
database (procedures and KPIs the importer may write, periods of the right kind), and
writes only if no row is bad, in one transaction. The report lists every bad row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy

from kiban.identity.models import Organisation
from kiban.insights import services, tabular
from kiban.insights.constants import ENTERED_CHANNELS, Channel, Provenance, Source
from kiban.insights.periods import MONTH, Period, PeriodError, parse_period
from kiban.insights.tabular import CellError, Column, RowError

MESSAGES = {
    "encoding": gettext_lazy(
        "The file is not UTF-8 or Shift_JIS text. Save it as CSV (UTF-8) and try again."
    ),
    "too_large": gettext_lazy("The file is too large."),
    "too_many_rows": gettext_lazy("The file has too many rows."),
    "empty": gettext_lazy("The file is empty."),
    "no_rows": gettext_lazy("The file has a header but no rows."),
    "unknown_column": gettext_lazy("This column is not expected."),
    "duplicate_column": gettext_lazy("This column appears twice."),
    "missing_column": gettext_lazy("This column is missing."),
    "required": gettext_lazy("Enter a value."),
    "not_a_number": gettext_lazy("Enter a number."),
    "negative": gettext_lazy("Enter a number of 0 or more."),
    "not_whole": gettext_lazy("Enter a whole number."),
    "too_precise": gettext_lazy("Use at most two decimals."),
    "extra_cells": gettext_lazy("The row has more cells than the header."),
    "duplicate_row": gettext_lazy("The same period appears again (first on line %(first)s)."),
    "period_format": gettext_lazy("Write the period as 2021-04 (a month) or FY2021 / 令和3年度."),
    "period_grain": gettext_lazy("This period is not of the kind this column needs."),
    "period_out_of_range": gettext_lazy("This period is out of range."),
    "unknown_procedure": gettext_lazy("No procedure with this code that you may enter data for."),
    "unknown_channel": gettext_lazy("Unknown channel. Use counter, post, paper or phone."),
    "unknown_kpi": gettext_lazy("No KPI with this code that you may enter values for."),
    "unknown_organisation": gettext_lazy("No organisation with this code."),
    "organisation_required": gettext_lazy("This KPI needs a bureau for each value."),
    "organisation_not_allowed": gettext_lazy("This KPI has no values per bureau; leave it empty."),
}
CHANNEL_NAMES = {
    "counter": Channel.COUNTER,
    "窓口": Channel.COUNTER,
    "post": Channel.POST,
    "郵送": Channel.POST,
    "paper": Channel.PAPER,
    "紙": Channel.PAPER,
    "書面": Channel.PAPER,
    "phone": Channel.PHONE,
    "電話": Channel.PHONE,
}


@dataclass
class ImportReport:
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[dict]:
        """Return [{line, column, value, message}] for the report table."""
        rows = []
        for e in self.errors:
            message = str(MESSAGES.get(e.code, e.code))
            rows.append(
                {
                    "line": e.line or "",
                    "column": e.column,
                    "value": e.value,
                    "message": message % e.params if e.params else message,
                }
            )
        return rows


def _period(grain: str | None):
    def parse(value: str) -> Period:
        try:
            return parse_period(value, grain)
        except PeriodError as error:
            raise CellError(error.code) from None

    return parse


def _channel(value: str) -> str:
    key = tabular.header_key(value)
    if key in CHANNEL_NAMES:
        return CHANNEL_NAMES[key]
    if key in {c.value for c in ENTERED_CHANNELS}:
        return key
    raise CellError("unknown_channel")


def _lookup(table: tabular.Table, column: str, known: dict, code: str) -> list[dict]:
    """Replace codes in `column` by objects from `known`; record rows whose code is unknown."""
    kept = []
    for row in table.rows:
        value = row[column]
        if value in (None, ""):
            row[column] = None
            kept.append(row)
        elif value in known:
            row[column] = known[value]
            kept.append(row)
        else:
            table.errors.append(RowError(row["_line"], column, code, str(value)))
    return kept


def _finish(table: tabular.Table, write) -> ImportReport:
    report = ImportReport(
        errors=sorted(table.errors, key=lambda e: (e.line, e.column)), encoding=table.encoding
    )
    if report.ok:
        with transaction.atomic():
            report.written = write(table.rows)
    return report


def channel_volumes_import(*, data: bytes, procedures: dict[str, object], actor) -> ImportReport:
    """Import counts of other channels: procedure, month, channel, count."""
    columns = [
        Column("procedure", tabular.text, ("procedure_code", "手続コード", "手続")),
        Column("month", _period(MONTH), ("period", "月", "期間", "年月")),
        Column("channel", _channel, ("チャネル", "経路", "受付方法")),
        Column("count", tabular.count, ("件数", "number")),
    ]
    table = tabular.read_table(data, columns, key=("procedure", "month", "channel"))
    table.rows = _lookup(table, "procedure", procedures, "unknown_procedure")

    def write(rows) -> int:
        for row in rows:
            services.channel_volumes_set(
                procedure=row["procedure"],
                month=row["month"].start,
                counts={row["channel"]: row["count"]},
                actor=actor,
                source=Source.CSV,
            )
        return len(rows)

    return _finish(table, write)


def service_costs_import(*, data: bytes, procedures: dict[str, object], actor) -> ImportReport:
    """Import costs: procedure, period (month or fiscal year), amount_yen, note."""
    columns = [
        Column("procedure", tabular.text, ("procedure_code", "手続コード", "手続")),
        Column("period", _period(None), ("month", "期間", "年度", "年月")),
        Column("amount_yen", tabular.amount, ("amount", "cost", "費用", "金額", "費用（円）")),
        Column("note", tabular.text, ("備考", "メモ"), required=False),
    ]
    table = tabular.read_table(data, columns, key=("procedure", "period"))
    table.rows = _lookup(table, "procedure", procedures, "unknown_procedure")

    def write(rows) -> int:
        for row in rows:
            services.service_cost_set(
                procedure=row["procedure"],
                period=row["period"],
                amount_yen=row["amount_yen"],
                note=row.get("note") or "",
                actor=actor,
                source=Source.CSV,
            )
        return len(rows)

    return _finish(table, write)


def kpi_values_import(*, data: bytes, kpis: dict[str, object], actor) -> ImportReport:
    """Import KPI values for approval: kpi, period, organisation (bureau code), value, note."""
    columns = [
        Column("kpi", tabular.text, ("kpi_code", "指標", "指標コード")),
        Column("period", _period(None), ("month", "期間", "年度", "年月")),
        Column("organisation", tabular.text, ("bureau", "組織", "局"), required=False),
        Column("value", tabular.amount, ("値", "実績", "実績値")),
        Column("note", tabular.text, ("備考", "メモ"), required=False),
    ]
    table = tabular.read_table(data, columns, key=("kpi", "period", "organisation"))
    table.rows = _lookup(table, "kpi", kpis, "unknown_kpi")
    organisations = {o.code: o for o in Organisation.objects.all()}
    table.rows = _lookup(table, "organisation", organisations, "unknown_organisation")
    kept = []
    for row in table.rows:
        try:
            services.check_kpi_value(row["kpi"], row["period"], row["organisation"], row["value"])
        except services.InsightsError as error:
            table.errors.append(
                RowError(
                    row["_line"],
                    "period" if error.code == "period_grain" else "organisation",
                    error.code,
                    row["period"].key,
                )
            )
            continue
        kept.append(row)
    table.rows = kept

    def write(rows) -> int:
        for row in rows:
            services.kpi_value_submit(
                kpi=row["kpi"],
                period=row["period"],
                value=row["value"],
                organisation=row["organisation"],
                note=row.get("note") or "",
                actor=actor,
                provenance=Provenance.IMPORTED,
            )
        return len(rows)

    return _finish(table, write)
