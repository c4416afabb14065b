"""The development identity provider's protocol side, run by Authlib's authorization server.

One issuer per stand-in (`/dev-idp/national`, `/dev-idp/business`); each request builds the
server for its issuer, so the issuer URL follows the host the request came to.
"""

import time
from functools import cache

from authlib.integrations.django_oauth2 import AuthorizationServer, BearerTokenValidator
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from django.conf import settings
from joserfc.jwk import RSAKey

from kiban.devidp.constants import SCOPES, Issuer
from kiban.devidp.models import AuthorizationCode, Client, Person, Token
from kiban.identity.signing_keys import signing_keys

TOKEN_SECONDS = 300


@cache
def signing_key() -> RSAKey:
    """Return the dev IdP's RSA key (its own, beside kiban's) with its thumbprint as kid."""
    current, _ = signing_keys(settings.VAR_DIR / "dev-idp-keys")
    key = RSAKey.import_key(current)
    key.ensure_kid()
    return key


def jwks() -> dict:
    return {"keys": [signing_key().as_dict(private=False, use="sig", alg="RS256")]}


def user_claims(person: Person, scope: str) -> dict:
    """Return the claims the real service gives for `scope` (the four basic facts, or GビズID's)."""
    scopes = set((scope or "").split())
    claims: dict = {"sub": person.sub}
    if scopes & {"name", "profile"}:
        claims.update(
            {
                "name": f"{person.family_name} {person.given_name}",
                "family_name": person.family_name,
                "given_name": person.given_name,
                "family_name#ja-Kana-JP": person.family_name_kana,
                "given_name#ja-Kana-JP": person.given_name_kana,
            }
        )
    if "address" in scopes:
        claims["address"] = {
            "formatted": f"{person.region}{person.locality}{person.street_address}",
            "postal_code": person.postal_code,
            "region": person.region,
            "locality": person.locality,
            "street_address": person.street_address,
            "country": "JP",
        }
    if "birthdate" in scopes and person.birthdate:
        claims["birthdate"] = person.birthdate.isoformat()
    if "gender" in scopes and person.gender:
        claims["gender"] = person.gender
    if "corporate" in scopes:
        claims.update(
            {
                "corporate_number": person.corporate_number,
                "corporate_name": person.corporate_name,
            }
        )
    return claims


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, request):
        payload = request.payload
        AuthorizationCode.objects.create(
            issuer=self.server.issuer_code,
            code=code,
            client_id=request.client.client_id,
            person=request.user,
            redirect_uri=payload.redirect_uri or "",
            scope=payload.scope,
            nonce=payload.data.get("nonce") or "",
            code_challenge=payload.data.get("code_challenge", ""),
            code_challenge_method=payload.data.get("code_challenge_method", ""),
        )

    def query_authorization_code(self, code, client):
        found = (
            AuthorizationCode.objects.filter(
                issuer=self.server.issuer_code, code=code, client_id=client.client_id
            )
            .select_related("person")
            .first()
        )
        if found is not None and not found.is_expired():
            return found
        return None

    def delete_authorization_code(self, authorization_code):
        authorization_code.delete()

    def authenticate_user(self, authorization_code):
        return authorization_code.person


class OpenIDCodeExtension(OpenIDCode):
    def __init__(self, issuer_url: str):
        super().__init__(require_nonce=True)
        self.issuer_url = issuer_url

    def exists_nonce(self, nonce, request):
        return AuthorizationCode.objects.filter(
            client_id=request.payload.client_id, nonce=nonce
        ).exists()

    def resolve_client_private_key(self, client):
        return signing_key()

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": signing_key().kid, "typ": "JWT"}

    def get_client_claims(self, client):
        now = int(time.time())
        return {
            "iss": self.issuer_url,
            "aud": [client.client_id],
            "iat": now,
            "exp": now + TOKEN_SECONDS,
        }

    def generate_user_info(self, user, scope):
        return user_claims(user, scope)


class DevAuthorizationServer(AuthorizationServer):
    def __init__(self, issuer_code: str, issuer_url: str):
        super().__init__(Client, Token)
        self.issuer_code = issuer_code
        self.scopes_supported = SCOPES[issuer_code]
        self.register_grant(
            CodeGrant, [CodeChallenge(required=True), OpenIDCodeExtension(issuer_url)]
        )

    def query_client(self, client_id):
        return Client.objects.filter(issuer=self.issuer_code, client_id=client_id).first()

    def save_token(self, token, request):
        return Token.objects.create(
            issuer=self.issuer_code,
            client_id=request.client.client_id,
            person=request.user,
            access_token=token["access_token"],
            token_type=token.get("token_type", "Bearer"),
            scope=token.get("scope", ""),
            issued_at=int(time.time()),
            expires_in=token.get("expires_in", TOKEN_SECONDS),
        )


class DevBearerTokenValidator(BearerTokenValidator):
    def __init__(self, issuer_code: str):
        super().__init__(Token)
        self.issuer_code = issuer_code

    def authenticate_token(self, token_string):
        return (
            Token.objects.filter(issuer=self.issuer_code, access_token=token_string)
            .select_related("person")
            .first()
        )


def issuer_codes() -> list[str]:
    return list(Issuer.values)
