"""Field types: plugins that render, parse, validate and normalise one kind of answer.

Import ``field_types`` (the registry) from here; importing this package registers every
built-in type. A new type subclasses ``FieldType`` and registers itself::

    @field_types.register("phone")
    class PhoneField(FieldType): ...
"""

# The type modules are imported for their registrations.
from kiban.procedures.field_types import (  # noqa: F401
    address,
    bank,
    choices,
    contact,
    dates,
    group,
    identifiers,
    name,
    text,
    upload,
)
from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    FieldTypeRegistry,
    ParsedValue,
    PendingUpload,
    RowErrors,
    field_types,
    required_error,
)

__all__ = [
    "FieldError",
    "FieldType",
    "FieldTypeRegistry",
    "ParsedValue",
    "PendingUpload",
    "RowErrors",
    "field_types",
    "required_error",
]
