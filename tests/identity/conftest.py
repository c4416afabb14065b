import pytest

from kiban.devidp.services import DEMO_PEOPLE, client_register, person_save
from kiban.registry.catalogue import catalogue_load
from kiban.registry.services import fact_record
from tests.factories import ResidentFactory
from tests.identity.browser import Browser

CLIENT_SECRET = "kiban-test-secret"


@pytest.fixture
def dev_idp(live_server, settings):
    """The development identity provider on the live server, with kiban registered at it."""
    catalogue_load()
    for person in DEMO_PEOPLE:
        person_save(
            **{
                **person,
                "corporate_number": "1010401987654" if person["issuer"] == "business" else "",
            }
        )
    for code in ("national", "business"):
        client_register(
            issuer=code,
            client_id="kiban",
            client_secret=CLIENT_SECRET,
            name="kiban",
            redirect_uris=[f"{live_server.url}/accounts/verify/{code}/callback/"],
            post_logout_redirect_uris=[f"{live_server.url}/"],
        )
    settings.ID_PROVIDERS = {
        code: {
            "issuer": f"{live_server.url}/dev-idp/{code}",
            "client_id": "kiban",
            "client_secret": CLIENT_SECRET,
            "label": label,
            "timeout": 5,
        }
        for code, label in (("national", "開発用認証"), ("business", "GビズID（開発用）"))
    }
    return live_server


@pytest.fixture
def browser(dev_idp) -> Browser:
    return Browser(dev_idp.url)


@pytest.fixture
def hanako(db):
    """A resident with a declared name and address."""
    hanako = ResidentFactory()
    name = {
        "family": "都民",
        "given": "花子",
        "family_reading": "トミン",
        "given_reading": "ハナコ",
    }
    address = {
        "postal_code": "1638001",
        "prefecture": "東京都",
        "city": "新宿区",
        "town": "西新宿",
        "street": "2-8-1",
        "building": "",
        "key": "新宿区西新宿2-8-1",
    }
    for code, value in (("person.name", name), ("person.address", address)):
        fact_record(
            subject=hanako.subject,
            attribute_code=code,
            value=value,
            source_kind="self",
            method="declared",
        )
    return hanako
