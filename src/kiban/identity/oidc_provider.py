"""kiban as OpenID Connect provider for bureau applications (django-oauth-toolkit's validator).

Scopes map to registry attributes. The ID token says who signed in (a pairwise subject per
application) and how well the account is verified; personal data is released only by the
userinfo endpoint, through `registry.selectors.facts_read` under the resident's consent to
that application, so every release is in the resident's access log.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator

from kiban.identity.models import SignOnClient, User
from kiban.registry import selectors as registry
from kiban.registry.constants import AccessorKind

# scope → the registry attribute it releases
SCOPE_ATTRIBUTES = {
    "profile": "person.name",
    "email": "person.email",
    "address": "person.address",
    "phone": "person.phone",
    "birthdate": "person.birth_date",
}
KANA = "#ja-Kana-JP"


def attributes_for_scopes(scopes) -> list[str]:
    return [SCOPE_ATTRIBUTES[s] for s in scopes if s in SCOPE_ATTRIBUTES]


def pairwise_subject(user: User, client_id: str) -> str:
    """Return the user's identifier for one application; applications cannot link them."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"oidc-sub:{client_id}:{user.pk}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def _claims_of(code: str, value) -> dict:
    if code == "person.name" and isinstance(value, dict):
        return {
            "name": f"{value.get('family', '')} {value.get('given', '')}".strip(),
            "family_name": value.get("family", ""),
            "given_name": value.get("given", ""),
            f"family_name{KANA}": value.get("family_reading", ""),
            f"given_name{KANA}": value.get("given_reading", ""),
        }
    if code == "person.address" and isinstance(value, dict):
        street = f"{value.get('town', '')}{value.get('street', '')}"
        if value.get("building"):
            street = f"{street} {value['building']}"
        return {
            "address": {
                "formatted": f"{value.get('prefecture', '')}{value.get('city', '')}{street}",
                "postal_code": value.get("postal_code", ""),
                "region": value.get("prefecture", ""),
                "locality": value.get("city", ""),
                "street_address": street,
                "country": "JP",
            }
        }
    if code == "person.email":
        return {"email": value}
    if code == "person.phone":
        return {"phone_number": value}
    if code == "person.birth_date":
        return {"birthdate": value}
    return {}


def released_claims(*, user: User, client: SignOnClient, scopes) -> dict:
    """Read the attributes behind `scopes` for `client` (logged) and return them as claims.

    Attributes whose consent was withdrawn are refused, and the refusal is logged too.
    """
    subject = registry.subject_of_user(user)
    codes = attributes_for_scopes(scopes)
    if subject is None or not codes:
        return {}
    accessor = registry.Accessor(
        kind=AccessorKind.SYSTEM,
        organisation=client.organisation,
        label=client.name_ja,
        reference=client.application.client_id,
    )
    read = {"subject": subject, "purpose": client.consent_purpose, "accessor": accessor}
    try:
        facts = registry.facts_read(attribute_codes=codes, strict=True, **read)
    except registry.AccessDenied as denied:
        allowed = set(codes) - set(denied.attribute_codes)
        facts = registry.facts_read(attribute_codes=allowed, **read) if allowed else {}
    claims: dict = {}
    for code, fact in facts.items():
        claims.update(_claims_of(code, fact.value))
    return claims


def sign_on_client_of(application) -> SignOnClient | None:
    return (
        SignOnClient.objects.filter(application=application)
        .select_related("organisation", "application")
        .first()
    )


class KibanOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = None  # the claims are chosen below, by scope and consent

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """Allow only the scopes the platform team registered the application for."""
        sign_on = sign_on_client_of(client)
        allowed = {"openid", *(sign_on.scopes if sign_on else [])}
        return set(scopes) <= allowed and super().validate_scopes(
            client_id, scopes, client, request, *args, **kwargs
        )

    def get_claim_dict(self, request):
        return {"sub": pairwise_subject(request.user, request.client.client_id)}

    def get_oidc_claims(self, token, token_handler, request):
        """Return the ID token's claims: who and how well verified, no personal data."""
        return {
            "sub": pairwise_subject(request.user, request.client.client_id),
            "acr": f"urn:kiban:assurance:{request.user.assurance}",
        }

    def get_userinfo_claims(self, request):
        sign_on = sign_on_client_of(request.client)
        claims = {"sub": pairwise_subject(request.user, request.client.client_id)}
        if sign_on is not None:
            claims.update(released_claims(user=request.user, client=sign_on, scopes=request.scopes))
        claims["acr"] = f"urn:kiban:assurance:{request.user.assurance}"
        return claims

    def get_discovery_claims(self, request):
        return [
            "sub",
            "acr",
            "name",
            "family_name",
            "given_name",
            f"family_name{KANA}",
            f"given_name{KANA}",
            "email",
            "address",
            "phone_number",
            "birthdate",
        ]
