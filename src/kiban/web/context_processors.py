from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from kiban.web.views import TEXT_SIZES, THEMES

#: The links of every page's header and footer, by the name base.html uses.
LINKS = {
    "home": "web:home", "language": "web:set-language", "preferences": "web:preferences",
    "services": "submissions:catalogue", "inbox": "staff:inbox", "builder": "builder:home",
    "insights": "insights:overview", "my_page": "submissions:my-page",
    "my_data": "registry:my-data", "sign_in": "identity:sign-in",
    "sign_out": "identity:sign-out", "transparency": "transparency:index",
    "opendata": "opendata:index",
}


@cache
def _links(prefix: str, urlconf) -> dict[str, str]:
    return {name: reverse(view, urlconf=urlconf) for name, view in LINKS.items()}


def links() -> dict[str, str]:
    """Return the header and footer links, reversed once per process (a dozen per page)."""
    return _links(get_script_prefix(), get_urlconf())


def kiban(request: HttpRequest) -> dict:
    size = request.COOKIES.get("kiban_text_size", "standard")
    theme = request.COOKIES.get("kiban_theme", "default")
    return {
        "text_size": size if size in TEXT_SIZES else "standard",
        "theme": theme if theme in THEMES else "default",
        "text_sizes": TEXT_SIZES,
        "languages": settings.LANGUAGES,
        "links": links(),
    }
