"""Personal data is masked in comments (kiban.insights.masking)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.insights.masking import mask_personal_data

FULL_WIDTH = str.maketrans("0123456789-@.", "０１２３４５６７８９－＠．")


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("電話は090-1234-5678です", "090-1234-5678"),
        ("電話は０９０ー１２３４ー５６７８です", "０９０ー１２３４ー５６７８"),
        ("call 03 5321 1111 please", "03 5321 1111"),
        ("+81 90 1234 5678", "+81 90 1234 5678"),
        ("09012345678に", "09012345678"),
        ("メールは taro.yamada@example.jp まで", "taro.yamada@example.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
        ("番号 1234 5678 9012 です", "1234 5678 9012"),
        ("番号123456789012です", "123456789012"),
        ("〒163-8001 東京都", "163-8001"),
        ("東京都新宿区西新宿2-8-1に住んでいます", "新宿区西新宿2-8-1"),
        ("住所は世田谷区三軒茶屋一丁目2番3号です", "世田谷区三軒茶屋一丁目2番3号"),
    ],
)
def test_personal_data_is_masked(text, hidden):
    masked = mask_personal_data(text)

    assert hidden not in masked
    assert "[" in masked


def test_ordinary_comments_keep_their_words_and_small_numbers():
    text = "3つ目の画面で5分かかりました。2025年4月に申請。とても便利でした！"

    assert mask_personal_data(text) == text


def test_the_kind_of_data_removed_is_named():
    masked = mask_personal_data("090-1234-5678 / a@b.jp / 1234-5678-9012")

    assert masked == "[電話番号] / [メールアドレス] / [番号]"


@given(st.from_regex(r"0[789]0-?[0-9]{4}-?[0-9]{4}", fullmatch=True), st.booleans())
def test_any_mobile_number_is_masked(number, wide):
    typed = number.translate(FULL_WIDTH) if wide else number

    assert typed not in mask_personal_data(f"連絡先{typed}まで")


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_any_twelve_digit_run_is_masked(digits):
    assert digits not in mask_personal_data(f"マイナンバーは{digits}です")


@given(st.emails())
def test_any_email_address_is_masked(address):
    assert address not in mask_personal_data(f"reply to {address} thanks")


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@＠")))
def test_text_without_digits_or_at_signs_is_unchanged_or_only_addresses_masked(text):
    masked = mask_personal_data(text)

    assert masked == text or "[住所]" in masked
