from django.db import models
from django.utils import timezone


class RollupCursor(models.Model):
    """How far a rollup has read its raw table: every row with id <= last_id is counted."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"
