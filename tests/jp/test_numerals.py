import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.errors import JpValueError
from kiban.jp.numerals import kanji_to_int, replace_kanji_numerals

DIGITS = "〇一二三四五六七八九"


def write_with_units(n: int) -> str:
    """Write 1..9999 the usual way: 千九百八十九, with no 一 before 十, 百 or 千."""
    parts = []
    for unit, kanji in ((1000, "千"), (100, "百"), (10, "十")):
        count, n = divmod(n, unit)
        parts.append("" if count == 0 else ("" if count == 1 else DIGITS[count]) + kanji)
    parts.append("" if n == 0 else DIGITS[n])
    return "".join(parts)


@pytest.mark.parametrize(
    ("kanji", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十三", 23),
        ("三十一", 31),
        ("百", 100),
        ("二百五", 205),
        ("千九百八十九", 1989),
        ("二〇二四", 2024),
        ("〇", 0),
    ],
)
def test_kanji_to_int_examples(kanji, value):
    assert kanji_to_int(kanji) == value


@pytest.mark.parametrize("text", ["", "十十", "一二十", "百千", "元"])
def test_kanji_to_int_refuses_malformed_numerals(text):
    with pytest.raises(JpValueError, match="kanji numeral"):
        kanji_to_int(text)


def test_replace_kanji_numerals_leaves_malformed_runs():
    assert replace_kanji_numerals("二十三と十十") == "23と十十"


def test_replace_kanji_numerals_asks_when():
    assert (
        replace_kanji_numerals("八王子三丁目", when=lambda s, end: s[end] == "丁") == "八王子3丁目"
    )


@given(st.integers(1, 9999))
def test_numerals_with_units_read_back(n):
    assert kanji_to_int(write_with_units(n)) == n


@given(st.integers(0, 10**8))
def test_place_value_numerals_read_back(n):
    assert kanji_to_int("".join(DIGITS[int(d)] for d in str(n))) == n
