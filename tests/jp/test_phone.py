import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.errors import JpValueError
from kiban.jp.phone import format_phone, normalise_phone
from tests.jp.strategies import mixed_width


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("03-5321-1111", "0353211111"),
        ("03 5321 1111", "0353211111"),
        ("03(5321)1111", "0353211111"),
        ("０３－５３２１－１１１１", "0353211111"),
        ("０３（５３２１）１１１１", "0353211111"),
        ("03ー5321ー1111", "0353211111"),
        ("090-1234-5678", "09012345678"),
        ("0120.123.456", "0120123456"),
        ("+81 3-5321-1111", "+81353211111"),
        ("+81 (0)3-5321-1111", "+81353211111"),
        ("+81 090-1234-5678", "+819012345678"),
        ("＋８１ ９０ １２３４ ５６７８", "+819012345678"),
        ("+1 (212) 555-0100", "+12125550100"),
    ],
)
def test_normalise_phone_examples(typed, digits):
    assert normalise_phone(typed) == digits


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "110",
        "5321-1111",
        "03-5321-111",
        "03-5321-11111",
        "090-1234-56789",
        "abc",
        "+12",
        "03-5321-1111 内線2",
    ],
)
def test_normalise_phone_refuses_other_text(typed):
    with pytest.raises(JpValueError) as caught:
        normalise_phone(typed)

    assert caught.value.code == "phone_digits"
    assert caught.value.params == {"value": typed}


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("0353211111", "03-5321-1111"),
        ("09012345678", "090-1234-5678"),
        ("05012345678", "050-1234-5678"),
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),
        ("08001234567", "0800-123-4567"),
        ("0422123456", "0422-12-3456"),
        ("0499221234", "04992-2-1234"),
        ("0421234567", "042-123-4567"),
        ("0451234567", "045-123-4567"),
        ("+81353211111", "+81353211111"),
    ],
)
def test_format_phone_examples(typed, shown):
    assert format_phone(typed) == shown


domestic_numbers = st.one_of(
    st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True),
    st.from_regex(r"0[2-9]0[0-9]{8}", fullmatch=True),
)


@given(domestic_numbers, st.data())
def test_domestic_numbers_read_back_in_any_width(number, data):
    assert normalise_phone(data.draw(mixed_width(number))) == number


@given(domestic_numbers)
def test_formatted_numbers_read_back(number):
    assert normalise_phone(format_phone(number)) == number


@given(st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True))
def test_international_numbers_keep_their_plus(number):
    assert normalise_phone(number) == number.replace("+810", "+81")
