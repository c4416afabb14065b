from django.db import models
from django.utils.translation import gettext_lazy as _


class Operation(models.TextChoices):
    """What a contract may grant a member system; everything else is refused."""

    READ_ATTRIBUTES = "read_attributes", _("Read attributes of the base registry")
    PUBLISH_ATTRIBUTES = "publish_attributes", _("Publish attributes as authoritative source")
    READ_SUBMISSIONS = "read_submissions", _("Read and acknowledge submissions")
    WORK_SUBMISSIONS = "work_submissions", _("Change the status of submissions, send messages")
    RECEIVE_EVENTS = "receive_events", _("Receive events")


class ErrorCode(models.TextChoices):
    """The machine-readable `error` of every 4xx answer of the API."""

    INVALID_REQUEST = "invalid_request", _("The request is not valid")
    MALFORMED_JSON = "malformed_json", _("The body is not JSON")
    TOO_LARGE = "body_too_large", _("The body is too large")
    INVALID_CLIENT = "invalid_client", _("Unknown client or wrong secret")
    UNSUPPORTED_GRANT = "unsupported_grant_type", _("Only client_credentials is supported")
    INVALID_TOKEN = "invalid_token", _("Missing, unknown or revoked token")
    TOKEN_EXPIRED = "token_expired", _("The token has expired")
    PURPOSE_MISSING = "purpose_missing", _("The X-Kiban-Purpose header is missing")
    OUTSIDE_CONTRACT = "outside_contract", _("No valid contract allows this call")
    NOT_FOUND = "not_found", _("Not found")
    NO_MATCH = "no_match", _("No subject matches")
    AMBIGUOUS_MATCH = "ambiguous_match", _("Several subjects match")
    INVALID_VALUE = "invalid_value", _("The value does not fit the attribute")
    TRANSITION = "transition_not_allowed", _("The status change is not allowed")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("Method not allowed")
    INTERNAL = "internal_error", _("Internal error")


#: Request bodies larger than this are refused with 413 before they are parsed.
MAX_BODY_BYTES = 256 * 1024
#: Lifetime of an access token (OAuth 2.0 client credentials).
TOKEN_SECONDS = 600
#: How long the previous secret keeps working after a rotation, by default.
ROTATION_GRACE_HOURS = 24
#: Submissions per page of the list, by default and at most.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: A signed checkpoint seals the chain every this many records, and at the first call after
#: this many seconds in each server process (and on `kiban log_checkpoint`).
CHECKPOINT_EVERY = 1000
CHECKPOINT_SECONDS = 300

PURPOSE_HEADER = "X-Kiban-Purpose"
REQUEST_ID_HEADER = "X-Request-Id"
