"""Page middleware runs around pages and not around the bearer-token API (kiban.web.middleware)."""

import pytest
from django.core import checks
from django.test import override_settings

from kiban.web.middleware import page_middleware_check

pytestmark = pytest.mark.django_db


def test_pages_get_the_language_and_a_session(resident_client):
    response = resident_client.get("/my/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert response.wsgi_request.user.is_authenticated
    assert "Cookie" in response.get("Vary", "")


def test_the_api_runs_without_session_or_signed_in_user(client):
    response = client.get("/api/v1/submissions", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert not hasattr(response.wsgi_request, "session")
    assert not hasattr(response.wsgi_request, "user")
    assert "Content-Language" not in response
    assert "X-Frame-Options" in response  # the security headers still apply


def test_a_page_post_without_csrf_token_is_still_refused(resident):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)

    assert browser.post("/my/data/").status_code == 403


def test_the_check_names_page_middleware_that_is_missing():
    with override_settings(KIBAN_PAGE_MIDDLEWARE=["django.middleware.locale.LocaleMiddleware"]):
        errors = page_middleware_check()

    assert {error.id for error in errors} == {"kiban.E001"}
    assert any("AxesMiddleware" in error.msg for error in errors)
    assert all(error.level == checks.ERROR for error in errors)
    assert page_middleware_check() == []
