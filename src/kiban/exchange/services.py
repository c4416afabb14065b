"""Writes of the exchange: member systems, credentials, tokens, contracts, acknowledgements."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from kiban.audit.services import audit_record
from kiban.exchange.constants import ROTATION_GRACE_HOURS, TOKEN_SECONDS, Operation
from kiban.exchange.models import (
    AccessToken,
    Acknowledgement,
    ClientSecret,
    Contract,
    MemberSystem,
)
from kiban.exchange.selectors import forget_recent


class ClientRefused(Exception):
    """The token endpoint refuses: `code` is the OAuth error (invalid_client)."""

    def __init__(self, code: str, detail: str):
        self.code, self.detail = code, detail
        super().__init__(detail)


class ContractInvalid(ValueError):
    """A contract would grant what the system's organisation may not have."""


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _new_secret(system: MemberSystem, actor, plain: str = "") -> tuple[ClientSecret, str]:
    plain = plain or secrets.token_urlsafe(32)
    secret = ClientSecret.objects.create(
        system=system, secret_hash=secret_hash(plain), hint=plain[-4:], created_by=actor
    )
    return secret, plain


@transaction.atomic
def system_register(*, code: str, organisation, name: str, contact: str = "", actor=None,
                    client_id: str = "", secret: str = "") -> tuple[MemberSystem, str]:
    """Register a member system with its first secret; return it and the secret (shown once).

    The client id and secret are random unless given (the demo gives them, to print them).
    """
    system = MemberSystem(
        code=code, organisation=organisation, name=name, contact=contact,
        client_id=client_id or f"kiban-{secrets.token_hex(8)}",
    )
    system.full_clean()
    system.save()
    secret, plain = _new_secret(system, actor, secret)
    audit_record(action="exchange.system_register", actor=actor, organisation=organisation,
                 target=system, data={"code": code, "secret": secret.hint})
    return system, plain


@transaction.atomic
def secret_rotate(
    *, system: MemberSystem, actor=None, grace: timedelta = timedelta(hours=ROTATION_GRACE_HOURS)
) -> tuple[ClientSecret, str]:
    """Issue a new secret; the ones in use keep working for `grace`, so nothing stops."""
    ends = timezone.now() + grace
    current = ClientSecret.objects.select_for_update().filter(system=system, revoked_at=None)
    for old in current:
        if old.expires_at is None or old.expires_at > ends:
            old.expires_at = ends
            old.save(update_fields=["expires_at"])
    secret, plain = _new_secret(system, actor)
    audit_record(action="exchange.secret_rotate", actor=actor, organisation=system.organisation,
                 target=system, data={"secret": secret.hint, "grace_until": ends.isoformat()})
    return secret, plain


@transaction.atomic
def secret_revoke(*, secret: ClientSecret, actor=None) -> ClientSecret:
    """Revoke one secret at once; the tokens issued with it stop working too."""
    if secret.revoked_at is None:
        secret.revoked_at = timezone.now()
        secret.save(update_fields=["revoked_at"])
        AccessToken.objects.filter(secret=secret).delete()
        forget_recent()
        audit_record(action="exchange.secret_revoke", actor=actor,
                     organisation=secret.system.organisation, target=secret.system,
                     data={"secret": secret.hint})
    return secret


@transaction.atomic
def system_revoke(*, system: MemberSystem, actor=None) -> MemberSystem:
    """Revoke a system: no secret, token or contract of it works any more."""
    if system.revoked_at is None:
        system.revoked_at = timezone.now()
        system.save(update_fields=["revoked_at"])
        AccessToken.objects.filter(system=system).delete()
        forget_recent()
        audit_record(action="exchange.system_revoke", actor=actor,
                     organisation=system.organisation, target=system)
    return system


def token_issue(*, client_id: str, client_secret: str) -> tuple[AccessToken, str]:
    """Issue a bearer token for valid client credentials (OAuth 2.0 client credentials)."""
    now = timezone.now()
    secret = (
        ClientSecret.objects.select_related("system")
        .filter(secret_hash=secret_hash(client_secret), system__client_id=client_id)
        .first()
    )
    if secret is None or not secret.is_usable(now) or secret.system.revoked_at is not None:
        raise ClientRefused("invalid_client", "Unknown client, wrong or revoked secret.")
    plain = secrets.token_urlsafe(32)
    with transaction.atomic():
        stale = now - timedelta(hours=1)
        AccessToken.objects.filter(system=secret.system, expires_at__lt=stale).delete()
        token = AccessToken.objects.create(
            token_hash=secret_hash(plain), system=secret.system, secret=secret, issued_at=now,
            expires_at=now + timedelta(seconds=TOKEN_SECONDS),
        )
    return token, plain


# --- contracts ----------------------------------------------------------------------------


def _organisation_codes(organisation) -> set[str]:
    """Return the codes an organisation acts as: its own and its bureau's."""
    return {organisation.code, organisation.bureau().code}


def _contract_problems(system: MemberSystem, grants: dict[str, list[str]]) -> list[str]:
    from kiban.procedures.models import Procedure
    from kiban.registry.models import Attribute

    organisation = system.organisation
    attributes = {a.code: a for a in Attribute.objects.all()}
    problems = [f"unknown attribute {code}" for key in ("read_attributes", "match_keys",
                "publish_attributes") for code in grants[key] if code not in attributes]
    codes = _organisation_codes(organisation)
    for code in grants["publish_attributes"]:
        if code in attributes and not codes & set(attributes[code].authoritative_sources):
            problems.append(f"{organisation.code} is not an authoritative source of {code}")
    organisations = [organisation, *organisation.children.all()]
    own = set(Procedure.objects.filter(organisation__in=organisations)
              .values_list("code", flat=True))
    for key in ("read_submissions", "work_submissions"):
        problems += [f"procedure {code} is not {organisation.code}'s" for code in grants[key]
                     if code not in own]
    return problems


@transaction.atomic
def contract_grant(*, system: MemberSystem, purpose: str, legal_basis: str, valid_from: date,
                   valid_to: date | None = None, description: str = "", actor=None,
                   **grants: list[str]) -> Contract:
    """Grant `system` the operations in `grants` (keyword per Operation) for `purpose`.

    An active contract for the same purpose is replaced (revoked, then granted anew).
    """
    unknown = set(grants) - {*Operation.values, "match_keys"}
    if unknown:
        raise ContractInvalid(f"unknown operations: {', '.join(sorted(unknown))}")
    grants = {key: sorted(set(grants.get(key, []))) for key in (*Operation.values, "match_keys")}
    problems = _contract_problems(system, grants)
    if problems:
        raise ContractInvalid("; ".join(problems))
    for old in Contract.objects.select_for_update().filter(system=system, purpose=purpose,
                                                           revoked_at=None):
        contract_revoke(contract=old, actor=actor)
    contract = Contract.objects.create(
        system=system, purpose=purpose, legal_basis=legal_basis, description=description,
        valid_from=valid_from, valid_to=valid_to, granted_by=actor, **grants,
    )
    forget_recent()
    audit_record(action="exchange.contract_grant", actor=actor, organisation=system.organisation,
                 target=contract, data={"purpose": purpose, **grants})
    return contract


@transaction.atomic
def contract_revoke(*, contract: Contract, actor=None) -> Contract:
    if contract.revoked_at is None:
        contract.revoked_at = timezone.now()
        contract.save(update_fields=["revoked_at"])
        forget_recent()
        audit_record(action="exchange.contract_revoke", actor=actor,
                     organisation=contract.system.organisation, target=contract)
    return contract


# --- submissions ----------------------------------------------------------------------------


def submission_acknowledge(*, system: MemberSystem, submission) -> Acknowledgement:
    """Record that `system` has taken `submission` over; acknowledging twice changes nothing."""
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        system=system, submission=submission
    )
    if created:
        audit_record(action="exchange.acknowledge", actor_label=system.code,
                     organisation=system.organisation, target=submission)
    return acknowledgement


# --- the base registry -----------------------------------------------------------------------


class NotAuthoritative(PermissionError):
    pass


@transaction.atomic
def fact_publish(*, system: MemberSystem, contract: Contract, subject, attribute_code: str,
                 value, valid_from: date | None = None, reference: str = ""):
    """Record a verified value from an authoritative bureau system, and announce it.

    The fact supersedes older ones from `valid_from` on; an event `fact.published` (ids and
    codes only, never the value) is written in the same transaction.
    """
    from kiban.exchange.values import ValueInvalid, value_parse
    from kiban.registry.constants import Method, SourceKind
    from kiban.registry.models import Attribute
    from kiban.registry.services import fact_record

    attribute = Attribute.objects.filter(code=attribute_code).first()
    if attribute is None or attribute_code not in contract.publish_attributes:
        raise NotAuthoritative(f"the contract does not let {system.code} publish {attribute_code}")
    if not _organisation_codes(system.organisation) & set(attribute.authoritative_sources):
        raise NotAuthoritative(f"{system.organisation.code} is not an authoritative source of "
                               f"{attribute_code}")
    if attribute.subject_kind != subject.kind:
        raise ValueInvalid(f"{attribute_code} is not an attribute of a {subject.kind}")
    stored, match_key = value_parse(attribute.value_type, value)
    fact = fact_record(
        subject=subject, attribute_code=attribute_code, value=stored, match_key=match_key,
        source_kind=SourceKind.BUREAU_SYSTEM, method=Method.VERIFIED,
        source_organisation=system.organisation, source_label=system.name,
        source_reference=reference[:120], valid_from=valid_from, actor_label=system.code,
    )
    # fact_record emits `fact.published` in the same transaction.
    return fact
