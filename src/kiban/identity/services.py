"""Writes for accounts, organisations and memberships."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiban.audit.services import audit_record
from kiban.identity.constants import OrganisationKind, Role, UserKind
from kiban.identity.models import Membership, Organisation, User


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


__all__ = [
    "Role",
    "account_register",
    "membership_grant",
    "organisation_create",
    "role_requires_two_factor",
    "totp_device_confirm",
    "totp_device_create",
]
