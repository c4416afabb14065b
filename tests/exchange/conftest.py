import json

import pytest

from tests.exchange.openapi_check import response_checked


class SystemClient:
    """A member system calling the API through Django's test client; every answer is checked
    against the OpenAPI document."""

    def __init__(self, client, token: str = "", purpose: str = "benefit-payment"):
        self.client, self.token, self.purpose = client, token, purpose

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"X-Kiban-Purpose": self.purpose} if self.purpose else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return {**headers, **(extra or {})}

    def get(self, path: str, headers: dict | None = None, **params):
        response = self.client.get(path, params, headers=self.headers(headers))
        response_checked("GET", path, response)
        return response

    def post(self, path: str, body=None, headers: dict | None = None, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        response = self.client.post(path, data, content_type="application/json",
                                    headers=self.headers(headers))
        response_checked("POST", path, response)
        return response


@pytest.fixture(autouse=True)
def _log_key(settings, tmp_path, monkeypatch):
    """Sign checkpoints with a throw-away key in the test's own var directory."""
    from kiban.exchange import message_log, signing

    monkeypatch.delenv(signing.ENV_KEY, raising=False)
    monkeypatch.setattr(message_log, "_last_signed", [float("inf")])  # no time-based ones
    settings.VAR_DIR = tmp_path / "var"
    signing.signing_key.cache_clear()
    yield
    signing.signing_key.cache_clear()
    from kiban.exchange.selectors import forget_recent

    forget_recent()


@pytest.fixture
def system_client(client):
    return lambda token="", purpose="benefit-payment": SystemClient(client, token, purpose)


@pytest.fixture
def keep_connection():
    """Keep the test's database connection across in-process WSGI calls.

    Django's test client does this itself; a WSGI handler called directly (httpx's
    WSGITransport, schemathesis) would close the connection after each request, which on
    PostgreSQL ends the test's transaction.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
