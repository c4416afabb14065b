"""Reads of the exchange, each scoped by the calling system and its contract."""

from __future__ import annotations

import hashlib
import time
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from kiban.db import rows
from kiban.exchange.models import AccessToken, Contract, MemberSystem
from kiban.identity.models import Organisation
from kiban.registry.models import Fact, Subject
from kiban.submissions.constants import Status
from kiban.submissions.models import Submission


class TokenRefused(Exception):
    """The bearer token does not authenticate: `code` says why (invalid_token, token_expired)."""

    def __init__(self, code: str, detail: str):
        self.code, self.detail = code, detail
        super().__init__(detail)


class OutsideContract(PermissionError):
    """No contract in force lets the system do this; `detail` says what is missing."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


class _Recent:
    """What this process looked up in the last few seconds: tokens and contracts.

    A call needs both, and they change rarely; remembering them for CACHE_SECONDS saves two
    queries per call. Revoking or granting clears this process's memory at once; other
    processes see the change within CACHE_SECONDS (0 in tests, unless a test sets it).
    """

    def __init__(self) -> None:
        self.entries: dict = {}

    @staticmethod
    def seconds() -> float:
        default = 0.0 if settings.TESTING else 5.0
        return float(getattr(settings, "KIBAN_EXCHANGE_CACHE_SECONDS", default))

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        return None

    def put(self, key, value, seconds: float) -> None:
        if seconds > 0:
            if len(self.entries) > 10_000:
                self.entries.clear()
            self.entries[key] = (time.monotonic() + seconds, value)


recent = _Recent()


def forget_recent() -> None:
    """Forget remembered tokens and contracts (after a revocation or a new contract)."""
    recent.entries.clear()


def token_authenticate(token: str) -> MemberSystem:
    """Return the system a bearer token was issued to, if the token is still good."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    known = recent.get(("token", digest))
    if known is not None:
        return known
    try:
        found = AccessToken.objects.select_related("system__organisation", "secret").get(
            token_hash=digest)
    except AccessToken.DoesNotExist:
        found = None
    if found is None or found.secret.revoked_at is not None or found.system.revoked_at:
        raise TokenRefused("invalid_token", "The token is unknown or its credentials were revoked.")
    left = (found.expires_at - timezone.now()).total_seconds()
    if left <= 0:
        raise TokenRefused("token_expired", "The token has expired; ask for a new one.")
    recent.put(("token", digest), found.system, min(recent.seconds(), left))
    return found.system


def contract_for(*, system: MemberSystem, purpose: str, operation: str, codes=(),
                 day: date | None = None) -> Contract:
    """Return the system's contract for `purpose` if it grants `operation` on every code.

    Raise OutsideContract otherwise: no contract for the purpose in force on `day` (today),
    or one that does not grant the operation, or not for all of `codes`.
    """
    day = day or timezone.localdate()
    key = ("contract", system.pk, purpose, day)
    contract = recent.get(key)
    if contract is not None:
        return contract_grants(contract, operation, codes)
    # At most one contract per purpose is active (a constraint), so no ordering is needed.
    found = list(
        Contract.objects.filter(system=system, purpose=purpose, revoked_at=None,
                                valid_from__lte=day)
        .filter(Q(valid_to=None) | Q(valid_to__gte=day))
        .order_by()[:1]
    )
    contract = found[0] if found else None
    if contract is None:
        raise OutsideContract(f"{system.code} has no contract for the purpose “{purpose}” in "
                              f"force on {day.isoformat()}.")
    recent.put(key, contract, recent.seconds())
    return contract_grants(contract, operation, codes)


def contract_grants(contract: Contract, operation: str, codes=()) -> Contract:
    """Return `contract` if it grants `operation` (or match_keys) on every code in `codes`."""
    purpose = contract.purpose
    granted = set(getattr(contract, operation))
    if not granted:
        raise OutsideContract(f"The contract for “{purpose}” does not grant {operation}.")
    missing = sorted(set(codes) - granted)
    if missing:
        raise OutsideContract(f"The contract for “{purpose}” does not grant {operation} of "
                              f"{', '.join(missing)}.")
    return contract


def contracts_of(*, system: MemberSystem) -> QuerySet[Contract]:
    return Contract.objects.filter(system=system).order_by("purpose", "-granted_at")


def organisation_ids(system: MemberSystem) -> frozenset[int]:
    """Return the organisations whose submissions the system's organisation owns."""
    organisation = system.organisation
    children = organisation.children.values_list("pk", flat=True)
    return frozenset({organisation.pk, *children})


# --- submissions ----------------------------------------------------------------------------


def submissions_for(*, system: MemberSystem, contract: Contract) -> QuerySet[Submission]:
    """Return the submitted cases the contract lets the system read: own organisation only."""
    organisation = system.organisation_id
    own = Organisation.objects.filter(Q(pk=organisation) | Q(parent_id=organisation))
    return (
        Submission.objects.filter(
            organisation_id__in=own.values("pk"),
            version__procedure__code__in=contract.read_submissions,
        )
        .exclude(status=Status.DRAFT)
        .select_related("version__procedure", "subject")
    )


def submission_for(*, system: MemberSystem, contract: Contract, public_id) -> Submission | None:
    return submissions_for(system=system, contract=contract).filter(public_id=public_id).first()


def acknowledged_ids(*, system: MemberSystem, submission_ids) -> set[int]:
    from kiban.exchange.models import Acknowledgement

    return set(Acknowledgement.objects.filter(system=system, submission_id__in=submission_ids)
               .values_list("submission_id", flat=True))


# --- the base registry ----------------------------------------------------------------------


_SUBJECT = rows.Columns(Subject, "s")


def subject_by_public_id(public_id) -> Subject | None:
    """Return the subject with this public id (on every registry call: in SQL, kiban.db.rows)."""
    return rows.get(Subject, _SUBJECT, "public_id", public_id)


def subjects_matching(*, attribute_code: str, match_key: str, as_of: date) -> list[Subject]:
    """Return the subjects whose current `attribute_code` fact has `match_key`.

    A subject matches only by the value in force on `as_of`, not by one it had before.
    """
    from kiban.registry.selectors import current_facts

    candidates = Subject.objects.filter(
        facts__attribute__code=attribute_code, facts__match_key=match_key,
        facts__valid_from__lte=as_of,
    ).distinct()[:20]
    matching = []
    for subject in candidates:
        fact: Fact | None = current_facts(subject, [attribute_code], as_of).get(attribute_code)
        if fact is not None and fact.match_key == match_key:
            matching.append(subject)
    return matching
