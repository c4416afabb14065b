"""ID-token signing keys: created once, rotated, the retired ones still published."""

import json

import pytest
from django.test import Client

from kiban.identity.signing_keys import KEEP_RETIRED, signing_key_rotate, signing_keys


def test_a_first_key_is_created_and_then_kept(tmp_path):
    first, retired = signing_keys(tmp_path)

    again, _ = signing_keys(tmp_path)

    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert again == first and retired == []


def test_rotation_keeps_the_old_key_published_for_a_while(tmp_path):
    old, _ = signing_keys(tmp_path)

    signing_key_rotate(tmp_path)
    new, retired = signing_keys(tmp_path)

    assert new != old and retired == [old]


def test_only_the_newest_retired_keys_stay_published(tmp_path):
    for _ in range(KEEP_RETIRED + 2):
        signing_key_rotate(tmp_path)

    _, retired = signing_keys(tmp_path)

    assert len(retired) == KEEP_RETIRED


@pytest.mark.django_db
def test_the_jwks_publishes_the_current_and_retired_keys(settings, tmp_path):
    signing_keys(tmp_path)
    signing_key_rotate(tmp_path)
    current, retired = signing_keys(tmp_path)
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": current,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": retired,
    }

    keys = json.loads(Client().get("/oidc/.well-known/jwks.json").content)["keys"]

    assert len(keys) == 2
    assert {k["alg"] for k in keys} == {"RS256"} and len({k["kid"] for k in keys}) == 2
