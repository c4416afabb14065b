"""Tables that go with every chart: shown on the page, downloaded as CSV, served as JSON.

Plain Python, no Django. A table holds raw values; `display_rows` formats them for people
(suppressed values say so in words), `csv_text` writes them for machines.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

TEXT, INT, PERCENT, SCORE, YEN, DECIMAL, SECONDS = (
    "text",
    "int",
    "percent",
    "score",
    "yen",
    "decimal",
    "seconds",
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class Table:
    id: str
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    suppressed_text: str = "fewer than 10"
    highlight_key: str = ""  # a row whose value in this key is true is emphasised

    def display_rows(self) -> list[dict]:
        """Return [{"cells": [str], "highlight": bool}] for the template."""
        return [
            {
                "cells": [self._display(column, row) for column in self.columns],
                "highlight": bool(self.highlight_key and row.get(self.highlight_key)),
            }
            for row in self.rows
        ]

    def _display(self, column: Column, row: dict) -> str:
        value = row.get(column.key)
        if value is None:
            return self.suppressed_text if row.get(f"{column.key}_suppressed") else "—"
        if column.kind == INT:
            return f"{value:,}"
        if column.kind == PERCENT:
            text = f"{value:.1f}%"
            low, high = row.get(f"{column.key}_low"), row.get(f"{column.key}_high")
            return (
                f"{text} ({low:.1f}–{high:.1f})" if low is not None and high is not None else text
            )
        if column.kind == SCORE:
            text = f"{value:+.0f}"
            low, high = row.get(f"{column.key}_low"), row.get(f"{column.key}_high")
            return f"{text} ({low:+.0f} – {high:+.0f})" if low is not None else text
        if column.kind == YEN:
            return f"¥{value:,.0f}"
        if column.kind == DECIMAL:
            return (
                f"{value:,.2f}".rstrip("0").rstrip(".")
                if isinstance(value, (Decimal, float))
                else f"{value:,}"
            )
        if column.kind == SECONDS:
            return f"{value / 60:.0f} min" if value >= 60 else f"{value:.0f} s"
        return str(value)

    def html(self, empty: str = "No data yet.") -> str:
        """Return the table as HTML (escaped): faster than a template loop over every cell."""
        numeric = ' class="num"'
        head = "".join(
            f'<th scope="col"{"" if c.kind == TEXT else numeric}>{escape(c.label)}</th>'
            for c in self.columns
        )
        body = []
        for row in self.display_rows():
            cells = row["cells"]
            first = f'<th scope="row">{escape(cells[0])}</th>' if cells else ""
            rest = "".join(f"<td>{escape(cell)}</td>" for cell in cells[1:])
            klass = ' class="highlight"' if row["highlight"] else ""
            body.append(f"<tr{klass}>{first}{rest}</tr>")
        if not body:
            body.append(f'<tr><td colspan="{len(self.columns)}">{escape(empty)}</td></tr>')
        return (
            f'<table class="data-table" id="table-{escape(self.id)}">'
            f"<caption>{escape(self.caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def csv_columns(self) -> list[str]:
        keys = []
        for column in self.columns:
            keys.append(column.key)
            if column.kind in (PERCENT, SCORE) and any(f"{column.key}_low" in r for r in self.rows):
                keys += [f"{column.key}_low", f"{column.key}_high"]
        return keys

    def records(self) -> list[dict]:
        """Return the rows as plain records (CSV and JSON): numbers as numbers, None empty."""
        keys = self.csv_columns()
        return [{k: _plain(row.get(k)) for k in keys} for row in self.rows]

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.csv_columns(), lineterminator="\r\n")
        writer.writeheader()
        for record in self.records():
            writer.writerow({k: "" if v is None else v for k, v in record.items()})
        return out.getvalue()


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return round(value, 2)
    return value
