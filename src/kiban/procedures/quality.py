"""The quality gate: what a version must pass before residents see it, field by field.

Errors block submitting for review and publishing; warnings inform the editor and the
reviewer. Each finding has the JSON path of what it is about, so the builder links it to
the field (``finding_anchor``). The rules (documented in docs/builder.md):

- every text exists in every language the procedure is offered in: title, purpose, step
  titles, field labels and choices always; description, help, error texts, units and item
  labels whenever they exist in any language;
- purpose, legal basis, retention period and contact are set;
- no step is empty or has more than ``MAX_FIELDS_PER_STEP`` fields;
- every sentence of a やさしい日本語 text has at most ``EASY_SENTENCE_MAX`` characters,
  spaces not counted (sentences end at 。！？!? or a line break);
- the definition passes ``validation`` (ids, types, conditions without cycles, prefill
  attributes that exist, My Number only with a legal basis, size limits, no <script);
- prefill only from attributes the owner organisation may read (``attribute_access``);
- every step, rendered in every offered language, passes ``accessibility.check_html``;
- warnings: a field asks for something the registry holds but does not prefill it
  (once only); a field does not say why it is needed, or asks for sensitive data
  (data minimisation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from kiban.procedures.builder import languages_of
from kiban.procedures.findings import ERROR, Finding, QualityFinding
from kiban.procedures.localise import text
from kiban.procedures.quality_accessibility import accessibility_findings
from kiban.procedures.quality_registry import registry_findings
from kiban.procedures.validation import (
    MAX_FIELDS_TOTAL,
    _schema_message,
    procedure_schema,
    structure_findings,
)

MAX_FIELDS_PER_STEP = 15
EASY_SENTENCE_MAX = 30
_SENTENCE_END = re.compile(r"[。！？!?\n]+")
_PATH = re.compile(r"^\$\.steps\[(\d+)\](?:\.fields\[(\d+)\](?:\.fields\[(\d+)\])?)?(.*)$")


def language_name(code: str) -> str:
    names = {"ja": _("Japanese"), "en": _("English"), "ja-easy": _("Easy Japanese")}
    return str(names.get(code, code))


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}['{key}']"


# --- texts -------------------------------------------------------------------------------


def _texts(definition: Mapping[str, Any]) -> Iterator[tuple[str, Any, bool, str]]:
    """Yield (path, localised text or None, required, what) for every text of the definition."""
    yield "$.title", definition.get("title"), True, _("title")
    yield "$.description", definition.get("description"), False, _("description")
    yield "$.purpose", definition.get("purpose"), True, _("purpose")
    for index, step in enumerate(definition.get("steps", [])):
        path = f"$.steps[{index}]"
        yield f"{path}.title", step.get("title"), True, _("step title")
        yield f"{path}.description", step.get("description"), False, _("step description")
        for position, field in enumerate(step.get("fields", [])):
            yield from _field_texts(f"{path}.fields[{position}]", field)
            for sub, subfield in enumerate(field.get("fields") or []):
                yield from _field_texts(f"{path}.fields[{position}].fields[{sub}]", subfield)


def _field_texts(path: str, field: Mapping[str, Any]) -> Iterator[tuple[str, Any, bool, str]]:
    yield f"{path}.label", field.get("label"), True, _("label")
    yield f"{path}.help", field.get("help"), False, _("help text")
    yield f"{path}.error", field.get("error"), False, _("error message")
    options = field.get("options") or {}
    yield f"{path}.options.unit", options.get("unit"), False, _("unit")
    yield f"{path}.options.item_label", options.get("item_label"), False, _("item label")
    for index, choice in enumerate(options.get("choices") or []):
        yield f"{path}.options.choices[{index}].label", choice.get("label"), True, _("choice")


def _text_findings(definition: Mapping[str, Any], languages: list[str]) -> list[QualityFinding]:
    findings = []
    for path, value, required, what in _texts(definition):
        texts = value if isinstance(value, Mapping) else {}
        if not required and not any((texts.get(code) or "").strip() for code in texts):
            continue
        for code in languages:
            if not (texts.get(code) or "").strip():
                findings.append(
                    QualityFinding(
                        _key(path, code),
                        "text_missing",
                        _("The %(what)s has no %(language)s text.")
                        % {"what": what, "language": language_name(code)},
                    )
                )
    return findings


def _easy_findings(definition: Mapping[str, Any], languages: list[str]) -> list[QualityFinding]:
    if "ja-easy" not in languages:
        return []
    findings = []
    for path, value, _required, _what in _texts(definition):
        easy = value.get("ja-easy") if isinstance(value, Mapping) else None
        for sentence in _SENTENCE_END.split(easy or ""):
            length = len(re.sub(r"\s", "", sentence))
            if length > EASY_SENTENCE_MAX:
                findings.append(
                    QualityFinding(
                        _key(path, "ja-easy"),
                        "easy_sentence_long",
                        _(
                            "This やさしい日本語 sentence has %(count)s characters; keep each "
                            "sentence to %(max)s or fewer: %(sentence)s"
                        )
                        % {"count": length, "max": EASY_SENTENCE_MAX, "sentence": sentence},
                    )
                )
                break
    return findings


# --- procedure-wide rules and steps ---------------------------------------------------------


def _policy_findings(definition: Mapping[str, Any]) -> list[QualityFinding]:
    findings = []
    if not (definition.get("legal_basis") or "").strip():
        findings.append(
            QualityFinding(
                "$.legal_basis",
                "legal_basis_missing",
                _("State the legal basis (the law or ordinance, or the resident's consent)."),
            )
        )
    if not definition.get("retention_days"):
        findings.append(
            QualityFinding(
                "$.retention_days",
                "retention_missing",
                _("Set how many days submissions are kept after they are closed."),
            )
        )
    if not (definition.get("contact") or "").strip():
        findings.append(
            QualityFinding(
                "$.contact",
                "contact_missing",
                _("Say whom residents contact with questions (office, phone, hours)."),
            )
        )
    return findings


def _step_findings(definition: Mapping[str, Any]) -> list[QualityFinding]:
    findings = []
    if not definition.get("steps"):
        findings.append(QualityFinding("$.steps", "no_steps", _("Add a step.")))
    for index, step in enumerate(definition.get("steps", [])):
        count = sum(1 + len(f.get("fields") or []) for f in step.get("fields", []))
        if count == 0:
            findings.append(
                QualityFinding(
                    f"$.steps[{index}].fields", "step_empty", _("Add a question to this step.")
                )
            )
        elif count > MAX_FIELDS_PER_STEP:
            findings.append(
                QualityFinding(
                    f"$.steps[{index}].fields",
                    "step_too_long",
                    _("This step has %(count)s fields; split it so no step has more than %(max)s.")
                    % {"count": count, "max": MAX_FIELDS_PER_STEP},
                )
            )
    return findings


# --- the JSON Schema and validation -------------------------------------------------------


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(procedure_schema())


def _covered(path: str, covered: Iterable[str]) -> bool:
    return any(p == path or p.startswith(path + ".") or p.startswith(path + "[") for p in covered)


def _schema_findings(definition: Any, covered: set[str]) -> list[QualityFinding]:
    """Return schema problems the gate's own, clearer findings do not already report."""
    findings = []
    for error in _validator().iter_errors(definition):
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [key for key in error.validator_value if key not in error.instance]
            if all(_covered(_key(error.json_path, key), covered) for key in missing):
                continue
        if error.json_path in covered or (
            error.validator == "minItems" and _covered(error.json_path, covered)
        ):
            continue
        detail = _schema_message(error)
        findings.append(QualityFinding(detail.json_path, "schema", detail.message))
    return findings


def _from_validation(findings: list[Finding]) -> list[QualityFinding]:
    return [QualityFinding(f.path, f.code, f.message) for f in findings]


# --- the gate ------------------------------------------------------------------------------


def quality_findings(
    definition: Any,
    *,
    attributes: Mapping[str, Any],
    readable: set[str],
    check_accessibility: bool = True,
    language: str = "ja",
) -> list[QualityFinding]:
    """Return every finding of the gate for ``definition``, errors first, each with ``where``.

    ``attributes`` maps registry attribute codes to Attribute rows; ``readable`` is the set
    of codes the owner organisation may prefill from.
    """
    if not isinstance(definition, Mapping):
        return [QualityFinding("$", "schema", _("A definition is a JSON object."))]
    total = field_total(definition)
    if total > MAX_FIELDS_TOTAL:
        return [QualityFinding("$.steps", "too_many_fields", _(
            "A procedure may have at most %(max)s fields; this one has %(count)s."
        ) % {"max": MAX_FIELDS_TOTAL, "count": total}, ERROR, _("Procedure settings"))]
    languages = languages_of(definition)
    findings = _text_findings(definition, languages)
    findings += _policy_findings(definition) + _step_findings(definition)
    schema = _schema_findings(definition, {f.path for f in findings})
    findings += schema
    if not schema:
        codes = {code: attribute.value_type for code, attribute in attributes.items()}
        findings += _from_validation(structure_findings(definition, attribute_codes=codes))
    findings += _easy_findings(definition, languages)
    findings += registry_findings(definition, attributes, readable)
    renderable = not schema and not any(f.code in ("field_type_unknown", "too_many_fields")
                                        for f in findings)
    if check_accessibility and renderable:
        findings += accessibility_findings(definition, languages)
    located = [
        QualityFinding(f.path, f.code, f.message, f.severity, where(definition, f.path, language))
        for f in findings
    ]
    return sorted(located, key=lambda f: f.severity != ERROR)


def field_total(definition: Any) -> int:
    """Count the fields (and subfields) of a definition without trusting its shape."""
    steps = definition.get("steps") if isinstance(definition, Mapping) else None
    total = 0
    for step in steps if isinstance(steps, list) else []:
        fields = step.get("fields") if isinstance(step, Mapping) else None
        for field in fields if isinstance(fields, list) else []:
            subfields = field.get("fields") if isinstance(field, Mapping) else None
            total += 1 + (len(subfields) if isinstance(subfields, list) else 0)
    return total


def blocking(findings: Iterable[QualityFinding]) -> list[QualityFinding]:
    """Return the findings that stop a version from going to review or being published."""
    return [finding for finding in findings if finding.severity == ERROR]


# --- where a finding points ------------------------------------------------------------


def locate(path: str) -> tuple[int | None, int | None, int | None, str]:
    """Return (step, field position, subfield position, rest of the path) of a JSON path."""
    match = _PATH.match(path)
    if not match:
        return None, None, None, path[1:] if path.startswith("$") else path
    step, position, sub, rest = match.groups()
    return (
        int(step),
        int(position) if position is not None else None,
        int(sub) if sub is not None else None,
        rest,
    )


def where(definition: Mapping[str, Any], path: str, language: str = "ja") -> str:
    """Return where ``path`` is, as people read it: "Step 2 › 生年月日 › label (en)"."""
    step, position, sub, _rest = locate(path)
    if step is None:
        return _("Procedure settings")
    try:
        step_def = definition["steps"][step]
        parts = [_("Step %(number)s") % {"number": step + 1}]
        if position is not None:
            field = step_def["fields"][position]
            parts.append(text(field.get("label"), language) or field.get("id", ""))
            if sub is not None:
                subfield = field["fields"][sub]
                parts.append(text(subfield.get("label"), language) or subfield.get("id", ""))
    except (KeyError, IndexError, TypeError):
        return path
    return " › ".join(parts)


def anchor(rest: str) -> str:
    """Return the id of the builder input for the tail of a path (".label.en" → "id_label_en")."""
    parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']+)'\]|\[(\d+)\]", rest)
    tokens = [a or b or c for a, b, c in parts]
    if not tokens:
        return ""
    head = tokens[0]
    if head in ("label", "help", "error", "title", "description", "purpose") and len(tokens) > 1:
        return f"id_{head}_{tokens[1].replace('-', '_')}"
    if head == "options" and len(tokens) >= 3 and tokens[1] == "choices":
        language = tokens[4].replace("-", "_") if len(tokens) >= 5 else "value"
        return f"id_choice_{tokens[2]}_{language}"
    if head in ("show_if", "required_if"):
        return head.replace("_", "-")
    if head == "options":
        return "options"
    return f"id_{head}"
