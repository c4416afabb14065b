"""Passkeys in a real browser: headless Chromium with a virtual authenticator runs the page's
script (identity/passkey.js) against the demo server. Skipped where Chromium is missing."""

from collections.abc import Iterator

import pytest

from kiban.web.browser import DemoServer, browser_unavailable, launch
from kiban.web.demo import DEMO_PASSWORD, demo_totp_code

UNAVAILABLE = browser_unavailable()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(UNAVAILABLE), reason=UNAVAILABLE or "")]
CASE_WORKER = "caseworker.welfare@demo.kiban.jp"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with DemoServer() as server:
        # WebAuthn refuses IP addresses; the demo's relying party is "localhost".
        yield server.url.replace("127.0.0.1", "localhost")


@pytest.fixture
def page(base_url):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = launch(playwright)
    context = chromium.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
    }})
    yield page
    context.close()
    chromium.close()
    playwright.stop()


def password_step(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("input[name=username]", CASE_WORKER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form[novalidate] button[type=submit]")


def test_a_case_worker_adds_a_passkey_and_signs_in_with_it(page, base_url):
    password_step(page, base_url)
    page.fill("input[name=code]", demo_totp_code())
    page.click("main form button[type=submit]")
    page.goto(f"{base_url}/accounts/security/")
    page.click("[data-passkey-register] [data-passkey-button]")
    page.wait_for_selector("text=Remove this passkey")
    page.click("button:has-text('Sign out')")

    password_step(page, base_url)
    on_second_step = page.url
    page.click("[data-passkey-sign-in] [data-passkey-button]")
    page.wait_for_url("**/staff/inbox/")

    assert on_second_step.endswith("/accounts/sign-in/two-factor/")
    assert page.locator("h1").first.text_content() == "Inbox"
