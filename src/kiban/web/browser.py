"""Drive kiban in a real browser: a throwaway demo server and headless Chromium.

Used by the browser tests (tests/browser/) and by `make screenshots`. The browser is the
distribution's Chromium (Debian: `apt-get install -y chromium`), driven by Playwright for
Python; Playwright's own browser download is never used. The server is Granian (as `kiban
serve`) on a free port of 127.0.0.1 with a temporary SQLite database holding the demo data
(`load_demo(residents=0)`), so nothing touches var/ or the test database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "Chromium not found, so the browser tests are SKIPPED. Install it with "
    "`apt-get install -y chromium` (Debian/Ubuntu; macOS: `brew install --cask chromium`) "
    "or point KIBAN_CHROMIUM at a Chromium or Chrome binary."
)
LANGUAGES = ("ja", "en", "ja-easy")
LANGUAGE_COOKIE = "kiban_language"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

RESIDENT = "resident@demo.kiban.jp"
BUSINESS = "business@demo.kiban.jp"
PASSWORD = "kiban-demo-2026"
# Which demo account applies for which demo procedure.
APPLICANT = {
    "child-allowance": RESIDENT,
    "housing-application": RESIDENT,
    "tax-certificate": RESIDENT,
    "sme-subsidy": BUSINESS,
}
# Answers that the demo data does not prefill, by step (input name → value); every radio
# group left empty gets its first option and every empty select its first real option.
ANSWERS = {
    "child-allowance": [
        {"f-phone": "090-1234-5678"},
        {"f-children-0-child_name-family": "都民", "f-children-0-child_name-given": "一郎",
         "f-children-0-child_name-family_reading": "とみん",
         "f-children-0-child_name-given_reading": "いちろう",
         "f-children-0-child_birth_date": "令和2年5月1日"},
        {},
    ],
    "housing-application": [
        {"f-phone": "03-5321-1111"},
        {"f-household_size": "２"},
        {"f-monthly_rent": "85,000"},
    ],
    "tax-certificate": [{"f-phone": "03-5321-1111"}, {}, {"f-copies": "１"}],
    "sme-subsidy": [
        {"f-contact_person-family": "事業", "f-contact_person-given": "太郎",
         "f-contact_phone": "03-1234-5678"},
        {"f-project_title": "受発注のクラウド化", "f-plan": "紙の受発注をクラウドに移します。",
         "f-amount": "500000"},
        {},
    ],
}


def chromium_path() -> str | None:
    """Return the Chromium to drive: $KIBAN_CHROMIUM, else the first one on PATH."""
    configured = os.environ.get("KIBAN_CHROMIUM")
    if configured:
        return shutil.which(configured) or (configured if Path(configured).exists() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_unavailable() -> str | None:
    """Return why the browser cannot run here (to print and skip with), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: run `pip install -r requirements.txt`."
    if chromium_path() is None:
        return INSTALL_HINT
    return None


def launch(playwright) -> Any:
    """Launch headless Chromium (the system's) from a started Playwright."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """kiban with the demo data on a free local port; a context manager.

    The database and uploads live in a temporary directory removed on exit. Sign-in lockout
    is relaxed (the tests sign in many times) and background tasks run immediately.
    """

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="kiban-browser-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = self.directory / "server.log"

    def environment(self) -> dict[str, str]:
        env = {
            key: value for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "KIBAN_TEST_DATABASE")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="kiban.settings",
            KIBAN_VAR_DIR=str(self.directory),
            KIBAN_TESTING="1",
            KIBAN_DEBUG="0",
            KIBAN_LOCKOUT_FAILURES="1000",
            KIBAN_ALLOWED_HOSTS="127.0.0.1,localhost",
            KIBAN_BASE_URL=self.url,
            KIBAN_LOG_LEVEL="WARNING",
        )
        return env

    def start(self) -> DemoServer:
        env = self.environment()
        subprocess.run(
            [sys.executable, "-m", "kiban.web.browser", "prepare"], env=env, check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "granian", "--interface", "wsgi",
                    "kiban.wsgi:application", "--host", "127.0.0.1", "--port", str(self.port),
                    "--workers", "1", "--blocking-threads", "8", "--log-level", "warning",
                ],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"the demo server did not start:\n{log}")
            time.sleep(0.2)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _prepare() -> None:
    """Create the database and load the demo data (run by DemoServer in its environment)."""
    import django

    django.setup()
    from kiban.cli import migrate
    from kiban.web.demo import load_demo

    migrate()
    load_demo(residents=0)


# --- driving pages -----------------------------------------------------------------------


def new_context(browser, server: DemoServer, language: str = "ja", *, viewport=None,
                javascript: bool = True, cookies: dict[str, str] | None = None, **options):
    """Return a fresh browser context (no session) showing kiban in ``language``.

    ``cookies`` are set first (kiban_text_size, kiban_theme…); ``options`` go to Playwright.
    """
    context = browser.new_context(
        viewport=viewport or DESKTOP, java_script_enabled=javascript, locale="ja-JP",
        base_url=server.url, **options,
    )
    context.set_default_timeout(15_000)
    values = {LANGUAGE_COOKIE: language, **(cookies or {})}
    context.add_cookies([{"name": k, "value": v, "url": server.url} for k, v in values.items()])
    return context


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in with the form (a staff account still has the second step to pass)."""
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form:has(#id_username) button[type=submit]").first.click()


def pass_two_factor(page) -> None:
    """Type the demo staff's current TOTP code on the second step of sign-in.

    A code is accepted once per device: if this one was just used, wait for the next.
    """
    from kiban.web.demo import demo_totp_code

    for _ in range(2):
        page.fill("#id_code", demo_totp_code())
        with page.expect_navigation():
            page.locator("main form:has(#id_code) button[type=submit]").first.click()
        if "/two-factor/" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 0.5)
    raise AssertionError("the demo TOTP code was refused twice")


def sign_in_staff(page, email: str) -> None:
    """Sign in as demo staff, passing the second step with the demo TOTP code."""
    sign_in(page, email)
    pass_two_factor(page)


def start_procedure(page, code: str) -> None:
    """Open a procedure's page and press Start now (signed in)."""
    page.goto(f"/services/{code}/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def fill_defaults(page) -> None:
    """Pick the first option of every radio group and select left empty, as a hurried user."""
    groups: dict[str, bool] = {}
    for radio in page.locator("main input[type=radio]").all():
        name = radio.get_attribute("name")
        groups[name] = groups.get(name, False) or radio.is_checked()
    for name, checked in groups.items():
        if not checked:
            page.locator(f'main input[type=radio][name="{name}"]').first.check()
    for select in page.locator("main select").all():
        if not select.input_value():
            select.select_option(index=1)


def fill(page, values: dict[str, str]) -> None:
    """Type ``values`` (input name → value) into the form of the page."""
    for name, value in values.items():
        target = page.locator(f'main [name="{name}"]')
        kind = (target.first.get_attribute("type") or "").lower()
        if kind in ("radio", "checkbox"):
            page.locator(f'main [name="{name}"][value="{value}"]').check()
        elif target.first.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)


def continue_step(page) -> None:
    """Press the step's main button (Save and continue) and wait for the next page."""
    with page.expect_navigation():
        page.locator("main .actions button[type=submit]").first.click()


def complete_step(page, values: dict[str, str]) -> None:
    fill_defaults(page)
    fill(page, values)
    continue_step(page)
    errors = page.locator(".error-summary").all_inner_texts()
    if errors:
        raise AssertionError(f"{page.url} refused the answers: {errors}")


def submit_review(page) -> None:
    with page.expect_navigation():
        page.locator("main form .actions button[type=submit]").last.click()


def apply(page, code: str, answers: list[dict[str, str]] | None = None) -> str:
    """Run procedure ``code`` from its start page to the receipt (signed in); return its URL."""
    start_procedure(page, code)
    for values in answers if answers is not None else ANSWERS[code]:
        complete_step(page, values)
    submit_review(page)
    assert "/receipt/" in page.url, page.url
    return page.url


if __name__ == "__main__" and sys.argv[1:] == ["prepare"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    _prepare()
