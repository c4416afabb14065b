"""Quality rules about the base registry: who may read what, once only, data minimisation.

See ``kiban.procedures.quality`` for the gate and docs/builder.md for the rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from kiban.procedures.field_types import field_types
from kiban.procedures.findings import WARNING, QualityFinding
from kiban.registry.constants import Sensitivity, ValueType

# Value types the registry holds per person or business that a form should never ask again.
ONCE_ONLY_TYPES = {
    ValueType.NAME, ValueType.ADDRESS, ValueType.PHONE, ValueType.EMAIL,
    ValueType.BANK_ACCOUNT, ValueType.CORPORATE_NUMBER,
}
SENSITIVE_TYPES = {"my_number", "bank_account"}


def _top_fields(definition: Mapping[str, Any]) -> Iterator[tuple[str, dict]]:
    for index, step in enumerate(definition.get("steps", [])):
        for position, field in enumerate(step.get("fields", [])):
            yield f"$.steps[{index}].fields[{position}]", field


def registry_findings(
    definition: Mapping[str, Any], attributes: Mapping[str, Any], readable: set[str]
) -> list[QualityFinding]:
    """Return prefill refusals (errors) and once-only and minimisation warnings."""
    findings = []
    prefilled = {field.get("prefill") for _path, field in _top_fields(definition)}
    for path, field in _top_fields(definition):
        code = field.get("prefill")
        kind = field_types.get(field.get("type", ""))
        if code and code in attributes and code not in readable:
            findings.append(
                QualityFinding(
                    f"{path}.prefill",
                    "prefill_not_allowed",
                    _(
                        "Your organisation may not read %(code)s, which is sensitive. Ask the "
                        "Digital Service Bureau to allow it, with its legal basis, or remove "
                        "the prefill."
                    )
                    % {"code": code},
                )
            )
        if not code and kind is not None and kind.value_type in ONCE_ONLY_TYPES:
            held = sorted(
                c for c, a in attributes.items()
                if a.value_type == kind.value_type and c in readable and c not in prefilled
            )
            if held:
                findings.append(
                    QualityFinding(
                        f"{path}.prefill",
                        "once_only",
                        _(
                            "The registry already holds this (%(codes)s). Prefill the field "
                            "so residents do not type it again."
                        )
                        % {"codes": ", ".join(held)},
                        WARNING,
                    )
                )
        findings += _minimisation_findings(path, field, attributes.get(code or ""))
    return findings


def _minimisation_findings(path: str, field: Mapping[str, Any], attribute) -> list[QualityFinding]:
    findings = []
    if not (field.get("need") or "").strip():
        findings.append(
            QualityFinding(
                f"{path}.need",
                "need_missing",
                _("Say why the procedure needs this answer (data minimisation)."),
                WARNING,
            )
        )
    sensitive = field.get("type") in SENSITIVE_TYPES or (
        attribute is not None and attribute.sensitivity == Sensitivity.SENSITIVE
    )
    if sensitive:
        findings.append(
            QualityFinding(
                f"{path}.need",
                "sensitive_data",
                _(
                    "This asks for sensitive personal data. Ask for it only if the stated "
                    "purpose needs it, and keep it no longer than needed."
                ),
                WARNING,
            )
        )
    return findings
