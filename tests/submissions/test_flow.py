"""The resident flow's safety: bad input, tampering, other people's drafts, resuming."""

import pytest

from kiban.audit.models import AuditRecord
from kiban.procedures.models import ProcedureVersion
from kiban.submissions.models import Submission
from tests.formparse import form_values
from tests.submissions.test_once_only import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from kiban.web.demo import load_demo

    load_demo(residents=0)


def start(client, code="child-allowance"):
    return client.post(f"/services/{code}/")["Location"]


def test_healthz_names_the_database(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] in {"sqlite", "postgresql"}


def test_bad_input_is_refused_next_to_the_field_and_keeps_the_rest(demo):
    resident = sign_in("resident@demo.kiban.jp")
    url = start(resident)
    values, _ = form_values(resident.get(url).content.decode())
    values.update({"f-phone": "12", "f-email": "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"})

    page = resident.post(url, values)
    html = page.content.decode()

    assert page.status_code == 200
    assert 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="12"' in html
    assert "hanako@example.jp" in html or "ｈａｎａｋｏ" in html


def test_a_tampered_post_is_refused_and_logged(demo):
    resident = sign_in("resident@demo.kiban.jp")
    url = start(resident)
    values, _ = form_values(resident.get(url).content.decode())
    values.update({"f-phone": "0312345678", "f-bank_account-account_number": "7654321"})
    before = Submission.objects.get().answers

    response = resident.post(url, values)

    assert response.status_code == 400
    assert AuditRecord.objects.filter(action="security.tampered_form").exists()
    assert Submission.objects.get().answers == before


def test_another_residents_draft_is_404_and_logged(demo):
    owner = sign_in("resident@demo.kiban.jp")
    url = start(owner)
    intruder = sign_in("business@demo.kiban.jp")

    response = intruder.post(url, {"f-phone": "0312345678"})

    assert response.status_code == 404
    assert AuditRecord.objects.filter(action="security.foreign_submission").exists()
    assert Submission.objects.get().answers.get("phone") is None


def test_a_draft_is_saved_at_every_step_and_resumed_from_my_page(demo):
    resident = sign_in("resident@demo.kiban.jp")
    url = start(resident)
    values, _ = form_values(resident.get(url).content.decode())
    values.update({"f-phone": "03-1234-5678", "later": "1"})
    resident.post(url, values)

    my_page = resident.get("/my/").content.decode()
    submission = Submission.objects.get()

    assert submission.answers["phone"] == "0312345678"
    assert f"/apply/{submission.public_id}/step/1/" in my_page


def test_a_published_version_edited_behind_the_back_is_refused(demo):
    resident = sign_in("resident@demo.kiban.jp")
    url = start(resident)
    version = ProcedureVersion.objects.get(procedure__code="child-allowance")
    definition = version.definition
    definition["steps"][0]["title"]["ja"] = "改ざん"
    ProcedureVersion.objects.filter(pk=version.pk).update(definition=definition)

    response = resident.get(url)

    assert response.status_code == 404
    assert AuditRecord.objects.filter(action="security.procedure_version_tampered").exists()


def test_a_staff_account_cannot_apply(demo):
    from django.test import Client

    staff = Client()
    staff.post(
        "/accounts/sign-in/",
        {"username": "caseworker.tax@demo.kiban.jp", "password": PASSWORD},
    )

    response = staff.post("/services/tax-certificate/")

    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_the_receipt_of_someone_else_is_not_served(demo):
    resident = sign_in("resident@demo.kiban.jp")
    url = start(resident)
    submission = Submission.objects.get()
    other = sign_in("business@demo.kiban.jp")

    response = other.get(f"/apply/{submission.public_id}/receipt.pdf")

    assert url
    assert response.status_code == 404


def test_reference_numbers_follow_on_per_year_with_a_check_character(db):
    """One statement counts (INSERT … ON CONFLICT … RETURNING): a year's first number is 1,
    each next one follows, and another year has its own count."""
    from datetime import datetime

    from kiban.jp.check_character import reference_with_check
    from kiban.submissions.models import ReferenceCounter
    from kiban.submissions.services import _next_reference

    numbers = [_next_reference(datetime(2031, 4, 1)) for _ in range(3)]
    other_year = _next_reference(datetime(2032, 1, 1))

    assert numbers == [reference_with_check(f"2031{n:07d}") for n in (1, 2, 3)]
    assert other_year == reference_with_check("20320000001")
    assert dict(ReferenceCounter.objects.values_list("year", "last")) == {2031: 3, 2032: 1}


def test_saving_a_step_merges_its_answers_into_the_draft_in_one_statement(demo):
    """A step's answers replace those keys only (a nested answer as a whole), the bookmark
    never moves back, the draft comes back as stored, and a submitted case is not saved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kiban.submissions.constants import Status
    from kiban.submissions.services import SubmissionError, draft_save_step

    resident = sign_in("resident@demo.kiban.jp")
    start(resident)
    draft = Submission.objects.get()
    Submission.objects.filter(pk=draft.pk).update(
        answers={"phone": "0312345678", "address": {"city": "台東区", "building": "A棟"},
                 "note": None}, step=2)

    with CaptureQueriesContext(connection) as statements:
        saved = draft_save_step(submission=draft, step_index=0, next_step=1,
                                values={"address": {"city": "港区"}, "children": 2})

    stored = Submission.objects.get()
    assert len(statements) == 1
    assert stored.answers == {"phone": "0312345678", "address": {"city": "港区"},
                              "note": None, "children": 2}
    assert stored.step == 2
    assert (saved.answers, saved.step, saved.updated_at) == (
        stored.answers, stored.step, stored.updated_at)

    Submission.objects.filter(pk=draft.pk).update(status=Status.RECEIVED)
    with pytest.raises(SubmissionError):
        draft_save_step(submission=draft, step_index=0, next_step=1, values={"phone": "09"})
    assert Submission.objects.get().answers == stored.answers
