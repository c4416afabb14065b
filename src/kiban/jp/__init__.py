"""Japanese conventions for kiban, in plain Python with no Django imports.

Widths and hyphens (``width``), readings (``kana``), the Japanese calendar and fiscal year
(``era``), postal codes (``postal``), address keys (``address``), check-digit numbers
(``numbers``), phone numbers (``phone``), e-mail addresses (``email``), name search keys
(``names``) and reference numbers (``check_character``). Every function that rejects a
value raises ``JpValueError`` with a stable ``code`` and translatable ``params``.
"""

from kiban.jp.address import address_key, split_building
from kiban.jp.check_character import is_valid_reference, normalise_reference, reference_with_check
from kiban.jp.email import check_email
from kiban.jp.era import (
    ERAS,
    Era,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    format_era,
    parse_date,
    to_era,
)
from kiban.jp.errors import JpValueError
from kiban.jp.kana import is_reading, normalise_reading, to_katakana
from kiban.jp.names import name_search_key
from kiban.jp.numbers import (
    corporate_number_check_digit,
    is_valid_corporate_number,
    is_valid_my_number,
    mask_my_number,
    my_number_check_digit,
    normalise_corporate_number,
    normalise_my_number,
)
from kiban.jp.phone import format_phone, normalise_phone
from kiban.jp.postal import PostalArea, format_postal_code, lookup, normalise_postal_code
from kiban.jp.width import digits_only, fold_width

__all__ = [
    "ERAS",
    "Era",
    "JpValueError",
    "PostalArea",
    "address_key",
    "check_email",
    "corporate_number_check_digit",
    "digits_only",
    "fiscal_year",
    "fiscal_year_bounds",
    "fiscal_year_label",
    "fold_width",
    "format_era",
    "format_phone",
    "format_postal_code",
    "is_reading",
    "is_valid_corporate_number",
    "is_valid_my_number",
    "is_valid_reference",
    "lookup",
    "mask_my_number",
    "my_number_check_digit",
    "name_search_key",
    "normalise_corporate_number",
    "normalise_my_number",
    "normalise_phone",
    "normalise_postal_code",
    "normalise_reading",
    "normalise_reference",
    "parse_date",
    "reference_with_check",
    "split_building",
    "to_era",
    "to_katakana",
]
