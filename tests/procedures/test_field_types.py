"""Single-input field types: good input, bad input, full-width input, display."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.procedures.field_types import FieldError, ParsedValue, field_types
from kiban.registry.constants import ValueType
from tests.procedures.builders import field, form_data


def parse(type_name: str, typed, options: dict | None = None) -> ParsedValue:
    definition = field("x", type_name, options=options or {})
    return field_types[type_name].parse(definition, form_data({"f-x": typed}), None, "f-x")


def parse_error(type_name: str, typed, options: dict | None = None) -> str:
    with pytest.raises(FieldError) as caught:
        parse(type_name, typed, options)
    return caught.value.code


def test_every_type_has_a_template_and_known_value_type():
    known = set(ValueType.values) | {None}

    for name in field_types.names():
        assert field_types[name].template.startswith("procedures/fields/")
        assert field_types[name].value_type in known


@pytest.mark.parametrize("type_name", field_types.names())
def test_empty_input_is_no_value(type_name):
    definition = field(
        "x",
        type_name,
        options={"choices": [{"value": "a", "label": {"ja": "a", "en": "a"}}]},
        fields=[field("y", "text")],
    )

    assert field_types[type_name].parse(definition, form_data({}), {}, "f-x").value is None


def test_text_keeps_characters_exactly_and_strips_ends():
    assert parse("text", "\u3000神奈川\ufa19 ").value == "神奈川\ufa19"


def test_text_refuses_too_long_and_null_characters():
    assert parse_error("text", "あ" * 11, {"max_length": 10}) == "too_long"
    assert parse_error("text", "a\x00b") == "null_character"


def test_long_text_keeps_line_breaks_as_newlines():
    assert parse("long_text", "一行目\r\n二行目").value == "一行目\n二行目"


@pytest.mark.parametrize(
    ("typed", "expected"), [("１２３", 123), ("1,234", 1234), ("１，２３４", 1234), ("－５", -5)]
)
def test_number_accepts_full_width_and_separators(typed, expected):
    assert parse("number", typed).value == expected


def test_number_keeps_decimals_as_text():
    assert parse("number", "12.50", {"decimal_places": 2}).value == "12.50"


@pytest.mark.parametrize(
    ("typed", "options", "code"),
    [
        ("abc", {}, "number_format"),
        ("1.5", {}, "number_whole"),
        ("1.555", {"decimal_places": 2}, "number_places"),
        ("-1", {"min": 0}, "number_min"),
        ("101", {"max": 100}, "number_max"),
    ],
)
def test_number_refuses_bad_input(typed, options, code):
    assert parse_error("number", typed, options) == code


def test_number_display_groups_digits_with_unit():
    definition = field("x", "number", options={"unit": {"ja": "円", "en": "yen"}})

    assert field_types["number"].display(definition, 1234567, "ja") == "1,234,567円"
    assert field_types["number"].display(definition, 1234567, "en") == "1,234,567 yen"


def test_email_folds_full_width():
    assert parse("email", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ＪＰ") == ParsedValue("taro@example.jp")


def test_email_accepts_old_carrier_address_with_a_warning():
    parsed = parse("email", "taro..yamada.@docomo.ne.jp")

    assert parsed.value == "taro..yamada.@docomo.ne.jp"
    assert len(parsed.warnings) == 1


def test_email_refuses_what_is_no_address():
    assert parse_error("email", "taro@") == "email_invalid"


@pytest.mark.parametrize("typed", ["03-1234-5678", "０３ー１２３４ー５６７８", "(03) 1234 5678"])
def test_phone_accepts_hyphens_spaces_and_full_width(typed):
    assert parse("phone", typed).value == "0312345678"


def test_phone_refuses_too_few_digits_and_shows_hyphens():
    assert parse_error("phone", "1234") == "phone_invalid"
    assert field_types["phone"].display(field("x", "phone"), "09012345678", "ja") == "090-1234-5678"
    assert field_types["phone"].raw_from_value(field("x", "phone"), "0312345678") == {
        "": "03-1234-5678"
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-04-01", "2024-04-01"),
        ("令和6年4月1日", "2024-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("R6.4.1", "2024-04-01"),
        ("昭和64年1月7日", "1989-01-07"),
        ("大正15年12月24日", "1926-12-24"),
        ("２０２４／４／１", "2024-04-01"),
    ],
)
def test_date_accepts_gregorian_and_japanese_calendar(typed, expected):
    assert parse("date", typed).value == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("昭和64年1月8日", "date_era_range"),
        ("平成31年5月1日", "date_era_range"),
        ("2023-02-29", "date_invalid"),
        ("yesterday", "date_format"),
    ],
)
def test_date_refuses_days_outside_their_era_or_calendar(typed, code):
    assert parse_error("date", typed) == code


def test_date_range_options():
    assert parse_error("date", "2999-01-01", {"max": "today"}) == "date_future"
    assert parse_error("date", "1999-12-31", {"min": "2000-01-01"}) == "date_min"


def test_date_display_shows_both_calendars_in_japanese():
    definition = field("x", "date")

    assert (
        field_types["date"].display(definition, "2019-05-01", "ja")
        == "2019年5月1日（令和元年5月1日）"
    )
    assert field_types["date"].display(definition, "2019-05-01", "en") == "1 May 2019"


CHOICES = {
    "choices": [
        {"value": "a", "label": {"ja": "エー", "en": "A"}},
        {"value": "b", "label": {"ja": "ビー", "en": "B"}},
    ]
}


def test_choice_accepts_listed_values_only():
    assert parse("choice", "b", CHOICES).value == "b"
    assert parse_error("choice", "z", CHOICES) == "choice_unknown"
    assert field_types["choice"].display(field("x", "choice", options=CHOICES), "b", "ja") == "ビー"


def test_multi_choice_keeps_definition_order():
    assert parse("multi_choice", ["b", "a"], CHOICES).value == ["a", "b"]
    assert parse_error("multi_choice", ["a", "z"], CHOICES) == "choice_unknown"
    assert parse_error("multi_choice", ["a", "b"], {**CHOICES, "max_items": 1}) == "choice_too_many"
    assert (
        field_types["multi_choice"].display(
            field("x", "multi_choice", options=CHOICES), ["a", "b"], "en"
        )
        == "A, B"
    )


def test_yes_no():
    assert parse("yes_no", "yes").value is True
    assert parse("yes_no", "no").value is False
    assert parse_error("yes_no", "maybe") == "choice_unknown"
    assert field_types["yes_no"].raw_from_value(field("x", "yes_no"), False) == {"": "no"}


def test_corporate_number_checks_its_leading_check_digit():
    assert parse("corporate_number", "８０００－０２０１－３０００１").value == "8000020130001"
    assert parse_error("corporate_number", "9000020130001") == "corporate_number_check"
    assert parse_error("corporate_number", "800002013") == "corporate_number_digits"


def test_my_number_checks_its_trailing_check_digit_and_is_shown_masked():
    definition = field("x", "my_number")

    assert parse("my_number", "1234 5678 9018").value == "123456789018"
    assert parse_error("my_number", "123456789010") == "my_number_check"
    assert field_types["my_number"].display(definition, "123456789018", "ja") == "********9018"
    assert field_types["my_number"].to_fact(definition, "123456789018") is None


@given(st.integers(min_value=0, max_value=10**12))
def test_number_round_trips_through_its_display_form(number):
    definition = field("x", "number")
    shown = field_types["number"].display(definition, number, "ja")

    assert (
        field_types["number"].parse(definition, form_data({"f-x": shown}), None, "f-x").value
        == number
    )


def test_facts_become_field_values():
    assert field_types["phone"].from_fact(field("x", "phone"), "03-1234-5678") == "0312345678"
    assert field_types["date"].from_fact(field("x", "date"), "1975-04-01") == "1975-04-01"
    assert field_types["date"].from_fact(field("x", "date"), "not a date") is None
    assert field_types["number"].from_fact(field("x", "number"), "4") == 4
