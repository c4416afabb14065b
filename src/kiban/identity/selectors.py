"""Reads for accounts and organisations."""

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiban.identity.models import Membership, Organisation, User


def organisations_of(*, user: User, roles: set[str] | None = None) -> QuerySet[Organisation]:
    """Return the organisations in which `user` holds one of `roles` (any role if None)."""
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def has_role(*, user: User, organisation: Organisation, roles: set[str]) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, role__in=roles).exists()


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
