"""Field types: plugins that render, parse, validate and normalise one kind of answer.

Import ``field_types`` (the registry) from here; importing this package registers every
built-in type. A new type subclasses ``FieldType`` and registers itself::

    @field_types.register("phone")
    class PhoneField(FieldType): ...
"""

from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    FieldTypeRegistry,
    ParsedValue,
    PendingUpload,
    RowErrors,
    field_types,
)

# Imported for their registrations.
from kiban.procedures.field_types import (  # noqa: E402, F401, I001
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

__all__ = [
    "FieldError",
    "FieldType",
    "FieldTypeRegistry",
    "ParsedValue",
    "PendingUpload",
    "RowErrors",
    "field_types",
]
