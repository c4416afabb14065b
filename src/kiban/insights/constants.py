from django.db import models
from django.utils.translation import gettext_lazy as _


class JourneyKind(models.TextChoices):
    """What happened in a journey; catalogue and procedure views carry no journey."""

    CATALOGUE_VIEW = "catalogue_view", _("Catalogue page viewed")
    PROCEDURE_VIEW = "procedure_view", _("Procedure page viewed")
    START = "start", _("Started")
    STEP_SHOWN = "step_shown", _("Step shown")
    STEP_ERROR = "step_error", _("Answer not accepted")
    STEP_COMPLETED = "step_completed", _("Step completed")
    REVIEW = "review", _("Reached the check page")
    SUBMITTED = "submitted", _("Submitted")
    ENDED = "ended", _("Ended without submitting")
    RESUMED = "resumed", _("Draft resumed")
    ERROR = "error", _("Could not submit")
    ABANDONED = "abandoned", _("Gave up")  # written by the rollup, never by the flow


class Ending(models.TextChoices):
    """How a journey ended; all but ERROR count as completed."""

    SUBMITTED = "submitted", _("Submitted")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    REFERRED = "referred", _("Sent to another service")
    ERROR = "error", _("Error")


#: Endings that complete a journey (the completion-rate numerator).
COMPLETING_ENDINGS = frozenset({Ending.SUBMITTED, Ending.NOT_ELIGIBLE, Ending.REFERRED})


class Channel(models.TextChoices):
    """Ways an application reaches a bureau; ONLINE is counted by kiban itself."""

    ONLINE = "online", _("Online (kiban)")
    COUNTER = "counter", _("Counter")
    POST = "post", _("Post")
    PAPER = "paper", _("Paper (other)")
    PHONE = "phone", _("Phone")


#: Channels that staff enter or import; online submissions are counted from journeys.
ENTERED_CHANNELS = [c for c in Channel if c != Channel.ONLINE]


class Grain(models.TextChoices):
    MONTH = "month", _("Month")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year")


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class Aggregation(models.TextChoices):
    """How monthly values of a KPI add up to a fiscal year."""

    SUM = "sum", _("Sum of the months")
    LAST = "last", _("Value of the last month")
    MEAN = "mean", _("Mean of the months")


class ValueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Corrected later")


class Provenance(models.TextChoices):
    """Where a KPI value comes from, said in the data description of every dataset."""

    ENTERED = "entered", _("Entered by staff")
    IMPORTED = "imported", _("Imported from a file")
    PUBLISHED = "published", _("Published figure")
    ILLUSTRATIVE = "illustrative", _("Illustrative (demo)")


class Source(models.TextChoices):
    FORM = "form", _("Entered in the form")
    CSV = "csv", _("Imported from CSV")
    DEMO = "demo", _("Demo data")
