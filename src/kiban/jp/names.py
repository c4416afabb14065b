"""Search keys for personal names (氏名).

**A stored name is never normalised.** Even NFC rewrites CJK compatibility ideographs
(U+FA19 becomes U+795E, both read 神), and residents' names use characters such as 髙, 﨑 and 𠮷
that must round-trip exactly through the database, the API, CSV export and PDF. The
functions here derive keys from a copy, for searching and matching only; never store a key
in place of the name, and never show it.
"""

from __future__ import annotations

import unicodedata

from kiban.jp.kana import to_katakana

# Variant forms (異体字) of common surname characters, folded so that a clerk searching for
# 高橋 also finds 髙橋. Keys may conflate two registered spellings; that is the point.
_VARIANTS = str.maketrans(
    {
        "髙": "高",
        "﨑": "崎",
        "嵜": "崎",
        "𠮷": "吉",
        "邊": "辺",
        "邉": "辺",
        "濵": "浜",
        "濱": "浜",
        "澤": "沢",
        "齋": "斎",
        "齊": "斉",
        "廣": "広",
        "嶋": "島",
        "嶌": "島",
        "冨": "富",
        "眞": "真",
        "國": "国",
        "櫻": "桜",
        "瀨": "瀬",
        "德": "徳",
        "槇": "槙",
        "藪": "薮",
    }
)


_MAX_PASSES = 4


def _key_pass(s: str) -> str:
    key = unicodedata.normalize("NFKC", s).translate(_VARIANTS)
    return "".join(to_katakana(key).casefold().split())


def name_search_key(s: str) -> str:
    """Return a key for searching by name or reading; never store it as the name.

    Apply NFKC and casefold to a copy, fold common variant kanji (髙 → 高, 﨑 → 崎),
    convert kana to full-width katakana (so やまだ finds ヤマダ) and remove all spaces.
    """
    key = _key_pass(s)
    # A pass can leave text that the next pass changes again (casefolding un-normalises,
    # NFKC turns ゛ into a space and a combining mark): repeat until nothing changes.
    for _ in range(_MAX_PASSES):
        again = _key_pass(key)
        if again == key:
            break
        key = again
    return key
