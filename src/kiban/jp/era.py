"""Read and write dates in the Japanese calendar (和暦) and the April fiscal year (年度).

Dates before 1873, when Japan adopted the Gregorian calendar, are treated as proleptic
Gregorian dates: 明治元年 starts on 1868-01-25, the Gregorian date of the old-calendar new
year that the era was backdated to. That is the convention for modern dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiban.jp.errors import JpValueError
from kiban.jp.numerals import replace_kanji_numerals
from kiban.jp.width import fold_width


@dataclass(frozen=True)
class Era:
    """An era (元号) with its first and last day; ``last`` is None for the current era."""

    name: str
    initial: str
    romaji: str
    first: date
    last: date | None

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.first <= d and (self.last is None or d <= self.last)


ERAS: tuple[Era, ...] = (
    Era("明治", "M", "Meiji", date(1868, 1, 25), date(1912, 7, 29)),
    Era("大正", "T", "Taisho", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", "Showa", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", "Heisei", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", "Reiwa", date(2019, 5, 1), None),
)
_ERA_BY_KEY: dict[str, Era] = {e.name: e for e in ERAS} | {e.initial: e for e in ERAS}

# Era ligatures (㍾ ㍽ ㍼ ㍻ ㋿): NFKC would expand them, but a date needs nothing else of NFKC.
_ERA_SYMBOLS = str.maketrans({"㍾": "明治", "㍽": "大正", "㍼": "昭和", "㍻": "平成", "㋿": "令和"})

# FY2019 began on 平成31年4月1日, but 令和 was announced before it began and documents since
# May 2019 call it 令和元年度; kiban follows them.
_FISCAL_YEAR_ERA_OVERRIDES: dict[int, str] = {2019: "令和"}

_ERA_KEY = r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.ASCII | re.IGNORECASE)
    for pattern in (
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
        r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?",
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
        _ERA_KEY + r"(?P<y>\d{1,2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?",
        _ERA_KEY + r"(?P<y>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",
    )
)
_WEEKDAY_SUFFIX = re.compile(r"\([月火水木金土日](?:曜日?)?\)$")


def era_by_key(key: str) -> Era:
    """Return the era named ``key`` (令和) or with the initial ``key`` (R, r)."""
    return _ERA_BY_KEY[key if key in _ERA_BY_KEY else key.upper()]


def _prepare(s: str) -> str:
    text = fold_width(s.translate(_ERA_SYMBOLS))
    text = "".join(text.split())
    text = _WEEKDAY_SUFFIX.sub("", text)
    text = re.sub(r"元(?=年|[-/.])", "1", text)
    return replace_kanji_numerals(text)


def parse_date(s: str) -> date:
    """Return the date written in ``s`` in the Gregorian (西暦) or Japanese (和暦) calendar.

    Accept 2024-04-01, 2024/4/1, 2024.4.1, 20240401, 2024年4月1日, 令和6年4月1日, 令和元年5月1日,
    R6.4.1, r6/4/1, ㋿6年4月1日, 令和六年四月一日, in either width and with a weekday such as
    (月) at the end. Raise JpValueError ``date_format`` if ``s`` cannot be read,
    ``date_invalid`` if no such day exists and ``era_out_of_range`` if the day lies outside
    the era it is written in (昭和64年1月8日 is 平成元年1月8日).
    """
    text = _prepare(s)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            break
    else:
        raise JpValueError("date_format", value=s)
    year, month, day = (int(match.group(name)) for name in ("y", "m", "d"))
    era = era_by_key(match.group("era")) if "era" in match.re.groupindex else None
    if era is not None:
        era_year, year = year, era.first.year + year - 1
    try:
        result = date(year, month, day)
    except ValueError:
        raise JpValueError("date_invalid", value=s) from None
    if era is not None and (era_year < 1 or result not in era):
        raise _out_of_range(s, era, era_year)
    return result


def _out_of_range(value: str, era: Era, era_year: int) -> JpValueError:
    first, last = era.first.isoformat(), era.last.isoformat() if era.last else None
    span = f"ran from {first} to {last}" if last else f"began on {first}"
    return JpValueError(
        "era_out_of_range",
        f"{value!r} is outside the {era.romaji} ({era.name}) era, which {span}.",
        value=value,
        era=era.name,
        year=era_year,
        first=first,
        last=last,
    )


def era_of(d: date) -> Era:
    """Return the era in force on ``d``; raise JpValueError ``era_not_found`` before Meiji."""
    for era in reversed(ERAS):
        if d >= era.first:
            return era
    raise JpValueError("era_not_found", value=d.isoformat())


def to_era(d: date) -> tuple[str, int]:
    """Return the era name and era year of ``d``: 2024-04-01 → ("令和", 6)."""
    era = era_of(d)
    return era.name, d.year - era.first.year + 1


def _year_label(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_era(d: date) -> str:
    """Return ``d`` in the Japanese calendar: 令和6年4月1日, with 元年 for the first year."""
    name, year = to_era(d)
    return f"{name}{_year_label(year)}年{d.month}月{d.day}日"


def fiscal_year(d: date) -> int:
    """Return the fiscal year (年度) of ``d``, named by the calendar year in which it begins."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """Return the first and last day of fiscal year ``fy``: April 1 to March 31."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_year_label(fy: int) -> str:
    """Return the Japanese name of fiscal year ``fy``: 2021 → 令和3年度.

    Use the era in force on April 1 of the fiscal year (FY1988 is 昭和63年度, FY1989 is
    平成元年度), except FY2019, which is called 令和元年度 rather than 平成31年度.
    """
    override = _FISCAL_YEAR_ERA_OVERRIDES.get(fy)
    era = era_by_key(override) if override else era_of(date(fy, 4, 1))
    return f"{era.name}{_year_label(fy - era.first.year + 1)}年度"
