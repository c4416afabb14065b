"""An attached document: PDF, JPEG or PNG, checked by its content, not by its name.

``parse`` returns the upload wrapped in ``PendingUpload``; the caller stores it (the
submissions app replaces it by ``{"attachment": id, "filename": ..., "size": ...}``). A file
is not posted again when a page is re-rendered, so the stored value is kept until the
resident uploads another file or ticks ``<name>-clear``.
"""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kiban.procedures.field_types.base import (
    FieldError,
    FieldType,
    ParsedValue,
    PendingUpload,
    field_label,
    field_types,
)

# Leading bytes of each accepted kind; the browser's content type is not trusted.
SIGNATURES = {"pdf": (b"%PDF-",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
ACCEPT = {"pdf": ".pdf,application/pdf", "jpeg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
KIND_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def sniff(uploaded_file) -> str | None:
    """Return the kind of ``uploaded_file`` from its first bytes, or None if not accepted."""
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def allowed_kinds(field: dict) -> list[str]:
    return (field.get("options") or {}).get("allowed_types") or list(SIGNATURES)


def max_bytes(field: dict) -> int:
    limit = settings.KIBAN_MAX_ATTACHMENT_BYTES
    return min((field.get("options") or {}).get("max_bytes") or limit, limit)


@field_types.register("file")
class FileField(FieldType):
    """One uploaded file; options ``allowed_types`` (pdf, jpeg, png) and ``max_bytes``."""

    template = "procedures/fields/file.html"
    allowed_in_group = False
    options_schema = {
        "type": "object",
        "properties": {
            "allowed_types": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": sorted(SIGNATURES)},
            },
            "max_bytes": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    }

    def raw_from_data(self, field, data, name):
        return {}

    def parse(self, field, data, files, name):
        uploaded = files.get(name) if files is not None else None
        if uploaded is None or not uploaded.size:
            return ParsedValue(None)
        limit = max_bytes(field)
        if uploaded.size > limit:
            raise FieldError(
                "file_too_large",
                _("The file must be %(limit)s or smaller; this one is %(size)s.")
                % {"limit": filesizeformat(limit), "size": filesizeformat(uploaded.size)},
            )
        kind = sniff(uploaded)
        kinds = allowed_kinds(field)
        if kind not in kinds:
            raise FieldError(
                "file_type",
                _("The file must be one of: %(kinds)s.")
                % {"kinds": ", ".join(KIND_NAMES[k] for k in kinds)},
            )
        return ParsedValue(PendingUpload(uploaded, kind))

    def keep_previous(self, field, data, name, previous):
        return None if f"{name}-clear" in data else previous

    def raw_from_value(self, field, value):
        return {}

    def display(self, field, value, language):
        if value is None:
            return ""
        if isinstance(value, PendingUpload):
            return value.filename
        if isinstance(value, dict):
            return value.get("filename", "")
        return str(value)

    def required_message(self, field):
        return _("Attach %(label)s.") % {"label": field_label(field)}

    def context(self, field, name, state):
        current = state.answers.get(field["id"])
        kinds = allowed_kinds(field)
        return {
            "input": {"name": name, "id": name},
            "accept": ",".join(ACCEPT[k] for k in kinds),
            "kinds": ", ".join(KIND_NAMES[k] for k in kinds),
            "limit": filesizeformat(max_bytes(field)),
            "current": self.display(field, current, state.language) if current else "",
            "clear": {"name": f"{name}-clear", "id": f"{name}-clear"},
        }
