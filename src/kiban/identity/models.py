from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

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
