"""axe-core on every resident-facing page and state, in Japanese, English and やさしい日本語.

Zero serious or critical violations anywhere. The pages are listed in tests/browser/pages.py;
the apply flow of every demo procedure and the staff pages are walked here.
"""

import pytest

from kiban.web.browser import (
    ANSWERS,
    APPLICANT,
    LANGUAGES,
    RESIDENT,
    complete_step,
    continue_step,
    fill,
    pass_two_factor,
    sign_in,
    start_procedure,
    submit_review,
)
from kiban.web.demo import PROCEDURE_OWNERS
from tests.browser.pages import (
    OPTIONAL_PAGES,
    PUBLIC_FORMS_WITH_ERRORS,
    PUBLIC_PAGES,
    SIGNED_IN_OPTIONAL_PAGES,
    SIGNED_IN_PAGES,
    existing,
)


def send(page, field: str) -> None:
    """Press the submit button of the form holding input ``field``."""
    with page.expect_navigation():
        page.locator(f'main form:has([name="{field}"]) button[type=submit]').first.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages(page_in, audit, language):
    page = page_in(language)
    for label, path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response.status < 400, (label, response.status)
        audit.check(page, f"{language}: {label}")
    for label, path, field, values in PUBLIC_FORMS_WITH_ERRORS:
        page.goto(path)
        fill(page, values)
        send(page, field)
        assert page.locator(".error-summary").count() == 1, label
        audit.check(page, f"{language}: {label}")
    for label, path in existing(OPTIONAL_PAGES):
        response = page.goto(path)
        assert response.status < 400, (label, response.status)
        audit.check(page, f"{language}: {label}")
    audit.assert_clean()


def clear_typed_answers(page) -> None:
    """Empty every text box of the step, as if the resident deleted what was filled in."""
    for box in page.locator(
        "main input[type=text], main input[type=tel], main input[type=email], main textarea"
    ).all():
        box.fill("")


@pytest.mark.parametrize("code", list(APPLICANT))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_step_of_a_procedure(page_in, audit, language, code):
    page = page_in(language)
    sign_in(page, APPLICANT[code])
    start_procedure(page, code)
    for index, values in enumerate(ANSWERS[code]):
        step_url = page.url
        audit.check(page, f"{language}: {code} step {index + 1}")
        clear_typed_answers(page)
        continue_step(page)
        if page.locator(".error-summary").count():
            audit.check(page, f"{language}: {code} step {index + 1} with errors")
            page.goto(step_url)
        complete_step(page, values)
    assert page.url.endswith("/review/")
    audit.check(page, f"{language}: {code} review")
    submit_review(page)
    assert "/receipt/" in page.url
    audit.check(page, f"{language}: {code} receipt")
    page.locator("main a[href*='/my/applications/']").first.click()
    page.wait_for_load_state()
    audit.check(page, f"{language}: {code} application status")
    audit.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_in_pages(page_in, audit, language):
    page = page_in(language)
    sign_in(page, RESIDENT)
    for label, path in [*SIGNED_IN_PAGES, *existing(SIGNED_IN_OPTIONAL_PAGES)]:
        response = page.goto(path)
        assert response.status == 200, label
        audit.check(page, f"{language}: {label}")
    # A draft on My page, then the step that asks for a missing answer after a review.
    start_procedure(page, "housing-application")
    page.goto("/my/")
    audit.check(page, f"{language}: my page with a draft")
    audit.assert_clean()


# A different bureau in each language: a TOTP code is accepted once per staff device.
STAFF_CASES = {"ja": "tax-certificate", "en": "child-allowance", "ja-easy": "housing-application"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_inbox_and_case(page_in, audit, language):
    code = STAFF_CASES[language]
    resident = page_in(language)
    sign_in(resident, RESIDENT)
    start_procedure(resident, code)
    for values in ANSWERS[code]:
        complete_step(resident, values)
    submit_review(resident)
    application = resident.locator("main a[href*='/my/applications/']").first.get_attribute("href")

    staff = page_in(language)
    sign_in(staff, f"caseworker.{PROCEDURE_OWNERS[code]}@demo.kiban.jp")
    audit.check(staff, f"{language}: staff two-step verification")
    pass_two_factor(staff)
    staff.goto("/staff/inbox/")
    audit.check(staff, f"{language}: staff inbox")
    staff.goto("/staff/inbox/?submitted_from=2026-12-31&submitted_to=2026-01-01")
    assert staff.locator(".error-summary").count() == 1
    audit.check(staff, f"{language}: staff inbox, wrong filters")
    staff.goto("/staff/inbox/")
    staff.locator("main table a").first.click()
    staff.wait_for_load_state()
    case_url = staff.url
    audit.check(staff, f"{language}: staff case page")
    with staff.expect_navigation():
        staff.locator("form:has(#id_comment-body) button[type=submit]").click()
    assert staff.locator(".error-summary").count() >= 1
    audit.check(staff, f"{language}: staff case page, empty comment")
    staff.goto(case_url)
    staff.fill("#id_correction-body", "電話番号を確認してください。")
    with staff.expect_navigation():
        staff.locator("form:has(#id_correction-body) button[type=submit]").click()
    audit.check(staff, f"{language}: staff case page after a correction request")

    resident.goto(application)
    assert resident.locator("main textarea").count() == 1
    audit.check(resident, f"{language}: application with a correction to answer")
    audit.assert_clean()
