"""Numbers with check digits: the corporate number (法人番号) and My Number (個人番号).

The My Number Act lets a procedure collect a person's number only for the affairs the law
lists, so the definition validator refuses a ``my_number`` field in a procedure without a
legal basis. The number is shown masked, is never a match key and never reaches the registry.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kiban.jp.errors import JpValueError
from kiban.jp.numbers import mask_my_number, normalise_corporate_number, normalise_my_number
from kiban.procedures.field_types.base import (
    NO_OPTIONS,
    FieldError,
    FieldType,
    ParsedValue,
    field_types,
)
from kiban.registry.constants import ValueType


@field_types.register("corporate_number")
class CorporateNumberField(FieldType):
    """The 13-digit corporate number (法人番号), with its leading check digit verified."""

    value_type = ValueType.CORPORATE_NUMBER
    template = "procedures/fields/corporate_number.html"
    autocomplete = "off"
    options_schema = NO_OPTIONS

    def parse(self, field, data, files, name):
        typed = data.get(name, "").strip()
        if not typed:
            return ParsedValue(None)
        try:
            return ParsedValue(normalise_corporate_number(typed))
        except JpValueError as error:
            if error.code == "corporate_number_check":
                raise FieldError(
                    "corporate_number_check",
                    _("This corporate number is not valid. Check each digit again."),
                ) from None
            raise FieldError(
                "corporate_number_digits", _("Enter the 13 digits of the corporate number.")
            ) from None

    def match_key(self, value):
        return "" if value is None else str(value)


@field_types.register("my_number")
class MyNumberField(FieldType):
    """The 12-digit individual number (My Number), with its trailing check digit verified."""

    template = "procedures/fields/my_number.html"
    autocomplete = "off"
    allowed_in_group = False
    options_schema = NO_OPTIONS

    def parse(self, field, data, files, name):
        typed = data.get(name, "").strip()
        if not typed:
            return ParsedValue(None)
        try:
            return ParsedValue(normalise_my_number(typed))
        except JpValueError as error:
            if error.code == "my_number_check":
                raise FieldError(
                    "my_number_check",
                    _("This individual number (My Number) is not valid. Check each digit again."),
                ) from None
            raise FieldError(
                "my_number_digits", _("Enter the 12 digits of your individual number (My Number).")
            ) from None

    def display(self, field, value, language):
        if value is None:
            return ""
        try:
            return mask_my_number(str(value))
        except JpValueError:
            return "*" * 12

    def from_fact(self, field, fact_value):
        return None

    def to_fact(self, field, value):
        return None
