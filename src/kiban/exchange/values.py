"""Check a published value against its attribute, with the field type a procedure would use.

A bureau system publishes a value in the form the base registry stores it (the form `GET
…/facts` returns). It is checked and normalised exactly as a resident's answer would be, by
parsing it back through the field type of the attribute's value type.
"""

from __future__ import annotations

from typing import Any

from kiban.procedures.field_types import field_types
from kiban.procedures.field_types.base import FieldError
from kiban.registry.constants import ValueType

#: The field type that parses each value type, and whether its value is an object.
FIELD_TYPE = {
    ValueType.TEXT: ("text", False),
    ValueType.NAME: ("name", True),
    ValueType.ADDRESS: ("postal_address", True),
    ValueType.PHONE: ("phone", False),
    ValueType.EMAIL: ("email", False),
    ValueType.DATE: ("date", False),
    ValueType.BANK_ACCOUNT: ("bank_account", True),
    ValueType.CORPORATE_NUMBER: ("corporate_number", False),
}
MAX_TEXT = 300
NAME = "value"


class ValueInvalid(ValueError):
    pass


def _shape_checked(value: Any, is_object: bool) -> None:
    if is_object:
        if not isinstance(value, dict) or not value:
            raise ValueInvalid("the value must be an object")
        if any(not isinstance(v, str | None) or len(v or "") > MAX_TEXT for v in value.values()):
            raise ValueInvalid(f"every part of the value must be text of {MAX_TEXT} or fewer "
                               "characters")
    elif not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise ValueInvalid(f"the value must be text of 1 to {MAX_TEXT} characters")


def value_parse(value_type: str, value: Any) -> tuple[Any, str]:
    """Return (the value to store, its match key), or raise ValueInvalid saying why."""
    if value_type not in FIELD_TYPE:
        raise ValueInvalid(f"values of type {value_type} cannot be published")
    kind_name, is_object = FIELD_TYPE[value_type]
    _shape_checked(value, is_object)
    kind = field_types[kind_name]
    field = {"id": NAME, "type": kind_name, "label": {"ja": NAME, "en": NAME}, "required": True}
    data = {NAME + suffix: text for suffix, text in kind.raw_from_value(field, value).items()}
    try:
        parsed = kind.parse(field, data, {}, NAME).value
    except FieldError as error:
        raise ValueInvalid(f"{error.code}: {error.message}") from None
    if parsed is None:
        raise ValueInvalid("the value is empty")
    return kind.to_fact(field, parsed), kind.match_key(parsed)
