"""Japanese input that forgives, seen from the browser: widths, readings, 和暦, postal codes."""

from kiban.web.browser import RESIDENT, continue_step, fill, sign_in, start_procedure


def find_address(page, field: str, typed: str) -> None:
    page.locator(f"main [name='{field}-postal_code']").fill(typed)
    with page.expect_navigation():
        page.locator(f"main button[name='{field}-lookup']").click()


def test_full_width_postal_code_and_a_code_with_several_towns(page_in):
    page = page_in("ja")
    sign_in(page, RESIDENT)
    start_procedure(page, "housing-application")
    fill(page, {"f-phone": "０３－５３２１－１１１１"})  # full-width digits and dashes
    continue_step(page)
    assert "/step/" in page.url and not page.locator(".error-summary").count()

    find_address(page, "f-address", "１６３－８００１")
    assert "東京都新宿区西新宿" in page.locator("main .area-found").inner_text()

    # 198-0000 covers parts of 青梅市 and 奥多摩町: the resident chooses.
    find_address(page, "f-address", "198-0000")
    towns = page.locator("main input[name='f-address-area']")
    assert towns.count() == 2
    labels = page.locator("main fieldset.field:has(input[name='f-address-area'])").inner_text()
    assert "青梅市" in labels and "奥多摩町" in labels
    fill(page, {"f-address-street": "１２３４", "f-household_size": "２",
                "f-currently_renting": "yes"})
    continue_step(page)
    errors = page.locator(".error-summary")
    assert errors.count() == 1  # no town chosen yet
    assert "町" in errors.inner_text() or "town" in errors.inner_text()
    page.locator("main input[name='f-address-area']").nth(1).check()
    page.locator("main [name='f-address-street']").fill("１２３４")
    continue_step(page)
    assert not page.locator(".error-summary").count()


def test_readings_in_hiragana_and_dates_in_wareki(page_in):
    page = page_in("ja")
    sign_in(page, RESIDENT)
    start_procedure(page, "child-allowance")
    fill(page, {"f-phone": "090-1234-5678"})
    continue_step(page)
    fill(page, {
        "f-children-0-child_name-family": "都民", "f-children-0-child_name-given": "三郎",
        "f-children-0-child_name-family_reading": "とみん",
        "f-children-0-child_name-given_reading": "ｻﾌﾞﾛｳ",  # half-width katakana
        "f-children-0-child_birth_date": "平成32年1月1日",  # 平成 ended in its 31st year
    })
    continue_step(page)
    assert page.locator(".error-summary").count() == 1
    message = page.locator("main .field-error").filter(has_text="平成").inner_text()
    assert "平成" in message and "2019" in message, message  # the era's span is given
    fill(page, {"f-children-0-child_birth_date": "令和元年５月１日"})
    continue_step(page)
    fill(page, {"f-lives_with_children": "yes"})
    continue_step(page)
    assert page.url.endswith("/review/")
    text = page.locator("main").inner_text()
    assert "トミン サブロウ" in text
    assert "2019年5月1日" in text and "令和元年" in text
