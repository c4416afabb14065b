"""Verifying identity through the development national ID provider, over HTTP end to end."""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

from kiban.audit.models import AuditRecord
from kiban.identity.constants import Assurance
from kiban.identity.models import ExternalIdentity, User
from kiban.registry.constants import Method, SourceKind
from kiban.registry.models import Fact
from tests.factories import ResidentFactory
from tests.identity.browser import Browser

PASSWORD = "correct-horse-battery"
pytestmark = pytest.mark.django_db(transaction=True)


def start_verification(browser: Browser, user: User, next_url: str = "/my/data/"):
    """Sign in, confirm the password and return the dev IdP's sign-in page."""
    browser.sign_in(user.email, PASSWORD)
    browser.get(f"/accounts/verify/?next={next_url}")
    to_idp = browser.post("/accounts/verify/", {"password": PASSWORD, "next": next_url})
    assert to_idp.status_code == 302, to_idp.text[-1500:]
    assert "/dev-idp/national/authorize?" in to_idp.headers["Location"]
    return browser.follow()


def choose_person(browser: Browser, page, person: str = "minato-sakura"):
    """Pick a demo person at the dev IdP; return its redirect back to kiban (with the code)."""
    answer = browser.post(page.url, {"person": person, "action": "allow"}, page=page)
    assert answer.status_code == 302, answer.text[-1500:]
    return answer


def verify(browser: Browser, user: User, person: str = "minato-sakura", next_url="/my/data/"):
    page = start_verification(browser, user, next_url)
    answer = choose_person(browser, page, person)
    return browser.follow(answer)


def _facts(user: User) -> dict[str, Fact]:
    return {f.attribute.code: f for f in Fact.objects.filter(subject__user=user)}


def test_name_and_address_become_verified_facts_from_the_provider(browser):
    resident = ResidentFactory()

    back = verify(browser, resident)

    resident.refresh_from_db()
    facts = _facts(resident)
    assert back.status_code == 302 and back.headers["Location"] == "/my/data/"
    assert resident.assurance == Assurance.VERIFIED
    assert facts["person.name"].value == {
        "family": "港",
        "given": "さくら",
        "family_reading": "ミナト",
        "given_reading": "サクラ",
    }
    assert facts["person.address"].value["city"] == "港区"
    assert facts["person.address"].value["street"] == "3-5-12"
    assert facts["person.birth_date"].value == "1994-09-15"
    assert facts["person.sex"].value == "女"
    assert {(f.source_kind, f.method, f.source_label) for f in facts.values()} == {
        (SourceKind.NATIONAL_ID, Method.VERIFIED, "開発用認証")
    }
    assert ExternalIdentity.objects.get(user=resident).subject == "devidp-national-minato-sakura"
    assert AuditRecord.objects.filter(action="account.verify", target_id=str(resident.pk)).exists()


def test_the_verified_facts_show_on_my_data_with_their_source(browser):
    resident = ResidentFactory()
    verify(browser, resident)

    page = browser.get("/my/data/").text

    assert "港 さくら（ミナト サクラ）" in page
    assert "開発用認証" in page
    assert "Your identity is verified." in page


def test_verifying_again_records_nothing_new(browser):
    resident = ResidentFactory()
    verify(browser, resident)
    count = Fact.objects.filter(subject__user=resident).count()

    verify(Browser(browser.base_url), resident)

    assert Fact.objects.filter(subject__user=resident).count() == count


def test_a_wrong_password_does_not_leave_for_the_provider(browser):
    resident = ResidentFactory()
    browser.sign_in(resident.email, PASSWORD)
    browser.get("/accounts/verify/")

    response = browser.post("/accounts/verify/", {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That password is not right." in response.text


def test_a_wrong_state_is_refused_and_changes_nothing(browser):
    resident = ResidentFactory()
    page = start_verification(browser, resident)
    answer = choose_person(browser, page)
    query = parse_qs(urlparse(answer.headers["Location"]).query)

    refused = browser.get(
        "/accounts/verify/national/callback/?"
        + urlencode({"code": query["code"][0], "state": "forged-state"})
    )

    resident.refresh_from_db()
    assert refused.status_code == 400
    assert "does not belong to a sign-in you started here" in refused.text
    assert resident.assurance == Assurance.SELF_ASSERTED
    assert not ExternalIdentity.objects.exists()
    assert AuditRecord.objects.filter(action="security.federation.state_mismatch").exists()


def test_a_replayed_answer_is_refused(browser):
    resident = ResidentFactory()
    page = start_verification(browser, resident)
    answer = choose_person(browser, page)
    browser.follow(answer)

    replay = browser.follow(answer)

    assert replay.status_code == 400
    assert AuditRecord.objects.filter(action="security.federation.state_mismatch").exists()


def test_the_provider_refuses_a_replayed_code(browser, dev_idp):
    resident = ResidentFactory()
    page = start_verification(browser, resident)
    answer = choose_person(browser, page)
    browser.follow(answer)
    code = parse_qs(urlparse(answer.headers["Location"]).query)["code"][0]

    replay = requests.post(
        f"{dev_idp.url}/dev-idp/national/token",
        timeout=10,
        auth=("kiban", "kiban-test-secret"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": "x" * 50,
            "redirect_uri": f"{dev_idp.url}/accounts/verify/national/callback/",
        },
    )

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_the_provider_refuses_an_unregistered_redirect_uri(browser, dev_idp):
    query = urlencode(
        {
            "response_type": "code",
            "client_id": "kiban",
            "scope": "openid name",
            "redirect_uri": "http://attacker.example/callback",
            "state": "s",
            "nonce": "n",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        }
    )

    response = browser.get(f"{dev_idp.url}/dev-idp/national/authorize?{query}")

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert 'href="http://attacker.example' not in response.text


def test_cancelling_at_the_provider_changes_nothing(browser):
    resident = ResidentFactory()
    page = start_verification(browser, resident)
    answer = browser.post(page.url, {"action": "deny"}, page=page)

    back = browser.follow(answer)

    resident.refresh_from_db()
    assert back.status_code == 400
    assert "You cancelled at the identity provider" in back.text
    assert resident.assurance == Assurance.SELF_ASSERTED


def test_an_identity_linked_to_someone_else_is_refused(browser):
    first, second = ResidentFactory(), ResidentFactory()
    verify(browser, first)

    refused = verify(Browser(browser.base_url), second)

    second.refresh_from_db()
    assert refused.status_code == 400
    assert "already linked to another kiban account" in refused.text
    assert second.assurance == Assurance.SELF_ASSERTED
    assert not Fact.objects.filter(subject__user=second).exists()
    assert ExternalIdentity.objects.get().user == first
    assert AuditRecord.objects.filter(action="security.federation.linked_elsewhere").exists()


def test_a_provider_that_is_down_is_reported_and_changes_nothing(browser, settings):
    resident = ResidentFactory()
    settings.ID_PROVIDERS = {
        **settings.ID_PROVIDERS,
        "national": {**settings.ID_PROVIDERS["national"], "issuer": "http://127.0.0.1:9/down"},
    }
    browser.sign_in(resident.email, PASSWORD)
    browser.get("/accounts/verify/")

    response = browser.post("/accounts/verify/", {"password": PASSWORD})

    resident.refresh_from_db()
    assert response.status_code == 400
    assert "could not be reached" in response.text
    assert resident.assurance == Assurance.SELF_ASSERTED
    assert AuditRecord.objects.filter(action="security.federation.unavailable").exists()
