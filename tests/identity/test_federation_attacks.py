"""An identity provider that answers garbage, or tokens that must not be trusted: refused with
a clear message, logged as a security event, and no account changed."""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from kiban.audit.models import AuditRecord
from kiban.identity.constants import Assurance
from kiban.identity.models import ExternalIdentity
from kiban.registry.models import Fact
from tests.factories import ResidentFactory
from tests.identity.fake_idp import FakeIdp

PASSWORD = "correct-horse-battery"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake_idp(browser, settings):
    with FakeIdp() as idp:
        settings.ID_PROVIDERS = {
            **settings.ID_PROVIDERS,
            "national": {**settings.ID_PROVIDERS["national"], "issuer": idp.url},
        }
        yield idp


def answer_from_fake(browser, idp: FakeIdp, behaviour: str):
    """Start verifying, then come back with a code as if the fake provider had issued it."""
    resident = ResidentFactory()
    browser.sign_in(resident.email, PASSWORD)
    browser.get("/accounts/verify/")
    to_idp = browser.post("/accounts/verify/", {"password": PASSWORD})
    request = parse_qs(urlparse(to_idp.headers["Location"]).query)
    idp.nonce, idp.behaviour = request["nonce"][0], behaviour
    back = browser.get(
        "/accounts/verify/national/callback/?"
        + urlencode({"code": "fake-code", "state": request["state"][0]})
    )
    resident.refresh_from_db()
    return resident, back


UNCHECKED = "could not be checked, so it was not accepted"


@pytest.mark.parametrize(
    "behaviour, reason, message",
    [
        ("garbage", "invalid_response", UNCHECKED),
        ("server_error", "unavailable", "could not be reached"),
        ("no_id_token", "invalid_token", UNCHECKED),
        ("wrong_key", "invalid_token", UNCHECKED),
        ("expired", "invalid_token", UNCHECKED),
        ("wrong_nonce", "invalid_token", UNCHECKED),
        ("wrong_audience", "invalid_token", UNCHECKED),
        ("wrong_issuer", "invalid_token", UNCHECKED),
    ],
)
def test_untrustworthy_answers_are_refused(browser, fake_idp, behaviour, reason, message):
    resident, back = answer_from_fake(browser, fake_idp, behaviour)

    assert back.status_code == 400
    assert message in back.text
    assert resident.assurance == Assurance.SELF_ASSERTED
    assert not ExternalIdentity.objects.exists()
    assert not Fact.objects.filter(subject__user=resident).exists()
    assert AuditRecord.objects.filter(action=f"security.federation.{reason}").exists()


def test_a_good_answer_from_the_same_provider_is_accepted(browser, fake_idp):
    resident, back = answer_from_fake(browser, fake_idp, "good")

    assert back.status_code == 302
    assert resident.assurance == Assurance.VERIFIED
    assert ExternalIdentity.objects.get().issuer == fake_idp.url
