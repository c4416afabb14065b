from django.db import models
from django.db.models import Q
from django.utils import timezone

from kiban.insights.constants import Ending


class SatisfactionResponse(models.Model):
    """One answer to the satisfaction question at the end of a journey. Anonymous.

    `comment` is stored with personal data already masked (kiban.insights.masking): the
    raw text never reaches the database. `journey` only prevents answering twice.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    month = models.DateField()
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    ending = models.CharField(max_length=20, choices=Ending.choices, default=Ending.SUBMITTED)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # 0–10
    comment = models.TextField(blank=True)
    has_comment = models.BooleanField(default=False)
    journey = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["procedure", "-id"],
                condition=Q(has_comment=True),
                name="satisfaction_comments",
            ),
            models.Index(fields=["journey"], condition=~Q(journey=""), name="satisfaction_journey"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.ending} {self.score}"


class SatisfactionRollup(models.Model):
    """Counts of answers by month, procedure, ending and score (−1: comment only)."""

    month = models.DateField()
    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    ending = models.CharField(max_length=20, choices=Ending.choices)
    score = models.SmallIntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "month", "ending", "score"], name="satisfaction_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.score}: {self.count}"
