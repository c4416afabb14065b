"""Reporting periods: calendar months and fiscal years (年度, April–March) with 和暦 labels.

Plain Python, no Django. A period is written `2021-04` (a month) or `FY2021` (a fiscal
year) in files and URLs; people may also type 2021/4, 2021年4月, 令和3年4月, R3.4,
2021年度, 令和3年度 or R3年度, in either width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiban.jp.era import era_by_key, fiscal_year, fiscal_year_label, to_era
from kiban.jp.width import fold_width

MONTH = "month"
FISCAL_YEAR = "fiscal_year"
GRAINS = (MONTH, FISCAL_YEAR)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EARLIEST_YEAR = 1989
LATEST_YEAR = 2100


class PeriodError(ValueError):
    """A period that cannot be read; `code` is stable for messages."""

    def __init__(self, code: str, value: str):
        self.code = code
        self.value = value
        super().__init__(f"{code}: {value!r}")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    grain: str = MONTH

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), MONTH)

    @classmethod
    def fiscal(cls, fy: int) -> Period:
        return cls(date(fy, 4, 1), FISCAL_YEAR)

    @classmethod
    def containing(cls, day: date, grain: str) -> Period:
        if grain == FISCAL_YEAR:
            return cls.fiscal(fiscal_year(day))
        return cls.month(day.year, day.month)

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.start)

    @property
    def key(self) -> str:
        """Return the stable written form: 2021-04 or FY2021."""
        if self.grain == FISCAL_YEAR:
            return f"FY{self.start.year}"
        return f"{self.start.year:04d}-{self.start.month:02d}"

    def label(self, language: str) -> str:
        """Return the period for people: 令和3年4月 / 令和3年度 in Japanese, Apr 2021 / FY2021."""
        if language.startswith("ja"):
            if self.grain == FISCAL_YEAR:
                return fiscal_year_label(self.start.year)
            era, year = to_era(self.start)
            return f"{era}{'元' if year == 1 else year}年{self.start.month}月"
        if self.grain == FISCAL_YEAR:
            return f"FY{self.start.year}"
        return f"{_MONTH_NAMES[self.start.month - 1]} {self.start.year}"

    def months(self) -> list[date]:
        """Return the first day of every month in the period."""
        if self.grain == MONTH:
            return [self.start]
        return [add_months(self.start, i) for i in range(12)]

    def __str__(self) -> str:
        return self.key


def add_months(day: date, count: int) -> date:
    """Return the first day of the month `count` months after the month of `day`."""
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Return the first days of the months from `first` to `last`, both included."""
    months, current = [], date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def fiscal_years(first: int, last: int) -> list[Period]:
    return [Period.fiscal(fy) for fy in range(first, last + 1)]


_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])"
_YEAR_MONTH = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.]01)?"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
    re.compile(_ERA + r"(?P<ey>\d{1,2}|元)年(?P<m>\d{1,2})月", re.IGNORECASE),
    re.compile(_ERA + r"(?P<ey>\d{1,2}|元)[-/.](?P<m>\d{1,2})", re.IGNORECASE),
)
_FISCAL = (
    re.compile(r"(?:FY)(?P<y>\d{4})", re.IGNORECASE),
    re.compile(r"(?P<y>\d{4})年度"),
    re.compile(_ERA + r"(?P<ey>\d{1,2}|元)年度", re.IGNORECASE),
)


def _year(match: re.Match[str]) -> int:
    if "era" in match.re.groupindex and match.group("era"):
        era = era_by_key(match.group("era"))
        era_year = 1 if match.group("ey") == "元" else int(match.group("ey"))
        return era.first.year + era_year - 1
    return int(match.group("y"))


def _checked_year(year: int, value: str) -> int:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise PeriodError("period_out_of_range", value)
    return year


def parse_period(value: str, grain: str | None = None) -> Period:
    """Return the period written in `value`; `grain` restricts it to months or fiscal years.

    Raise PeriodError `period_format` (unreadable), `period_grain` (a month where a fiscal
    year is wanted, or the other way) or `period_out_of_range`.
    """
    text = "".join(fold_width(value or "").split())
    if grain == FISCAL_YEAR and re.fullmatch(r"\d{4}", text):
        return Period.fiscal(_checked_year(int(text), value))
    for pattern in _FISCAL:
        match = pattern.fullmatch(text)
        if match:
            if grain == MONTH:
                raise PeriodError("period_grain", value)
            return Period.fiscal(_checked_year(_year(match), value))
    for pattern in _YEAR_MONTH:
        match = pattern.fullmatch(text)
        if match:
            month = int(match.group("m"))
            if not 1 <= month <= 12:
                raise PeriodError("period_format", value)
            if grain == FISCAL_YEAR:
                raise PeriodError("period_grain", value)
            return Period.month(_checked_year(_year(match), value), month)
    raise PeriodError("period_format", value)
