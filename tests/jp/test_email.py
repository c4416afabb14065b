import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.email import WARNING_RFC_NONCONFORMING, check_email
from kiban.jp.errors import JpValueError
from tests.jp.strategies import to_full_width

local_parts = st.from_regex(r"[a-z0-9_+\-]{1,20}(\.[a-z0-9_+\-]{1,20}){0,2}", fullmatch=True)
domains = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){0,2}\.[a-z]{2,6}", fullmatch=True)


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("taro@example.jp", "taro@example.jp"),
        ("  Taro.Yamada@Example.JP ", "Taro.Yamada@example.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("taro@example。jp", "taro@example.jp"),
        ("taro+kiban@mail.example.co.jp", "taro+kiban@mail.example.co.jp"),
        ("taro@例え.jp", "taro@例え.jp"),
    ],
)
def test_check_email_accepts_and_normalises(typed, address):
    assert check_email(typed) == (address, [])


@pytest.mark.parametrize(
    "typed",
    ["taro..yamada@docomo.ne.jp", "taro.@ezweb.ne.jp", ".taro@softbank.ne.jp", "a...b@example.jp"],
)
def test_old_carrier_addresses_are_accepted_with_a_warning(typed):
    assert check_email(typed) == (typed, [WARNING_RFC_NONCONFORMING])


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "taro",
        "taro@",
        "@example.jp",
        "taro@localhost",
        "taro yamada@example.jp",
        "taro@example .jp",
        "taro@@example.jp",
        "a@b@example.jp",
        "taro@example..jp",
        "taro@.example.jp",
        "taro@-example.jp",
        "太郎@example.jp",
        "taro@192.168.0.1",
        "a" * 65 + "@example.jp",
    ],
)
def test_check_email_refuses_what_is_not_an_address(typed):
    with pytest.raises(JpValueError) as caught:
        check_email(typed)

    assert caught.value.code == "email_invalid"
    assert caught.value.params == {"value": typed}


@given(local_parts, domains)
def test_conforming_addresses_read_back_without_warnings(local, domain):
    assert check_email(f"{local}@{domain}") == (f"{local}@{domain}", [])


@given(local_parts, domains)
def test_full_width_addresses_fold(local, domain):
    assert check_email(to_full_width(f"{local}@{domain}"))[0] == f"{local}@{domain}"


@given(local_parts, domains)
def test_check_email_is_idempotent(local, domain):
    address, _ = check_email(f" {local.upper()}@{domain.upper()} ")

    assert check_email(address)[0] == address


@given(local_parts, domains)
def test_a_dot_before_the_at_sign_warns(local, domain):
    assert check_email(f"{local}.@{domain}")[1] == [WARNING_RFC_NONCONFORMING]
