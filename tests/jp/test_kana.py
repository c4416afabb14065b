import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiban.jp.errors import JpValueError
from kiban.jp.kana import is_reading, normalise_reading, to_katakana

hiragana = st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096))
half_width_katakana = st.text(alphabet=st.characters(min_codepoint=0xFF66, max_codepoint=0xFF9D))
half_width_with_marks = st.text(alphabet=st.characters(min_codepoint=0xFF66, max_codepoint=0xFF9F))
katakana = st.text(alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA))
kana_and_spaces = st.lists(
    st.sampled_from([*"あいうえおがぱゃっアイウエオヴャッーｱｲｳｰ・ 　", "ｶﾞ", "ﾊﾟ", "ｳﾞ"])
).map("".join)


@pytest.mark.parametrize(
    ("typed", "katakana_form"),
    [
        ("やまだ たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ"),
        ("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"),
        ("ｳﾞｨｰﾅｽ", "ヴィーナス"),
        ("ｺｰﾋｰ", "コーヒー"),
        ("ゔぁ", "ヴァ"),
        ("か\u3099", "ガ"),
        ("ｱﾞ", "ア゛"),
        ("ﾞ", "゛"),
        ("ｷｬｯﾁ｡", "キャッチ。"),
        ("山田たろう", "山田タロウ"),
        ("ABC", "ABC"),
    ],
)
def test_to_katakana_examples(typed, katakana_form):
    assert to_katakana(typed) == katakana_form


@pytest.mark.parametrize(
    "reading", ["ヤマダ", "ヤマダ タロウ", "ヤマダ\u3000タロウ", "ジョン・スミス", "ㇰ", ""]
)
def test_is_reading_accepts_katakana(reading):
    assert is_reading(reading)


@pytest.mark.parametrize("text", ["やまだ", "ﾔﾏﾀﾞ", "山田", "Yamada", "ヤマダ1"])
def test_is_reading_rejects_anything_else(text):
    assert not is_reading(text)


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("  やまだ　　たろう ", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ\u3000ﾀﾛｳ", "ヤマダ タロウ"),
        ("さとー", "サトー"),
        ("ろ-そん", "ローソン"),
        ("ろ－そん", "ローソン"),
        ("", ""),
    ],
)
def test_normalise_reading_examples(typed, reading):
    assert normalise_reading(typed) == reading


def test_normalise_reading_rejects_kanji_with_the_characters_found():
    with pytest.raises(JpValueError) as caught:
        normalise_reading("山田 たろう")

    assert caught.value.code == "reading_not_kana"
    assert caught.value.params == {"value": "山田 たろう", "chars": "山田"}


def test_normalise_reading_rejects_a_leading_dash():
    with pytest.raises(JpValueError, match="found -"):
        normalise_reading("-ヤマダ")


@given(hiragana)
def test_hiragana_becomes_a_reading(s):
    assert is_reading(to_katakana(s))


@given(hiragana)
def test_hiragana_keeps_its_length(s):
    assert len(to_katakana(s)) == len(s)


@given(st.text())
def test_to_katakana_is_idempotent(s):
    assert to_katakana(to_katakana(s)) == to_katakana(s)


@given(katakana)
def test_full_width_katakana_is_unchanged(s):
    assert to_katakana(s) == s


@given(half_width_katakana)
def test_half_width_katakana_matches_nfkc(s):
    assert to_katakana(s) == unicodedata.normalize("NFKC", s)


@given(half_width_with_marks)
def test_half_width_sound_marks_join_as_nfkc_joins_them(s):
    composed = unicodedata.normalize("NFKC", s)
    assume("\u3099" not in composed and "\u309a" not in composed)

    assert to_katakana(s) == composed


@given(kana_and_spaces)
def test_normalise_reading_gives_a_reading(s):
    assert is_reading(normalise_reading(s))


@given(kana_and_spaces)
def test_normalise_reading_is_idempotent(s):
    assert normalise_reading(normalise_reading(s)) == normalise_reading(s)


@given(kana_and_spaces, st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
def test_normalise_reading_refuses_kanji(s, kanji):
    with pytest.raises(JpValueError, match="reading"):
        normalise_reading(s + kanji)
