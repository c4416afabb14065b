from django.conf import settings
from django.db import models
from django.utils import timezone

from kiban.insights.constants import Aggregation, Direction, Grain, Provenance, ValueStatus


class OrgKpi(models.Model):
    """An organisation KPI in the catalogue: what is measured, by whom, against which target."""

    code = models.SlugField(max_length=80, unique=True)
    name_ja = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    definition_ja = models.TextField()
    definition_en = models.TextField()
    unit_ja = models.CharField(max_length=40)
    unit_en = models.CharField(max_length=40)
    owner = models.ForeignKey("identity.Organisation", on_delete=models.PROTECT, related_name="+")
    grain = models.CharField(max_length=20, choices=Grain.choices, default=Grain.FISCAL_YEAR)
    aggregation = models.CharField(
        max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.LOWER)
    # Values may be split by bureau (e.g. support cases per bureau); the total is their sum.
    by_organisation = models.BooleanField(default=False)
    baseline_value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    baseline_period = models.CharField(max_length=10, blank=True)  # FY2016 or 2021-04
    target_value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    data_note_ja = models.TextField(blank=True)  # which figures are published, which are not
    data_note_en = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ja

    def definition(self, language: str) -> str:
        return self.definition_en if language == "en" else self.definition_ja

    def unit(self, language: str) -> str:
        return self.unit_en if language == "en" else self.unit_ja

    def data_note(self, language: str) -> str:
        return self.data_note_en if language == "en" else self.data_note_ja


class KpiValue(models.Model):
    """One value of a KPI for one period (and bureau). Never changed: a correction is a new
    value that supersedes the approved one once it is approved itself (four eyes)."""

    kpi = models.ForeignKey(OrgKpi, on_delete=models.PROTECT, related_name="values")
    grain = models.CharField(max_length=20, choices=Grain.choices)
    period_start = models.DateField()
    organisation = models.ForeignKey(
        "identity.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=18, decimal_places=2)
    status = models.CharField(
        max_length=20, choices=ValueStatus.choices, default=ValueStatus.SUBMITTED
    )
    provenance = models.CharField(
        max_length=20, choices=Provenance.choices, default=Provenance.ENTERED
    )
    note = models.CharField(max_length=500, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["period_start", "organisation_id", "id"]
        indexes = [models.Index(fields=["kpi", "status", "period_start"])]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period_start} {self.value} ({self.status})"
