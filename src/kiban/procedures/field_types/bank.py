"""A Japanese bank account (振込先口座) for payments to the resident.

Bank code 4 digits, branch code 3 digits, account type (普通 ordinary, 当座 current,
貯蓄 savings), account number up to 7 digits (padded with zeros to 7, as banks print it)
and the holder's name in katakana (口座名義カナ). Digits may be typed in either width;
hiragana and half-width katakana become full-width katakana.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from kiban.jp.kana import to_katakana
from kiban.jp.width import fold_width
from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    clean_text,
    field_types,
    part,
)
from kiban.registry.constants import ValueType

ACCOUNT_TYPES = {
    "ordinary": gettext_lazy("Ordinary (普通)"),
    "current": gettext_lazy("Current (当座)"),
    "savings": gettext_lazy("Savings (貯蓄)"),
}
KEYS = ("bank_code", "branch_code", "account_type", "account_number", "holder")
_SPACES = re.compile(r"\s+")
# Characters banks accept in a holder name (全銀協 characters): katakana, A-Z, digits, ( ) . - /
_HOLDER = re.compile(r"[\u30a1-\u30fa\u30fc A-Z0-9().\-/,]+")
_DIGIT_RULES = {
    "bank_code": (4, 4, gettext_lazy("Enter the 4-digit bank code.")),
    "branch_code": (3, 3, gettext_lazy("Enter the 3-digit branch code.")),
    "account_number": (1, 7, gettext_lazy("Enter the account number (up to 7 digits).")),
}


def _digits(key: str, typed: str) -> str:
    low, high, message = _DIGIT_RULES[key]
    digits = _SPACES.sub("", fold_width(typed)).replace("-", "")
    if not (digits.isascii() and digits.isdigit() and low <= len(digits) <= high):
        raise FieldError(f"bank_{key}", str(message))
    return digits.zfill(high)


def _holder(typed: str) -> str:
    holder = _SPACES.sub(" ", to_katakana(fold_width(clean_text(typed, max_length=100)))).upper()
    if not holder:
        raise FieldError("bank_holder_missing", _("Enter the account holder's name in katakana."))
    if not _HOLDER.fullmatch(holder):
        raise FieldError(
            "bank_holder_kana",
            _("Write the account holder's name in katakana, as printed in your bankbook."),
        )
    return holder


@field_types.register("bank_account")
class BankAccountField(FieldType):
    """A bank account; the value holds the five parts as strings."""

    value_type = ValueType.BANK_ACCOUNT
    template = "procedures/fields/bank_account.html"
    suffixes = tuple(f"-{key}" for key in KEYS)
    allowed_in_group = False
    options_schema = {"type": "object", "additionalProperties": False}

    def parse(self, field, data, files, name):
        typed = {key: data.get(f"{name}-{key}", "") for key in KEYS}
        if not any(value.strip() for value in typed.values()):
            return ParsedValue(None)
        value = {key: _digits(key, typed[key]) for key in _DIGIT_RULES}
        if typed["account_type"] not in ACCOUNT_TYPES:
            raise FieldError("bank_account_type", _("Select the account type."))
        value["account_type"] = typed["account_type"]
        value["holder"] = _holder(typed["holder"])
        return ParsedValue({key: value[key] for key in KEYS})

    def raw_from_value(self, field, value):
        if not isinstance(value, dict):
            return {}
        return {f"-{key}": str(value.get(key, "") or "") for key in KEYS}

    def display(self, field, value, language):
        if not isinstance(value, dict):
            return ""
        with override(language):
            kind = str(ACCOUNT_TYPES.get(value.get("account_type"), value.get("account_type")))
            return _("Bank %(bank)s, branch %(branch)s, %(kind)s %(number)s, %(holder)s") % {
                "bank": value.get("bank_code", ""),
                "branch": value.get("branch_code", ""),
                "kind": kind,
                "number": value.get("account_number", ""),
                "holder": value.get("holder", ""),
            }

    def from_fact(self, field, fact_value):
        if not isinstance(fact_value, dict):
            return None
        return {key: str(fact_value.get(key, "") or "") for key in KEYS}

    def match_key(self, value):
        if not isinstance(value, dict):
            return ""
        return "-".join(str(value.get(key, "")) for key in KEYS[:4])

    def required_message(self, field):
        return _("Enter the bank account details.")

    def context(self, field, name, state):
        parts = {key: part(name, f"-{key}", state.raw) for key in KEYS}
        current = parts["account_type"]["value"]
        return {
            "parts": parts,
            "account_types": [
                {
                    "id": f"{name}-account_type-{code}",
                    "value": code,
                    "label": str(label),
                    "checked": code == current,
                }
                for code, label in ACCOUNT_TYPES.items()
            ],
        }
