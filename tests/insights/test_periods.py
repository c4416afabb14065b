"""Months and fiscal years with 和暦 labels (kiban.insights.periods)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.insights.periods import (
    FISCAL_YEAR,
    MONTH,
    Period,
    PeriodError,
    add_months,
    months_between,
    parse_period,
)


@pytest.mark.parametrize(
    "text",
    ["2021-04", "2021/4", "2021年4月", "令和3年4月", "R3.4", "２０２１－０４", "202104", "r3/4"],
)
def test_a_month_is_read_in_every_usual_spelling(text):
    assert parse_period(text) == Period.month(2021, 4)


@pytest.mark.parametrize(
    "text", ["FY2021", "fy2021", "2021年度", "令和3年度", "R3年度", "ＦＹ２０２１"]
)
def test_a_fiscal_year_is_read_in_every_usual_spelling(text):
    assert parse_period(text) == Period.fiscal(2021)


def test_first_year_of_an_era_is_gannen():
    assert parse_period("令和元年度") == Period.fiscal(2019)
    assert Period.fiscal(2019).label("ja") == "令和元年度"


def test_a_plain_year_is_a_fiscal_year_only_where_one_is_wanted():
    assert parse_period("2021", FISCAL_YEAR) == Period.fiscal(2021)
    with pytest.raises(PeriodError):
        parse_period("2021")


@pytest.mark.parametrize(
    "text, grain, code",
    [
        ("2021-13", None, "period_format"),
        ("abc", None, "period_format"),
        ("", None, "period_format"),
        ("FY2021", MONTH, "period_grain"),
        ("2021-04", FISCAL_YEAR, "period_grain"),
        ("1900-01", None, "period_out_of_range"),
    ],
)
def test_bad_periods_say_why(text, grain, code):
    with pytest.raises(PeriodError) as error:
        parse_period(text, grain)

    assert error.value.code == code


def test_labels_in_japanese_and_english():
    assert Period.fiscal(2021).label("ja") == "令和3年度"
    assert Period.fiscal(2021).label("en") == "FY2021"
    assert Period.month(2022, 3).label("ja") == "令和4年3月"
    assert Period.month(2022, 3).label("en") == "Mar 2022"


def test_a_fiscal_year_runs_from_april_to_march():
    months = Period.fiscal(2021).months()

    assert months[0] == date(2021, 4, 1)
    assert months[-1] == date(2022, 3, 1)
    assert Period.containing(date(2022, 3, 31), FISCAL_YEAR) == Period.fiscal(2021)


@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)), st.sampled_from([MONTH, FISCAL_YEAR]))
def test_the_written_key_reads_back(day, grain):
    period = Period.containing(day, grain)

    assert parse_period(period.key) == period
    assert parse_period(period.label("ja")) == period


@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(0, 200))
def test_months_between_counts_every_month(day, count):
    first = day.replace(day=1)
    last = add_months(first, count)

    assert len(months_between(first, last)) == count + 1
