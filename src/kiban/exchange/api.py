"""kiban's system integration API (/api/v1/), for bureau member systems.

Every operation is wrapped by `calls.logged_call` (request id, purpose, response hash,
message log). Errors are JSON `{"error", "detail", "errors", "request_id"}`. The OpenAPI
document is /api/v1/openapi.json; docs/api.md explains the API for bureau developers.
"""

from __future__ import annotations

import importlib.util
import logging

from django.apps import apps
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from kiban.audit.services import security_event
from kiban.exchange.calls import CallError, error_response, logged_call
from kiban.exchange.constants import ErrorCode
from kiban.exchange.selectors import OutsideContract, TokenRefused, token_authenticate

log = logging.getLogger("kiban.exchange")


class BearerToken(HttpBearer):
    """An access token from POST /api/v1/oauth/token (client credentials)."""

    def authenticate(self, request: HttpRequest, token: str):
        system = token_authenticate(token)
        request.kiban_call.system = system
        return system


class ExchangeAPI(NinjaAPI):
    """The API whose OpenAPI document lists, on every operation, the errors any call may get."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ApiError"}}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation["responses"]
                for status, text in COMMON_ERRORS.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": text, **error}
        return schema


#: Errors any operation may answer: a bad request id or JSON, no token, a too large body,
#: a body or query that does not fit the schema.
COMMON_ERRORS = {400: "Bad Request", 401: "Unauthorized", 413: "Request Entity Too Large",
                 422: "Unprocessable Entity"}

api = ExchangeAPI(
    urls_namespace="api-v1",
    version="1",
    title="kiban system integration API",
    description=(
        "Bureau systems receive submissions, read base-registry facts under a contract and a "
        "purpose, and publish authoritative facts. Every call names its purpose in "
        "X-Kiban-Purpose and may name its id in X-Request-Id; every answer carries "
        "X-Kiban-Response-Hash = sha256(request id LF X-Kiban-Request-Hash LF body). "
        "See docs/api.md."
    ),
    auth=BearerToken(),
    docs_url="/docs",
)
api.add_decorator(logged_call, mode="view")


def _errors_of(exc: ValidationError) -> list[dict]:
    keep = ("type", "loc", "msg")
    return [{key: error.get(key) for key in keep if key in error} for error in exc.errors]


@api.exception_handler(CallError)
def _call_error(request, exc: CallError):
    return error_response(request, exc.status, exc.code, exc.detail, exc.errors)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return error_response(request, 422, ErrorCode.INVALID_REQUEST,
                          "The request does not fit the schema; see errors.", _errors_of(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = error_response(request, 401, ErrorCode.INVALID_TOKEN,
                              "Send Authorization: Bearer <token from /api/v1/oauth/token>.")
    response["WWW-Authenticate"] = 'Bearer realm="kiban"'
    return response


@api.exception_handler(TokenRefused)
def _token_refused(request, exc: TokenRefused):
    response = error_response(request, 401, exc.code, exc.detail)
    response["WWW-Authenticate"] = 'Bearer realm="kiban", error="invalid_token"'
    return response


@api.exception_handler(OutsideContract)
def _outside_contract(request, exc: OutsideContract):
    call = request.kiban_call
    security_event(action="exchange_outside_contract", data={
        "system": getattr(call.system, "code", ""), "purpose": call.purpose,
        "operation": call.operation, "detail": exc.detail, "request_id": call.request_id,
    })
    return error_response(request, 403, ErrorCode.OUTSIDE_CONTRACT, exc.detail)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, ErrorCode.NOT_FOUND, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = ErrorCode.MALFORMED_JSON if exc.status_code == 400 else ErrorCode.INVALID_REQUEST
    return error_response(request, exc.status_code, code, str(exc))


@api.exception_handler(Exception)
def _internal(request, exc):
    log.exception("exchange API call failed")
    return error_response(request, 500, ErrorCode.INTERNAL,
                          "Something went wrong on kiban's side; nothing was changed.")


def _routers() -> None:
    from kiban.exchange.api_oauth import router as oauth
    from kiban.exchange.api_registry import router as registry
    from kiban.exchange.api_submissions import router as submissions

    api.add_router("/oauth", oauth, tags=["authentication"])
    api.add_router("/submissions", submissions, tags=["submissions"])
    api.add_router("/registry", registry, tags=["base registry"])
    events = apps.is_installed("kiban.events") and importlib.util.find_spec("kiban.events.api")
    if events:  # the pull feed and webhooks, built in kiban.events
        from kiban.events.api import router as events

        api.add_router("/events", events, tags=["events"])


_routers()
