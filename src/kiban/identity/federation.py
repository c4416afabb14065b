"""kiban as a relying party of external OpenID Connect providers, through Authlib's client.

`authorization_redirect` sends the browser to the provider with state, nonce and PKCE kept in
the session; `identity_from_callback` checks the answer (state, code exchange, the ID token's
signature, issuer, audience, expiry and nonce, userinfo for the same subject) and returns the
verified identity, or raises `FederationError` with a reason a resident can be told.
"""

from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from joserfc.errors import JoseError

from kiban.identity.id_providers import IdProvider


class FederationError(Exception):
    """The provider's answer cannot be trusted or did not come; nothing was changed."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason  # state_mismatch, denied, unavailable, invalid_response, invalid_token
        self.detail = detail[:300]
        super().__init__(f"{reason}: {self.detail}")


@dataclass(frozen=True)
class VerifiedIdentity:
    provider: str
    issuer: str
    subject: str
    claims: dict


def _client(provider: IdProvider):
    config = provider.config()
    oauth = OAuth()
    return oauth.register(
        name=f"kiban_{provider.code}",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": config.timeout,
        },
    )


def callback_url(request: HttpRequest, provider: IdProvider) -> str:
    return request.build_absolute_uri(reverse("identity:verify-callback", args=[provider.code]))


def authorization_redirect(request: HttpRequest, provider: IdProvider) -> HttpResponse:
    """Redirect to the provider's sign-in; raise FederationError if it cannot be reached."""
    try:
        return _client(provider).authorize_redirect(request, callback_url(request, provider))
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        raise FederationError("unavailable", repr(error)) from None


def _exchange(request: HttpRequest, client) -> dict:
    try:
        token = client.authorize_access_token(request)
    except OAuthError as error:
        if error.error == "mismatching_state":
            raise FederationError("state_mismatch", error.description or "") from None
        if error.error == "access_denied":
            raise FederationError("denied", error.description or "") from None
        raise FederationError("invalid_response", f"{error.error}: {error.description}") from None
    except requests.RequestException as error:
        raise FederationError("unavailable", repr(error)) from None
    except JoseError as error:
        raise FederationError("invalid_token", repr(error)) from None
    except (ValueError, KeyError, TypeError, RuntimeError) as error:
        raise FederationError("invalid_response", repr(error)) from None
    if "id_token" not in token or not isinstance(token.get("userinfo"), dict):
        raise FederationError("invalid_token", "the answer carried no ID token")
    return token


def identity_from_callback(request: HttpRequest, provider: IdProvider) -> VerifiedIdentity:
    """Check the provider's answer on the callback URL and return whom it vouches for."""
    if request.GET.get("error") == "access_denied":
        raise FederationError("denied", request.GET.get("error_description", ""))
    client = _client(provider)
    token = _exchange(request, client)
    id_claims = token["userinfo"]
    try:
        userinfo = dict(client.userinfo(token=token))
    except requests.RequestException as error:
        raise FederationError("unavailable", repr(error)) from None
    except (ValueError, TypeError, OAuthError) as error:
        raise FederationError("invalid_response", repr(error)) from None
    if not id_claims.get("sub") or userinfo.get("sub") != id_claims["sub"]:
        raise FederationError("invalid_response", "userinfo is about someone else")
    return VerifiedIdentity(
        provider=provider.code,
        issuer=str(id_claims["iss"]),
        subject=str(id_claims["sub"]),
        claims={**id_claims, **userinfo},
    )
