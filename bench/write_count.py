"""Count the database statements one application makes, request by request, and print JSON.

Run by bench/run.py with the bench's environment (KIBAN_VAR_DIR, DATABASE_URL) before the
server starts: one resident signs in through Django's test client and completes an
application while `CaptureQueriesContext` records every statement on the same database.
It applies twice and reports the second application: the first of a year also creates the
year's reference counter, a write no later application makes.

    python bench/write_count.py <procedure code> <resident e-mail> <password>
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from journey import Reply, apply, sign_in  # noqa: E402

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?([\w.]+)\"?", re.IGNORECASE)


class CountingTransport:
    """Django's test client, recording the statements of each request."""

    def __init__(self) -> None:
        self.client = Client()
        self.requests: list[dict] = []

    def _send(self, method: str, path: str, data: dict | None) -> Reply:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(self.client, method)(path, data or {})
        statements = [q["sql"] for q in captured.captured_queries]
        writes = [s for s in statements if WRITE.match(s)]
        self.requests.append({
            "method": method.upper(), "path": path, "queries": len(statements),
            "writes": len(writes),
            "tables": dict(Counter(f"{w.split()[0].upper()} {TABLE.match(w).group(1)}"
                                   for w in writes)),
        })
        return Reply(response.status_code, response.get("Location", ""),
                     response.content.decode("utf-8", "replace"))

    def get(self, path: str) -> Reply:
        return self._send("get", path, None)

    def post(self, path: str, data: dict[str, str]) -> Reply:
        return self._send("post", path, data)

    def csrf_token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie else ""


def _one_application(transport: CountingTransport, code: str) -> list[dict]:
    transport.requests.clear()
    labels: list[str] = []
    apply(transport, code, lambda label, seconds: labels.append(label))
    for request, label in zip(transport.requests, labels, strict=True):
        request["label"] = label
    return list(transport.requests)


def main(code: str, email: str, password: str) -> None:
    transport = CountingTransport()
    sign_in(transport, email, password)
    first = _one_application(transport, code)
    requests = _one_application(transport, code)
    json.dump({
        "procedure": code,
        "vendor": connection.vendor,
        "requests": requests,
        "writes_per_application": sum(r["writes"] for r in requests),
        "queries_per_application": sum(r["queries"] for r in requests),
        "writes_first_application": sum(r["writes"] for r in first),
    }, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
