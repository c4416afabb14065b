"""A person's name: family and given name (姓・名) with their readings (セイ・メイ).

Names are stored exactly as typed (only spaces at the ends are dropped): no NFC, no NFKC,
so 髙, 﨑, 𠮷 and 神 (U+FA19) round-trip. Readings typed in hiragana or half-width katakana
become full-width katakana silently. Comparison uses ``kiban.jp.names.name_search_key`` on
a copy (``match_key``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kiban.jp.errors import JpValueError
from kiban.jp.kana import normalise_reading
from kiban.jp.names import name_search_key
from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    clean_text,
    field_types,
    part,
)
from kiban.registry.constants import ValueType

MAX_LENGTH = 100
PARTS = ("family", "given", "family_reading", "given_reading")


@field_types.register("name")
class NameField(FieldType):
    """Family name, given name and, unless ``readings`` is false, their readings."""

    value_type = ValueType.NAME
    template = "procedures/fields/name.html"
    suffixes = ("-family", "-given", "-family_reading", "-given_reading")
    options_schema = {
        "type": "object",
        "properties": {"readings": {"type": "boolean"}},
        "additionalProperties": False,
    }

    @staticmethod
    def wants_readings(field: dict) -> bool:
        return (field.get("options") or {}).get("readings", True)

    def parse(self, field, data, files, name):
        typed = {key: data.get(f"{name}-{key}", "") for key in PARTS}
        if not any(value.strip() for value in typed.values()):
            return ParsedValue(None)
        value = {
            "family": clean_text(typed["family"], max_length=MAX_LENGTH),
            "given": clean_text(typed["given"], max_length=MAX_LENGTH),
        }
        if not value["family"]:
            raise FieldError("name_family_missing", _("Enter the family name (姓)."))
        if self.wants_readings(field):
            value["family_reading"] = self._reading(typed["family_reading"], family=True)
            value["given_reading"] = self._reading(typed["given_reading"], family=False)
        return ParsedValue(value)

    @staticmethod
    def _reading(typed: str, *, family: bool) -> str:
        typed = clean_text(typed, max_length=MAX_LENGTH)
        if not typed:
            if family:
                raise FieldError(
                    "reading_family_missing", _("Enter the reading of the family name (セイ).")
                )
            return ""
        try:
            return normalise_reading(typed)
        except JpValueError as error:
            raise FieldError(
                "reading_not_kana",
                _("Write the reading in katakana or hiragana only; remove %(chars)s.")
                % {"chars": error.params.get("chars", "")},
            ) from None

    def raw_from_value(self, field, value):
        if not isinstance(value, dict):
            return {}
        return {f"-{key}": value.get(key, "") or "" for key in PARTS}

    def display(self, field, value, language):
        if not isinstance(value, dict):
            return ""
        full = " ".join(v for v in (value.get("family"), value.get("given")) if v)
        reading = " ".join(
            v for v in (value.get("family_reading"), value.get("given_reading")) if v
        )
        return f"{full}（{reading}）" if reading else full

    def from_fact(self, field, fact_value):
        if not isinstance(fact_value, dict):
            return None
        return {key: fact_value.get(key, "") for key in PARTS}

    def match_key(self, value):
        if not isinstance(value, dict):
            return ""
        return name_search_key(f"{value.get('family', '')}{value.get('given', '')}")

    def context(self, field, name, state):
        return {
            "parts": {key: part(name, f"-{key}", state.raw) for key in PARTS},
            "readings": self.wants_readings(field),
        }
