"""A repeating group of subfields, such as one row per child, that works without JavaScript.

Row ``i`` posts its subfields as ``<name>-<i>-<subfield id>``; a hidden ``<name>-count``
says how many rows the page showed. The submit buttons ``<name>-add`` and
``<name>-remove-<i>`` add or remove a row: the page is re-rendered from the raw inputs with
the rows shifted, and nothing typed is lost. Rows left completely blank are ignored. The
value is a list of dicts, one per row, keyed by subfield id.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    RenderState,
    RowErrors,
    field_label,
    field_types,
    required_error,
)
from kiban.procedures.localise import text

DEFAULT_MAX_ITEMS = 10
LIMIT_MAX_ITEMS = 50


def _options(field: dict) -> dict[str, Any]:
    return field.get("options") or {}


def _subfields(field: dict) -> list[dict]:
    return field.get("fields") or []


def _limits(field: dict) -> tuple[int, int]:
    options = _options(field)
    return options.get("min_items", 0), min(
        options.get("max_items", DEFAULT_MAX_ITEMS), LIMIT_MAX_ITEMS
    )


def _posted_count(field: dict, data: Any, name: str) -> int:
    try:
        count = int(data.get(f"{name}-count", "0"))
    except ValueError:
        return 0
    return max(0, min(count, _limits(field)[1]))


def _removed(field: dict, data: Any, name: str) -> int | None:
    for index in range(_limits(field)[1]):
        if f"{name}-remove-{index}" in data:
            return index
    return None


@field_types.register("group")
class GroupField(FieldType):
    """Rows of subfields; options ``min_items``, ``max_items`` and ``item_label``."""

    template = "procedures/fields/group.html"
    allowed_in_group = False
    suffixes = ("-0",)
    options_schema = {
        "type": "object",
        "properties": {
            "min_items": {"type": "integer", "minimum": 0, "maximum": LIMIT_MAX_ITEMS},
            "max_items": {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX_ITEMS},
            "item_label": {"$ref": "#/$defs/localised"},
        },
        "additionalProperties": False,
    }

    def action(self, field, data, name):
        if f"{name}-add" in data:
            return f"{name}-add"
        removed = _removed(field, data, name)
        return None if removed is None else f"{name}-remove-{removed}"

    def _row_raw(self, field: dict, data: Any, row_name: str) -> dict[str, str]:
        """Return row inputs keyed relative to the row prefix: {"name-family": "山田"}."""
        raw: dict[str, str] = {}
        for sub in _subfields(field):
            sub_name = f"{row_name}-{sub['id']}"
            for full, value in field_types[sub["type"]].raw_from_data(sub, data, sub_name).items():
                raw[full[len(row_name) + 1 :]] = value
        return raw

    def raw_from_data(self, field, data, name):
        rows = [
            self._row_raw(field, data, f"{name}-{i}")
            for i in range(_posted_count(field, data, name))
        ]
        removed = _removed(field, data, name)
        if removed is not None and removed < len(rows):
            del rows[removed]
        if f"{name}-add" in data and len(rows) < _limits(field)[1]:
            rows.append({})
        return self._flatten(name, rows)

    @staticmethod
    def _flatten(name: str, rows: list[dict[str, str]]) -> dict[str, str]:
        raw = {f"{name}-count": str(len(rows))}
        for index, row in enumerate(rows):
            raw.update({f"{name}-{index}-{key}": value for key, value in row.items()})
        return raw

    def parse(self, field, data, files, name):
        rows, details, warnings = [], {}, []
        for index in self._filled_rows(field, data, name):
            row, row_errors, row_warnings = self._parse_row(field, data, files, f"{name}-{index}")
            details.update({f"{index}.{key}": message for key, message in row_errors.items()})
            warnings.extend(f"{index + 1}: {warning}" for warning in row_warnings)
            if not row_errors:
                rows.append(row)
        if self.action(field, data, name) is not None:
            return ParsedValue(rows or None)  # A row added or removed: no complaints yet.
        if details:
            raise RowErrors(
                "group_rows",
                _("Check the answers marked below in %(label)s.") % {"label": field_label(field)},
                details,
            )
        low = _limits(field)[0]
        if rows and len(rows) < low:
            raise FieldError("group_too_few", _("Fill in at least %(min)s entries.") % {"min": low})
        return ParsedValue(rows or None, warnings)

    def _filled_rows(self, field: dict, data: Any, name: str) -> list[int]:
        """Return the indices of posted rows that are not blank and not being removed."""
        removed = _removed(field, data, name)
        return [
            index
            for index in range(_posted_count(field, data, name))
            if index != removed
            and any(v.strip() for v in self._row_raw(field, data, f"{name}-{index}").values())
        ]

    def _parse_row(self, field, data, files, row_name) -> tuple[dict, dict, list[str]]:
        """Return one row's values, its errors by subfield id and its warnings."""
        row, errors, warnings = {}, {}, []
        for sub in _subfields(field):
            kind = field_types[sub["type"]]
            try:
                parsed = kind.parse(sub, data, files, f"{row_name}-{sub['id']}")
            except FieldError as error:
                errors[sub["id"]] = error.message
                continue
            if parsed.value is None and sub.get("required"):
                errors[sub["id"]] = required_error(sub)
            row[sub["id"]] = parsed.value
            warnings.extend(parsed.warnings)
        return row, errors, warnings

    def raw_from_value(self, field, value):
        rows = value if isinstance(value, list) else []
        count = max(len(rows), _limits(field)[0], 1)
        raw = {"-count": str(count)}
        for index, row in enumerate(rows):
            for sub in _subfields(field):
                sub_raw = field_types[sub["type"]].raw_from_value(sub, row.get(sub["id"]))
                raw.update({f"-{index}-{sub['id']}{s}": v for s, v in sub_raw.items()})
        return raw

    def item_label(self, field: dict, language: str) -> str:
        with override(language):
            return text(_options(field).get("item_label"), language) or _("Entry")

    def display(self, field, value, language):
        if not isinstance(value, list):
            return ""
        ja = language.startswith("ja")
        colon, comma, opening, closing = ("：", "、", "（", "）") if ja else (": ", "; ", " (", ")")
        item, lines = self.item_label(field, language), []
        for index, row in enumerate(value, start=1):
            answers = [
                text(sub.get("label"), language)
                + colon
                + field_types[sub["type"]].display(sub, row.get(sub["id"]), language)
                for sub in _subfields(field)
                if row.get(sub["id"]) is not None
            ]
            lines.append(f"{item} {index}{opening}{comma.join(answers)}{closing}")
        return "\n".join(lines)

    def required_message(self, field):
        return _("Fill in at least one entry for %(label)s.") % {"label": field_label(field)}

    def check_options(self, field):
        low, high = _limits(field)
        if low > high:
            return [
                (
                    "options.min_items",
                    "options_min_above_max",
                    _("min_items is greater than max_items."),
                )
            ]
        return []

    def context(self, field, name, state: RenderState):
        low, high = _limits(field)
        count = int(state.raw.get(f"{name}-count") or max(low, 1))
        item = self.item_label(field, state.language)
        rows = [
            {
                "legend": f"{item} {index + 1}",
                "remove": {
                    "name": f"{name}-remove-{index}",
                    "label": _("Remove %(item)s") % {"item": f"{item} {index + 1}"},
                }
                if count > max(low, 1)
                else None,
                "fields": [
                    state.render(
                        sub, f"{name}-{index}-{sub['id']}", f"{field['id']}.{index}.{sub['id']}"
                    )
                    for sub in _subfields(field)
                ],
            }
            for index in range(count)
        ]
        add = {"name": f"{name}-add", "label": _("Add another %(item)s") % {"item": item}}
        return {
            "rows": rows,
            "count": {"name": f"{name}-count", "value": count},
            "add": add if count < high else None,
        }
