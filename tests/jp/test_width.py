import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.width import DASHES, digits_only, fold_width
from tests.jp.strategies import hyphens, mixed_width, to_full_width

printable_ascii = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E))


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("０３－１２３４－５６７８", "03-1234-5678"),
        ("ＡＢＣ１２３", "ABC123"),
        ("１\u3000２", "1 2"),
        ("（株）", "(株)"),
        ("1\u20102\u20153\u22124", "1-2-3-4"),
        ("１ー２ー３", "1-2-3"),
        ("1ｰ2", "1-2"),
        ("1ーー2", "1--2"),
    ],
)
def test_fold_width_examples(typed, folded):
    assert fold_width(typed) == folded


@pytest.mark.parametrize("dash", sorted(DASHES))
def test_every_dash_folds_to_hyphen_minus(dash):
    assert fold_width(f"a{dash}b") == "a-b"


@pytest.mark.parametrize("word", ["コーヒー", "ｺｰﾋｰ", "ー1", "1ー", "セーター2"])
def test_prolonged_sound_mark_stays_unless_between_digits(word):
    assert fold_width(word) == word


def test_wave_dash_and_kanji_are_left_alone():
    assert fold_width("1〜3 東京都") == "1〜3 東京都"


def test_digits_only_drops_everything_else():
    assert digits_only("〒１６３ー８００１ (tel)") == "1638001"


@given(printable_ascii)
def test_full_width_ascii_folds_back(s):
    assert fold_width(to_full_width(s)) == s


@given(st.text())
def test_fold_width_is_idempotent(s):
    assert fold_width(fold_width(s)) == fold_width(s)


@given(st.text())
def test_fold_width_keeps_length(s):
    assert len(fold_width(s)) == len(s)


@given(st.lists(st.integers(0, 9999), min_size=2, max_size=5), st.data())
def test_any_hyphen_between_numbers_folds(numbers, data):
    glued = "".join(f"{number}{data.draw(hyphens)}" for number in numbers[:-1]) + str(numbers[-1])
    typed = data.draw(mixed_width(glued))

    assert fold_width(typed) == "-".join(str(number) for number in numbers)


@given(st.text())
def test_digits_only_returns_ascii_digits(s):
    assert all(ch in "0123456789" for ch in digits_only(s))
