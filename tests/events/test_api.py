"""The events API under /api/v1/events, through the exchange's authentication and call log.

Every answer is checked against the published OpenAPI document.
"""

import json

import pytest
from django.db import transaction

from kiban.events.constants import EventType
from kiban.events.models import WebhookSubscription
from kiban.events.services import event_emit
from kiban.exchange.models import CallRecord
from tests.exchange.conftest import SystemClient
from tests.exchange.openapi_check import response_checked
from tests.factories import (
    AccessTokenFactory,
    ContractFactory,
    OrganisationFactory,
    SubjectFactory,
    WebhookSubscriptionFactory,
)

pytestmark = pytest.mark.django_db
FEED = "/api/v1/events"
SUBSCRIPTIONS = "/api/v1/events/subscriptions"
EVERY_TYPE = list(EventType.values)


@pytest.fixture
def system():
    """A bureau's system whose contract receives every event type and reads person.address."""
    token = AccessTokenFactory(plain="events-token")
    ContractFactory(system=token.system, receive_events=EVERY_TYPE,
                    read_attributes=["person.address"])
    return token.system


@pytest.fixture
def api(client, system):
    return SystemClient(client, "events-token")


def emit(type=EventType.SUBMISSION_CREATED, organisation=None, subject=None, **payload):
    with transaction.atomic():
        return event_emit(type=type, organisation=organisation, subject=subject,
                          payload=payload or {"reference": "20260000001-X"})


def delete(client, path: str, token: str = "events-token"):
    response = client.delete(path, headers={"Authorization": f"Bearer {token}",
                                            "X-Kiban-Purpose": "benefit-payment"})
    if response.status_code != 204:
        response_checked("DELETE", path, response)
    return response


def test_the_feed_pages_with_its_cursor(api, system):
    events = [emit(organisation=system.organisation) for _ in range(5)]

    first = api.get(FEED, limit=2).json()
    second = api.get(FEED, limit=2, after=first["next_after"]).json()
    third = api.get(FEED, limit=2, after=second["next_after"]).json()
    empty = api.get(FEED, limit=2, after=third["next_after"]).json()

    pages = [first, second, third]
    assert [e["id"] for page in pages for e in page["events"]] == [str(e.event_id) for e in events]
    assert [page["has_more"] for page in pages] == [True, True, False]
    assert empty == {"events": [], "next_after": third["next_after"], "has_more": False}


def test_a_feed_event_carries_ids_and_codes(api, system):
    subject = SubjectFactory()
    event = emit(organisation=system.organisation, subject=subject, reference="20260000042-K")

    shown = api.get(FEED).json()["events"][0]

    assert shown == {
        "id": str(event.event_id), "type": "submission.created", "sequence": 1,
        "occurred_at": shown["occurred_at"], "organisation": system.organisation.code,
        "subject": str(subject.public_id), "data": {"reference": "20260000042-K"},
    }


def test_the_feed_holds_only_what_the_contract_grants(api, system):
    other_bureau = OrganisationFactory()
    own = emit(organisation=system.organisation)
    emit(organisation=other_bureau)  # another bureau's submission
    address = emit(EventType.FACT_PUBLISHED, other_bureau, attribute="person.address")
    emit(EventType.FACT_PUBLISHED, other_bureau, attribute="person.bank_account")  # not read
    platform_consent = emit(EventType.CONSENT_WITHDRAWN, None, purpose="prefill")
    emit(EventType.CONSENT_WITHDRAWN, other_bureau, purpose="benefit-check")

    shown = api.get(FEED).json()

    assert [e["id"] for e in shown["events"]] == [
        str(own.event_id), str(address.event_id), str(platform_consent.event_id)
    ]
    assert shown["next_after"] == 6  # past what it may not see, so it is not read again


def test_the_feed_is_refused_without_a_contract_granting_events(client, system):
    AccessTokenFactory(plain="no-events-token", system=ContractFactory(
        read_submissions=["child-allowance"]).system)

    response = SystemClient(client, "no-events-token").get(FEED)

    assert response.status_code == 403
    assert response.json()["error"] == "outside_contract"
    assert CallRecord.objects.filter(status=403, operation="feed").exists()


def test_the_feed_needs_a_purpose(client, system):
    response = SystemClient(client, "events-token", purpose="").get(FEED)

    assert (response.status_code, response.json()["error"]) == (400, "purpose_missing")


def test_a_limit_beyond_the_maximum_is_refused(api):
    response = api.get(FEED, limit=501)

    assert (response.status_code, response.json()["error"]) == (422, "invalid_request")


def test_the_feed_logs_the_subjects_it_named(api, system):
    subject = SubjectFactory()
    emit(organisation=system.organisation, subject=subject)

    api.get(FEED)

    assert CallRecord.objects.get(operation="feed").subject_ids == [str(subject.public_id)]


def test_a_subscription_shows_its_secret_once(api, system):
    created = api.post(SUBSCRIPTIONS, {"url": "https://benefits.example.jp/kiban",
                                       "event_types": ["submission.created"]})
    listed = api.get(SUBSCRIPTIONS)

    body = created.json()
    stored = WebhookSubscription.objects.get()
    assert created.status_code == 201
    assert body["secret"] == stored.secret
    assert body["purpose"] == "benefit-payment"
    assert listed.json() == [{key: value for key, value in body.items() if key != "secret"}]


def test_a_subscription_outside_the_contract_is_refused(client, system):
    token = AccessTokenFactory(plain="narrow-token")
    ContractFactory(system=token.system, receive_events=["submission.created"])

    response = SystemClient(client, "narrow-token").post(
        SUBSCRIPTIONS, {"url": "https://a.example.jp/", "event_types": ["fact.published"]}
    )

    assert (response.status_code, response.json()["error"]) == (403, "outside_contract")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("body", [
    {"url": "ftp://a.example.jp/", "event_types": ["submission.created"]},
    {"url": "https://user:pw@a.example.jp/", "event_types": ["submission.created"]},
    {"url": "https://", "event_types": ["submission.created"]},
])
def test_a_bad_subscription_is_refused(api, body):
    response = api.post(SUBSCRIPTIONS, body)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("body", [
    {"url": "https://a.example.jp/", "event_types": ["submission.created"], "secret": "mine"},
    {"url": "https://a.example.jp/", "event_types": []},
    {"url": "https://a.example.jp/", "event_types": ["submission.deleted"]},
    {"url": "https://a.example.jp/"},
])
def test_a_malformed_subscription_is_refused(api, body):
    response = api.post(SUBSCRIPTIONS, body)

    assert response.status_code == 422
    assert not WebhookSubscription.objects.exists()


def test_malformed_json_is_refused(api):
    response = api.post(SUBSCRIPTIONS, raw=b'{"url": ')

    assert response.status_code == 400
    assert not WebhookSubscription.objects.exists()


def test_a_subscription_is_deleted_by_its_own_system_only(client, api, system):
    own = json.loads(api.post(SUBSCRIPTIONS, {"url": "https://a.example.jp/",
                                              "event_types": EVERY_TYPE}).content)
    others = WebhookSubscriptionFactory()

    foreign = delete(client, f"{SUBSCRIPTIONS}/{others.public_id}")
    deleted = delete(client, f"{SUBSCRIPTIONS}/{own['id']}")
    again = delete(client, f"{SUBSCRIPTIONS}/{own['id']}")

    assert (foreign.status_code, deleted.status_code, again.status_code) == (404, 204, 404)
    assert list(WebhookSubscription.objects.all()) == [others]
