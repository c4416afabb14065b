"""A sample bureau application that signs residents in through kiban (OpenID Connect).

It is a separate program, as a bureau's own application would be: one file of Django with
Authlib as the OpenID Connect client, no database (the session lives in a signed cookie).
Residents already signed in to kiban get in with no second password; the first time, kiban
asks them whether to release their name and address to this application.

Run it beside kiban (`kiban demo` starts it on kiban's port + 1):

    KIBAN_URL=http://127.0.0.1:8000 python examples/bureau_app/app.py 8001

Settings by environment: KIBAN_URL (kiban's address), BUREAU_APP_URL (this app's address as
registered at kiban), BUREAU_APP_CLIENT_ID, BUREAU_APP_CLIENT_SECRET.
"""

import os
import sys
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from django.conf import settings

HERE = Path(__file__).resolve().parent
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BUREAU_APP_PORT", "8001"))
KIBAN_URL = os.environ.get("KIBAN_URL", "http://127.0.0.1:8000").rstrip("/")
APP_URL = os.environ.get("BUREAU_APP_URL", f"http://localhost:{PORT}").rstrip("/")

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("BUREAU_APP_SECRET_KEY", "bureau-app-development-only-secret-key"),
    ALLOWED_HOSTS=["localhost", "127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ],
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    # Its own cookie names: on one host, cookies of different ports are shared.
    SESSION_COOKIE_NAME="bureau_app_session",
    CSRF_COOKIE_NAME="bureau_app_csrf",
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [HERE / "templates"],
            "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
        }
    ],
    AUTHLIB_OAUTH_CLIENTS={
        "kiban": {
            "client_id": os.environ.get("BUREAU_APP_CLIENT_ID", "tokyo-kosodate-portal"),
            "client_secret": os.environ.get("BUREAU_APP_CLIENT_SECRET", "bureau-app-demo-secret"),
            "server_metadata_url": f"{KIBAN_URL}/oidc/.well-known/openid-configuration",
            "client_kwargs": {
                "scope": "openid profile address",
                "code_challenge_method": "S256",
                "default_timeout": 10,
            },
        }
    },
)
django.setup()

from authlib.integrations.base_client import OAuthError  # noqa: E402
from authlib.integrations.django_client import OAuth  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponseRedirect  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

oauth = OAuth()
oauth.register("kiban")


def home(request):
    return render(
        request,
        "home.html",
        {
            "resident": request.session.get("resident"),
            "kiban_url": KIBAN_URL,
            "error": request.session.pop("error", ""),
        },
    )


def sign_in(request):
    return oauth.kiban.authorize_redirect(request, f"{APP_URL}/callback")


def callback(request):
    try:
        token = oauth.kiban.authorize_access_token(request)  # checks state, PKCE, ID token
        claims = oauth.kiban.userinfo(token=token)  # the data the resident agreed to release
    except (OAuthError, ValueError) as error:
        request.session["error"] = f"サインインできませんでした / Sign-in failed: {error}"
        return HttpResponseRedirect("/")
    request.session["resident"] = {
        "sub": token["userinfo"]["sub"],
        "acr": token["userinfo"].get("acr", ""),
        "name": claims.get("name", ""),
        "address": (claims.get("address") or {}).get("formatted", ""),
    }
    request.session["id_token"] = token["id_token"]
    return HttpResponseRedirect("/")


@require_POST
def sign_out(request):
    id_token = request.session.get("id_token")
    request.session.flush()
    if not id_token:
        return HttpResponseRedirect("/")
    return oauth.kiban.logout_redirect(
        request, post_logout_redirect_uri=f"{APP_URL}/", id_token_hint=id_token
    )


urlpatterns = [
    path("", home),
    path("sign-in", sign_in),
    path("callback", callback),
    path("sign-out", sign_out),
]
application = get_wsgi_application()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the standard library's
        sys.stderr.write(f"bureau_app {format % args}\n")


if __name__ == "__main__":
    print(f"Sample bureau application on {APP_URL}/ (kiban: {KIBAN_URL})", flush=True)
    with make_server("127.0.0.1", PORT, application, handler_class=QuietHandler) as server:
        server.serve_forever()
