"""Text size, high contrast, narrow screens, zoom, stacked tables and rare name glyphs."""

import pytest

from kiban.web.browser import (
    ANSWERS,
    RESIDENT,
    complete_step,
    continue_step,
    sign_in,
    start_procedure,
    submit_review,
)
from tests.browser.pages import OPTIONAL_PAGES, existing

SCROLL_WIDTH = "document.documentElement.scrollWidth"
# Key pages for a signed-in resident, by path (the apply flow is walked separately).
KEY_PAGES = ["/services/", "/services/child-allowance/", "/my/", "/my/data/"]


def root_classes(page) -> str:
    return page.locator("html").get_attribute("class")


def choose(page, menu: int, value: str) -> None:
    """Open header menu ``menu`` (0 language, 1 text size and colours) and press an option."""
    page.locator("details[data-menu] > summary").nth(menu).click()
    with page.expect_navigation():
        page.locator(f"details[data-menu] button[value='{value}']").click()


def test_text_size_and_colours_are_switchable_on_every_page_and_remembered(page_in):
    page = page_in("ja")
    page.goto("/services/")
    assert "text-standard" in root_classes(page)
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    choose(page, 1, "x-large")
    assert page.url.endswith("/services/")  # back on the page it was chosen on
    assert "text-x-large" in root_classes(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == base * 1.5

    page.goto("/accounts/sign-in/")  # another page remembers it
    assert "text-x-large" in root_classes(page)
    choose(page, 1, "high-contrast")
    assert "theme-high-contrast" in root_classes(page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    current = page.locator("details[data-menu] button[aria-current='true']")
    assert sorted(current.evaluate_all("els => els.map(e => e.value)")) == [
        "high-contrast", "ja", "x-large"]

    page.goto("/services/tax-certificate/")
    assert "text-x-large theme-high-contrast" in root_classes(page)
    choose(page, 1, "large")
    choose(page, 1, "default")
    assert "text-large theme-default" in root_classes(page)
    choose(page, 0, "ja-easy")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "text-large" in root_classes(page)


def test_the_menus_take_little_room_on_a_phone(page_in):
    page = page_in("en", viewport={"width": 390, "height": 844})
    page.goto("/services/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 240, header  # masthead, brand, two menu buttons, navigation
    assert not page.locator(".menu-panel").first.is_visible()
    page.locator("details[data-menu] > summary").nth(1).click()
    panel = page.locator(".menu-panel").nth(1)
    assert panel.is_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.keyboard.press("Escape")  # closes it (a convenience of kiban.js)
    assert not panel.is_visible()


@pytest.mark.parametrize("text_size", ["standard", "x-large"])
def test_no_horizontal_scrolling_at_320_pixels(page_in, text_size):
    page = page_in("en", viewport={"width": 320, "height": 640},
                   cookies={"kiban_text_size": text_size})
    too_wide = []

    def measure(label):
        width = page.evaluate(SCROLL_WIDTH)
        if width > 320:
            too_wide.append(f"{label} ({page.url}): {width}px")

    for label, path in existing(OPTIONAL_PAGES):  # wide data tables scroll in their frame
        page.goto(path)
        measure(label)
    page.goto("/accounts/sign-in/")
    measure("sign-in")
    sign_in(page, RESIDENT)
    start_procedure(page, "child-allowance")
    measure("step 1")
    page.locator("main [name='f-phone']").fill("")
    continue_step(page)
    measure("step 1 with errors")
    for index, values in enumerate(ANSWERS["child-allowance"]):
        complete_step(page, values)
        measure(f"after step {index + 1}")
    submit_review(page)
    measure("receipt")
    page.locator("main a[href*='/my/applications/']").first.click()
    page.wait_for_load_state()
    measure("application")
    for path in KEY_PAGES:
        page.goto(path)
        measure(path)
    page.locator("details[data-menu] > summary").nth(1).click()
    measure("menu open")
    assert not too_wide, too_wide


def test_layout_holds_at_200_percent_zoom(page_in):
    # 200 % zoom of a 1280-pixel window: a 640-pixel CSS viewport at twice the pixel density.
    page = page_in("ja", viewport={"width": 640, "height": 450}, device_scale_factor=2)
    sign_in(page, RESIDENT)
    for path in ["/services/", *KEY_PAGES[1:]]:
        page.goto(path)
        assert page.evaluate(SCROLL_WIDTH) <= 640, path
    start_procedure(page, "tax-certificate")
    assert page.evaluate(SCROLL_WIDTH) <= 640
    # The header controls are reachable and usable.
    page.locator("details[data-menu] > summary").nth(1).click()
    assert page.locator(".menu-panel").nth(1).is_visible()


def test_tables_become_labelled_rows_on_a_phone(page_in):
    page = page_in("ja", viewport={"width": 390, "height": 844})
    sign_in(page, RESIDENT)
    page.goto("/my/data/")
    table = page.locator("main table.stack").first
    cell = table.locator("td[data-label]").first
    assert cell.evaluate("e => getComputedStyle(e).display") in ("block", "flow-root")
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert cell.get_attribute("data-label") in label
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # Still a table to assistive technology.
    assert table.get_attribute("role") == "table"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert cell.evaluate("e => getComputedStyle(e).display") == "table-cell"


def test_rare_name_glyphs_have_a_font_that_loads_only_when_needed(page_in):
    page = page_in("ja")
    page.goto("/services/")
    page.evaluate("document.fonts.ready")
    statuses = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Kiban Names'))"
        ".map(f => [f.unicodeRange, f.status])"
    )
    assert len(statuses) == 3
    assert all(status == "unloaded" for _, status in statuses), statuses  # pages stay light

    sign_in(page, RESIDENT)
    start_procedure(page, "child-allowance")
    page.locator("main [name='f-applicant_name-family']").fill("𠮷田")
    page.locator("main [name='f-applicant_name-given']").fill("﨑子")
    complete_step(page, ANSWERS["child-allowance"][0])
    for values in ANSWERS["child-allowance"][1:]:
        complete_step(page, values)
    assert "𠮷田 﨑子" in page.locator("main").inner_text()
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Kiban Names') && "
        "f.status === 'loaded').map(f => f.unicodeRange)"
    )
    assert any("20000" in r for r in loaded), loaded  # 𠮷 U+20BB7
    assert any("F900" in r.upper() for r in loaded), loaded  # 﨑 U+FA11


@pytest.mark.parametrize("theme", ["high-contrast", "default"])
def test_both_colour_themes_pass_axe_with_the_largest_text(page_in, audit, theme):
    page = page_in("ja", viewport={"width": 390, "height": 844},
                   cookies={"kiban_theme": theme, "kiban_text_size": "x-large"})
    page.goto("/services/")
    audit.check(page, f"{theme}: catalogue")
    page.locator("details[data-menu] > summary").nth(1).click()
    audit.check(page, f"{theme}: catalogue, menu open")
    page.goto("/accounts/sign-in/")
    with page.expect_navigation():
        page.locator("main form:has(#id_username) button[type=submit]").click()
    audit.check(page, f"{theme}: sign-in with errors")
    sign_in(page, RESIDENT)
    start_procedure(page, "child-allowance")
    page.locator("main [name='f-phone']").fill("")
    continue_step(page)
    audit.check(page, f"{theme}: step with errors")
    for values in ANSWERS["child-allowance"]:
        complete_step(page, values)
    audit.check(page, f"{theme}: review")
    submit_review(page)
    audit.check(page, f"{theme}: receipt")
    for path in KEY_PAGES[2:]:
        page.goto(path)
        audit.check(page, f"{theme}: {path}")
    audit.assert_clean()
