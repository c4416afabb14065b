"""Free text, long text, numbers and yes/no questions."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from kiban.jp.width import fold_width
from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    RenderState,
    clean_text,
    field_label,
    field_types,
    part,
)
from kiban.procedures.localise import text
from kiban.registry.constants import ValueType


def _options(field: dict) -> dict[str, Any]:
    return field.get("options") or {}


@field_types.register("text")
class TextField(FieldType):
    """One line of text, kept exactly as typed apart from spaces at the ends."""

    value_type = ValueType.TEXT
    template = "procedures/fields/text.html"
    default_max_length = 200
    options_schema = {
        "type": "object",
        "properties": {"max_length": {"type": "integer", "minimum": 1, "maximum": 2000}},
        "additionalProperties": False,
    }

    def max_length(self, field: dict) -> int:
        return _options(field).get("max_length", self.default_max_length)

    def parse(self, field, data, files, name):
        value = clean_text(data.get(name, ""), max_length=self.max_length(field))
        return ParsedValue(value or None)

    def context(self, field, name, state):
        return {"input": part(name, "", state.raw), "max_length": self.max_length(field)}


@field_types.register("long_text")
class LongTextField(TextField):
    """Several lines of text; line breaks are kept (as \\n)."""

    template = "procedures/fields/long_text.html"
    default_max_length = 2000
    options_schema = {
        "type": "object",
        "properties": {"max_length": {"type": "integer", "minimum": 1, "maximum": 20000}},
        "additionalProperties": False,
    }

    def parse(self, field, data, files, name):
        typed = data.get(name, "").replace("\r\n", "\n").replace("\r", "\n")
        value = clean_text(typed, max_length=self.max_length(field))
        return ParsedValue(value or None)


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_GROUPING = re.compile(r"[,\s]|(?<=[0-9])、(?=[0-9])")


@field_types.register("number")
class NumberField(FieldType):
    """A number, typed in either width with or without thousands separators.

    The value is an int, or a string such as "12.5" when ``decimal_places`` allows decimals,
    so that no binary floating point error creeps into amounts.
    """

    value_type = ValueType.TEXT
    template = "procedures/fields/number.html"
    options_schema = {
        "type": "object",
        "properties": {
            "min": {"type": "number"},
            "max": {"type": "number"},
            "decimal_places": {"type": "integer", "minimum": 0, "maximum": 6},
            "unit": {"$ref": "#/$defs/localised"},
        },
        "additionalProperties": False,
    }

    def parse(self, field, data, files, name):
        typed = _GROUPING.sub("", fold_width(data.get(name, "")))
        if not typed:
            return ParsedValue(None)
        if not _NUMBER.fullmatch(typed):
            raise FieldError("number_format", _("Enter a number, for example 12."))
        number = Decimal(typed)
        self._check_range(field, number)
        places = _options(field).get("decimal_places", 0)
        if places == 0:
            if number != number.to_integral_value():
                raise FieldError("number_whole", _("Enter a whole number."))
            return ParsedValue(int(number))
        if -number.as_tuple().exponent > places:
            raise FieldError(
                "number_places", _("Enter at most %(places)s decimal places.") % {"places": places}
            )
        return ParsedValue(str(number))

    def _check_range(self, field: dict, number: Decimal) -> None:
        options = _options(field)
        low, high = options.get("min"), options.get("max")
        if low is not None and number < Decimal(str(low)):
            raise FieldError("number_min", _("Enter %(min)s or more.") % {"min": low})
        if high is not None and number > Decimal(str(high)):
            raise FieldError("number_max", _("Enter %(max)s or less.") % {"max": high})

    def display(self, field, value, language):
        if value is None:
            return ""
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        unit = text(_options(field).get("unit"), language)
        return f"{number:,}{unit}" if language.startswith("ja") else f"{number:,} {unit}".strip()

    def from_fact(self, field, fact_value):
        try:
            number = Decimal(str(fact_value))
        except (InvalidOperation, ValueError):
            return None
        return int(number) if number == number.to_integral_value() else str(number)

    def to_fact(self, field, value):
        return None if value is None else str(value)

    def context(self, field, name, state):
        places = _options(field).get("decimal_places", 0)
        unit = text(_options(field).get("unit"), state.language)
        return {
            "input": part(name, "", state.raw),
            "unit": unit,
            "described_extra": [f"{name}--unit"] if unit else [],
            "inputmode": "decimal" if places else "numeric",
        }

    def check_options(self, field):
        options = _options(field)
        low, high = options.get("min"), options.get("max")
        if low is not None and high is not None and low > high:
            return [("options.min", "options_min_above_max", _("min is greater than max."))]
        return []


@field_types.register("yes_no")
class YesNoField(FieldType):
    """A yes/no question answered with two radio buttons; the value is True or False."""

    template = "procedures/fields/yes_no.html"
    options_schema = {"type": "object", "additionalProperties": False}

    def parse(self, field, data, files, name):
        answer = data.get(name, "")
        if answer == "":
            return ParsedValue(None)
        if answer not in ("yes", "no"):
            raise FieldError("choice_unknown", _("Select yes or no."))
        return ParsedValue(answer == "yes")

    def raw_from_value(self, field, value):
        return {} if value is None else {"": "yes" if value else "no"}

    def display(self, field, value, language):
        if value is None:
            return ""
        with override(language):
            return _("Yes") if value else _("No")

    def required_message(self, field):
        return _("Select %(label)s.") % {"label": field_label(field)}

    def focus_id(self, field, name):
        return f"{name}-yes"

    def context(self, field, name, state: RenderState):
        current = state.raw.get(name, "")
        options = [("yes", _("Yes")), ("no", _("No"))]
        return {
            "options": [
                {
                    "id": f"{name}-{value}",
                    "value": value,
                    "label": label,
                    "checked": current == value,
                }
                for value, label in options
            ]
        }
