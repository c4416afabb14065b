"""Rollups are kept up to date incrementally and agree with a rebuild (kiban.insights.rollups)."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from kiban.insights import rollups
from kiban.insights.models import JourneyRollup, JourneyState, PageViewRollup, SatisfactionRollup
from kiban.insights.tasks import rollups_catch_up
from tests.insights.factories import JourneyEventFactory, SatisfactionResponseFactory

pytestmark = pytest.mark.django_db


def total(**filters) -> int:
    return JourneyRollup.objects.filter(**filters).aggregate(n=Sum("count"))["n"] or 0


def journey(procedure, key: str, kinds: list[tuple], at=None):
    at = at or timezone.now()
    for kind, extra in kinds:
        JourneyEventFactory(procedure=procedure, journey=key, kind=kind, at=at, **extra)


def rollup_snapshot() -> set[tuple]:
    return set(
        JourneyRollup.objects.values_list(
            "procedure_id",
            "month",
            "kind",
            "step",
            "field",
            "device",
            "ending",
            "bucket",
            "first",
            "count",
            "seconds",
        )
    )


def test_events_are_counted_once_even_when_read_in_small_chunks(procedure):
    for n in range(25):
        JourneyEventFactory(procedure=procedure, journey=f"j{n}")
    JourneyEventFactory(procedure=None, organisation=None, kind="catalogue_view", journey="")

    while rollups.journey_chunk(limit=7):
        pass
    rollups.journey_chunk(limit=7)

    assert total(kind="start") == 25
    assert PageViewRollup.objects.get().count == 1


def test_the_task_catches_up_with_everything(procedure):
    journey(procedure, "a", [("start", {}), ("submitted", {"ending": "submitted", "seconds": 400})])
    SatisfactionResponseFactory(procedure=procedure, score=10)

    done = rollups_catch_up.call()

    assert done["journey_events"] == 2 and done["satisfaction"] == 1 and done["more"] == 0
    assert total(kind="submitted", bucket=rollups.bucket_of(400)) == 1
    assert SatisfactionRollup.objects.get().score == 10


def test_a_quiet_journey_is_abandoned_at_its_last_error_and_taken_back_if_it_returns(procedure):
    long_ago = timezone.now() - rollups.ABANDON_AFTER - timedelta(days=1)
    journey(
        procedure,
        "quiet",
        [("start", {}), ("step_error", {"step": "s1", "field": "phone"})],
        at=long_ago,
    )
    rollups.rollups_run()

    assert total(kind="abandoned", step="s1", field="phone") == 1
    assert JourneyState.objects.get(journey="quiet").closed

    journey(procedure, "quiet", [("step_completed", {"step": "s1", "first": True})])
    rollups.rollups_run()

    assert total(kind="abandoned") == 0
    assert not JourneyState.objects.get(journey="quiet").closed


def test_completed_journeys_are_never_abandoned(procedure):
    long_ago = timezone.now() - rollups.ABANDON_AFTER - timedelta(days=3)
    journey(procedure, "done", [("start", {}), ("submitted", {"ending": "submitted"})], at=long_ago)

    rollups.rollups_run()

    assert total(kind="abandoned") == 0


def test_a_rebuild_gives_the_same_rollups_as_the_incremental_path(procedure, other_procedure):
    long_ago = timezone.now() - rollups.ABANDON_AFTER - timedelta(days=2)
    for n in range(6):
        journey(
            procedure if n % 2 else other_procedure,
            f"k{n}",
            [
                ("start", {"device": "desktop" if n % 3 else "mobile"}),
                ("step_error", {"step": "s1", "field": "phone"}),
                ("step_completed", {"step": "s1", "first": True}),
                *([("submitted", {"ending": "submitted", "seconds": 60 * n})] if n % 2 else []),
            ],
            at=long_ago if n < 3 else None,
        )
    rollups.rollups_run()
    incremental = rollup_snapshot()

    rollups.rollups_rebuild()

    assert rollup_snapshot() == incremental
    assert rollups.rollups_lag() == 0
