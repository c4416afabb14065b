from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.era import (
    ERAS,
    era_by_key,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    format_era,
    parse_date,
    to_era,
)
from kiban.jp.errors import JpValueError
from tests.jp.strategies import to_full_width

MEIJI_FIRST = date(1868, 1, 25)
era_dates = st.dates(min_value=MEIJI_FIRST, max_value=date(2100, 12, 31))
ended_eras = [era for era in ERAS if era.last is not None]


def era_initial_form(d: date) -> str:
    """Write ``d`` as a clerk would on a form: R6.4.1."""
    name, year = to_era(d)
    return f"{era_by_key(name).initial}{year}.{d.month}.{d.day}"


def test_eras_start_on_the_days_in_japan_md():
    assert [(era.name, era.initial, era.first) for era in ERAS] == [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


def test_each_era_ends_the_day_before_the_next_begins():
    assert [era.last + timedelta(days=1) for era in ERAS[:-1]] == [era.first for era in ERAS[1:]]
    assert ERAS[-1].last is None


@pytest.mark.parametrize(
    "text",
    [
        "2024-04-01",
        "2024/4/1",
        "2024.4.1",
        "20240401",
        "2024年4月1日",
        "２０２４年４月１日",
        "２０２４／０４／０１",
        "令和6年4月1日",
        "令和６年４月１日",
        "令和 6年 4月 1日",
        "R6.4.1",
        "r6/4/1",
        "R06-04-01",
        "R6年4月1日",
        "㋿6年4月1日",
        "令和六年四月一日",
        "二〇二四年四月一日",
        "令和6年4月1日(月)",
        "令和6年4月1日（月曜日）",
    ],
)
def test_parse_date_reads_2024_04_01(text):
    assert parse_date(text) == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成三十一年四月三十日", date(2019, 4, 30)),
        ("㍻元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("T1.7.30", date(1912, 7, 30)),
        ("M45.7.29", date(1912, 7, 29)),
        ("明治元年1月25日", date(1868, 1, 25)),
        ("昭和20年8月15日", date(1945, 8, 15)),
    ],
)
def test_parse_date_examples(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "era", "first", "last"),
    [
        ("昭和64年1月8日", "昭和", "1926-12-25", "1989-01-07"),
        ("平成31年5月1日", "平成", "1989-01-08", "2019-04-30"),
        ("令和1年4月30日", "令和", "2019-05-01", None),
        ("令和0年5月1日", "令和", "2019-05-01", None),
        ("大正元年7月29日", "大正", "1912-07-30", "1926-12-24"),
        ("明治元年1月24日", "明治", "1868-01-25", "1912-07-29"),
    ],
)
def test_parse_date_refuses_a_day_outside_its_era(text, era, first, last):
    with pytest.raises(JpValueError) as caught:
        parse_date(text)

    assert caught.value.code == "era_out_of_range"
    assert caught.value.params["era"] == era
    assert caught.value.params["first"] == first
    assert caught.value.params["last"] == last


def test_out_of_range_message_names_the_era_and_its_days():
    with pytest.raises(JpValueError, match=r"Showa \(昭和\) era, which ran from 1926-12-25 to"):
        parse_date("昭和64年1月8日")


@pytest.mark.parametrize(
    "text", ["2024-02-30", "令和6年2月30日", "2023-13-01", "R5.2.29", "0000-01-01"]
)
def test_parse_date_refuses_days_not_in_the_calendar(text):
    with pytest.raises(JpValueError) as caught:
        parse_date(text)

    assert caught.value.code == "date_invalid"
    assert caught.value.params == {"value": text}


@pytest.mark.parametrize(
    "text",
    ["", "hello", "2024-4/1", "24-04-01", "X6.4.1", "令和6年4月", "令和100年1月1日", "٢٠٢٤-٠٤-٠١"],
)
def test_parse_date_refuses_unreadable_text(text):
    with pytest.raises(JpValueError) as caught:
        parse_date(text)

    assert caught.value.code == "date_format"


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2024, 4, 1), "令和6年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1868, 1, 25), "明治元年1月25日"),
    ],
)
def test_format_era_examples(day, written):
    assert format_era(day) == written


def test_to_era_returns_name_and_year():
    assert to_era(date(2024, 4, 1)) == ("令和", 6)


def test_no_era_before_meiji():
    with pytest.raises(JpValueError) as caught:
        to_era(date(1868, 1, 24))

    assert caught.value.code == "era_not_found"
    assert caught.value.params == {"value": "1868-01-24"}


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2021, 4, 1), 2021),
        (date(2022, 3, 31), 2021),
        (date(2022, 4, 1), 2022),
        (date(2024, 1, 15), 2023),
    ],
)
def test_fiscal_year_runs_april_to_march(day, fy):
    assert fiscal_year(day) == fy


def test_reiwa_3_fiscal_year_is_april_2021_to_march_2022():
    assert fiscal_year_label(2021) == "令和3年度"
    assert fiscal_year_bounds(2021) == (date(2021, 4, 1), date(2022, 3, 31))


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "大正15年度"),
        (1927, "昭和2年度"),
        (1912, "明治45年度"),
        (1868, "明治元年度"),
    ],
)
def test_fiscal_year_labels(fy, label):
    assert fiscal_year_label(fy) == label


@given(era_dates)
def test_format_era_reads_back(d):
    assert parse_date(format_era(d)) == d


@given(era_dates)
def test_full_width_era_date_reads_back(d):
    assert parse_date(to_full_width(format_era(d))) == d


@given(era_dates)
def test_era_initial_form_reads_back(d):
    assert parse_date(era_initial_form(d)) == d


@given(st.dates(min_value=date(1, 1, 1)))
def test_iso_dates_read_back(d):
    assert parse_date(d.isoformat()) == d


@given(era_dates)
def test_era_year_counts_from_the_first_year_of_the_era(d):
    name, year = to_era(d)

    assert year == d.year - era_by_key(name).first.year + 1
    assert d in era_by_key(name)


@given(st.dates())
def test_every_day_lies_in_its_fiscal_year(d):
    first, last = fiscal_year_bounds(fiscal_year(d))

    assert first <= d <= last


@given(st.integers(1868, 2100))
def test_fiscal_year_label_names_an_era_year(fy):
    label = fiscal_year_label(fy)

    assert label.endswith("年度")
    assert label[:2] in {era.name for era in ERAS}


@pytest.mark.parametrize("era", ended_eras, ids=[era.name for era in ended_eras])
def test_the_day_after_an_era_ends_is_refused_in_that_era(era):
    after = era.last + timedelta(days=1)
    written = f"{era.initial}{after.year - era.first.year + 1}.{after.month}.{after.day}"

    with pytest.raises(JpValueError, match="outside"):
        parse_date(written)


def test_every_day_from_meiji_to_2100_reads_back():
    days = [
        MEIJI_FIRST + timedelta(days=n) for n in range((date(2100, 12, 31) - MEIJI_FIRST).days + 1)
    ]

    assert [d for d in days if parse_date(format_era(d)) != d] == []
