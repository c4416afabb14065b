"""Journey events from the resident flow: cheap, anonymous and complete."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kiban.insights.journeys import journey_key
from kiban.insights.models import JourneyEvent
from kiban.submissions.models import Submission
from tests.factories import FactFactory
from tests.insights.factories import JourneyEventFactory

pytestmark = pytest.mark.django_db
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@pytest.fixture
def applicant(resident_client, resident):
    FactFactory(subject=resident.subject)
    resident_client.defaults["HTTP_USER_AGENT"] = PHONE_UA
    return resident_client


def kinds() -> list[tuple]:
    return list(JourneyEvent.objects.order_by("id").values_list("kind", "step", "field", "first"))


def test_the_catalogue_is_counted_without_anyone_being_identified(client, procedure):
    client.get("/services/", HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="203.0.113.9")

    event = JourneyEvent.objects.get()
    assert event.kind == "catalogue_view"
    assert event.device == "mobile"
    assert event.journey == "" and event.procedure_id is None
    assert "203.0.113.9" not in str(JourneyEvent.objects.values().get())
    assert not client.cookies.get("sessionid")


def test_crawlers_are_not_counted(client, procedure):
    client.get("/services/", HTTP_USER_AGENT="Googlebot/2.1")
    client.get("/services/child-allowance/", HTTP_USER_AGENT="Googlebot/2.1")

    assert not JourneyEvent.objects.exists()


def test_a_whole_journey_is_recorded_step_by_step(applicant, procedure):
    applicant.get("/services/child-allowance/")
    step = applicant.post("/services/child-allowance/")["Location"]
    applicant.get(step)
    applicant.post(step, {"f-phone": "12"})
    applicant.post(step, {"f-phone": "03-1234-5678"})
    draft = Submission.objects.get()
    applicant.get(f"/apply/{draft.public_id}/review/")
    applicant.post(f"/apply/{draft.public_id}/review/", {})

    assert kinds() == [
        ("procedure_view", "", "", False),
        ("start", "", "", False),
        ("step_shown", "s1", "", False),
        ("step_error", "s1", "phone", False),
        ("step_completed", "s1", "", True),
        ("review", "", "", False),
        ("submitted", "", "", False),
    ]
    submitted = JourneyEvent.objects.get(kind="submitted")
    assert submitted.ending == "submitted" and submitted.seconds is not None
    assert set(
        JourneyEvent.objects.exclude(kind="procedure_view").values_list("journey", flat=True)
    ) == {journey_key(draft.public_id)}
    assert set(JourneyEvent.objects.values_list("device", flat=True)) == {"mobile"}


def test_completing_a_step_again_is_not_a_first_completion(applicant, procedure):
    step = applicant.post("/services/child-allowance/")["Location"]
    applicant.post(step, {"f-phone": "03-1234-5678"})
    applicant.post(step, {"f-phone": "03-1234-9999"})

    assert list(
        JourneyEvent.objects.filter(kind="step_completed").values_list("first", flat=True)
    ) == [True, False]


def test_a_draft_opened_after_a_pause_counts_as_resumed(applicant, procedure):
    step = applicant.post("/services/child-allowance/")["Location"]
    Submission.objects.update(updated_at=timezone.now() - timedelta(hours=3))

    applicant.get(step)

    assert JourneyEvent.objects.filter(kind="resumed", step="s1").count() == 1


def test_each_hook_is_one_insert(applicant, procedure):
    step = applicant.post("/services/child-allowance/")["Location"]

    with CaptureQueriesContext(connection) as queries:
        applicant.get(step)

    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "insights_')]
    assert len(inserts) == 1


def test_a_failing_insert_never_breaks_the_page(applicant, procedure, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(JourneyEvent.objects, "bulk_create", broken)

    response = applicant.post("/services/child-allowance/")

    assert response.status_code == 302


def test_the_journey_key_is_stable_and_reveals_nothing():
    first, again = (
        journey_key("0b9f7c1e-0000-4000-8000-000000000000"),
        journey_key("0b9f7c1e-0000-4000-8000-000000000000"),
    )

    assert first == again and len(first) == 32
    assert "0b9f7c1e" not in first


def test_factory_builds_events():
    assert JourneyEventFactory().kind == "start"
