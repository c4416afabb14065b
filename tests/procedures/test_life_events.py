"""Life events: one start, shared answers asked once, one submission per bureau."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kiban.audit.models import AuditRecord
from kiban.procedures import life_events
from kiban.procedures.models import Journey, LifeEvent
from kiban.registry.models import AccessRecord
from kiban.submissions.models import Submission
from kiban.web.demo import DEMO_PASSWORD, load_demo
from tests.formparse import form_values
from tests.procedures.test_builder import WELFARE, post_form, staff_sign_in

pytestmark = pytest.mark.django_db
BUNDLE = ["child-allowance", "housing-application", "tax-certificate"]
PHONE = "090-1111-2222"
TYPED = {
    "f-children-0-child_name-family": "都民", "f-children-0-child_name-given": "一郎",
    "f-children-0-child_name-family_reading": "トミン",
    "f-children-0-child_name-given_reading": "イチロウ",
    "f-children-0-child_birth_date": "令和2年5月1日",
    "f-household_size": "3", "f-monthly_rent": "80000", "f-copies": "1",
}


@pytest.fixture
def demo(db):
    load_demo(residents=0)


def build_moving_in(client: Client) -> None:
    post_form(client, "/staff/builder/life-events/new/", {
        "code": "moving-in", "title_ja": "東京都への転入", "title_en": "Moving into Tokyo",
        "title_ja_easy": "とうきょうに ひっこす",
    })
    for code in BUNDLE:
        client.post("/staff/builder/life-events/moving-in/",
                    {"action": "add", "procedure": code})
    client.post("/staff/builder/life-events/moving-in/", {"action": "publish"})


def resident() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["kiban_language"] = "en"
    client.post("/accounts/sign-in/", {"username": "resident@demo.kiban.jp",
                                       "password": DEMO_PASSWORD})
    return client


def walk(client: Client, url: str) -> tuple[str, list[str]]:
    """Answer every page from ``url`` on as a browser would; return the review URL and pages."""
    pages = []
    while not url.endswith("/review/"):
        html = client.get(url).content.decode()
        pages.append(html)
        values, choices = form_values(html)
        for name, options in choices.items():
            values.setdefault(name, options[0])
        values.update({key: value for key, value in TYPED.items() if key in values})
        if "f-person_phone" in values:
            values["f-person_phone"] = PHONE
        response = client.post(url, values)
        assert response.status_code == 302, re.findall(
            r'field-error"[^>]*>(.*?)</span>', response.content.decode(), re.S)
        url = response["Location"]
    return url, pages


def test_a_resident_starts_a_life_event_once_and_each_bureau_gets_its_submission(demo):
    build_moving_in(staff_sign_in(WELFARE))
    client = resident()
    detail = client.get("/life-events/moving-in/").content.decode()
    assert "Phone number" in detail and "Your name" in detail

    start = client.post("/life-events/moving-in/")
    journey = Journey.objects.get()
    assert start["Location"].endswith(f"/journeys/{journey.public_id}/shared/")
    shared = client.get(start["Location"]).content.decode()
    assert 'value="都民"' in shared and 'value="163-8001"' in shared
    review, pages = walk(client, start["Location"])
    assert not any('name="f-phone"' in page for page in pages[1:])
    assert not any('name="f-applicant_name-family"' in page for page in pages[1:])
    client.post(review)

    submissions = Submission.objects.filter(journey_item__journey=journey)
    assert sorted(s.organisation.code for s in submissions) == ["housing", "tax", "welfare"]
    assert all(s.status == "received" and s.reference for s in submissions)
    assert {s.answers["phone"] for s in submissions} == {"09011112222"}
    assert {s.answers["applicant_name"]["family"] for s in submissions} == {"都民"}
    assert AccessRecord.objects.filter(procedure_code__in=BUNDLE).count() == 3
    assert AuditRecord.objects.filter(action="life_event.journey_submit").exists()
    overview = client.get(f"/life-events/journeys/{journey.public_id}/").content.decode()
    assert all(s.reference in overview for s in submissions)


def test_an_unpublished_life_event_is_not_offered(demo):
    post_form(staff_sign_in(WELFARE), "/staff/builder/life-events/new/", {
        "code": "birth", "title_ja": "出生", "title_en": "A birth",
    })

    assert resident().get("/life-events/birth/").status_code == 404
    assert "A birth" not in resident().get("/life-events/").content.decode()


def test_another_residents_journey_is_not_found(demo):
    build_moving_in(staff_sign_in(WELFARE))
    client = resident()
    client.post("/life-events/moving-in/")
    journey = Journey.objects.get()
    other = Client()
    other.force_login(get_user_model().objects.get(email="business@demo.kiban.jp"))

    response = other.get(f"/life-events/journeys/{journey.public_id}/shared/")

    assert response.status_code == 404


def test_shared_answers_are_the_fields_two_procedures_prefill_from_one_attribute():
    first = {"steps": [{"id": "a", "fields": [
        {"id": "name", "type": "name", "prefill": "person.name", "required": True},
        {"id": "mail", "type": "email", "prefill": "person.email"}]}]}
    second = {"steps": [{"id": "b", "fields": [
        {"id": "applicant", "type": "name", "prefill": "person.name"},
        {"id": "note", "type": "text"}]}]}

    shared = life_events.shared_answers([first, second])

    assert [answer.attribute for answer in shared] == ["person.name"]
    assert shared[0].field["id"] == "person_name" and shared[0].field["required"] is True
    trimmed = life_events.without_shared(second, shared)
    assert [f["id"] for f in trimmed["steps"][0]["fields"]] == ["note"]


def test_a_life_event_takes_only_published_procedures(demo):
    staff = staff_sign_in(WELFARE)
    post_form(staff, "/staff/builder/life-events/new/", {
        "code": "birth", "title_ja": "出生", "title_en": "A birth",
    })
    staff.post("/staff/builder/new/", {"organisation": LifeEvent.objects.get().organisation.pk,
                                       "code": "unfinished", "title_ja": "未完成",
                                       "title_en": "Unfinished"})

    staff.post("/staff/builder/life-events/birth/", {"action": "add", "procedure": "unfinished"})

    assert not LifeEvent.objects.get().entries.exists()


def test_a_bundle_with_a_procedure_for_verified_accounts_asks_to_verify_first(demo):
    build_moving_in(staff_sign_in(WELFARE))
    client = Client()
    client.force_login(get_user_model().objects.get(email="newcomer@demo.kiban.jp"))

    response = client.post("/life-events/moving-in/")

    assert response["Location"] == "/accounts/verify/?next=/life-events/moving-in/"
    assert not Journey.objects.exists()
