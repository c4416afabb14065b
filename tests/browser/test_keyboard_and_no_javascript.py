"""A whole procedure by keyboard alone, and a whole procedure with JavaScript off.

The keyboard run presses Tab (and Shift+Tab), Space, Enter and the arrow keys of radio groups
and selects, and types text: no clicks, no fill(). After every key that moves focus, the
focused element must be visible and show a focus indicator.
"""

from kiban.web.browser import (
    ANSWERS,
    RESIDENT,
    complete_step,
    continue_step,
    fill,
    sign_in,
    start_procedure,
    submit_review,
)

# What the focused element looks like: "" when it is visible with a focus indicator.
FOCUS_PROBLEM = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing has focus";
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== "rgba(0, 0, 0, 0)" && style.outlineColor !== "transparent";
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const what = el.outerHTML.slice(0, 120);
  if (!outline && !shadow) return "no focus indicator: " + what;
  if (box.width < 4 || box.height < 4) return "focused but not visible: " + what;
  if (box.bottom < 0 || box.top > innerHeight || box.right < 0 || box.left > innerWidth)
    return "focused off screen: " + what;
  return "";
}"""
DESCRIBE = """() => {
  const el = document.activeElement;
  return [el.tagName.toLowerCase(), el.id || "", el.getAttribute("name") || "",
          (el.innerText || el.value || "").trim().slice(0, 60), el.getAttribute("href") || ""];
}"""


class Keyboard:
    """Move through a page with the keyboard, checking the focus after every move."""

    def __init__(self, page):
        self.page = page
        self.pressed = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.pressed += 1

    def focused(self) -> list[str]:
        return self.page.evaluate(DESCRIBE)

    def tab_to(self, *, id: str = "", name: str = "", text: str = "", href: str = "",
               limit: int = 80) -> None:
        """Press Tab until the focused element has this id, name, text or link target."""
        for _ in range(limit):
            self.press("Tab")
            problem = self.page.evaluate(FOCUS_PROBLEM)
            assert not problem, f"{self.page.url}: {problem}"
            tag, el_id, el_name, el_text, el_href = self.focused()
            if ((id and el_id == id) or (name and el_name == name)
                    or (text and text in el_text) or (href and href in el_href)):
                return
        raise AssertionError(f"Tab never reached {id or name or text or href} on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def enter(self) -> None:
        with self.page.expect_navigation():
            self.press("Enter")


def test_a_whole_procedure_by_keyboard_alone(page_in):
    page = page_in("en")
    keys = Keyboard(page)
    page.goto("/services/")
    # The skip link comes first and is visible when focused.
    keys.press("Tab")
    assert keys.focused()[4] == "#main"
    assert not page.evaluate(FOCUS_PROBLEM)

    keys.tab_to(text="Sign in")
    keys.enter()
    keys.tab_to(id="id_username")
    keys.type(RESIDENT)
    keys.press("Tab")
    keys.type("kiban-demo-2026")
    keys.enter()  # Enter in a text box sends the form
    assert page.url.endswith("/my/")

    keys.tab_to(href="/services/")
    keys.enter()
    keys.tab_to(href="/services/tax-certificate/")
    keys.enter()
    keys.tab_to(text="Start now")
    keys.enter()
    assert "/step/" in page.url

    # Step 1: name and address are prefilled; the phone may be too.
    keys.tab_to(name="f-phone")
    if not page.locator("main [name='f-phone']").input_value():
        keys.type("03-5321-1111")
    keys.tab_to(text="Save and continue")
    keys.enter()

    # Step 2: a radio group (Space picks the focused option) and two selects (arrow keys).
    keys.tab_to(name="f-certificate_type")
    keys.press("Space")
    keys.tab_to(name="f-tax_item")
    keys.press("ArrowDown")
    keys.tab_to(name="f-fiscal_year")
    keys.press("ArrowDown")
    keys.tab_to(text="Save and continue")
    keys.enter()
    assert not page.locator(".error-summary").count(), page.locator(".error-summary").inner_text()

    # Step 3: forget the number of copies first, and find the error by keyboard.
    keys.tab_to(name="f-delivery")
    keys.press("Space")
    keys.tab_to(text="Save and continue")
    keys.enter()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    keys.press("Tab")
    assert keys.focused()[4] == "#f-copies"
    keys.press("Enter")
    assert keys.focused()[1] == "f-copies"
    keys.type("1")
    keys.enter()

    assert page.url.endswith("/review/")
    keys.tab_to(text="Submit application")
    keys.enter()
    assert "/receipt/" in page.url
    assert page.locator(".panel-success .reference").inner_text().strip()
    assert keys.pressed < 250


def test_errors_are_announced_and_linked_to_their_fields(page_in):
    page = page_in("ja")
    sign_in(page, RESIDENT)
    start_procedure(page, "housing-application")
    for box in page.locator("main input[type=text], main input[type=tel]").all():
        box.fill("")
    continue_step(page)

    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement === document.querySelector('.error-summary')")
    links = summary.locator("a")
    assert links.count() >= 2
    for link in links.all():
        target = link.get_attribute("href")[1:]
        field = page.locator(f"#{target}")
        assert field.count() == 1, target
        wrapper = field.locator("xpath=ancestor::div[contains(@class,'field')][last()]")
        assert wrapper.locator(".field-error").count() >= 1, target
        # The message is tied to the field or to the group around it.
        described = page.evaluate(
            """id => {
              const f = document.getElementById(id);
              const owners = [f, f.closest("fieldset")].filter(Boolean);
              return owners.map(o => o.getAttribute("aria-describedby") || "").join(" ");
            }""",
            target,
        )
        error_ids = wrapper.locator(".field-error").evaluate_all("els => els.map(e => e.id)")
        assert any(error_id in described.split() for error_id in error_ids), target
    # Following a link puts the focus in the field and its question in view.
    last = links.last
    target = last.get_attribute("href")[1:]
    last.click()
    assert page.evaluate("document.activeElement.id") == target
    assert page.evaluate(FOCUS_PROBLEM) == ""


def test_a_whole_procedure_without_javascript(page_in):
    page = page_in("ja", javascript=False)
    sign_in(page, RESIDENT)
    start_procedure(page, "child-allowance")
    complete_step(page, ANSWERS["child-allowance"][0])

    # Step 2 by server round trips only: find the address, add a second child.
    page.locator("main [name='f-address-postal_code']").fill("１６３－８００１")
    with page.expect_navigation():
        page.locator("main button[name='f-address-lookup']").click()
    assert "西新宿" in page.locator("main").inner_text()
    fill(page, ANSWERS["child-allowance"][1])
    with page.expect_navigation():
        page.locator("main button[name$='-add']").first.click()
    assert page.locator("main fieldset.group").count() == 2
    fill(page, {
        "f-children-1-child_name-family": "都民", "f-children-1-child_name-given": "二郎",
        "f-children-1-child_name-family_reading": "トミン",
        "f-children-1-child_name-given_reading": "ジロウ",
        "f-children-1-child_birth_date": "R5.3.3",
    })
    complete_step(page, {})

    # Errors without JavaScript: the summary still links to the field, and focus follows.
    step_url = page.url
    for box in page.locator("main input[type=text]").all():
        box.fill("")
    continue_step(page)
    link = page.locator(".error-summary a").first
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.url.endswith("#" + target)
    assert page.evaluate("document.activeElement.id") == target
    page.goto(step_url)
    complete_step(page, ANSWERS["child-allowance"][2])
    assert page.url.endswith("/review/")
    submit_review(page)
    assert "/receipt/" in page.url

    # The header menus are <details>: they open and work without JavaScript.
    page.locator("details[data-menu] summary").first.click()
    with page.expect_navigation():
        page.locator("details[data-menu] button[value='en']").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/receipt/" in page.url
