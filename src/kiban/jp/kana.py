"""Convert readings (フリガナ) to full-width katakana.

Since the 2025 family-register amendment the reading of a name is recorded officially, so a
reading is real data. Residents may type it in hiragana or half-width katakana; both are
converted silently to full-width katakana, the form kiban stores.
"""

from __future__ import annotations

import re
import unicodedata

from kiban.jp.errors import JpValueError
from kiban.jp.width import DASHES

_COMBINING_VOICED = "\u3099"  # combining dakuten
_COMBINING_SEMI_VOICED = "\u309a"  # combining handakuten
_SPACING_MARK = {_COMBINING_VOICED: "\u309b", _COMBINING_SEMI_VOICED: "\u309c"}  # ゛ ゜

# Hiragana ぁ..ゖ and the iteration marks ゝゞ sit exactly 0x60 below their katakana.
_HIRAGANA_SHIFT = 0x60
_TABLE: dict[int, str] = {code: chr(code + _HIRAGANA_SHIFT) for code in range(0x3041, 0x3097)}
_TABLE.update({0x309D: "\u30fd", 0x309E: "\u30fe"})
# Half-width katakana and punctuation (｡..ﾟ); their compatibility mapping is the full form,
# with ﾞ and ﾟ becoming combining marks that are joined to the preceding kana below.
_TABLE.update({code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF61, 0xFFA0)})

_READING_CHARS = re.compile(
    r"[\u30a1-\u30fa"  # ァ..ヺ
    r"\u30fb\u30fc"  # ・ ー
    r"\u30fd\u30fe"  # ヽ ヾ
    r"\u31f0-\u31ff"  # small katakana for Ainu (ㇰ..ㇿ)
    r" \u3000]*"
)
_SPACES = re.compile(r"[ \u3000]+")


def _join_sound_marks(s: str) -> str:
    """Join combining (han)dakuten to the preceding kana: カ + ゙ → ガ."""
    out: list[str] = []
    for ch in s:
        if ch in _SPACING_MARK:
            joined = unicodedata.normalize("NFC", out[-1] + ch) if out else ""
            if len(joined) == 1:
                out[-1] = joined
            else:
                out.append(_SPACING_MARK[ch])
        else:
            out.append(ch)
    return "".join(out)


def to_katakana(s: str) -> str:
    """Return ``s`` with hiragana and half-width katakana converted to full-width katakana.

    ｶﾞ becomes ガ and か + U+3099 becomes ガ. Characters other than kana pass through.
    """
    return _join_sound_marks(s.translate(_TABLE))


def is_reading(s: str) -> bool:
    """Return whether ``s`` holds only full-width katakana, ー, ・ and spaces."""
    return _READING_CHARS.fullmatch(s) is not None


def _is_kana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc" or "\u31f0" <= ch <= "\u31ff"


def _dashes_to_prolonged_mark(s: str) -> str:
    """Read a dash typed right after a kana as the prolonged sound mark: ロ-ソン → ローソン."""
    out: list[str] = []
    for ch in s:
        if (ch in DASHES or ch in "-~\u301c\uff5e") and out and _is_kana(out[-1]):
            out.append("\u30fc")
        else:
            out.append(ch)
    return "".join(out)


def normalise_reading(s: str) -> str:
    """Return the reading ``s`` as full-width katakana with single spaces, or raise.

    Spaces (ASCII or ideographic) are stripped at the ends and collapsed to one ASCII space.
    Raise JpValueError ``reading_not_kana`` if anything but kana, ー, ・ and spaces remains.
    """
    reading = _dashes_to_prolonged_mark(to_katakana(s))
    reading = _SPACES.sub(" ", reading).strip(" ")
    if not is_reading(reading):
        bad = sorted({ch for ch in reading if not is_reading(ch)})
        raise JpValueError("reading_not_kana", value=s, chars="".join(bad))
    return reading
