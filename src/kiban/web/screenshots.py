"""`make screenshots`: PNGs of kiban's key pages, phone and desktop, in every language.

    python -m kiban.web.screenshots [DIRECTORY]      (default var/screenshots)

Starts a throwaway demo server and headless Chromium (kiban.web.browser), walks a resident
through 児童手当 and a case worker through the inbox, and writes
DIRECTORY/<language>/<nn>-<page>-<phone|desktop>.png plus DIRECTORY/index.html to look at
them side by side.
"""

from __future__ import annotations

import html
import os
import sys
import time
from pathlib import Path

from kiban.web.browser import (
    ANSWERS,
    DESKTOP,
    LANGUAGE_COOKIE,
    LANGUAGES,
    PHONE,
    RESIDENT,
    DemoServer,
    browser_unavailable,
    complete_step,
    continue_step,
    launch,
    new_context,
    pass_two_factor,
    sign_in,
    start_procedure,
    submit_review,
)

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


class Camera:
    def __init__(self, directory: Path, language: str) -> None:
        self.directory = directory / language
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.taken: list[tuple[str, dict[str, str]]] = []

    def shoot(self, page, name: str, widths=WIDTHS) -> None:
        """Screenshot the page at each width (resized in place: nothing is sent again)."""
        self.count += 1
        files = {}
        for label, viewport in widths.items():
            page.set_viewport_size(viewport)
            page.evaluate("window.scrollTo(0, 0)")
            path = self.directory / f"{self.count:02d}-{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            files[label] = path.name
        page.set_viewport_size(DESKTOP)
        self.taken.append((name, files))


def resident_pages(browser, server, camera: Camera, language: str) -> None:
    context = new_context(browser, server, language)
    page = context.new_page()
    page.goto("/services/")
    camera.shoot(page, "catalogue")
    page.goto("/services/child-allowance/")
    camera.shoot(page, "procedure")
    page.goto("/accounts/sign-in/")
    with page.expect_navigation():
        page.locator("main form:has(#id_username) button[type=submit]").click()
    camera.shoot(page, "sign-in-errors")
    sign_in(page, RESIDENT)
    start_procedure(page, "child-allowance")
    camera.shoot(page, "step-1")
    page.locator("main [name='f-phone']").fill("")
    continue_step(page)
    camera.shoot(page, "step-1-errors")
    complete_step(page, ANSWERS["child-allowance"][0])
    camera.shoot(page, "step-2")
    complete_step(page, ANSWERS["child-allowance"][1])
    camera.shoot(page, "step-3")
    complete_step(page, ANSWERS["child-allowance"][2])
    camera.shoot(page, "review")
    for box in page.locator("main input[type=checkbox]").all():
        box.check()  # save the new answers to the profile
    submit_review(page)
    camera.shoot(page, "receipt")
    page.goto("/my/")
    camera.shoot(page, "my-page")
    page.locator("main a[href*='/my/applications/']").first.click()
    page.wait_for_load_state()
    camera.shoot(page, "application")
    page.goto("/my/data/")
    camera.shoot(page, "my-data")
    # Reading comfort: the menu open on a phone, then extra large text in high contrast.
    page.set_viewport_size(PHONE)
    page.goto("/services/")
    page.locator("details[data-menu] summary").nth(1).click()
    camera.shoot(page, "menu-text-size-and-colours", {"phone": PHONE})
    context.add_cookies([
        {"name": "kiban_text_size", "value": "x-large", "url": server.url},
        {"name": "kiban_theme", "value": "high-contrast", "url": server.url},
    ])
    start_procedure(page, "tax-certificate")
    page.locator("main input[name='f-phone']").fill("")
    continue_step(page)
    camera.shoot(page, "high-contrast-x-large-errors")
    context.close()


def staff_pages(browser, server, cameras: dict[str, Camera]) -> None:
    """The welfare bureau's inbox and a case, signed in once, shown in each language."""
    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page, "caseworker.welfare@demo.kiban.jp")
    pass_two_factor(page)
    for language, camera in cameras.items():
        context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": server.url}])
        page.goto("/staff/inbox/")
        camera.shoot(page, "staff-inbox")
        page.locator("main table a").first.click()
        page.wait_for_load_state()
        camera.shoot(page, "staff-case")
    context.close()


def write_index(directory: Path, cameras: dict[str, Camera]) -> Path:
    rows = []
    for language, camera in cameras.items():
        for name, files in camera.taken:
            images = "".join(
                f'<figure><img src="{language}/{html.escape(file)}" alt="" loading="lazy">'
                f"<figcaption>{label}</figcaption></figure>"
                for label, file in files.items()
            )
            rows.append(f"<section><h2>{language} — {html.escape(name)}</h2>{images}</section>")
    index = directory / "index.html"
    index.write_text(
        "<!DOCTYPE html><html lang='en'><meta charset='utf-8'><title>kiban screenshots</title>"
        "<style>body{font-family:sans-serif;margin:1rem}figure{display:inline-block;"
        "vertical-align:top;margin:0 1rem 1rem 0}img{border:1px solid #ccc;max-width:640px}"
        "</style><h1>kiban screenshots</h1>" + "".join(rows) + "</html>",
        encoding="utf-8",
    )
    return index


def main(argv: list[str]) -> int:
    directory = Path(argv[0] if argv else "var/screenshots").resolve()
    problem = browser_unavailable()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    import django
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    django.setup()  # for the demo accounts' second factor; the server has its own database
    started = time.monotonic()
    cameras = {language: Camera(directory, language) for language in LANGUAGES}
    with DemoServer() as server, sync_playwright() as playwright:
        browser = launch(playwright)
        for language in LANGUAGES:
            resident_pages(browser, server, cameras[language], language)
        staff_pages(browser, server, cameras)
        browser.close()
    index = write_index(directory, cameras)
    count = sum(len(files) for camera in cameras.values() for _, files in camera.taken)
    print(f"{count} screenshots in {directory} ({time.monotonic() - started:.0f} s); "
          f"open {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
