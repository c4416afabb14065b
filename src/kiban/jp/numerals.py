"""Read kanji numerals (漢数字) such as 二十三 and 二〇二四 as integers."""

from __future__ import annotations

import re
from collections.abc import Callable

from kiban.jp.errors import JpValueError

KANJI_DIGITS: dict[str, int] = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
KANJI_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
KANJI_NUMERAL_CHARS = "".join(KANJI_DIGITS) + "".join(KANJI_UNITS)

_RUN = re.compile(f"[{KANJI_NUMERAL_CHARS}]+")


def kanji_to_int(s: str) -> int:
    """Return the value of the kanji numeral ``s``.

    Read numerals with units (二十三 = 23, 千九百八十九 = 1989, 十 = 10) and place-value
    numerals (二〇二四 = 2024). Raise JpValueError ``numeral_format`` for anything else.
    """
    if not s or any(ch not in KANJI_DIGITS and ch not in KANJI_UNITS for ch in s):
        raise JpValueError("numeral_format", value=s)
    if not any(ch in KANJI_UNITS for ch in s):
        return int("".join(str(KANJI_DIGITS[ch]) for ch in s))
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in s:
        if ch in KANJI_DIGITS:
            if digit is not None:
                raise JpValueError("numeral_format", value=s)
            digit = KANJI_DIGITS[ch]
            continue
        unit = KANJI_UNITS[ch]
        if unit >= last_unit:
            raise JpValueError("numeral_format", value=s)
        total += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    return total + (digit or 0)


def replace_kanji_numerals(s: str, *, when: Callable[[str, int], bool] | None = None) -> str:
    """Return ``s`` with runs of kanji numerals written in arabic digits.

    ``when(s, end)`` may decide per run, from the text after it, whether to convert; runs that
    are not well-formed numerals are left as they are.
    """

    def convert(match: re.Match[str]) -> str:
        if when is not None and not when(s, match.end()):
            return match.group()
        try:
            return str(kanji_to_int(match.group()))
        except JpValueError:
            return match.group()

    return _RUN.sub(convert, s)
