"""A procedure that requires a verified identity: refused for a self-asserted account, which is
sent to verify and comes back to the procedure, then accepted. Against the demo data."""

import pytest

from kiban.identity.constants import Assurance
from kiban.identity.models import User
from kiban.web.demo import DEMO_PASSWORD, NEWCOMER_EMAIL, load_demo
from tests.identity.browser import Browser
from tests.identity.test_national_id import choose_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(dev_idp, settings):
    settings.BASE_URL = dev_idp.url
    load_demo(residents=0)
    return dev_idp


def test_a_self_asserted_resident_verifies_and_comes_back_to_apply(demo):
    browser = Browser(demo.url)
    browser.sign_in(NEWCOMER_EMAIL, DEMO_PASSWORD)
    browser.get("/services/tax-certificate/")

    refused = browser.post("/services/tax-certificate/", {})
    verify_page = browser.follow()
    to_idp = browser.post(
        verify_page.url, {"password": DEMO_PASSWORD, "next": "/services/tax-certificate/"}
    )
    back = browser.follow(choose_person(browser, browser.follow(to_idp), "minato-sakura"))
    browser.follow(back)
    accepted = browser.post("/services/tax-certificate/", {})

    assert refused.headers["Location"] == "/accounts/verify/?next=/services/tax-certificate/"
    assert "needs a verified identity" in verify_page.text
    assert back.headers["Location"] == "/services/tax-certificate/"
    assert User.objects.get(email=NEWCOMER_EMAIL).assurance == Assurance.VERIFIED
    assert accepted.status_code == 302 and "/apply/" in accepted.headers["Location"]


def test_a_procedure_without_the_requirement_accepts_a_self_asserted_resident(demo):
    browser = Browser(demo.url)
    browser.sign_in(NEWCOMER_EMAIL, DEMO_PASSWORD)
    browser.get("/services/housing-application/")

    started = browser.post("/services/housing-application/", {})

    assert "/apply/" in started.headers["Location"]


def test_the_demo_resident_hanako_signs_in_with_her_card(demo):
    browser = Browser(demo.url)
    browser.get("/accounts/sign-in/")
    page = browser.follow(browser.post("/accounts/verify/national/start/", {"next": "/my/"}))

    back = browser.follow(choose_person(browser, page, "tomin-hanako"))

    assert back.headers["Location"] == "/my/"
    assert "都民" in browser.get("/my/data/").text
