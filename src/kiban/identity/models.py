from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from kiban.identity.constants import Assurance, OrganisationKind, Role, UserKind


class Organisation(models.Model):
    """A bureau (局) or a department under it; the platform team is one too."""

    code = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    name_ja = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    contact = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ja

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ja

    def bureau(self) -> "Organisation":
        """Return the bureau this organisation belongs to (itself for a bureau)."""
        node = self
        while node.kind == OrganisationKind.DEPARTMENT and node.parent_id:
            node = node.parent
        return node


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("kind", UserKind.STAFF)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: a resident, a business representative or a member of staff."""

    email = models.EmailField(unique=True)
    kind = models.CharField(max_length=20, choices=UserKind.choices, default=UserKind.RESIDENT)
    display_name = models.CharField(max_length=200, blank=True)
    assurance = models.CharField(
        max_length=20, choices=Assurance.choices, default=Assurance.SELF_ASSERTED
    )
    preferred_language = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # may use Django's admin site
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def is_resident(self) -> bool:
        return self.kind in (UserKind.RESIDENT, UserKind.BUSINESS)

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF


class Membership(models.Model):
    """A staff member's role in one organisation; every staff permission is scoped by it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.organisation.code}"


class ExternalIdentity(models.Model):
    """An account's identity at an external OpenID Connect provider (national ID, GビズID).

    One identity belongs to one account; an account has at most one per provider.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(max_length=40)
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique"),
            models.UniqueConstraint(
                fields=["user", "provider"], name="external_identity_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject} → {self.user_id}"


class UserSession(models.Model):
    """A signed-in session of an account, listed so its owner can see and end it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"session of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class SignOnClient(models.Model):
    """A bureau application that signs residents in through kiban (an OpenID Connect client).

    Registered by the platform team for one organisation; `member_system` and `contract` name
    its entries in the system integration platform (exchange).
    """

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="sign_on_client"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name_ja = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    purpose_ja = models.CharField(max_length=300)
    purpose_en = models.CharField(max_length=300)
    scopes = models.JSONField(default=list)  # the scopes it may ask for, besides openid
    member_system = models.CharField(max_length=120, blank=True)
    contract = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name_ja

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ja

    def purpose(self, language: str) -> str:
        return self.purpose_en if language == "en" else self.purpose_ja

    @property
    def consent_purpose(self) -> str:
        """The registry purpose under which the resident's consent to this application is kept."""
        return f"oidc:{self.application.client_id}"


class PasskeyDevice(Device):
    """A staff member's passkey (a WebAuthn credential), one of django-otp's second factors."""

    credential_id = models.CharField(max_length=400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
