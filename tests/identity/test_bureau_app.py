"""The sample bureau application (examples/bureau_app), run as its own process, signs a hanako
in through kiban with no second password."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kiban.identity import demo as identity_demo
from tests.formparse import form_values
from tests.identity.browser import Browser
from tests.identity.test_oidc_provider import PASSWORD

APP = Path(__file__).resolve().parents[2] / "examples" / "bureau_app" / "app.py"
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sample_app(dev_idp, monkeypatch):
    port = _free_port()
    url = f"http://localhost:{port}"
    monkeypatch.setenv("KIBAN_BUREAU_APP_URL", url)
    from tests.factories import OrganisationFactory

    identity_demo.bureau_app_register(OrganisationFactory(code="welfare"))
    env = {**os.environ, "KIBAN_URL": dev_idp.url, "BUREAU_APP_URL": url}
    process = subprocess.Popen(
        [sys.executable, str(APP), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_the_sample_application_signs_a_resident_in_through_kiban(dev_idp, sample_app, hanako):
    browser = Browser(dev_idp.url)
    browser.sign_in(hanako.email, PASSWORD)

    consent = browser.follow(browser.get(f"{sample_app}/sign-in"))
    values, _ = form_values(consent.text)
    back = browser.post(consent.url, {**values, "allow": "Authorize"}, page=consent)
    home = browser.follow(browser.follow(back))

    assert "Childcare Support Portal" in consent.text and "Name" in consent.text
    assert "ようこそ、都民 花子 さん" in home.text
    assert "東京都新宿区西新宿2-8-1" in home.text
