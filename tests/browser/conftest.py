"""Browser tests: kiban in headless Chromium (Playwright), checked with axe-core.

One demo server and one browser serve the whole package (package-scoped fixtures, stopped
before other packages run: Playwright's event loop must not outlive them, or Django would
refuse ORM calls in later tests). Where Chromium is missing every test here is skipped, and
the session says so loudly at its start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kiban.web.browser import DemoServer, browser_unavailable, launch, new_context

UNAVAILABLE = browser_unavailable()


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


def pytest_collection_finish(session):
    if UNAVAILABLE and any(item.get_closest_marker("browser") for item in session.items):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        line = f"WARNING: browser tests skipped. {UNAVAILABLE}"
        if reporter is not None:
            reporter.write_line(line, yellow=True, bold=True)
        else:  # pragma: no cover
            print(line)


@pytest.fixture(scope="package")
def server() -> Iterator[DemoServer]:
    if UNAVAILABLE:
        pytest.skip(UNAVAILABLE)
    with DemoServer() as running:
        yield running


@pytest.fixture(scope="package")
def browser(server):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = launch(playwright)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def open_context(browser, server):
    """Return a function making fresh contexts (closed after the test): language, viewport…"""
    contexts = []

    def make(language: str = "ja", **options):
        context = new_context(browser, server, language, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_in(open_context):
    """Return a function making a fresh page in a new context: page_in("en", viewport=…)."""

    def make(language: str = "ja", **options):
        return open_context(language, **options).new_page()

    return make


@pytest.fixture
def audit():
    """An axe audit that fails the test at its end if any checked page had a serious or
    critical violation (all of them listed)."""
    from tests.browser.audit import Audit

    checker = Audit()
    yield checker
    checker.assert_clean()


def pytest_terminal_summary(terminalreporter):
    from tests.browser.audit import CHECKED, NOTED

    if CHECKED:
        terminalreporter.write_line(
            f"axe-core: {len(CHECKED)} page states checked; {len(NOTED)} moderate or minor "
            "findings (not failing)."
        )
        for line in dict.fromkeys(NOTED):
            terminalreporter.write_line("  " + line.replace("\n", " "))
