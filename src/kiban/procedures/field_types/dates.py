"""Dates typed in the Gregorian (西暦) or the Japanese calendar (和暦).

One text input accepts 2024-04-01, 2024/4/1, 令和6年4月1日, 令和元年5月1日 or R6.4.1 in either
width (see ``kiban.jp.era.parse_date``). A date outside the era it is written in is an error
with the era's span, never a guess. The value is an ISO date string, "2024-04-01".
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.jp.era import format_era, parse_date
from kiban.jp.errors import JpValueError
from kiban.procedures.field_types.base import FieldError, FieldType, ParsedValue, field_types
from kiban.procedures.localise import format_day
from kiban.registry.constants import ValueType

_BOUND = {"type": "string", "pattern": r"^(today|\d{4}-\d{2}-\d{2})$"}


def _bound(value: str | None) -> date | None:
    """Return the date of a ``min``/``max`` option: an ISO date or "today"."""
    if value is None:
        return None
    return timezone.localdate() if value == "today" else date.fromisoformat(value)


def _error(error: JpValueError) -> FieldError:
    if error.code == "date_invalid":
        return FieldError("date_invalid", _("This day does not exist. Check the month and day."))
    if error.code == "era_out_of_range":
        params = error.params
        if params.get("last"):
            message = _(
                "%(era)s %(year)s is outside the %(era)s era, which ran from %(first)s to "
                "%(last)s. Check the era and the year."
            )
        else:
            message = _(
                "%(era)s %(year)s is outside the %(era)s era, which began on %(first)s. Check "
                "the era and the year."
            )
        return FieldError("date_era_range", message % params)
    return FieldError("date_format", _("Enter a date like 2024-04-01 or 令和6年4月1日."))


@field_types.register("date")
class DateField(FieldType):
    """A calendar date; ``min`` and ``max`` options take an ISO date or "today"."""

    value_type = ValueType.DATE
    template = "procedures/fields/date.html"
    options_schema = {
        "type": "object",
        "properties": {"min": _BOUND, "max": _BOUND},
        "additionalProperties": False,
    }

    def parse(self, field, data, files, name):
        typed = data.get(name, "").strip()
        if not typed:
            return ParsedValue(None)
        try:
            day = parse_date(typed)
        except JpValueError as error:
            raise _error(error) from None
        self._check_range(field, day)
        return ParsedValue(day.isoformat())

    def _check_range(self, field: dict, day: date) -> None:
        options = field.get("options") or {}
        low, high = _bound(options.get("min")), _bound(options.get("max"))
        if low is not None and day < low:
            raise FieldError(
                "date_min", _("Enter a date on or after %(date)s.") % {"date": low.isoformat()}
            )
        if high is not None and day > high:
            if options.get("max") == "today":
                raise FieldError("date_future", _("Enter a date that is not in the future."))
            raise FieldError(
                "date_max", _("Enter a date on or before %(date)s.") % {"date": high.isoformat()}
            )

    def display(self, field, value, language):
        if not value:
            return ""
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if not language.startswith("ja"):
            return format_day(day, language)
        try:
            return f"{format_day(day, language)}（{format_era(day)}）"
        except JpValueError:
            return format_day(day, language)

    def from_fact(self, field, fact_value):
        try:
            return date.fromisoformat(str(fact_value)).isoformat()
        except ValueError:
            return None

    def check_options(self, field):
        options = field.get("options") or {}
        try:
            low, high = _bound(options.get("min")), _bound(options.get("max"))
        except ValueError:
            return [("options", "options_date_invalid", _("min or max is not a valid date."))]
        if low is not None and high is not None and low > high:
            return [("options.min", "options_min_above_max", _("min is later than max."))]
        return []

    def context(self, field, name, state):
        context = super().context(field, name, state)
        context["format_hint"] = _("For example, 1980-04-01 or 昭和55年4月1日.")
        return context
