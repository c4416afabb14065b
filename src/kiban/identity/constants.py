from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    BUSINESS = "business", _("Business representative")
    STAFF = "staff", _("Staff")


class Assurance(models.TextChoices):
    """Level of assurance of an account's identity."""

    SELF_ASSERTED = "self_asserted", _("Self-asserted")
    VERIFIED = "verified", _("Verified")


class OrganisationKind(models.TextChoices):
    PLATFORM = "platform", _("Platform team")
    BUREAU = "bureau", _("Bureau")
    DEPARTMENT = "department", _("Department")


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    PUBLISHER = "publisher", _("Publisher")
    CASE_WORKER = "case_worker", _("Case worker")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


# Roles whose holders can read residents' personal data; they must use two-factor sign-in.
PERSONAL_DATA_ROLES = frozenset({Role.CASE_WORKER, Role.ADMIN})
