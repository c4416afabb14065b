"""A small browser for tests: a requests session against the live server, with forms' CSRF
tokens and manual redirects, so every OpenID Connect hop is a real HTTP request."""

import re
from urllib.parse import urljoin

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"
        self.last: requests.Response | None = None

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def get(self, path: str, **kwargs) -> requests.Response:
        self.last = self.http.get(self.url(path), allow_redirects=False, timeout=20, **kwargs)
        return self.last

    def post(
        self, path: str, data: dict | None = None, page: requests.Response | None = None, **kwargs
    ) -> requests.Response:
        """POST like a form on `page` (default: the last page) would, with its CSRF token."""
        page = page if page is not None else self.last
        token = CSRF.search(page.text) if page is not None else None
        if token is None:
            token = CSRF.search(self.http.get(self.url("/accounts/sign-in/"), timeout=20).text)
        data = {"csrfmiddlewaretoken": token.group(1), **(data or {})}
        headers = {"Referer": self.url(path)}
        self.last = self.http.post(
            self.url(path), data=data, allow_redirects=False, timeout=20, headers=headers, **kwargs
        )
        return self.last

    def follow(self, response: requests.Response | None = None) -> requests.Response:
        response = response if response is not None else self.last
        return self.get(urljoin(response.url, response.headers["Location"]))

    def sign_in(self, email: str, password: str) -> requests.Response:
        self.get("/accounts/sign-in/")
        response = self.post("/accounts/sign-in/", {"username": email, "password": password})
        assert response.status_code == 302, response.text[-2000:]
        return response
