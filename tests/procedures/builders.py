"""Build definitions and posted form data for procedure tests."""

from django.http import QueryDict


def form_data(values: dict) -> QueryDict:
    """Return ``values`` as a POST would carry them; a list gives several values."""
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def one_step(*fields: dict, legal_basis: str = "") -> dict:
    """Return a minimal valid definition with ``fields`` in a single step."""
    return {
        "code": "test-procedure",
        "title": {"ja": "テスト手続", "en": "Test procedure"},
        "purpose": {"ja": "テストのため"},
        "legal_basis": legal_basis,
        "retention_days": 365,
        "contact": "03-0000-0000",
        "steps": [{"id": "main", "title": {"ja": "入力", "en": "Input"}, "fields": list(fields)}],
    }


def field(id: str, type: str, **extra) -> dict:
    """Return a field definition with bilingual labels."""
    return {"id": id, "type": type, "label": {"ja": f"{id}（ja）", "en": f"{id} (en)"}, **extra}
