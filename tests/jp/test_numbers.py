import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiban.jp.errors import JpValueError
from kiban.jp.numbers import (
    corporate_number_check_digit,
    is_valid_corporate_number,
    is_valid_my_number,
    mask_my_number,
    my_number_check_digit,
    normalise_corporate_number,
    normalise_my_number,
)
from tests.jp.strategies import mixed_width

corporate_bases = st.text(alphabet="0123456789", min_size=12, max_size=12)
my_number_bases = st.text(alphabet="0123456789", min_size=11, max_size=11)
TOKYO = "8000020130001"  # the Tokyo Metropolitan Government's corporate number
SAMPLE_MY_NUMBER = "123456789018"  # the sample number used in public explanations


def corporate_sum(base12: str) -> int:
    """Return Σ P(n)·Q(n) as JAPAN.md writes it, with P(n) the n-th digit from the right."""
    return sum(int(base12[12 - n]) * (1 if n % 2 == 1 else 2) for n in range(1, 13))


def my_number_remainder(base11: str) -> int:
    """Return r = Σ P(n)·Q(n) mod 11 as JAPAN.md writes it."""
    weights = {n: n + 1 if n <= 6 else n - 5 for n in range(1, 12)}
    return sum(int(base11[11 - n]) * weights[n] for n in range(1, 12)) % 11


def substitute(s: str, position: int, digit: str) -> str:
    return s[:position] + digit + s[position + 1 :]


def test_tokyo_metropolitan_government_number_is_valid():
    assert is_valid_corporate_number(TOKYO)
    assert corporate_number_check_digit(TOKYO[1:]) == 8


@pytest.mark.parametrize(
    "typed", [TOKYO, "8-0000-2013-0001", "８０００ ０２０１ ３０００１", " 8000020130001 "]
)
def test_normalise_corporate_number_accepts_what_residents_type(typed):
    assert normalise_corporate_number(typed) == TOKYO


@pytest.mark.parametrize(
    "typed", ["", "800002013000", "80000201300011", "800002013000a", "T8000020130001"]
)
def test_normalise_corporate_number_refuses_wrong_lengths(typed):
    with pytest.raises(JpValueError) as caught:
        normalise_corporate_number(typed)

    assert caught.value.code == "corporate_number_digits"


def test_normalise_corporate_number_refuses_a_wrong_check_digit():
    with pytest.raises(JpValueError) as caught:
        normalise_corporate_number("7000020130001")

    assert caught.value.code == "corporate_number_check"
    assert caught.value.params == {"value": "7000020130001"}


def test_check_digit_functions_refuse_a_wrong_base():
    with pytest.raises(JpValueError, match="13 digits"):
        corporate_number_check_digit("12345")
    with pytest.raises(JpValueError, match="12 digits"):
        my_number_check_digit("12345")


def test_sample_my_number_is_valid():
    assert is_valid_my_number(SAMPLE_MY_NUMBER)
    assert my_number_check_digit(SAMPLE_MY_NUMBER[:-1]) == 8


def test_my_number_errors_never_carry_the_number():
    with pytest.raises(JpValueError) as caught:
        normalise_my_number("123456789010")

    assert caught.value.code == "my_number_check"
    assert caught.value.params == {}
    assert "1234" not in str(caught.value)


@pytest.mark.parametrize("typed", ["12345678901", "1234567890123", "abcd"])
def test_my_number_length_errors_never_carry_the_number(typed):
    with pytest.raises(JpValueError) as caught:
        normalise_my_number(typed)

    assert caught.value.code == "my_number_digits"
    assert caught.value.params == {}


@pytest.mark.parametrize(
    "typed", [SAMPLE_MY_NUMBER, "1234 5678 9018", "１２３４－５６７８－９０１８"]
)
def test_mask_my_number_shows_only_the_last_four_digits(typed):
    assert mask_my_number(typed) == "********9018"


def test_mask_my_number_refuses_a_wrong_length_without_echoing_it():
    with pytest.raises(JpValueError) as caught:
        mask_my_number("1234567890")

    assert caught.value.params == {}


def test_a_zero_nine_substitution_slips_through_the_corporate_check():
    # Weights are 1 and 2 mod 9, so 0 ↔ 9 keeps the sum mod 9: a known blind spot of the rule.
    assert is_valid_corporate_number(substitute(TOKYO, 1, "9"))


@given(corporate_bases)
def test_corporate_check_digit_follows_the_rule(base):
    assert corporate_number_check_digit(base) == 9 - corporate_sum(base) % 9


@given(corporate_bases)
def test_corporate_number_with_its_check_digit_is_valid(base):
    number = str(corporate_number_check_digit(base)) + base

    assert is_valid_corporate_number(number)


@given(corporate_bases, st.data())
def test_corporate_number_reads_back_in_any_width(base, data):
    number = str(corporate_number_check_digit(base)) + base

    assert normalise_corporate_number(data.draw(mixed_width(number))) == number


@given(corporate_bases, st.integers(0, 12), st.sampled_from("0123456789"))
def test_corporate_check_detects_single_digit_errors_except_zero_nine(base, position, digit):
    number = str(corporate_number_check_digit(base)) + base
    assume(digit != number[position] and {digit, number[position]} != {"0", "9"})

    assert not is_valid_corporate_number(substitute(number, position, digit))


@given(my_number_bases)
def test_my_number_check_digit_follows_the_rule(base):
    remainder = my_number_remainder(base)

    assert my_number_check_digit(base) == (0 if remainder <= 1 else 11 - remainder)


@given(my_number_bases, st.data())
def test_my_number_reads_back_in_any_width(base, data):
    number = base + str(my_number_check_digit(base))

    assert normalise_my_number(data.draw(mixed_width(number))) == number


@given(my_number_bases, st.integers(0, 11), st.sampled_from("0123456789"))
def test_my_number_check_detects_single_digit_errors_unless_remainders_are_0_and_1(
    base, position, digit
):
    number = base + str(my_number_check_digit(base))
    changed = substitute(number, position, digit)
    # r = 0 and r = 1 both give check digit 0, so a change between them slips through.
    assume(digit != number[position])
    assume({my_number_remainder(base), my_number_remainder(changed[:-1])} != {0, 1})

    assert not is_valid_my_number(changed)
