"""kiban as OpenID Connect provider for a bureau application, driven over HTTP by Authlib's
client: discovery, code flow with PKCE, RS256 ID token checked against the JWKS, userinfo
under the hanako's consent (on My data, in the access log), withdrawal, logout."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from kiban.identity.demo import BUREAU_APP_NAME
from kiban.identity.oidc_provider import pairwise_subject
from kiban.identity.services import sign_on_client_register
from kiban.registry.models import AccessRecord, Consent
from kiban.registry.services import consent_withdraw
from tests.factories import OrganisationFactory
from tests.formparse import form_values
from tests.identity.browser import Browser

PASSWORD = "correct-horse-battery"
REDIRECT = "http://bureau.example/callback"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bureau_app(dev_idp):
    client = sign_on_client_register(
        organisation=OrganisationFactory(code="welfare"),
        client_id="sample-app",
        client_secret="sample-secret",
        name_ja=BUREAU_APP_NAME[0],
        name_en=BUREAU_APP_NAME[1],
        purpose_ja="案内のため",
        purpose_en="To show guidance",
        redirect_uris=[REDIRECT],
        post_logout_redirect_uris=["http://bureau.example/"],
        scopes=["profile", "address"],
    )
    return client


def rp(live_server, scope="openid profile address") -> OAuth2Session:
    return OAuth2Session(
        "sample-app",
        "sample-secret",
        scope=scope,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )


def authorize(browser: Browser, session: OAuth2Session, live_server, consent=True):
    """Go through kiban's authorization as the signed-in hanako; return the code's URL."""
    verifier = "v" * 64
    url, state = session.create_authorization_url(
        f"{live_server.url}/oidc/authorize/", code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    answer = browser.get(url)
    if consent:
        assert answer.status_code == 200, answer.text[-2000:]
        values, _ = form_values(answer.text)
        answer = browser.post(answer.url, {**values, "allow": "Authorize"}, page=answer)
    assert answer.status_code == 302, answer.text[-2000:]
    return answer.headers["Location"], verifier


def sign_in_to_app(browser, live_server, consent=True, scope="openid profile address"):
    session = rp(live_server, scope)
    location, verifier = authorize(browser, session, live_server, consent)
    token = session.fetch_token(
        f"{live_server.url}/oidc/token/", authorization_response=location, code_verifier=verifier
    )
    return session, token


def test_discovery_announces_pkce_rs256_and_logout(live_server, bureau_app):
    document = requests.get(
        f"{live_server.url}/oidc/.well-known/openid-configuration", timeout=10
    ).json()

    assert document["issuer"] == f"{live_server.url}/oidc"
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["end_session_endpoint"].endswith("/oidc/logout/")
    assert document["response_types_supported"] == ["code"]


def test_a_signed_in_resident_gets_into_the_application_with_no_password(
    live_server, bureau_app, hanako
):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)

    session, token = sign_in_to_app(browser, live_server)

    keys = KeySet.import_key_set(
        requests.get(f"{live_server.url}/oidc/.well-known/jwks.json", timeout=10).json()
    )
    id_token = jwt.decode(token["id_token"], keys)
    CodeIDToken(
        id_token.claims,
        id_token.header,
        {"iss": {"values": [f"{live_server.url}/oidc"]}},
        {"nonce": "n-0S6_WzA2Mj", "client_id": "sample-app"},
    ).validate()
    userinfo = session.get(f"{live_server.url}/oidc/userinfo/").json()
    assert id_token.header["alg"] == "RS256"
    assert id_token.claims["sub"] == pairwise_subject(hanako, "sample-app") == userinfo["sub"]
    assert "family_name" not in id_token.claims  # personal data only through userinfo
    assert userinfo["name"] == "都民 花子"
    assert userinfo["family_name#ja-Kana-JP"] == "トミン"
    assert userinfo["address"]["formatted"] == "東京都新宿区西新宿2-8-1"


def test_the_release_is_a_consent_and_every_read_is_logged(live_server, bureau_app, hanako):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    session, _ = sign_in_to_app(browser, live_server)

    session.get(f"{live_server.url}/oidc/userinfo/")
    my_data = browser.get("/my/data/").text

    consent = Consent.objects.get(subject=hanako.subject, purpose="oidc:sample-app")
    reads = AccessRecord.objects.filter(subject=hanako.subject, purpose="oidc:sample-app")
    assert set(consent.attributes.values_list("code", flat=True)) == {
        "person.name",
        "person.address",
    }
    assert reads.count() == 1
    assert reads.get().accessor_kind == "system"
    assert reads.get().accessor_label == BUREAU_APP_NAME[0]
    assert f"Sign-in to {BUREAU_APP_NAME[1]}" in my_data


def test_a_second_sign_in_asks_no_consent_again(live_server, bureau_app, hanako):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    sign_in_to_app(browser, live_server)

    location, _ = authorize(browser, rp(live_server), live_server, consent=False)

    assert "code=" in location


def test_after_withdrawal_nothing_is_released_and_the_refusal_is_logged(
    live_server, bureau_app, hanako
):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    session, _ = sign_in_to_app(browser, live_server)
    consent_withdraw(consent=Consent.objects.get(purpose="oidc:sample-app"), actor=hanako)

    userinfo = session.get(f"{live_server.url}/oidc/userinfo/").json()

    assert "name" not in userinfo and "address" not in userinfo
    assert AccessRecord.objects.filter(purpose="oidc:sample-app", outcome="denied").exists()


def test_a_scope_the_application_is_not_registered_for_is_refused(live_server, bureau_app, hanako):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    url, _ = rp(live_server, "openid profile phone").create_authorization_url(
        f"{live_server.url}/oidc/authorize/", code_verifier="v" * 64, nonce="n"
    )

    answer = browser.get(url)

    assert answer.status_code == 302
    assert parse_qs(urlparse(answer.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_an_authorization_without_pkce_is_refused(live_server, bureau_app, hanako):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    session = OAuth2Session("sample-app", "sample-secret", scope="openid", redirect_uri=REDIRECT)
    url, _ = session.create_authorization_url(f"{live_server.url}/oidc/authorize/", nonce="n")

    answer = browser.get(url)

    assert "code=" not in answer.headers.get("Location", "")


def test_an_unregistered_redirect_uri_is_never_redirected_to(live_server, bureau_app, hanako):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    session = OAuth2Session(
        "sample-app",
        "sample-secret",
        scope="openid",
        redirect_uri="http://attacker.example/cb",
        code_challenge_method="S256",
    )
    url, _ = session.create_authorization_url(
        f"{live_server.url}/oidc/authorize/", code_verifier="v" * 64, nonce="n"
    )

    answer = browser.get(url)

    assert answer.status_code == 400
    assert "attacker.example" not in answer.headers.get("Location", "")


def test_logout_from_the_application_ends_the_kiban_session(live_server, bureau_app, hanako):
    browser = Browser(live_server.url)
    browser.sign_in(hanako.email, PASSWORD)
    _, token = sign_in_to_app(browser, live_server)

    answer = browser.get(
        "/oidc/logout/?"
        + requests.compat.urlencode(
            {
                "id_token_hint": token["id_token"],
                "post_logout_redirect_uri": "http://bureau.example/",
                "client_id": "sample-app",
            }
        )
    )

    assert answer.status_code == 302
    assert answer.headers["Location"] == "http://bureau.example/"
    assert browser.get("/my/").status_code == 302  # signed out of kiban too
