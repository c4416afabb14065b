import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.jp.address import address_key, split_building
from tests.jp.strategies import hyphens, mixed_width

KANJI_DIGITS = "〇一二三四五六七八九"


def kanji(n: int) -> str:
    """Write 1..99 in kanji numerals with units: 23 → 二十三."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("" if tens == 1 else KANJI_DIGITS[tens]) + "十") + (
        "" if ones == 0 else KANJI_DIGITS[ones]
    )


@pytest.mark.parametrize(
    "typed",
    [
        "新宿区西新宿2-8-1",
        "新宿区西新宿2丁目8番1号",
        "新宿区西新宿二丁目八番一号",
        "新宿区西新宿二丁目８番１号",
        "新宿区西新宿２−８−１",
        "新宿区西新宿２ー８ー１",
        "東京都新宿区西新宿2-8-1",
        "東京都 新宿区 西新宿 2-8-1",
        "〒163-8001 東京都新宿区西新宿2-8-1",
    ],
)
def test_spellings_of_the_metropolitan_government_share_a_key(typed):
    assert address_key(typed) == "新宿区西新宿2-8-1"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("一丁目二番三号", "1-2-3"),
        ("1丁目2番3号", "1-2-3"),
        ("1-2-3", "1-2-3"),
        ("二十三", "23"),
        ("三番地の五", "3-5"),
        ("123番地", "123"),
        ("5の3", "5-3"),
        ("大字松本123番地", "松本123"),
        ("千代田区霞ヶ関1丁目1番", "千代田区霞ケ関1-1"),
        ("千代田区霞が関一丁目一番", "千代田区霞ケ関1-1"),
        ("港区六本木六丁目10-1", "港区六本木6-10-1"),
        ("八王子市元本郷町三丁目24番1号", "八王子市元本郷町3-24-1"),
        ("千代田区一番町", "千代田区一番町"),
        ("中央区八丁堀", "中央区八丁堀"),
        ("札幌市中央区北一条西二丁目", "札幌市中央区北1条西2"),
    ],
)
def test_address_key_examples(typed, key):
    assert address_key(typed) == key


def test_other_prefectures_keep_their_name():
    assert address_key("大阪府大阪市北区1-2-3") == "大阪府大阪市北区1-2-3"


def test_home_prefecture_can_be_changed():
    assert address_key("大阪府大阪市北区1-2-3", home_prefecture="大阪府") == "大阪市北区1-2-3"


def test_address_key_leaves_the_original_alone():
    typed = "東京都新宿区西新宿二丁目８番１号　都庁"
    before = str(typed)

    address_key(typed)

    assert typed == before


@pytest.mark.parametrize(
    ("typed", "street", "building"),
    [
        ("新宿区西新宿2-8-1 都庁第一本庁舎 32階", "新宿区西新宿2-8-1", "都庁第一本庁舎 32階"),
        ("新宿区西新宿二丁目8番1号都庁第一本庁舎", "新宿区西新宿二丁目8番1号", "都庁第一本庁舎"),
        ("渋谷区神宮前1-2-3　メゾン神宮前101号室", "渋谷区神宮前1-2-3", "メゾン神宮前101号室"),
        ("新宿区西新宿1-2-3-405", "新宿区西新宿1-2-3", "405"),
        ("新宿区西新宿1-2-3-405号室", "新宿区西新宿1-2-3", "405号室"),
        ("新宿区西新宿１－２－３、ハイツ西新宿", "新宿区西新宿１－２－３", "ハイツ西新宿"),
        ("港区麻布十番1-2-3 ビル", "港区麻布十番1-2-3", "ビル"),
        ("札幌市中央区北1条西2丁目3-4 ABCビル", "札幌市中央区北1条西2丁目3-4", "ABCビル"),
        ("千代田区三番町5番地ビル", "千代田区三番町5番地", "ビル"),
        ("大字松本123 ハイツ", "大字松本123", "ハイツ"),
        ("新宿区西新宿二丁目", "新宿区西新宿二丁目", ""),
        ("千代田区一番町", "千代田区一番町", ""),
        ("", "", ""),
    ],
)
def test_split_building_examples(typed, street, building):
    assert split_building(typed) == (street, building)


@given(
    st.lists(st.integers(1, 99), min_size=2, max_size=3),
    st.sampled_from(["新宿区西新宿", "千代田区丸の内", "八王子市元本郷町"]),
)
def test_kanji_block_numbers_match_arabic_ones(numbers, town):
    counters = ["丁目", "番", "号"][: len(numbers)]
    in_kanji = town + "".join(
        kanji(n) + counter for n, counter in zip(numbers, counters, strict=False)
    )
    in_arabic = town + "-".join(str(n) for n in numbers)

    assert address_key(in_kanji) == address_key(in_arabic)


@given(st.lists(st.integers(1, 9999), min_size=1, max_size=4), st.data())
def test_any_width_and_hyphen_give_the_same_key(numbers, data):
    typed = (
        "新宿区西新宿"
        + "".join(data.draw(mixed_width(str(n))) + data.draw(hyphens) for n in numbers[:-1])
        + data.draw(mixed_width(str(numbers[-1])))
    )

    assert address_key(typed) == address_key("東京都新宿区西新宿" + "-".join(map(str, numbers)))


@given(st.text())
def test_address_key_never_fails_and_has_no_spaces(s):
    assert not any(ch.isspace() for ch in address_key(s))


@given(st.text())
def test_split_building_keeps_every_character_in_order(s):
    street, building = split_building(s)

    assert s.startswith(street)
    assert building in s[len(street) :]
