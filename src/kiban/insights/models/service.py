from django.conf import settings
from django.db import models
from django.utils import timezone

from kiban.insights.constants import Channel, Grain, Source


class ChannelVolume(models.Model):
    """Applications that reached a bureau outside kiban in one month (counter, post, paper)."""

    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "month", "channel"], name="channel_volume_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.channel} {self.count}"


class ServiceCost(models.Model):
    """What running a procedure cost in a month or a fiscal year, in yen."""

    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="+"
    )
    grain = models.CharField(max_length=20, choices=Grain.choices, default=Grain.MONTH)
    period_start = models.DateField()
    amount_yen = models.DecimalField(max_digits=16, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "grain", "period_start"], name="service_cost_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start} {self.amount_yen}"


class Publication(models.Model):
    """Whether the owner bureau publishes a procedure's figures (transparency, open data)."""

    procedure = models.OneToOneField(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+"
    )
    is_public = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.procedure_id} public={self.is_public}"
