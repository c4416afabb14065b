"""E-mail addresses and phone numbers, typed in either width."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kiban.jp.email import WARNING_RFC_NONCONFORMING, check_email
from kiban.jp.errors import JpValueError
from kiban.jp.phone import format_phone, normalise_phone
from kiban.procedures.field_types.base import (
    NO_OPTIONS,
    FieldError,
    FieldType,
    ParsedValue,
    field_types,
)
from kiban.registry.constants import ValueType


@field_types.register("email")
class EmailField(FieldType):
    """An e-mail address; old carrier addresses that break the RFC pass with a warning."""

    value_type = ValueType.EMAIL
    template = "procedures/fields/email.html"
    autocomplete = "email"
    options_schema = NO_OPTIONS

    def parse(self, field, data, files, name):
        typed = data.get(name, "").strip()
        if not typed:
            return ParsedValue(None)
        try:
            address, codes = check_email(typed)
        except JpValueError:
            raise FieldError(
                "email_invalid", _("Enter an e-mail address like name@example.jp.")
            ) from None
        warnings = [self._warning(code) for code in codes]
        return ParsedValue(address, warnings)

    @staticmethod
    def _warning(code: str) -> str:
        if code == WARNING_RFC_NONCONFORMING:
            return _(
                "This address has dots where some mail servers refuse them (two dots in a row, "
                "or a dot just before @). You can use it, but our mail may not reach you."
            )
        return _("Check this e-mail address.")

    def match_key(self, value):
        return "" if value is None else str(value).lower()


@field_types.register("phone")
class PhoneField(FieldType):
    """A phone number; stored as typed digits (03-1234-5678 becomes 0312345678)."""

    value_type = ValueType.PHONE
    template = "procedures/fields/phone.html"
    autocomplete = "tel"
    options_schema = NO_OPTIONS

    def parse(self, field, data, files, name):
        typed = data.get(name, "").strip()
        if not typed:
            return ParsedValue(None)
        try:
            return ParsedValue(normalise_phone(typed))
        except JpValueError:
            raise FieldError(
                "phone_invalid",
                _("Enter a phone number with its area code, like 03-1234-5678 or 090-1234-5678."),
            ) from None

    def raw_from_value(self, field, value):
        return {} if value is None else {"": self._formatted(value)}

    def from_fact(self, field, fact_value):
        return None if fact_value is None else self.match_key(fact_value)

    def display(self, field, value, language):
        return "" if value is None else self._formatted(value)

    @staticmethod
    def _formatted(value: str) -> str:
        try:
            return format_phone(str(value))
        except JpValueError:
            return str(value)

    def match_key(self, value):
        if value is None:
            return ""
        try:
            return normalise_phone(str(value))
        except JpValueError:
            return str(value)
