"""Human-readable forms of fact values, by value type."""

from typing import Any

from django.utils.translation import gettext as _

from kiban.jp.phone import format_phone
from kiban.registry.constants import ValueType

BANK_ACCOUNT_TYPES = {"ordinary": "普通", "current": "当座", "savings": "貯蓄"}


def value_display(value_type: str, value: Any) -> str:
    """Return the value as a resident would read it; names are shown exactly as stored."""
    if value in (None, "", [], {}):
        return ""
    if value_type == ValueType.NAME and isinstance(value, dict):
        name = f"{value.get('family', '')} {value.get('given', '')}".strip()
        reading = f"{value.get('family_reading', '')} {value.get('given_reading', '')}".strip()
        return f"{name}（{reading}）" if reading else name
    if value_type == ValueType.ADDRESS and isinstance(value, dict):
        code = value.get("postal_code", "")
        code = f"〒{code[:3]}-{code[3:]} " if len(code) == 7 else ""
        parts = [value.get(k, "") for k in ("prefecture", "city", "town", "street")]
        building = value.get("building", "")
        return f"{code}{''.join(parts)}{' ' + building if building else ''}"
    if value_type == ValueType.BANK_ACCOUNT and isinstance(value, dict):
        kind = BANK_ACCOUNT_TYPES.get(value.get("account_type", ""), value.get("account_type", ""))
        return _("Bank %(bank)s, branch %(branch)s, %(kind)s %(number)s, %(holder)s") % {
            "bank": value.get("bank_code", ""),
            "branch": value.get("branch_code", ""),
            "kind": kind,
            "number": value.get("account_number", ""),
            "holder": value.get("holder", ""),
        }
    if value_type == ValueType.PHONE and isinstance(value, str):
        return format_phone(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    return str(value)
