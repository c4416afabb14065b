"""The once-only loop end to end, over HTTP with the demo data: the issue's "Done when"."""

import re

import pytest
from django.test import Client

from kiban.registry.models import AccessRecord, Fact
from kiban.submissions.models import Submission
from kiban.web.demo import load_demo
from tests.formparse import form_values

pytestmark = pytest.mark.django_db
PASSWORD = "kiban-demo-2026"
NEW_PHONE = "090-1234-5678"


@pytest.fixture
def demo(db):
    load_demo(residents=0)


def sign_in(email: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/sign-in/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def complete_step(client: Client, url: str, overrides: dict[str, str]) -> str:
    """Post a step as a browser would (prefilled values kept) and return where it led."""
    page = client.get(url)
    assert page.status_code == 200, url
    values, choices = form_values(page.content.decode())
    for name, options in choices.items():
        values.setdefault(name, options[0])
    values.update(overrides)
    response = client.post(url, values)
    assert response.status_code == 302, (
        re.findall(r"field-error[^>]*>(.*?)</span>", response.content.decode(), re.S)
        or response.content.decode()[-3000:]
    )
    return response["Location"]


def apply(client: Client, code: str, answers_by_step: list[dict]) -> Submission:
    url = client.post(f"/services/{code}/")["Location"]
    for overrides in answers_by_step:
        url = complete_step(client, url, overrides)
    assert url.endswith("/review/")
    return Submission.objects.get(public_id=re.search(r"/apply/([0-9a-f-]+)/", url).group(1))


CHILD_ALLOWANCE = [
    {"f-phone": NEW_PHONE},
    {
        "f-children-0-child_name-family": "都民",
        "f-children-0-child_name-given": "一郎",
        "f-children-0-child_name-family_reading": "とみん",
        "f-children-0-child_name-given_reading": "イチロウ",
        "f-children-0-child_birth_date": "令和2年5月1日",
    },
    {"f-lives_with_children": "yes"},
]

TAX_CERTIFICATE = [{}, {}, {"f-copies": "１"}]


def test_a_phone_saved_in_one_procedure_is_prefilled_in_another(demo):
    resident = sign_in("resident@demo.kiban.jp")
    first = apply(resident, "child-allowance", CHILD_ALLOWANCE)
    review = resident.get(f"/apply/{first.public_id}/review/")
    assert "save-phone" in review.content.decode()
    resident.post(f"/apply/{first.public_id}/review/", {"save-phone": "yes"})
    first.refresh_from_db()
    assert first.reference and first.status == "received"

    start = resident.post("/services/tax-certificate/")
    page = resident.get(start["Location"]).content.decode()

    phone = Fact.objects.get(attribute__code="person.phone", subject=first.subject)
    assert phone.value == "09012345678"
    assert 'value="090-1234-5678"' in page or 'value="09012345678"' in page
    assert "child-allowance" not in page  # the source is named by its procedure title
    assert first.reference in page or "児童手当" in page


def test_both_reads_are_on_my_data_and_the_receipt_is_a_pdf(demo):
    resident = sign_in("resident@demo.kiban.jp")
    first = apply(resident, "child-allowance", CHILD_ALLOWANCE)
    resident.post(f"/apply/{first.public_id}/review/", {"save-phone": "yes"})
    second = apply(resident, "tax-certificate", TAX_CERTIFICATE)
    resident.post(f"/apply/{second.public_id}/review/", {})

    pdf = resident.get(f"/apply/{second.public_id}/receipt.pdf")
    my_data = resident.get("/my/data/").content.decode()

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    reads = AccessRecord.objects.filter(subject=first.subject, purpose="prefill")
    assert reads.count() == 2
    assert "person.phone" in reads.first().attribute_codes
    assert my_data.count("Procedure (prefill)") == 2


def test_the_second_bureau_sees_only_its_own_submission(demo):
    resident = sign_in("resident@demo.kiban.jp")
    first = apply(resident, "child-allowance", CHILD_ALLOWANCE)
    resident.post(f"/apply/{first.public_id}/review/", {"save-phone": "yes"})
    second = apply(resident, "tax-certificate", TAX_CERTIFICATE)
    resident.post(f"/apply/{second.public_id}/review/", {})
    second.refresh_from_db()
    first.refresh_from_db()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kiban.identity.models import User

    worker = User.objects.get(email="caseworker.tax@demo.kiban.jp")
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(worker)
    session = staff.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=worker).persistent_id
    session.save()

    inbox = staff.get("/staff/inbox/").content.decode()
    foreign = staff.get(f"/staff/submissions/{first.public_id}/")
    own = staff.get(f"/staff/submissions/{second.public_id}/")

    assert second.reference in inbox
    assert first.reference not in inbox
    assert foreign.status_code == 404
    assert own.status_code == 200
    assert AccessRecord.objects.filter(subject=second.subject, accessor_kind="staff").count() == 1


def test_another_residents_draft_is_refused(demo):
    resident = sign_in("resident@demo.kiban.jp")
    draft_url = resident.post("/services/child-allowance/")["Location"]
    other = sign_in("business@demo.kiban.jp")

    response = other.get(draft_url)

    assert response.status_code == 404
