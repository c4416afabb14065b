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


def external_identity(*, issuer: str, subject: str):
    from kiban.identity.models import ExternalIdentity

    return (
        ExternalIdentity.objects.filter(issuer=issuer, subject=subject)
        .select_related("user")
        .first()
    )


def external_identities_of(*, user: User):
    from kiban.identity.models import ExternalIdentity

    return ExternalIdentity.objects.filter(user=user).order_by("provider")


def sessions_of(*, user: User) -> list:
    """Return the account's sessions that still exist in the session store, newest use first."""
    from importlib import import_module

    from django.conf import settings

    from kiban.identity.models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = list(UserSession.objects.filter(user=user).order_by("-last_seen_at"))
    return [s for s in sessions if store().exists(s.session_key)]


def sign_on_client_names() -> dict[str, object]:
    """Return {registry consent purpose: SignOnClient} for labelling consents on My data."""
    from kiban.identity.models import SignOnClient

    return {c.consent_purpose: c for c in SignOnClient.objects.select_related("application")}


def passkeys_of(*, user: User):
    from kiban.identity.models import PasskeyDevice

    return PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("created_at")


def meets_assurance(*, user: User, required: str | None) -> bool:
    """Return whether the account's level of assurance is enough for `required` (None: any)."""
    from kiban.identity.constants import Assurance

    if not required or required == Assurance.SELF_ASSERTED:
        return True
    return user.assurance == Assurance.VERIFIED
