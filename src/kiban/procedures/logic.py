"""Evaluate conditions written in a safe subset of JSON Logic (https://jsonlogic.com).

A rule is JSON: a literal, a list of rules, or an object with exactly one operator key.
Only the operators in ``OPERATORS`` exist; anything else raises ``LogicError``, so a
definition can never call into Python. ``var`` takes a literal, dotted field id
(``"address.prefecture"``, ``"children.0.age"``), which keeps rules analysable: see
``referenced_fields``. Rules are evaluated on the server; a browser may run the same rules
with json-logic-js for convenience, never as the only check.

No Django here: this module is pure and tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

#: Deepest nesting accepted, so a hostile definition cannot exhaust the stack.
MAX_DEPTH = 32


class LogicError(ValueError):
    """Report a rule that is not in the supported subset of JSON Logic."""


def truthy(value: Any) -> bool:
    """Return the truth of ``value`` as JSON Logic sees it: [] is false, "0" is true."""
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, str):
        return value != ""
    if isinstance(value, Mapping):
        return True  # An object is true in JavaScript, even an empty one.
    return bool(value) if value is not None else False


def _number(value: Any) -> Decimal | None:
    """Return ``value`` as a Decimal if it is a number or a numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _equal(a: Any, b: Any) -> bool:
    """Compare like JSON Logic's ``==``, but without JavaScript's surprising coercions.

    Numbers equal numeric strings of the same value (form inputs arrive as text); booleans
    equal only booleans; everything else compares by value.
    """
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    left, right = _number(a), _number(b)
    if left is not None and right is not None and not (isinstance(a, str) and isinstance(b, str)):
        return left == right
    return a == b


def _ordered(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Return ``a`` and ``b`` in a comparable form, or None if they cannot be ordered."""
    if isinstance(a, str) and isinstance(b, str):
        left, right = _number(a), _number(b)
        # Two strings order as text (ISO dates compare correctly) unless both are numbers.
        return (left, right) if left is not None and right is not None else (a, b)
    left, right = _number(a), _number(b)
    return (left, right) if left is not None and right is not None else None


def _compare(holds: Callable[[Any, Any], bool]) -> Callable[[list[Any]], bool]:
    def compare(args: list[Any]) -> bool:
        if len(args) not in (2, 3):
            raise LogicError("A comparison takes two values, or three for 'between'.")
        pairs = zip(args, args[1:], strict=False)
        for a, b in pairs:
            ordered = _ordered(a, b)
            if ordered is None or not holds(*ordered):
                return False
        return True

    return compare


def _in(args: list[Any]) -> bool:
    if len(args) != 2:
        raise LogicError("'in' takes a value and a list or a string.")
    needle, haystack = args
    if isinstance(haystack, list):
        return any(_equal(needle, item) for item in haystack)
    if isinstance(haystack, str) and isinstance(needle, str):
        return needle in haystack
    return False


def _pair(function: Callable[[Any, Any], bool]) -> Callable[[list[Any]], bool]:
    def apply(args: list[Any]) -> bool:
        if len(args) != 2:
            raise LogicError("This operator takes exactly two values.")
        return function(*args)

    return apply


def _single(function: Callable[[Any], bool]) -> Callable[[list[Any]], bool]:
    def apply(args: list[Any]) -> bool:
        if len(args) != 1:
            raise LogicError("This operator takes exactly one value.")
        return function(args[0])

    return apply


# Operators whose arguments are all evaluated first. `and`, `or` and `var` are special forms.
_EAGER: dict[str, Callable[[list[Any]], Any]] = {
    "==": _pair(_equal),
    "!=": _pair(lambda a, b: not _equal(a, b)),
    "<": _compare(lambda a, b: a < b),
    "<=": _compare(lambda a, b: a <= b),
    ">": _compare(lambda a, b: a > b),
    ">=": _compare(lambda a, b: a >= b),
    "!": _single(lambda a: not truthy(a)),
    "!!": _single(truthy),
    "in": _in,
}

#: Every operator the evaluator knows.
OPERATORS: frozenset[str] = frozenset(_EAGER) | {"var", "and", "or"}


def _operation(rule: Mapping[str, Any]) -> tuple[str, list[Any]]:
    if len(rule) != 1:
        raise LogicError("An operation is an object with exactly one operator key.")
    ((operator, args),) = rule.items()
    if operator not in OPERATORS:
        raise LogicError(f"Unknown operator {operator!r}.")
    return operator, args if isinstance(args, list) else [args]


def _var_path(args: list[Any]) -> tuple[str, Any]:
    """Return the dotted path and the default of a ``var`` operation."""
    if not args or len(args) > 2 or not isinstance(args[0], str) or not args[0]:
        raise LogicError("'var' takes a literal field id and an optional default.")
    default = args[1] if len(args) == 2 else None
    if isinstance(default, dict | list):
        raise LogicError("The default of 'var' must be a literal value.")
    return args[0], default


def _lookup(data: Any, path: str, default: Any) -> Any:
    value = data
    for key in path.split("."):
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return default
    return default if value is None else value


def _evaluate(rule: Any, data: Mapping[str, Any], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise LogicError(f"Rules may nest at most {MAX_DEPTH} levels deep.")
    if isinstance(rule, list):
        return [_evaluate(item, data, depth + 1) for item in rule]
    if not isinstance(rule, Mapping):
        return rule
    operator, args = _operation(rule)
    if operator == "var":
        return _lookup(data, *_var_path(args))
    if operator in ("and", "or"):
        return _short_circuit(operator, args, data, depth)
    return _EAGER[operator]([_evaluate(arg, data, depth + 1) for arg in args])


def _short_circuit(operator: str, args: list[Any], data: Mapping[str, Any], depth: int) -> Any:
    """Return the first operand that decides ``and``/``or``, as JSON Logic does."""
    if not args:
        raise LogicError(f"'{operator}' takes at least one value.")
    value = None
    for arg in args:
        value = _evaluate(arg, data, depth + 1)
        if truthy(value) == (operator == "or"):
            return value
    return value


def evaluate(rule: Any, data: Mapping[str, Any]) -> Any:
    """Return the value of ``rule`` for the answers in ``data``; raise LogicError if invalid."""
    return _evaluate(rule, data, 0)


def holds(rule: Any, data: Mapping[str, Any]) -> bool:
    """Return whether the condition ``rule`` is true for ``data``; a missing rule holds."""
    return True if rule is None else truthy(evaluate(rule, data))


def _walk_vars(rule: Any, depth: int) -> set[str]:
    if depth > MAX_DEPTH:
        raise LogicError(f"Rules may nest at most {MAX_DEPTH} levels deep.")
    if isinstance(rule, list):
        return set().union(*(_walk_vars(item, depth + 1) for item in rule))
    if not isinstance(rule, Mapping):
        return set()
    operator, args = _operation(rule)
    if operator == "var":
        return {_var_path(args)[0]}
    return set().union(*(_walk_vars(arg, depth + 1) for arg in args))


def referenced_paths(rule: Any) -> set[str]:
    """Return every dotted path that ``rule`` reads with ``var``."""
    return _walk_vars(rule, 0)


def referenced_fields(rule: Any) -> set[str]:
    """Return the ids of the fields ``rule`` reads (the first segment of each ``var`` path)."""
    return {path.split(".", 1)[0] for path in referenced_paths(rule)}
