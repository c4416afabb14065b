"""Fold full-width (全角) characters typed by residents into their ASCII forms.

Residents are never asked to retype in half width (半角); numbers, postal codes, phone numbers
and e-mail addresses are folded silently instead. NFKC is not enough: it leaves the many
hyphen look-alikes that Japanese input methods produce (‐ ― − ー …) alone, so they are mapped
here explicitly.
"""

from __future__ import annotations

import re

#: Characters that are always a hyphen or minus when typed in a number or address.
DASHES: frozenset[str] = frozenset(
    "\u2010"  # ‐ HYPHEN
    "\u2011"  # ‑ NON-BREAKING HYPHEN
    "\u2012"  # ‒ FIGURE DASH
    "\u2013"  # – EN DASH
    "\u2014"  # — EM DASH
    "\u2015"  # ― HORIZONTAL BAR
    "\u2043"  # ⁃ HYPHEN BULLET
    "\u2212"  # − MINUS SIGN
    "\ufe58"  # ﹘ SMALL EM DASH
    "\ufe63"  # ﹣ SMALL HYPHEN-MINUS
    "\uff0d"  # － FULLWIDTH HYPHEN-MINUS
)

#: Prolonged sound marks: a hyphen only between digits, part of a word between kana.
PROLONGED_SOUND_MARKS: frozenset[str] = frozenset("\u30fc\uff70")  # ー ｰ

#: Every character that may stand for '-' somewhere (used by address and number parsers).
HYPHEN_LIKE: frozenset[str] = DASHES | PROLONGED_SOUND_MARKS | {"-"}

_FULL_WIDTH_OFFSET = 0xFEE0
_TABLE: dict[int, str] = {code: chr(code - _FULL_WIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)}
_TABLE.update({ord(dash): "-" for dash in DASHES})
_TABLE[0x3000] = " "  # IDEOGRAPHIC SPACE

_MARK_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[\u30fc\uff70]+(?=[0-9])")


def fold_width(s: str) -> str:
    """Return ``s`` with full-width ASCII, the ideographic space and dashes folded to ASCII.

    The prolonged sound mark (ー, ｰ) becomes '-' only between digits, so 03ー1234 is a phone
    number while コーヒー keeps its mark. Kana and kanji are left untouched.
    """
    folded = s.translate(_TABLE)
    return _MARK_BETWEEN_DIGITS.sub(lambda match: "-" * len(match.group()), folded)


def digits_only(s: str) -> str:
    """Return the ASCII digits of ``s`` after folding width, dropping everything else."""
    return "".join(ch for ch in fold_width(s) if "0" <= ch <= "9")
