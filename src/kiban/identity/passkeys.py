"""Passkeys (WebAuthn) as staff's second factor, with py_webauthn doing the ceremonies.

Options go to the browser as JSON; the challenge waits in the session until the browser
answers, and is used once.
"""

import json

from django.conf import settings
from django.http import HttpRequest
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from kiban.identity.models import PasskeyDevice, User

CHALLENGE_KEY = "kiban_passkey_challenge"


class PasskeyRefused(Exception):
    pass


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _take_challenge(request: HttpRequest, ceremony: str) -> bytes:
    stored = request.session.pop(CHALLENGE_KEY, None)
    if not stored or stored.get("ceremony") != ceremony:
        raise PasskeyRefused("no challenge waiting")
    return base64url_to_bytes(stored["challenge"])


def registration_options(request: HttpRequest, user: User) -> str:
    options = generate_registration_options(
        rp_id=settings.KIBAN_WEBAUTHN_RP_ID,
        rp_name=settings.KIBAN_WEBAUTHN_RP_NAME,
        user_name=user.email,
        user_id=f"kiban-user-{user.pk}".encode(),
        user_display_name=str(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(d.credential_id))
            for d in PasskeyDevice.objects.filter(user=user)
        ],
    )
    request.session[CHALLENGE_KEY] = {
        "ceremony": "register",
        "challenge": bytes_to_base64url(options.challenge),
    }
    return options_to_json(options)


def registration_verify(request: HttpRequest, credential: str) -> dict:
    """Check the browser's answer to `registration_options`; return what to store."""
    challenge = _take_challenge(request, "register")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.KIBAN_WEBAUTHN_RP_ID,
            expected_origin=_origin(request),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(str(error)) from None
    transports = []
    try:
        transports = json.loads(credential).get("response", {}).get("transports", [])
    except (ValueError, AttributeError):
        pass
    return {
        "credential_id": bytes_to_base64url(verified.credential_id),
        "public_key": verified.credential_public_key,
        "sign_count": verified.sign_count,
        "transports": [t for t in transports if isinstance(t, str)][:5],
    }


def authentication_options(request: HttpRequest, user: User) -> str:
    options = generate_authentication_options(
        rp_id=settings.KIBAN_WEBAUTHN_RP_ID,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(d.credential_id))
            for d in PasskeyDevice.objects.filter(user=user, confirmed=True)
        ],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    request.session[CHALLENGE_KEY] = {
        "ceremony": "authenticate",
        "challenge": bytes_to_base64url(options.challenge),
    }
    return options_to_json(options)


def authentication_verify(request: HttpRequest, user: User, credential: str) -> tuple:
    """Check the browser's answer to `authentication_options`; return (device, new count)."""
    challenge = _take_challenge(request, "authenticate")
    try:
        credential_id = json.loads(credential)["id"]
    except (ValueError, KeyError, TypeError):
        raise PasskeyRefused("malformed credential") from None
    device = PasskeyDevice.objects.filter(
        user=user, confirmed=True, credential_id=credential_id
    ).first()
    if device is None:
        raise PasskeyRefused("unknown passkey")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.KIBAN_WEBAUTHN_RP_ID,
            expected_origin=_origin(request),
            credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(str(error)) from None
    return device, verified.new_sign_count
