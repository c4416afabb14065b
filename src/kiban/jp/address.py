"""Comparison keys for addresses (住所) and a best-effort split of the building name.

An address is stored exactly as the resident typed it; these functions only derive values
from it. 1-2-3, 1丁目2番3号 and 一丁目二番三号 give the same key, and an address in the home
prefecture matches with or without its name (東京都新宿区… and 新宿区…).
"""

from __future__ import annotations

import re
import unicodedata

from kiban.jp.numerals import KANJI_NUMERAL_CHARS, replace_kanji_numerals
from kiban.jp.width import HYPHEN_LIKE, fold_width

_HYPHENS = "".join(sorted(HYPHEN_LIKE)).replace("-", r"\-")

# A kanji numeral is a number (not part of a name such as 八王子 or 一番町) when a block
# counter follows it, or a separator, or nothing.
_COUNTER_AHEAD = re.compile(rf"丁目|番地|番(?!町)|号|条|線|地割|の[0-9{KANJI_NUMERAL_CHARS}]|-|$")
_POSTAL_CODE_AHEAD = re.compile(r"〒?[0-9]{3}-?[0-9]{4}")
# Between two kanji, ヶ ケ ヵ が ガ are one particle written many ways (霞が関, 霞ヶ関).
_GA_BETWEEN_KANJI = re.compile(r"(?<=[\u4e00-\u9fff々])[ヶケヵがガ](?=[\u4e00-\u9fff々])")
_BLOCK_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([0-9]+)丁目"), r"\1-"),
    (re.compile(r"([0-9]+)番地?の?(?=[0-9])"), r"\1-"),
    (re.compile(r"([0-9]+)番地?$"), r"\1"),
    (re.compile(r"([0-9]+)号"), r"\1"),
    (re.compile(r"(?<=[0-9])の(?=[0-9])"), "-"),
    (re.compile(r"-{2,}"), "-"),
    (re.compile(r"-$"), ""),
)


def _is_block_number(text: str, end: int) -> bool:
    return _COUNTER_AHEAD.match(text, end) is not None


def address_key(s: str, *, home_prefecture: str = "東京都") -> str:
    """Return a key under which spellings of the same address compare equal.

    Fold width and compatibility characters (NFKC), hyphen look-alikes, kanji numerals in
    block numbers and the words 丁目, 番地, 番 and 号; drop spaces, a leading postal code,
    大字, and ``home_prefecture`` at the start. Use the key only to compare or search.
    """
    text = fold_width(unicodedata.normalize("NFKC", s))
    text = "".join(text.split())
    text = _POSTAL_CODE_AHEAD.sub("", text, count=1) if text.startswith("〒") else text
    if home_prefecture and text.startswith(home_prefecture):
        text = text[len(home_prefecture) :]
    text = text.replace("大字", "")
    text = _GA_BETWEEN_KANJI.sub("ケ", text)
    text = replace_kanji_numerals(text, when=_is_block_number)
    for pattern, replacement in _BLOCK_WORDS:
        text = pattern.sub(replacement, text)
    return text


_NUMBER = rf"[0-9０-９{KANJI_NUMERAL_CHARS}]+"
_HYPHEN_SEPARATOR = rf"[{_HYPHENS}]"
_SEPARATOR = rf"(?:丁目|番地の|番地|番|号の|の|{_HYPHEN_SEPARATOR})"
_SUFFIX = r"(?:丁目|番地|番(?!町)|号(?![室棟館]))"
_BLOCK_NUMBER = re.compile(rf"{_NUMBER}(?:{_SEPARATOR}{_NUMBER})*{_SUFFIX}?")
_ROOM_CHAIN_GROUPS = 4
_BUILDING_LEAD = " \u3000,、，"
_SUFFIX_OR_SEPARATOR = re.compile(rf"{_SEPARATOR}|{_SUFFIX}")


def _is_block_chain(text: str, match: re.Match[str]) -> bool:
    """Tell a block number (2-8-1, 二丁目, 123 ) from a number inside a name (北1条)."""
    chain = match.group()
    if _SUFFIX_OR_SEPARATOR.search(chain):
        return True
    return match.end() == len(text) or text[match.end()] in _BUILDING_LEAD


def split_building(s: str) -> tuple[str, str]:
    """Return ``s`` split into the street address and the building name and room, best effort.

    The street ends with the first block number (2-8-1, 二丁目8番1号, 123番地); what follows is
    the building. In a chain of four or more hyphenated numbers (1-2-3-405) the last is taken
    as the room. Return (``s``, "") when no block number is found. Both parts keep the
    characters as typed.
    """
    for match in _BLOCK_NUMBER.finditer(s):
        if not _is_block_chain(s, match):
            continue
        end = match.end()
        groups = re.split(_HYPHEN_SEPARATOR, match.group())
        if len(groups) >= _ROOM_CHAIN_GROUPS and all(re.fullmatch(_NUMBER, g) for g in groups):
            end = match.start() + len("-".join(groups[:3]))
        building = s[end:].lstrip(_BUILDING_LEAD + "".join(HYPHEN_LIKE)).rstrip()
        return s[:end].rstrip(), building
    return s, ""
