from django.db import models
from django.utils import timezone

from kiban.insights.constants import JourneyKind

_NO_INDEX = {
    "on_delete": models.DO_NOTHING,
    "db_constraint": False,
    "db_index": False,
    "related_name": "+",
}


class JourneyEvent(models.Model):
    """One step of a resident's journey, or an anonymous page view. Append-only.

    Nothing here identifies a person: `journey` is a keyed hash of the draft's public id
    (so events of one draft belong together), the device is a class from the User-Agent,
    and no address, account or cookie is stored. The rollups read this table by id range
    only; it carries no index but its primary key, so writing stays one cheap insert.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    month = models.DateField()  # first day of the month in Tokyo time
    kind = models.CharField(max_length=20, choices=JourneyKind.choices)
    organisation = models.ForeignKey("identity.Organisation", null=True, **_NO_INDEX)
    procedure = models.ForeignKey("procedures.Procedure", null=True, **_NO_INDEX)
    journey = models.CharField(max_length=32, blank=True)
    step = models.CharField(max_length=80, blank=True)  # step id in the definition
    field = models.CharField(max_length=80, blank=True)  # field id, for answer errors
    device = models.CharField(max_length=10, blank=True)
    ending = models.CharField(max_length=20, blank=True)
    seconds = models.PositiveIntegerField(null=True, blank=True)  # start to ending
    first = models.BooleanField(default=False)  # the first completion of this step

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.step}"


class JourneyRollup(models.Model):
    """Counts of journey events by month, procedure and what happened; dashboards read this."""

    month = models.DateField()
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=20, choices=JourneyKind.choices)
    step = models.CharField(max_length=80, blank=True, default="")
    field = models.CharField(max_length=80, blank=True, default="")
    device = models.CharField(max_length=10, blank=True, default="")
    ending = models.CharField(max_length=20, blank=True, default="")
    bucket = models.SmallIntegerField(default=-1)  # time-to-complete bucket, -1 for none
    first = models.BooleanField(default=False)
    count = models.BigIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "procedure",
                    "month",
                    "kind",
                    "step",
                    "field",
                    "device",
                    "ending",
                    "bucket",
                    "first",
                ],
                name="journey_rollup_key",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "month"]),
            models.Index(fields=["kind", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.step} {self.count}"


class PageViewRollup(models.Model):
    """Anonymous page views of the catalogue by month and device class."""

    month = models.DateField()
    page = models.CharField(max_length=40)
    device = models.CharField(max_length=10, blank=True, default="")
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "month", "device"], name="page_view_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.page} {self.count}"


class JourneyState(models.Model):
    """The last thing that happened in each journey, kept by the rollup to find drop-offs.

    A journey with no event for `ABANDON_AFTER` is counted once as abandoned at its last
    step (and after its last answer error); if it comes back, that count is taken back.
    """

    journey = models.CharField(max_length=32, primary_key=True)
    organisation_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    last_kind = models.CharField(max_length=20)
    last_step = models.CharField(max_length=80, blank=True)
    last_field = models.CharField(max_length=80, blank=True)
    last_at = models.DateTimeField()
    last_month = models.DateField()
    closed = models.BooleanField(default=False)
    abandoned_month = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["closed", "last_at"])]

    def __str__(self) -> str:
        return f"{self.journey} {self.last_kind}"
