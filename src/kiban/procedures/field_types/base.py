"""The contract every field type keeps, and the registry that plugins register with.

A field type turns the inputs posted for one field into a JSON value (``parse``), turns a
stored or prefilled value back into inputs (``raw_from_value``), shows a value to people
(``display``) and maps values to and from base-registry facts (``from_fact``/``to_fact``).

Inputs of a field are named ``<name><suffix>``: ``name`` is the HTML name prefix given by the
caller (``f-phone``, or ``f-children-0-name`` inside a group) and each type lists its
``suffixes`` (``""`` for a single input, ``-family``/``-given`` for a name...). A *raw* dict
maps full input names to the strings typed, so a page can re-render everything after an
error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar, Protocol

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kiban.procedures.localise import text

# Options schema of a field type that takes no options.
NO_OPTIONS = {"type": "object", "additionalProperties": False}


@dataclass
class ParsedValue:
    """The value a field type read from a request, and warnings to show the resident."""

    value: Any
    warnings: list[str] = dataclass_field(default_factory=list)


class FieldError(Exception):
    """Report input a field type cannot accept; ``message`` is translated already."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class RowErrors(FieldError):
    """Report errors inside the rows of a group; ``details`` maps "<row>.<subfield>" to text."""

    def __init__(self, code: str, message: str, details: dict[str, str]) -> None:
        super().__init__(code, message)
        self.details = details


@dataclass(frozen=True)
class PendingUpload:
    """An uploaded file that passed its checks, waiting for the caller to store it."""

    uploaded_file: Any
    kind: str

    @property
    def filename(self) -> str:
        return self.uploaded_file.name or ""


class RenderState(Protocol):
    """What a field type may use while rendering (see ``kiban.procedures.rendering``)."""

    raw: Mapping[str, str]
    language: str
    #: The answers saved so far (for what cannot be re-posted, such as files).
    answers: Mapping[str, Any]

    def render(self, field: dict, name: str, key: str) -> str:
        """Render ``field`` with input prefix ``name``; ``key`` finds its error message."""


def part(name: str, suffix: str, raw: Mapping[str, str]) -> dict[str, str]:
    """Return the template context of one input: its name, id and the value typed."""
    full = name + suffix
    return {"name": full, "id": full, "value": raw.get(full, "")}


def clean_text(value: str, *, max_length: int) -> str:
    """Return ``value`` stripped at both ends (never otherwise changed), or raise FieldError.

    Characters are kept exactly as typed: no NFC or NFKC, so 神 (U+FA19) and 𠮷 survive.
    """
    value = value.strip()
    if "\x00" in value:
        raise FieldError("null_character", _("Remove the invisible control character."))
    if len(value) > max_length:
        raise FieldError(
            "too_long",
            _("Enter %(max)s characters or fewer (you entered %(count)s).")
            % {"max": max_length, "count": len(value)},
        )
    return value


def field_label(field: Mapping[str, Any]) -> str:
    """Return the label of ``field`` in the active language, for error messages."""
    return text(field.get("label"), get_language() or "ja")


def required_error(field: Mapping[str, Any]) -> str:
    """Return the message for ``field`` left empty: its own ``error`` text, else its type's."""
    custom = text(field.get("error"), get_language() or "ja")
    return custom or field_types[field["type"]].required_message(field)


class FieldType:
    """Base class of field types; subclasses register with ``@field_types.register(name)``."""

    name: ClassVar[str] = ""
    #: The registry ValueType (kiban.registry.constants.ValueType) values map to, or None.
    value_type: ClassVar[str | None] = None
    template: ClassVar[str] = ""
    #: Suffixes of the inputs, appended to the name prefix; the first one receives focus.
    suffixes: ClassVar[tuple[str, ...]] = ("",)
    #: JSON Schema of the type's ``options`` (checked by the definition validator).
    options_schema: ClassVar[dict[str, Any]] = {"type": "object", "additionalProperties": False}
    #: Whether the type may be a subfield of a repeating group.
    allowed_in_group: ClassVar[bool] = True
    #: The autocomplete token of a single input, unless the field states its own.
    autocomplete: ClassVar[str] = ""

    def parse(self, field: dict, data: Any, files: Any, name: str) -> ParsedValue:
        """Return the value posted for ``field``; ``ParsedValue(None)`` when left empty."""
        raise NotImplementedError

    def raw_from_data(self, field: dict, data: Any, name: str) -> dict[str, str]:
        """Return the strings posted for ``field``, keyed by full input name."""
        return {name + suffix: data.get(name + suffix, "") for suffix in self.suffixes}

    def raw_from_value(self, field: dict, value: Any) -> dict[str, str]:
        """Return the input strings, keyed by suffix, that show ``value`` again."""
        return {} if value is None else {"": str(value)}

    def display(self, field: dict, value: Any, language: str) -> str:
        """Return ``value`` as people read it on review pages, receipts and CSV."""
        return "" if value is None else str(value)

    def from_fact(self, field: dict, fact_value: Any) -> Any:
        """Return the field value for a base-registry fact value."""
        return fact_value

    def to_fact(self, field: dict, value: Any) -> Any:
        """Return the base-registry fact value for a field value."""
        return value

    def match_key(self, value: Any) -> str:
        """Return a normalised copy of ``value`` for matching; never shown."""
        return ""

    def action(self, field: dict, data: Any, name: str) -> str | None:
        """Return the name of a button of this field that was pressed (lookup, add, remove)."""
        return None

    def keep_previous(self, field: dict, data: Any, name: str, previous: Any) -> Any:
        """Return the value to keep when nothing was posted (files are not posted twice)."""
        return None

    def required_message(self, field: dict) -> str:
        """Return the error shown when a required field is left empty."""
        return _("Enter %(label)s.") % {"label": field_label(field)}

    def check_options(self, field: dict) -> list[tuple[str, str, str]]:
        """Return (path below the field, code, message) for each inconsistent option."""
        return []

    def context(self, field: dict, name: str, state: RenderState) -> dict[str, Any]:
        """Return what the type's template needs beyond the common field context."""
        return {"input": part(name, self.suffixes[0], state.raw)}

    def focus_id(self, field: dict, name: str) -> str:
        """Return the id of the input an error summary links to (the first one)."""
        return name + self.suffixes[0]


class FieldTypeRegistry:
    """Field types by name; a plugin registers with ``@field_types.register("phone")``."""

    def __init__(self) -> None:
        self._types: dict[str, FieldType] = {}

    def register(self, name: str) -> Callable[[type[FieldType]], type[FieldType]]:
        """Return a class decorator that registers a FieldType subclass under ``name``."""

        def decorator(cls: type[FieldType]) -> type[FieldType]:
            if name in self._types:
                raise ValueError(f"Field type {name!r} is registered already.")
            if not (isinstance(cls, type) and issubclass(cls, FieldType)):
                raise TypeError(f"{cls!r} is not a FieldType.")
            cls.name = name
            self._types[name] = cls()
            return cls

        return decorator

    def __getitem__(self, name: str) -> FieldType:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def get(self, name: str) -> FieldType | None:
        return self._types.get(name)

    def names(self) -> list[str]:
        return sorted(self._types)


field_types = FieldTypeRegistry()
