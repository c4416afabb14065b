import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp import names
from kiban.jp.names import name_search_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("髙橋 太郎", "高橋太郎"),
        ("高橋　太郎", "高橋 太郎"),
        ("山﨑", "山崎"),
        ("𠮷田", "吉田"),
        ("渡邊", "渡辺"),
        ("やまだ たろう", "ヤマダタロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("SMITH John", "smith john"),
        ("ＳＭＩＴＨ", "smith"),
        ("\ufa19田", "\u795e田"),
    ],
)
def test_spellings_share_a_search_key(a, b):
    assert name_search_key(a) == name_search_key(b)


@pytest.mark.parametrize("name", ["\ufa19田", "\ufa10本", "髙橋", "山﨑", "𠮷田"])
def test_the_name_itself_is_never_changed(name):
    before = "".join(name)

    name_search_key(name)

    assert name == before
    assert len(name.encode("utf-8")) == len(before.encode("utf-8"))


def test_nfc_would_change_compatibility_ideographs():
    # The reason stored names are never normalised: NFC alone rewrites them.
    assert unicodedata.normalize("NFC", "\ufa19") == "\u795e"
    assert unicodedata.normalize("NFC", "\ufa10") == "\u585a"


def test_module_says_stored_names_are_never_normalised():
    assert "never normalised" in names.__doc__


@given(st.text())
def test_search_key_has_no_spaces(s):
    assert not any(ch.isspace() for ch in name_search_key(s))


@given(st.text())
def test_search_key_is_idempotent(s):
    assert name_search_key(name_search_key(s)) == name_search_key(s)
