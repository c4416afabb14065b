"""Writes for accounts, organisations and memberships."""

import secrets

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiban.audit.services import audit_record
from kiban.identity.constants import Assurance, OrganisationKind, Role, UserKind
from kiban.identity.models import ExternalIdentity, Membership, Organisation, User, UserSession


@transaction.atomic
def organisation_create(
    *,
    code: str,
    name_ja: str,
    name_en: str,
    kind: str = OrganisationKind.BUREAU,
    parent: Organisation | None = None,
    contact: str = "",
    actor: User | None = None,
) -> Organisation:
    organisation = Organisation.objects.create(
        code=code, name_ja=name_ja, name_en=name_en, kind=kind, parent=parent, contact=contact
    )
    audit_record(action="organisation.create", actor=actor, target=organisation)
    return organisation


@transaction.atomic
def account_register(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    kind: str = UserKind.RESIDENT,
    actor: User | None = None,
) -> User:
    """Create an account; residents and business representatives get a registry subject."""
    from kiban.registry.services import subject_create_for_user

    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, kind=kind
    )
    if kind != UserKind.STAFF:
        subject_create_for_user(user=user)
    audit_record(action="account.register", actor=actor or user, target=user, data={"kind": kind})
    return user


@transaction.atomic
def membership_grant(
    *, user: User, organisation: Organisation, role: str, actor: User | None = None
) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    audit_record(
        action="membership.grant",
        actor=actor,
        organisation=organisation,
        target=user,
        data={"role": role},
    )
    return membership


@transaction.atomic
def totp_device_create(
    *, user: User, key: str | None = None, confirmed: bool = False
) -> TOTPDevice:
    """Create the user's TOTP device (replacing unconfirmed ones); `key` is hex."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(
        user=user, name="authenticator", key=key or secrets.token_hex(20), confirmed=confirmed
    )
    audit_record(action="totp.create", actor=user, target=user, data={"confirmed": confirmed})
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action="totp.confirm", actor=device.user, target=device.user)


def role_requires_two_factor(user: User) -> bool:
    """Return whether this account must pass a second factor (every staff member does)."""
    return user.kind == UserKind.STAFF


@transaction.atomic
def sign_on_client_register(
    *,
    organisation: Organisation,
    client_id: str,
    client_secret: str,
    name_ja: str,
    name_en: str,
    purpose_ja: str,
    purpose_en: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    scopes: list[str],
    member_system: str = "",
    contract: str = "",
    actor: User | None = None,
):
    """Register (or update) a bureau application that signs residents in through kiban."""
    from oauth2_provider.models import get_application_model

    from kiban.identity.models import SignOnClient

    application, _ = get_application_model().objects.update_or_create(
        client_id=client_id,
        defaults={
            "name": name_ja,
            "client_secret": client_secret,
            "hash_client_secret": True,
            "client_type": "confidential",
            "authorization_grant_type": "authorization-code",
            "redirect_uris": " ".join(redirect_uris),
            "post_logout_redirect_uris": " ".join(post_logout_redirect_uris),
            "algorithm": "RS256",
            "skip_authorization": False,
        },
    )
    client, _ = SignOnClient.objects.update_or_create(
        application=application,
        defaults={
            "organisation": organisation,
            "name_ja": name_ja,
            "name_en": name_en,
            "purpose_ja": purpose_ja,
            "purpose_en": purpose_en,
            "scopes": scopes,
            "member_system": member_system,
            "contract": contract,
        },
    )
    audit_record(
        action="sign_on_client.register",
        actor=actor,
        organisation=organisation,
        target=client,
        data={"client_id": client_id, "scopes": scopes},
    )
    return client


@transaction.atomic
def sign_on_consent_give(*, user: User, client, codes: list[str]):
    """Record the resident's consent to release `codes` to a bureau application."""
    from kiban.registry.services import consent_give

    return consent_give(
        subject=user.subject,
        purpose=client.consent_purpose,
        attribute_codes=codes,
        organisation=client.organisation,
        actor=user,
    )


class IdentityLinkRefused(Exception):
    """Linking refused: the identity belongs to another account, or this account has another."""

    def __init__(self, reason: str):
        self.reason = reason  # linked_elsewhere, account_has_other
        super().__init__(reason)


@transaction.atomic
def identity_link(*, user: User, verified) -> ExternalIdentity:
    """Link a verified external identity to `user`, raise the account's assurance, record facts.

    `verified` is a `federation.VerifiedIdentity`. The facts the provider vouches for become
    verified facts with the provider as their source. Raise `IdentityLinkRefused` (nothing is
    changed) if the identity is another account's or the account has another at the provider.
    """
    from kiban.identity.federation_facts import verified_facts_record
    from kiban.identity.id_providers import id_providers

    provider = id_providers[verified.provider]
    if user.kind != provider.account_kind:
        raise IdentityLinkRefused("wrong_account_kind")
    existing = (
        ExternalIdentity.objects.select_for_update()
        .filter(issuer=verified.issuer, subject=verified.subject)
        .first()
    )
    if existing is not None and existing.user_id != user.pk:
        raise IdentityLinkRefused("linked_elsewhere")
    if (
        ExternalIdentity.objects.filter(user=user, provider=provider.code)
        .exclude(issuer=verified.issuer, subject=verified.subject)
        .exists()
    ):
        raise IdentityLinkRefused("account_has_other")
    if existing is None:
        existing = ExternalIdentity.objects.create(
            user=user, provider=provider.code, issuer=verified.issuer, subject=verified.subject
        )
        audit_record(
            action="identity.link",
            actor=user,
            target=existing,
            data={"provider": provider.code, "issuer": verified.issuer},
        )
    else:
        existing.verified_at = timezone.now()
        existing.save(update_fields=["verified_at"])
    recorded = verified_facts_record(user=user, provider=provider, claims=verified.claims)
    if user.assurance != Assurance.VERIFIED:
        user.assurance = Assurance.VERIFIED
        user.save(update_fields=["assurance"])
    audit_record(
        action="account.verify",
        actor=user,
        target=user,
        data={"provider": provider.code, "facts": recorded},
    )
    return existing


@transaction.atomic
def account_register_verified(*, email: str, verified) -> User:
    """Create an account (no password: it signs in with the provider) for a verified identity."""
    from kiban.identity.id_providers import id_providers

    provider = id_providers[verified.provider]
    claims = verified.claims
    name = f"{claims.get('family_name', '')} {claims.get('given_name', '')}".strip()
    user = account_register(
        email=email, password=None, display_name=name, kind=provider.account_kind
    )
    identity_link(user=user, verified=verified)
    return user


def session_touch(*, user: User, session_key: str, user_agent: str, seen_at) -> None:
    """Note that a signed-in session was used (not audited: activity, not a change)."""
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "last_seen_at": seen_at, "user_agent": user_agent[:300]},
    )


def session_seen(*, session_key: str | None, seen_at) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).update(last_seen_at=seen_at)


@transaction.atomic
def session_end(*, session: UserSession, actor: User) -> None:
    """End a session from another device: delete it from the session store and the list."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=session.session_key).delete()
    audit_record(
        action="session.end",
        actor=actor,
        target=session.user,
        data={"created_at": session.created_at.isoformat()},
    )
    session.delete()


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def passkey_register(*, user: User, name: str, credential: dict):
    """Store a verified passkey as one of the account's second factors."""
    from kiban.identity.models import PasskeyDevice

    device = PasskeyDevice.objects.create(
        user=user, name=name[:64] or "passkey", confirmed=True, **credential
    )
    audit_record(action="passkey.register", actor=user, target=user, data={"device": device.pk})
    return device


@transaction.atomic
def passkey_use(*, device, sign_count: int) -> None:
    device.sign_count = sign_count
    device.last_used_at = timezone.now()
    device.save(update_fields=["sign_count", "last_used_at"])


@transaction.atomic
def passkey_delete(*, device, actor: User) -> None:
    audit_record(
        action="passkey.delete", actor=actor, target=device.user, data={"device": device.pk}
    )
    device.delete()


__all__ = [
    "IdentityLinkRefused",
    "Role",
    "account_register",
    "account_register_verified",
    "identity_link",
    "membership_grant",
    "organisation_create",
    "passkey_delete",
    "passkey_register",
    "passkey_use",
    "role_requires_two_factor",
    "session_end",
    "session_forget",
    "session_seen",
    "session_touch",
    "sign_on_client_register",
    "sign_on_consent_give",
    "totp_device_confirm",
    "totp_device_create",
]
