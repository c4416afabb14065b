"""Conditions as the builder shows them: clauses of (field, operator, value), no JSON.

A condition is one clause or several combined with "all" (and) or "any" (or). Each clause
becomes a JSON Logic rule that ``kiban.procedures.logic`` evaluates; ``from_rule`` reads the
rules the builder writes back into clauses, and reports any other rule (from an imported
file) as not editable here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kiban.jp.era import parse_date
from kiban.jp.errors import JpValueError
from kiban.procedures.field_types.choices import choices_of
from kiban.procedures.localise import text

# operator code: (label, JSON Logic operator, takes a value)
OPERATORS: dict[str, tuple[Any, str, bool]] = {
    "equals": (gettext_lazy("is"), "==", True),
    "not_equals": (gettext_lazy("is not"), "!=", True),
    "answered": (gettext_lazy("is answered"), "!!", False),
    "not_answered": (gettext_lazy("is not answered"), "!", False),
    "greater": (gettext_lazy("is more than"), ">", True),
    "at_least": (gettext_lazy("is at least"), ">=", True),
    "less": (gettext_lazy("is less than"), "<", True),
    "at_most": (gettext_lazy("is at most"), "<=", True),
    "includes": (gettext_lazy("includes"), "in", True),
}
_BY_LOGIC = {logic: code for code, (_label, logic, _value) in OPERATORS.items()}
# Field types a condition can read, and the parts of composite types it can read.
READABLE_TYPES = {
    "text", "long_text", "number", "yes_no", "choice", "multi_choice", "date", "email", "phone",
    "corporate_number",
}
READABLE_PARTS = {"postal_address": ("prefecture", "city")}
ORDERED_TYPES = {"number", "date"}


@dataclass(frozen=True)
class Clause:
    """One comparison: the answer at ``path`` (a field id, or id.part) against ``value``."""

    path: str
    operator: str
    value: Any = None


@dataclass(frozen=True)
class Source:
    """A field (or part of one) a condition may read, as the builder offers it."""

    path: str
    label: str
    field: dict
    part: str = ""

    @property
    def kind(self) -> str:
        return "text" if self.part else self.field["type"]


def clause_rule(clause: Clause) -> dict:
    """Return the JSON Logic rule of one clause."""
    logic = OPERATORS[clause.operator][1]
    var = {"var": clause.path}
    if logic in ("!!", "!"):
        return {logic: [var]}
    if logic == "in":
        return {"in": [clause.value, var]}
    return {logic: [var, clause.value]}


def to_rule(clauses: list[Clause], combine: str = "all") -> dict | None:
    """Return the rule of ``clauses`` combined with "all" or "any"; None when empty."""
    rules = [clause_rule(clause) for clause in clauses]
    if not rules:
        return None
    if len(rules) == 1:
        return rules[0]
    return {"and" if combine == "all" else "or": rules}


def _var(rule: Any) -> str | None:
    if isinstance(rule, dict) and set(rule) == {"var"}:
        args = rule["var"]
        path = args[0] if isinstance(args, list) and len(args) == 1 else args
        return path if isinstance(path, str) else None
    return None


def _clause(rule: Any) -> Clause | None:
    if not isinstance(rule, dict) or len(rule) != 1:
        return None
    ((logic, args),) = rule.items()
    operator = _BY_LOGIC.get(logic)
    args = args if isinstance(args, list) else [args]
    if operator is None:
        return None
    if logic in ("!!", "!"):
        path = _var(args[0]) if len(args) == 1 else None
        return Clause(path, operator) if path else None
    if len(args) != 2:
        return None
    if logic == "in":
        value, path = args[0], _var(args[1])
    else:
        path, value = _var(args[0]), args[1]
    if path is None or isinstance(value, dict | list):
        return None
    return Clause(path, operator, value)


def from_rule(rule: Any) -> tuple[str, list[Clause]] | None:
    """Return ("all"/"any", clauses) of a rule the builder can edit; None for any other rule."""
    if rule is None:
        return "all", []
    if isinstance(rule, dict) and len(rule) == 1 and next(iter(rule)) in ("and", "or"):
        ((logic, parts),) = rule.items()
        clauses = [_clause(part) for part in parts] if isinstance(parts, list) else [None]
        if not clauses or None in clauses:
            return None
        return ("all" if logic == "and" else "any"), clauses  # type: ignore[return-value]
    clause = _clause(rule)
    return ("all", [clause]) if clause else None


def sources(
    definition: Mapping[str, Any], step: int, own_id: str | None, *, same_step: bool, language: str
) -> list[Source]:
    """Return what a condition at ``step`` may read: earlier steps, or also its own step.

    ``same_step`` is for ``required_if``, checked after the step is posted; ``show_if`` is
    decided before the step is shown and reads only earlier steps.
    """
    found = []
    for index, step_def in enumerate(definition.get("steps", [])):
        if index > step or (index == step and not same_step):
            break
        for field in step_def.get("fields", []):
            if field.get("id") == own_id:
                continue
            label = text(field.get("label"), language) or field["id"]
            if field["type"] in READABLE_TYPES:
                found.append(Source(field["id"], label, field))
            for part in READABLE_PARTS.get(field["type"], ()):
                found.append(
                    Source(f"{field['id']}.{part}", f"{label} — {part_label(part)}", field, part)
                )
    return found


def part_label(part: str) -> str:
    labels = {"prefecture": _("prefecture"), "city": _("city")}
    return str(labels.get(part, part))


def coerce(source: Source, operator: str, raw: str) -> Any:
    """Return the value typed for ``source`` as the answers hold it, or raise ValueError."""
    if not OPERATORS[operator][2]:
        return None
    raw = raw.strip()
    if not raw:
        raise ValueError(_("Enter the value to compare with."))
    kind = source.kind
    if operator in ("greater", "at_least", "less", "at_most") and kind not in ORDERED_TYPES:
        raise ValueError(_("Only numbers and dates can be compared as more or less."))
    if operator == "includes" and kind != "multi_choice":
        raise ValueError(_("'includes' is for questions with several answers."))
    if kind == "yes_no":
        return _yes_no(raw)
    if kind == "number":
        return _number(raw)
    if kind == "date":
        return _date(raw)
    if kind in ("choice", "multi_choice"):
        return _choice(source.field, raw)
    return raw


def _yes_no(raw: str) -> bool:
    folded = raw.lower()
    if folded in ("yes", "true", "はい"):
        return True
    if folded in ("no", "false", "いいえ"):
        return False
    raise ValueError(_("Enter yes or no."))


def _number(raw: str) -> int | float:
    try:
        number = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("Enter a number, for example 12.")) from None
    return int(number) if number == number.to_integral_value() else float(number)


def _date(raw: str) -> str:
    try:
        return parse_date(raw).isoformat()
    except (JpValueError, ValueError):
        raise ValueError(_("Enter a date like 2024-04-01 or 令和6年4月1日.")) from None


def _choice(field: dict, raw: str) -> str:
    for choice in choices_of(field):
        labels = (choice.get("label") or {}).values()
        if raw == choice.get("value") or raw in labels:
            return choice["value"]
    values = ", ".join(choice.get("value", "") for choice in choices_of(field))
    raise ValueError(_("Enter one of the choices: %(values)s.") % {"values": values})


def shown_value(source: Source | None, value: Any, language: str) -> str:
    """Return ``value`` as the editor reads it: a choice's label, yes/no, a date."""
    if value is None:
        return ""
    if source is not None and source.kind in ("choice", "multi_choice"):
        for choice in choices_of(source.field):
            if choice.get("value") == value:
                return text(choice.get("label"), language)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def describe(rule: Any, definition: Mapping[str, Any], language: str) -> str:
    """Return a condition in words, e.g. "婚姻状況 is 既婚 and 子の数 is at least 1"."""
    parsed = from_rule(rule)
    if parsed is None:
        return _("A condition written outside the builder.")
    combine, clauses = parsed
    labels = {
        source.path: source
        for source in sources(definition, 10**6, None, same_step=True, language=language)
    }
    words = []
    for clause in clauses:
        source = labels.get(clause.path)
        name = source.label if source else clause.path
        phrase = f"{name} {OPERATORS[clause.operator][0]}"
        if OPERATORS[clause.operator][2]:
            phrase += f" {shown_value(source, clause.value, language)}"
        words.append(phrase)
    joiner = _("and") if combine == "all" else _("or")
    return f" {joiner} ".join(words)
