"""The middleware of pages, kept off the system integration API.

Pages need sessions, the language, the signed-in user, two-factor state, messages, idle
sign-out and the lockout of repeated failures. The API under /api/ authenticates each call
by its bearer token and keeps no session, so none of that applies to it; running it anyway
costs a tenth of a logged registry read. `PagesOnly` runs the chain in
settings.KIBAN_PAGE_MIDDLEWARE around every request except those to the API.

Only middleware without process_view, process_exception or process_template_response hooks
may be listed there (Django registers those hooks only for settings.MIDDLEWARE; CSRF
protection, for one, stays in settings.MIDDLEWARE).
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.utils.module_loading import import_string

API_PREFIX = "/api/"
HOOKS = ("process_view", "process_exception", "process_template_response")
#: What the admin, sign-in lockout and two-factor need around pages (their own checks look in
#: MIDDLEWARE only, so settings silence them and this check stands in).
REQUIRED = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
)


@checks.register(checks.Tags.security)
def page_middleware_check(app_configs=None, **kwargs):
    pages = list(getattr(settings, "KIBAN_PAGE_MIDDLEWARE", []))
    missing = [path for path in REQUIRED if path not in pages]
    if "kiban.web.middleware.PagesOnly" not in settings.MIDDLEWARE:
        missing = list(REQUIRED)
    return [checks.Error(f"{path} must run around pages: list it in KIBAN_PAGE_MIDDLEWARE "
                         "(with kiban.web.middleware.PagesOnly in MIDDLEWARE)", id="kiban.E001")
            for path in missing]


class PagesOnly:
    def __init__(self, get_response):
        self.get_response = get_response
        pages = get_response
        for path in reversed(settings.KIBAN_PAGE_MIDDLEWARE):
            middleware = import_string(path)(pages)
            if any(hasattr(middleware, hook) for hook in HOOKS):
                raise ImproperlyConfigured(f"{path} has view hooks; list it in MIDDLEWARE")
            pages = convert_exception_to_response(middleware)
        self.pages = pages

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return self.pages(request)
