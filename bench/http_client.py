"""The bench's HTTP client: one keep-alive connection with its cookies, standard library only.

The clients run on the machine that serves them, so what they cost is CPU the server does not
get. httpx spent about 1.3 ms of CPU a request here; `http.client` with a cookie dictionary
spends a quarter of that. Redirects are not followed: every page is its own request.
"""

from __future__ import annotations

from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

#: What a failed request raises (connection refused or reset, a malformed answer).
HTTPError = (OSError, HTTPException)


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status_code, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    def __init__(self, url: str, timeout: float):
        address = urlsplit(url)
        self.host, self.port, self.timeout = address.hostname, address.port, timeout
        self.cookies: dict[str, str] = {}
        self._http = HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, data: dict[str, str] | None = None,
                params: dict | None = None) -> Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        headers = {"Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self._http.timeout = self.timeout
        self._http.request(method, path, body=body, headers=headers)
        reply = self._http.getresponse()
        content = reply.read()
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(reply.status, reply.headers, content)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, str]) -> Response:
        return self.request("POST", path, data=data)

    def reconnect(self) -> None:
        """Go on with a new connection and the same cookies."""
        self._http.close()
        self._http = HTTPConnection(self.host, self.port, timeout=self.timeout)

    def close(self) -> None:
        self._http.close()
