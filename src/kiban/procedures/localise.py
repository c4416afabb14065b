"""Pick the text of a procedure definition in a resident's language.

Definitions hold texts as objects keyed by language code: ``{"ja": ..., "en": ...,
"ja-easy": ...}`` (やさしい日本語 is ``ja-easy``). A missing translation falls back to
Japanese, the language every definition must have.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

FALLBACK_LANGUAGE = "ja"
# Spelled out rather than taken from strftime, whose month names follow the process locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def text(obj: Mapping[str, str] | str | None, language: str) -> str:
    """Return the text of ``obj`` in ``language``, else in Japanese, else ""."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    base = language.split("-", 1)[0] if language else FALLBACK_LANGUAGE
    for code in (language, base, FALLBACK_LANGUAGE):
        value = obj.get(code)
        if value:
            return value
    return ""


def format_day(day: date, language: str) -> str:
    """Return ``day`` written for ``language``: 2024年4月1日 in Japanese, 1 April 2024 else."""
    if language.startswith("ja"):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
