"""Signing in with the national ID or GビズID; linking an existing account with its password."""

import pytest

from kiban.identity.constants import Assurance, UserKind
from kiban.identity.models import ExternalIdentity, User
from kiban.registry.constants import RepresentationKind
from kiban.registry.models import Fact, Representation
from tests.factories import ResidentFactory, StaffFactory, SubjectFactory, UserFactory
from tests.identity.browser import Browser
from tests.identity.test_national_id import PASSWORD, choose_person, verify

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_with(browser: Browser, provider: str = "national", person: str = "minato-sakura"):
    """Press “Sign in with …” on the sign-in page and pick a person; return kiban's answer."""
    browser.get("/accounts/sign-in/")
    to_idp = browser.post(f"/accounts/verify/{provider}/start/", {"next": "/my/data/"})
    assert to_idp.status_code == 302, to_idp.text[-1500:]
    page = browser.follow()
    return browser.follow(choose_person(browser, page, person))


def test_a_linked_identity_signs_in_with_no_password(browser):
    resident = ResidentFactory()
    verify(browser, resident)
    fresh = Browser(browser.base_url)

    back = sign_in_with(fresh)

    assert back.status_code == 302 and back.headers["Location"] == "/my/data/"
    assert "港 さくら" in fresh.get("/my/data/").text


def test_an_unlinked_identity_links_an_existing_account_with_its_password(browser):
    resident = ResidentFactory()

    back = sign_in_with(browser)
    page = browser.follow(back)
    linked = browser.post(
        "/accounts/verify/link/",
        {"action": "link", "username": resident.email, "password": PASSWORD},
    )

    resident.refresh_from_db()
    assert "Connect your kiban account" in page.text
    assert linked.status_code == 302
    assert resident.assurance == Assurance.VERIFIED
    assert ExternalIdentity.objects.get().user == resident


def test_linking_with_a_wrong_password_changes_nothing(browser):
    resident = ResidentFactory()
    browser.follow(sign_in_with(browser))

    refused = browser.post(
        "/accounts/verify/link/",
        {"action": "link", "username": resident.email, "password": "wrong-one"},
    )

    resident.refresh_from_db()
    assert refused.status_code == 200
    assert resident.assurance == Assurance.SELF_ASSERTED
    assert not ExternalIdentity.objects.exists()


def test_a_staff_account_cannot_be_linked(browser):
    staff = StaffFactory()
    browser.follow(sign_in_with(browser))

    refused = browser.post(
        "/accounts/verify/link/", {"action": "link", "username": staff.email, "password": PASSWORD}
    )

    assert refused.status_code == 200
    assert not ExternalIdentity.objects.exists()


def test_someone_new_creates_a_verified_account_without_a_password(browser):
    browser.follow(sign_in_with(browser, person="shinjuku-jiro"))

    created = browser.post(
        "/accounts/verify/link/", {"action": "create", "email": "jiro@example.jp"}
    )

    user = User.objects.get(email="jiro@example.jp")
    assert created.status_code == 302
    assert user.assurance == Assurance.VERIFIED
    assert not user.has_usable_password()
    assert (
        Fact.objects.get(subject__user=user, attribute__code="person.name").value["family"]
        == "新宿"
    )


def test_a_business_representative_verifies_with_gbizid(browser):
    representative = UserFactory(kind=UserKind.BUSINESS)
    SubjectFactory(user=representative)
    browser.sign_in(representative.email, PASSWORD)
    browser.get("/accounts/verify/")
    to_idp = browser.post("/accounts/verify/", {"password": PASSWORD})
    assert "/dev-idp/business/authorize?" in to_idp.headers["Location"]
    page = browser.follow()

    browser.follow(choose_person(browser, page, "jigyo-taro"))

    representation = Representation.objects.get(agent=representative)
    business_facts = {
        f.attribute.code: f.value for f in Fact.objects.filter(subject=representation.subject)
    }
    assert representation.kind == RepresentationKind.REPRESENTATIVE
    assert business_facts["business.name"] == "株式会社デモ商会"
    assert business_facts["business.corporate_number"] == "1010401987654"
    assert representation.subject.representatives.filter(pk=representative.pk).exists()
