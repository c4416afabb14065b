from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")


class ValueType(models.TextChoices):
    TEXT = "text", _("Text")
    NAME = "name", _("Name with reading")
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    DATE = "date", _("Date")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    CORPORATE_NUMBER = "corporate_number", _("Corporate number")
    CHOICE = "choice", _("Choice")


class Sensitivity(models.TextChoices):
    NORMAL = "normal", _("Personal data")
    SENSITIVE = "sensitive", _("Sensitive personal data")
    PUBLIC = "public", _("Public data")


class SourceKind(models.TextChoices):
    NATIONAL_ID = "national_id", _("National ID (verified)")
    SELF = "self", _("Your own declaration")
    BUREAU_SYSTEM = "bureau_system", _("Bureau system")
    STAFF = "staff", _("Bureau staff")
    PAPER = "paper", _("Paper application")


class Method(models.TextChoices):
    DECLARED = "declared", _("Declared")
    VERIFIED = "verified", _("Verified")
    DERIVED = "derived", _("Derived")


class AccessorKind(models.TextChoices):
    PROCEDURE = "procedure", _("Procedure (prefill)")
    STAFF = "staff", _("Staff member")
    SYSTEM = "system", _("Bureau system")
    REPRESENTATIVE = "representative", _("Someone who acts for you")
    SELF = "self", _("You")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Refused")


class Purpose(models.TextChoices):
    """Purposes for which facts are read; procedures and contracts may add their own text."""

    PREFILL = "prefill", _("Prefill an application you started")
    CASE_WORK = "case_work", _("Handle an application you submitted")
    SELF_VIEW = "self_view", _("You viewed your own data")
    REPRESENTATION = "representation", _("Act for you as parent, guardian or representative")


class RepresentationKind(models.TextChoices):
    """How one person may act for another subject (代理・代表)."""

    PARENT = "parent", _("Parent (for a child)")
    GUARDIAN = "guardian", _("Legal guardian")
    REPRESENTATIVE = "representative", _("Representative of a business")
