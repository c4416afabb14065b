"""A small reference client of kiban's system integration API, for bureau developers to copy.

It needs only httpx (no Django). It gets and renews the access token, sends every call with
its purpose and a fresh request id, checks that each response is bound to the request it
sent (X-Kiban-Response-Hash), and raises `KibanError` with the machine-readable error::

    kiban = KibanClient("https://kiban.example.jp", client_id, secret, purpose="child-allowance")
    for case in kiban.submissions(new=True):
        kiban.acknowledge(case["id"])
        kiban.status_change(case["id"], "in_review")

docs/api.md describes the API; examples/bureau_client.py runs the whole story.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx

TOKEN_MARGIN = 30  # seconds before expiry at which the token is renewed


class KibanError(Exception):
    """A 4xx or 5xx answer: `status`, `error` (machine-readable), `detail`, `request_id`."""

    def __init__(self, status: int, error: str, detail: str, request_id: str):
        self.status, self.error, self.detail, self.request_id = status, error, detail, request_id
        super().__init__(f"{status} {error}: {detail} (request {request_id})")


class ResponseNotBound(Exception):
    """The response's hash does not bind it to the request sent: do not trust it."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class KibanClient:
    def __init__(self, base_url: str, client_id: str, secret: str, *, purpose: str,
                 timeout: float = 10.0, http: httpx.Client | None = None):
        self.client_id, self.secret, self.purpose = client_id, secret, purpose
        self.http = http or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self._token, self._token_expires = "", 0.0

    def close(self) -> None:
        self.http.close()

    # --- authentication --------------------------------------------------------------------

    def token(self) -> str:
        """Return a valid access token, asking for a new one shortly before the old expires."""
        if self._token and time.monotonic() < self._token_expires - TOKEN_MARGIN:
            return self._token
        response = self.http.post("/api/v1/oauth/token", data={"grant_type": "client_credentials"},
                                  auth=(self.client_id, self.secret))
        body = self._checked(response, response.request)
        self._token = body["access_token"]
        self._token_expires = time.monotonic() + body["expires_in"]
        return self._token

    # --- calls -----------------------------------------------------------------------------

    def call(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
             purpose: str | None = None) -> Any:
        """Make one call under `purpose` (the client's by default); return the JSON answer."""
        for attempt in (1, 2):
            request = self.http.build_request(method, path, json=json, params=params, headers={
                "Authorization": f"Bearer {self.token()}",
                "X-Kiban-Purpose": purpose or self.purpose,
                "X-Request-Id": str(uuid.uuid4()),
            })
            response = self.http.send(request)
            if response.status_code == 401 and attempt == 1:
                self._token = ""  # expired or revoked meanwhile: ask once more
                continue
            return self._checked(response, request)
        raise AssertionError("unreachable")

    def _checked(self, response: httpx.Response, request: httpx.Request) -> Any:
        sent = f"{request.method} {request.url.raw_path.decode()}\n".encode() + request.content
        request_hash = _sha256(sent)
        request_id = response.headers.get("X-Request-Id", "")
        bound = _sha256(f"{request_id}\n{request_hash}\n".encode() + response.content)
        if response.headers.get("X-Kiban-Response-Hash") != bound:
            raise ResponseNotBound(f"{request.method} {request.url}: response hash mismatch")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise KibanError(response.status_code, body.get("error", "http_error"),
                             body.get("detail", response.text[:200]), request_id)
        if "application/json" not in response.headers.get("Content-Type", ""):
            return response.content
        return response.json()

    # --- submissions -----------------------------------------------------------------------

    def submissions(self, *, new: bool = False, status: str | None = None,
                    procedure: str | None = None, page_size: int = 50) -> Iterator[dict]:
        """Yield submissions oldest first, page after page (cursor pagination)."""
        params: dict[str, Any] = {"limit": page_size, "new": str(new).lower()}
        if status:
            params["status"] = status
        if procedure:
            params["procedure"] = procedure
        while True:
            page = self.call("GET", "/api/v1/submissions", params=params)
            yield from page["items"]
            if not page["next_cursor"]:
                return
            params["cursor"] = page["next_cursor"]

    def submission(self, submission_id: str) -> dict:
        return self.call("GET", f"/api/v1/submissions/{submission_id}")

    def attachment(self, submission_id: str, attachment_id: int) -> bytes:
        return self.call("GET", f"/api/v1/submissions/{submission_id}/attachments/{attachment_id}")

    def acknowledge(self, submission_id: str) -> dict:
        return self.call("POST", f"/api/v1/submissions/{submission_id}/acknowledge")

    def status_change(self, submission_id: str, status: str, note: str = "") -> dict:
        return self.call("POST", f"/api/v1/submissions/{submission_id}/status",
                         json={"status": status, "note": note})

    def message_send(self, submission_id: str, body: str, kind: str = "notice") -> dict:
        return self.call("POST", f"/api/v1/submissions/{submission_id}/messages",
                         json={"kind": kind, "body": body})

    # --- the base registry -----------------------------------------------------------------

    def facts(self, subject_id: str, attributes: list[str], as_of: str | None = None) -> dict:
        params: dict[str, Any] = {"attributes": attributes}
        if as_of:
            params["as_of"] = as_of
        return self.call("GET", f"/api/v1/registry/subjects/{subject_id}/facts", params=params)

    def facts_by_match(self, key: str, value: Any, attributes: list[str]) -> dict:
        return self.call("POST", "/api/v1/registry/matches",
                         json={"key": key, "value": value, "attributes": attributes})

    def fact_publish(self, subject_id: str, attribute: str, value: Any, *,
                     valid_from: str | None = None, reference: str = "") -> dict:
        body = {"subject": subject_id, "attribute": attribute, "value": value,
                "reference": reference}
        if valid_from:
            body["valid_from"] = valid_from
        return self.call("POST", "/api/v1/registry/facts", json=body)
