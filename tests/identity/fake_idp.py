"""A misbehaving OpenID Connect provider for tests: it answers the token request with what
each test asks for (garbage, a token signed with another key, an expired one, ...)."""

import json
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class FakeIdp:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "good"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "good"})
        self.behaviour = "good"
        self.nonce = ""
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def id_token(self, **changes) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": "fake-person",
            "aud": "kiban",
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
            "family_name": "偽",
            "given_name": "太郎",
        }
        claims.update(changes)
        key = self.other_key if self.behaviour == "wrong_key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "good"}, claims, key)

    def token_answer(self) -> tuple[str, str, bytes]:
        behaviour = self.behaviour
        if behaviour == "garbage":
            return "200 OK", "text/html", b"<html>Service temporarily unavailable</html>"
        if behaviour == "server_error":
            return "500 Internal Server Error", "text/plain", b"oops"
        token = {
            "access_token": "at",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "openid name",
        }
        if behaviour == "expired":
            token["id_token"] = self.id_token(
                iat=int(time.time()) - 7200, exp=int(time.time()) - 3600
            )
        elif behaviour == "wrong_nonce":
            token["id_token"] = self.id_token(nonce="someone-elses-nonce")
        elif behaviour == "wrong_audience":
            token["id_token"] = self.id_token(aud="another-client")
        elif behaviour == "wrong_issuer":
            token["id_token"] = self.id_token(iss="http://impostor.example")
        elif behaviour != "no_id_token":
            token["id_token"] = self.id_token()
        return "200 OK", "application/json", json.dumps(token).encode()

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path.endswith("/.well-known/openid-configuration"):
            status, kind, body = (
                "200 OK",
                "application/json",
                json.dumps(
                    {
                        "issuer": self.url,
                        "authorization_endpoint": f"{self.url}/authorize",
                        "token_endpoint": f"{self.url}/token",
                        "userinfo_endpoint": f"{self.url}/userinfo",
                        "jwks_uri": f"{self.url}/jwks",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                ).encode(),
            )
        elif path == "/jwks":
            body = json.dumps({"keys": [self.key.as_dict(private=False)]}).encode()
            status, kind = "200 OK", "application/json"
        elif path == "/token":
            status, kind, body = self.token_answer()
        elif path == "/userinfo":
            status, kind = "200 OK", "application/json"
            body = json.dumps(
                {"sub": "fake-person", "family_name": "偽", "given_name": "太郎"}
            ).encode()
        else:
            status, kind, body = "404 Not Found", "text/plain", b"not found"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
