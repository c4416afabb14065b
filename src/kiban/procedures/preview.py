"""Show a draft as a resident would see it, with a made-up test resident's registry data.

The preview never reads a real person's facts: every prefilled value comes from
``SAMPLE_FACTS`` below (見本 花子, living at the Tokyo Metropolitan Government Building),
converted by each field type exactly as the apply flow converts real facts.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import override

from kiban.procedures.field_types import field_types
from kiban.procedures.rendering import render_step

SAMPLE_FACTS: dict[str, Any] = {
    "person.name": {
        "family": "見本", "given": "花子", "family_reading": "ミホン", "given_reading": "ハナコ",
    },
    "person.birth_date": "1985-04-12",
    "person.sex": "female",
    "person.address": {
        "postal_code": "1638001", "prefecture": "東京都", "city": "新宿区", "town": "西新宿",
        "street": "2-8-1", "building": "", "key": "",
    },
    "person.phone": "0353211111",
    "person.email": "mihon.hanako@example.jp",
    "person.bank_account": {
        "bank_code": "0001", "branch_code": "001", "account_type": "ordinary",
        "account_number": "1234567", "holder": "ミホン ハナコ",
    },
    "person.household_size": "3",
    "business.name": "見本商事株式会社",
    "business.corporate_number": "8000020130001",
    "business.address": {
        "postal_code": "1000005", "prefecture": "東京都", "city": "千代田区", "town": "丸の内",
        "street": "1-1-1", "building": "見本ビル 12階", "key": "",
    },
    "business.phone": "0352111111",
    "business.employees": "25",
}


def sample_answers(definition: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict]]:
    """Return (answers, prefill notices) a test resident would start ``definition`` with."""
    answers, prefill = {}, {}
    today = timezone.localdate().isoformat()
    for step in definition.get("steps", []):
        for field in step.get("fields", []):
            code = field.get("prefill")
            kind = field_types.get(field.get("type", ""))
            if not code or code not in SAMPLE_FACTS or kind is None:
                continue
            value = kind.from_fact(field, copy.deepcopy(SAMPLE_FACTS[code]))
            if value is None:
                continue
            answers[field["id"]] = value
            prefill[field["id"]] = {
                "source": _("Test resident (sample data)"), "recorded_at": today,
                "attribute": code, "method": "verified",
            }
    return answers, prefill


def without_conditions(definition: Mapping[str, Any]) -> dict:
    """Return a copy of ``definition`` in which every step and field is shown."""
    shown = copy.deepcopy(dict(definition))
    for step in shown.get("steps", []):
        step.pop("show_if", None)
        for field in step.get("fields", []):
            field.pop("show_if", None)
    return shown


def every_field_in_error(definition: Mapping[str, Any], step_index: int) -> dict[str, str]:
    """Return an error message for every field of a step, to check the error markup."""
    fields = definition["steps"][step_index].get("fields", [])
    return {field["id"]: _("Error:") for field in fields}


def step_html(
    definition: Mapping[str, Any], step_index: int, language: str, *, with_errors: bool
) -> SafeString:
    """Return the fields of one step as a resident sees them (all shown), for checking."""
    with override(language):
        return render_step(
            definition,
            step_index,
            {},
            language,
            errors=every_field_in_error(definition, step_index) if with_errors else None,
        )
