"""Project settings, read from the environment in this one place (twelve-factor).

Every variable has a safe development default; docs/operations.md lists them.
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KIBAN_VAR_DIR", PROJECT_DIR / "var"))
TESTING = "pytest" in sys.modules or os.environ.get("KIBAN_TESTING") == "1"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("KIBAN_DEBUG", False)
SECRET_KEY = os.environ.get(
    "KIBAN_SECRET_KEY", "kiban-development-only-secret-key-change-me-0123456789")
ALLOWED_HOSTS = os.environ.get("KIBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("KIBAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
BASE_URL = os.environ.get("KIBAN_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kiban.web",
    "kiban.audit",
    "kiban.identity",
    "oauth2_provider",
    "kiban.devidp",
    "kiban.registry",
    "kiban.procedures",
    "kiban.submissions",
    "kiban.exchange",
    "kiban.events",
    "kiban.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kiban.web.middleware.PagesOnly",  # KIBAN_PAGE_MIDDLEWARE, for all but the API
]
# Around pages, not the bearer-token API under /api/ (kiban.web.middleware), in this order.
KIBAN_PAGE_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kiban.identity.middleware.SessionActivityMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kiban.urls"
WSGI_APPLICATION = "kiban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kiban.web.context_processors.kiban",
            ],
            "string_if_invalid": "",
        },
    }
]

# Database: embedded SQLite under var/ by default, PostgreSQL (or any URL) via DATABASE_URL.
SQLITE_PATH = VAR_DIR / "kiban.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with a write gate: writers queue instead of sleeping (kiban.db.sqlite3).
    DATABASES["default"]["ENGINE"] = "kiban.db.sqlite3"
    # Keep each thread's connection: reopening costs a file open and the PRAGMAs per request.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades
        # that SQLite would otherwise fail with "database is locked" under concurrency.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("KIBAN_TEST_DATABASE", None)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
            "KIBAN_PG_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, and a statement run a few times on a connection
        # prepared: PostgreSQL then parses and plans it once instead of on every page (half
        # its CPU in the bench, docs/performance.md). Off for a pooler that cannot keep
        # prepared statements (PgBouncer before 1.21 in transaction mode).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kiban.identity.backends.AccountBackend",
]
SESSION_ENGINE = "kiban.identity.sessions"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "submissions:my-page"
LOGOUT_REDIRECT_URL = "web:home"

# Idle sessions end: staff after 30 minutes, residents after an hour (identity middleware).
KIBAN_IDLE_SECONDS_STAFF = int(os.environ.get("KIBAN_IDLE_SECONDS_STAFF", "1800"))
KIBAN_IDLE_SECONDS_RESIDENT = int(os.environ.get("KIBAN_IDLE_SECONDS_RESIDENT", "3600"))

# The development identity provider (kiban.devidp) under /dev-idp/: on in tests and in
# `kiban demo`, never in production. It stands in for the national ID and GビズID.
KIBAN_DEV_IDP = env_bool("KIBAN_DEV_IDP", TESTING or DEBUG)

# External OpenID Connect providers kiban signs residents and businesses in with
# (kiban.identity.id_providers). Without an issuer they default to the development provider.
ID_PROVIDERS = {
    code: {
        "issuer": os.environ.get(f"{prefix}_ISSUER", "")
        or (f"{BASE_URL}/dev-idp/{code}" if KIBAN_DEV_IDP else ""),
        "client_id": os.environ.get(f"{prefix}_CLIENT_ID", "kiban"),
        "client_secret": os.environ.get(f"{prefix}_CLIENT_SECRET", f"kiban-dev-idp-{code}-secret"),
        "label": os.environ.get(f"{prefix}_LABEL", ""),
        "timeout": float(os.environ.get("KIBAN_ID_PROVIDER_TIMEOUT", "10")),
    }
    for code, prefix in (("national", "KIBAN_NATIONAL_ID"), ("business", "KIBAN_BUSINESS_ID"))
}

# kiban as OpenID Connect provider for bureau applications (django-oauth-toolkit). ID tokens are
# signed with rotating RSA keys from KIBAN_OIDC_KEY_DIR (`kiban oidc_rotate_key`).
from kiban.identity.signing_keys import signing_keys  # noqa: E402  (a plain module, no Django)

OIDC_KEY_DIR = Path(os.environ.get("KIBAN_OIDC_KEY_DIR", VAR_DIR / "oidc-keys"))
_OIDC_CURRENT_KEY, _OIDC_RETIRED_KEYS = signing_keys(OIDC_KEY_DIR)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": os.environ.get("KIBAN_OIDC_ISSUER", ""),
    "OIDC_RSA_PRIVATE_KEY": _OIDC_CURRENT_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _OIDC_RETIRED_KEYS,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "kiban.identity.oidc_provider.KibanOAuth2Validator",
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "SCOPES": {
        "openid": "OpenID Connect", "profile": "person.name", "email": "person.email",
        "address": "person.address", "phone": "person.phone", "birthdate": "person.birth_date",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("KIBAN_OIDC_TOKEN_SECONDS", "600")),
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("KIBAN_OIDC_TOKEN_SECONDS", "600")),
    "REFRESH_TOKEN_EXPIRE_SECONDS": 8 * 3600,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG or TESTING or KIBAN_DEV_IDP
    else ["https"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
}

# Passkeys (WebAuthn) for staff: the relying party is kiban's host name. Browsers refuse IP
# addresses, so open the demo at http://localhost:PORT to try them.
KIBAN_WEBAUTHN_RP_ID = os.environ.get("KIBAN_WEBAUTHN_RP_ID", "localhost")
KIBAN_WEBAUTHN_RP_NAME = os.environ.get("KIBAN_WEBAUTHN_RP_NAME", "kiban")

# Lockout after repeated failures (django-axes): per account and address.
AXES_FAILURE_LIMIT = int(os.environ.get("KIBAN_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("KIBAN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("KIBAN_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_SECURE = env_bool("KIBAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get(
    "KIBAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("KIBAN_FROM_EMAIL", "no-reply@kiban.example.jp")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# Background work: Django's tasks API with the database backend; the worker is started by
# `kiban demo` (or `kiban worker`). Tests run tasks immediately in the same thread.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English"), ("ja-easy", "やさしい日本語")]
LANGUAGE_COOKIE_NAME = "kiban_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-never-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
KIBAN_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("KIBAN_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "kiban": {"handlers": ["console"], "level": os.environ.get("KIBAN_LOG_LEVEL", "INFO")},
        "kiban.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Lockout is per account on purpose (a resident's account is locked whatever address the attempts
# come from), which axes.W006 warns about for a different threat model.
# The admin's and axes' middleware checks look in MIDDLEWARE only; those middleware run from
# KIBAN_PAGE_MIDDLEWARE, which kiban.web.middleware checks (kiban.E001) instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "admin.E408", "admin.E409", "admin.E410", "axes.W002"]

# The benchmark's floor view (kiban.web.bench, docs/performance.md); never on in production.
KIBAN_BENCH = env_bool("KIBAN_BENCH", False)
