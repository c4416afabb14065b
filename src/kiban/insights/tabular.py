"""Read a CSV upload into checked rows, or a report of every bad row; nothing in between.

Plain Python, no Django. Accept UTF-8 (with or without a byte-order mark), UTF-16 with a
byte-order mark and Shift_JIS (as Windows writes it, cp932). Headers are matched after
folding width and case, and may be English or Japanese (each column lists its aliases).
Every problem is a `RowError` with a stable `code`; the caller turns codes into messages.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from kiban.jp.width import fold_width

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


class CellError(ValueError):
    """A cell that cannot be read; `code` is stable for messages."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    aliases: tuple[str, ...] = ()
    required: bool = True

    def names(self) -> set[str]:
        return {header_key(n) for n in (self.name, *self.aliases)}


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header line; 0 for a problem with the whole file
    column: str
    code: str
    value: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class Table:
    rows: list[dict] = field(default_factory=list)  # each has "_line"
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", fold_width(text)).strip().lower().replace(" ", "_")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) of an uploaded CSV; raise CellError `encoding`."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError:
        raise CellError("encoding") from None
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), "shift_jis" if encoding == "cp932" else encoding
        except UnicodeDecodeError:
            continue
    raise CellError("encoding")


# --- cell parsers ----------------------------------------------------------------------------


def _number_text(value: str) -> str:
    text = fold_width(value).strip().replace(",", "").replace("，", "").replace("_", "")
    if not text:
        raise CellError("required")
    return text


def count(value: str) -> int:
    """Parse a whole number ≥ 0: 1,234 and １２３４ are fine, -1 and 12.5 and 'abc' are not."""
    text = _number_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("not_a_number") from None
    if not number.is_finite():
        raise CellError("not_a_number")
    if number < 0:
        raise CellError("negative")
    if number != number.to_integral_value():
        raise CellError("not_whole")
    return int(number)


def amount(value: str) -> Decimal:
    """Parse a number ≥ 0 with at most two decimals (yen, sheets, percentages)."""
    text = _number_text(value).removeprefix("¥").removeprefix("￥").removesuffix("円")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("not_a_number") from None
    if not number.is_finite():
        raise CellError("not_a_number")
    if number < 0:
        raise CellError("negative")
    if number != number.quantize(Decimal("0.01")):
        raise CellError("too_precise")
    return number


def text(value: str) -> str:
    return value.strip()


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse_optional(value: str) -> Any:
        return parse(value) if value.strip() else None

    return parse_optional


# --- reading ---------------------------------------------------------------------------------


def _header_errors(header: list[str], columns: Sequence[Column]) -> tuple[dict, list[RowError]]:
    positions, errors, seen = {}, [], set()
    for index, raw in enumerate(header):
        key = header_key(raw)
        column = next((c for c in columns if key in c.names()), None)
        if column is None:
            if key:
                errors.append(RowError(1, raw, "unknown_column", raw))
            continue
        if column.name in seen:
            errors.append(RowError(1, raw, "duplicate_column", raw))
        seen.add(column.name)
        positions[column.name] = index
    for column in columns:
        if column.required and column.name not in positions:
            errors.append(RowError(1, column.name, "missing_column"))
    return positions, errors


def read_table(data: bytes, columns: Sequence[Column], key: Sequence[str] = ()) -> Table:
    """Return the checked rows of CSV `data`, or every problem found in it.

    `key` names the columns that identify a row: a second row with the same key is an
    error (`duplicate_row`, with the line of the first). Blank lines are skipped.
    """
    table = Table()
    if len(data) > MAX_BYTES:
        table.errors.append(RowError(0, "", "too_large", params={"limit": MAX_BYTES}))
        return table
    try:
        content, table.encoding = decode(data)
    except CellError as error:
        table.errors.append(RowError(0, "", error.code))
        return table
    lines = list(csv.reader(io.StringIO(content, newline="")))
    if not lines or not any(cell.strip() for cell in lines[0]):
        table.errors.append(RowError(0, "", "empty"))
        return table
    positions, table.errors = _header_errors(lines[0], columns)
    if table.errors:
        return table
    if len(lines) - 1 > MAX_ROWS:
        table.errors.append(RowError(0, "", "too_many_rows", params={"limit": MAX_ROWS}))
        return table
    first_line_of: dict[tuple, int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row, row_errors = {"_line": number}, []
        for column in columns:
            position = positions.get(column.name)
            raw = cells[position] if position is not None and position < len(cells) else ""
            try:
                row[column.name] = column.parse(raw)
            except CellError as error:
                row_errors.append(RowError(number, column.name, error.code, raw, error.params))
        if len(cells) > len(lines[0]) and any(c.strip() for c in cells[len(lines[0]) :]):
            row_errors.append(RowError(number, "", "extra_cells"))
        if not row_errors and key:
            identity = tuple(str(row[name]) for name in key)
            if identity in first_line_of:
                row_errors.append(
                    RowError(
                        number,
                        ",".join(key),
                        "duplicate_row",
                        params={"first": first_line_of[identity]},
                    )
                )
            else:
                first_line_of[identity] = number
        table.errors.extend(row_errors)
        if not row_errors:
            table.rows.append(row)
    if not table.rows and not table.errors:
        table.errors.append(RowError(0, "", "no_rows"))
    return table
