"""Mask personal data in free-text comments before staff (or anyone) see them.

Plain Python, no Django. Masks e-mail addresses, phone numbers, My Number-like runs of 12
digits (and any longer digit run), postal codes and street addresses (a prefecture or ward
name followed by a block number, or 丁目/番地/号 numbers). Input is folded to half width
first so ０９０ and ＠ are caught; the text that is not masked keeps its own characters.
"""

from __future__ import annotations

import re

from kiban.jp.width import fold_width

EMAIL_MASK = "[メールアドレス]"
PHONE_MASK = "[電話番号]"
NUMBER_MASK = "[番号]"
POSTAL_MASK = "[郵便番号]"
ADDRESS_MASK = "[住所]"

_D = r"[0-9]"
_SEP = r"[\s.\-ー()（）]*"
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# 12 digits in a row, possibly split in groups of four (My Number), or any longer run.
_MY_NUMBER = re.compile(rf"(?<!{_D}){_D}{{4}}[\s\-]?{_D}{{4}}[\s\-]?{_D}{{4}}(?:{_D}*)(?!{_D})")
_LONG_DIGITS = re.compile(rf"{_D}{{12,}}")
# Domestic numbers: 0 + 9 or 10 digits with optional separators; international +81.
_PHONE = re.compile(
    rf"(?<![0-9])(?:\+81{_SEP}\(?0?\)?{_SEP}[1-9]|0{_SEP}[1-9])(?:{_SEP}{_D}){{8,9}}(?![0-9])"
)
_POSTAL = re.compile(rf"(?:〒\s*)?(?<![0-9\-]){_D}{{3}}-{_D}{{4}}(?![0-9]|-[0-9])")
_PREFECTURES = (
    "東京都|北海道|(?:京都|大阪)府|"
    "(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井|山梨|長野|"
    "岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|"
    "長崎|熊本|大分|宮崎|鹿児島|沖縄)県"
)
_NUMERALS = r"[0-9０-９一二三四五六七八九十〇]"
# A place name up to a ward, city, town or village, then a block number.
_ADDRESS = re.compile(
    rf"(?:(?:{_PREFECTURES})\s*)?"
    rf"[\u4e00-\u9fff\u3040-\u30ffヶ]{{1,8}}[区市町村]"
    rf"[\u4e00-\u9fff\u3040-\u30ffヶ]{{0,10}}?\s*"
    rf"{_NUMERALS}+(?:\s*(?:丁目|番地|番|号|-|の)\s*{_NUMERALS}*)+"
)
_BLOCK = re.compile(rf"{_NUMERALS}+\s*丁目\s*{_NUMERALS}+\s*番(?:地)?\s*(?:{_NUMERALS}+\s*号)?")
_PREFECTURE_ONLY_ADDRESS = re.compile(
    rf"(?:{_PREFECTURES})[\u4e00-\u9fff\u3040-\u30ffヶ]{{1,12}}?{_D}+(?:-{_D}+)+"
)


def _fold_keeping_length(text: str) -> str:
    """Fold width character by character, so positions in the result match the input."""
    return "".join(fold_width(ch) if len(fold_width(ch)) == 1 else ch for ch in text)


def mask_personal_data(text: str) -> str:
    """Return `text` with e-mail addresses, phone and My Number-like numbers, postal codes
    and addresses replaced by a placeholder such as [電話番号]."""
    folded = _fold_keeping_length(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, mask in (
        (_EMAIL, EMAIL_MASK),
        (_MY_NUMBER, NUMBER_MASK),
        (_LONG_DIGITS, NUMBER_MASK),
        (_PHONE, PHONE_MASK),
        (_POSTAL, POSTAL_MASK),
        (_PREFECTURE_ONLY_ADDRESS, ADDRESS_MASK),
        (_ADDRESS, ADDRESS_MASK),
        (_BLOCK, ADDRESS_MASK),
    ):
        for match in pattern.finditer(folded):
            start, end = match.span()
            if not any(start < e and s < end for s, e, _ in spans):
                spans.append((start, end, mask))
    result, position = [], 0
    for start, end, mask in sorted(spans):
        result.append(text[position:start])
        result.append(mask)
        position = end
    result.append(text[position:])
    return "".join(result)
