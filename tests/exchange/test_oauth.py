"""Client credentials: tokens, expiry, revocation, rotation without downtime."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from kiban.exchange import services
from kiban.exchange.models import AccessToken, CallRecord
from tests.exchange.openapi_check import response_checked
from tests.factories import AccessTokenFactory, ClientSecretFactory, ContractFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/oauth/token"
LIST_URL = "/api/v1/submissions"


def token_request(client, data: dict, headers: dict | None = None):
    response = client.post(TOKEN_URL, data, headers=headers or {})
    response_checked("POST", TOKEN_URL, response)
    return response


def test_client_credentials_give_a_ten_minute_token(client):
    secret = ClientSecretFactory(plain="s3cret-value-1")

    response = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": secret.system.client_id,
                                      "client_secret": "s3cret-value-1"})

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert AccessToken.objects.get(system=secret.system).expires_at > timezone.now()
    assert body["access_token"] not in str(AccessToken.objects.values_list())


def test_basic_credentials_work_too(client):
    secret = ClientSecretFactory(plain="s3cret-value-2")
    basic = base64.b64encode(f"{secret.system.client_id}:s3cret-value-2".encode()).decode()

    response = token_request(client, {"grant_type": "client_credentials"},
                             {"Authorization": f"Basic {basic}"})

    assert response.status_code == 200


def test_wrong_secret_is_refused_and_logged(client):
    secret = ClientSecretFactory(plain="right")

    response = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": secret.system.client_id,
                                      "client_secret": "wrong"})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    record = CallRecord.objects.get()
    assert (record.status, record.error, record.client_id) == (401, "invalid_client",
                                                               secret.system.client_id)


def test_other_grant_types_are_refused(client):
    response = token_request(client, {"grant_type": "password"})

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_an_expired_token_is_refused(system_client):
    token = AccessTokenFactory(plain="old-token", expires_at=timezone.now() - timedelta(seconds=1))
    ContractFactory(system=token.system, read_submissions=["x"])

    response = system_client("old-token").get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["error"] == "token_expired"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_token_is_refused(system_client):
    response = system_client().get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_revoking_a_secret_stops_its_tokens(system_client):
    token = AccessTokenFactory(plain="live-token")

    services.secret_revoke(secret=token.secret)
    response = system_client("live-token").get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_revoking_a_system_stops_its_secrets(client):
    secret = ClientSecretFactory(plain="system-secret")

    services.system_revoke(system=secret.system)
    response = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": secret.system.client_id,
                                      "client_secret": "system-secret"})

    assert response.status_code == 401


def test_rotation_keeps_both_secrets_working_during_the_grace_period(client):
    old = ClientSecretFactory(plain="old-secret")
    system = old.system

    _, new_plain = services.secret_rotate(system=system, grace=timedelta(hours=1))
    with_old = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": system.client_id, "client_secret": "old-secret"})
    with_new = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": system.client_id, "client_secret": new_plain})

    assert (with_old.status_code, with_new.status_code) == (200, 200)
    old.refresh_from_db()
    assert old.expires_at <= timezone.now() + timedelta(hours=1)


def test_after_the_grace_period_only_the_new_secret_works(client):
    old = ClientSecretFactory(plain="old-secret-2")
    system = old.system
    _, new_plain = services.secret_rotate(system=system, grace=timedelta(0))

    with_old = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": system.client_id,
                                      "client_secret": "old-secret-2"})
    with_new = token_request(client, {"grant_type": "client_credentials",
                                      "client_id": system.client_id, "client_secret": new_plain})

    assert (with_old.status_code, with_new.status_code) == (401, 200)


def test_a_remembered_token_is_forgotten_when_revoked(system_client, settings):
    settings.KIBAN_EXCHANGE_CACHE_SECONDS = 60
    token = AccessTokenFactory(plain="remembered-token")
    ContractFactory(system=token.system, read_submissions=["x"])
    api = system_client("remembered-token")
    api.get(LIST_URL)

    services.secret_revoke(secret=token.secret)
    response = api.get(LIST_URL)

    assert response.status_code == 401


def test_a_remembered_token_and_contract_save_two_queries(system_client, settings,
                                                          django_assert_max_num_queries):
    settings.KIBAN_EXCHANGE_CACHE_SECONDS = 60
    token = AccessTokenFactory(plain="fast-token")
    ContractFactory(system=token.system, read_submissions=["x"])
    api = system_client("fast-token")
    api.get(LIST_URL)

    # page, acknowledgements (none to look up on an empty page); log: head, record, head
    with django_assert_max_num_queries(4 + 2):
        response = api.get(LIST_URL)

    assert response.status_code == 200
