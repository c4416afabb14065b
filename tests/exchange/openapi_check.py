"""Check API responses against the published OpenAPI document (/api/v1/openapi.json)."""

from __future__ import annotations

import json
import re
from functools import cache

import jsonschema


@cache
def openapi_document() -> dict:
    from kiban.exchange.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


@cache
def _operations() -> list[tuple[re.Pattern, str, dict]]:
    found = []
    for template, methods in openapi_document()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, operation in methods.items():
            found.append((pattern, method.upper(), operation))
    return found


def operation_of(method: str, path: str) -> dict:
    for pattern, verb, operation in _operations():
        if verb == method.upper() and pattern.match(path):
            return operation
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def response_checked(method: str, path: str, response) -> None:
    """Assert that the status is documented for the operation and the body fits its schema."""
    operation = operation_of(method, path.split("?")[0])
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {path}: {status} is not in {sorted(documented)}"
    content = documented[status].get("content", {})
    media_type = response["Content-Type"].split(";")[0]
    assert not content or media_type in content or "*/*" in content, f"{media_type} is undocumented"
    if media_type != "application/json":
        return
    schema = {**content["application/json"]["schema"],
              "components": openapi_document()["components"]}
    jsonschema.validate(json.loads(response.content), schema,
                        cls=jsonschema.Draft202012Validator)
