"""The satisfaction question at every ending: optional, anonymous, personal data masked."""

import pytest

from kiban.insights.journeys import journey_key
from kiban.insights.models import SatisfactionResponse
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_the_receipt_asks_the_question(resident_client, resident, procedure):
    submission = SubmissionFactory(applicant=resident, version=procedure.versions.get())

    html = resident_client.get(f"/apply/{submission.public_id}/receipt/").content.decode()

    assert 'action="/feedback/"' in html
    assert f'value="{journey_key(submission.public_id)}"' in html
    assert 'name="score"' in html and 'value="10"' in html


def test_an_answer_is_kept_with_personal_data_masked(client, procedure):
    response = client.post(
        "/feedback/",
        {
            "procedure": "child-allowance",
            "ending": "submitted",
            "journey": "j1",
            "score": "9",
            "comment": "連絡は hanako@example.jp か 090-1111-2222 へ",
            "next": "/services/",
        },
    )

    answer = SatisfactionResponse.objects.get()
    assert response.status_code == 302 and response["Location"] == "/services/"
    assert answer.score == 9 and answer.organisation == procedure.organisation
    assert answer.comment == "連絡は [メールアドレス] か [電話番号] へ"


def test_answering_twice_for_the_same_journey_keeps_one(client, procedure):
    for score in ("9", "2"):
        client.post(
            "/feedback/",
            {
                "procedure": "child-allowance",
                "ending": "submitted",
                "journey": "j1",
                "score": score,
            },
        )

    assert SatisfactionResponse.objects.get().score == 9


def test_an_empty_answer_keeps_nothing_and_a_bad_score_is_refused(client, procedure):
    client.post("/feedback/", {"procedure": "child-allowance", "ending": "submitted"})
    refused = client.post(
        "/feedback/", {"procedure": "child-allowance", "ending": "submitted", "score": "11"}
    )

    assert refused.status_code == 400
    assert not SatisfactionResponse.objects.exists()


def test_not_eligible_endings_have_their_own_page(client, procedure):
    page = client.get("/feedback/?procedure=child-allowance&ending=not_eligible")

    assert page.status_code == 200
    assert 'name="ending" value="not_eligible"' in page.content.decode()
    assert client.get("/feedback/?procedure=nope").status_code == 404
    assert client.get("/feedback/").status_code == 404


def test_an_external_next_address_is_ignored(client, procedure):
    response = client.post(
        "/feedback/",
        {
            "procedure": "child-allowance",
            "ending": "error",
            "score": "3",
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == "/services/"
