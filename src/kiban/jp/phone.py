"""Phone numbers (電話番号): a normalised form for matching and a hyphenated form to show."""

from __future__ import annotations

import re

from kiban.jp.errors import JpValueError
from kiban.jp.width import fold_width

_PUNCTUATION = re.compile(r"[\s\-().]+")
_TRUNK_ZERO = re.compile(r"^([0-9]{1,3})[\s\-]*\(0\)")  # +81 (0)3 …, +44 (0)20 …
_DOMESTIC_LENGTHS = (10, 11)
# Only mobile, IP, M2M (0A0-) and 0800 numbers have 11 digits; a landline has 10.
_ELEVEN_DIGIT_PREFIX = re.compile(r"0[2-9]0|0800")
_INTERNATIONAL_LENGTHS = range(8, 16)  # E.164 allows at most 15 digits

# Hyphen groups by prefix, longest prefix first; other numbers take the defaults below.
# Landline area codes vary in length; the table covers Tokyo's own and the nationwide
# special prefixes, which is what a Tokyo service mostly sees.
_GROUPS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("04992", 10, (5, 1, 4)),  # 大島
    ("04994", 10, (5, 1, 4)),  # 三宅
    ("04996", 10, (5, 1, 4)),  # 八丈島
    ("04998", 10, (5, 1, 4)),  # 小笠原
    ("0120", 10, (4, 3, 3)),  # free dial
    ("0570", 10, (4, 3, 3)),  # navi dial
    ("0800", 11, (4, 3, 4)),  # free dial
    ("0990", 10, (4, 3, 3)),
    ("0422", 10, (4, 2, 4)),  # 武蔵野・三鷹
    ("0428", 10, (4, 2, 4)),  # 青梅
    ("03", 10, (2, 4, 4)),  # 東京23区
    ("06", 10, (2, 4, 4)),  # 大阪
)
_DEFAULT_GROUPS = {10: (3, 3, 4), 11: (3, 4, 4)}


def normalise_phone(s: str) -> str:
    """Return phone number ``s`` as digits only, keeping a leading + for international ones.

    Accept either width, hyphens, spaces, dots and parentheses. A domestic number has 10
    digits starting with 0, or 11 starting with 0A0 (A ≠ 0, as in 090) or 0800. An
    international number starts with +; a trunk 0 written after the country code
    (+81 (0)3…, +81 090…) is dropped. Raise JpValueError ``phone_digits`` otherwise.
    """
    text = fold_width(s).strip()
    international = text.startswith("+")
    body = _TRUNK_ZERO.sub(r"\1", text[1:]) if international else text
    digits = _PUNCTUATION.sub("", body)
    if not (digits.isascii() and digits.isdigit()):
        raise JpValueError("phone_digits", value=s)
    if international:
        if digits.startswith("810"):
            digits = "81" + digits[3:]
        if len(digits) not in _INTERNATIONAL_LENGTHS:
            raise JpValueError("phone_digits", value=s)
        return "+" + digits
    if not digits.startswith("0") or len(digits) not in _DOMESTIC_LENGTHS:
        raise JpValueError("phone_digits", value=s)
    if len(digits) == 11 and not _ELEVEN_DIGIT_PREFIX.match(digits):
        raise JpValueError("phone_digits", value=s)
    return digits


def _groups(digits: str) -> tuple[int, ...]:
    for prefix, length, groups in _GROUPS:
        if digits.startswith(prefix) and len(digits) == length:
            return groups
    return _DEFAULT_GROUPS[len(digits)]


def format_phone(s: str) -> str:
    """Return phone number ``s`` hyphenated for display (03-1234-5678), best effort.

    International numbers are returned normalised, without hyphens.
    """
    digits = normalise_phone(s)
    if digits.startswith("+"):
        return digits
    parts, start = [], 0
    for size in _groups(digits):
        parts.append(digits[start : start + size])
        start += size
    return "-".join(parts)
