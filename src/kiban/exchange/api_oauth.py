"""POST /api/v1/oauth/token: OAuth 2.0 client credentials (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from django.http import HttpRequest
from ninja import Form, Router, Schema
from ninja import Status as Answer

from kiban.exchange.calls import CallError
from kiban.exchange.constants import TOKEN_SECONDS, ErrorCode
from kiban.exchange.schemas import ERRORS, TokenOut
from kiban.exchange.services import ClientRefused, token_issue

router = Router(auth=None)


class TokenForm(Schema):
    grant_type: str = ""
    client_id: str = ""
    client_secret: str = ""
    scope: str = ""


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise CallError(401, ErrorCode.INVALID_CLIENT,
                        "The Basic credentials are not base64.") from None
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


@router.post("/token", response={200: TokenOut, **ERRORS}, summary="Get an access token")
def token(request: HttpRequest, form: Form[TokenForm]):
    """Exchange the system's client id and secret for a bearer token valid for 10 minutes.

    Send them as HTTP Basic credentials (client_secret_basic) or as form fields
    (client_secret_post), with grant_type=client_credentials.
    """
    if form.grant_type != "client_credentials":
        raise CallError(400, ErrorCode.UNSUPPORTED_GRANT,
                        "grant_type must be client_credentials.")
    client_id, secret = _basic_credentials(request) or (form.client_id, form.client_secret)
    request.kiban_call.client_id = client_id[:64]
    if not client_id or not secret:
        raise CallError(401, ErrorCode.INVALID_CLIENT, "Send the client id and secret.")
    try:
        issued, plain = token_issue(client_id=client_id, client_secret=secret)
    except ClientRefused as refused:
        raise CallError(401, refused.code, refused.detail) from None
    request.kiban_call.system = issued.system
    return Answer(200, {"access_token": plain, "token_type": "Bearer", "expires_in": TOKEN_SECONDS})
