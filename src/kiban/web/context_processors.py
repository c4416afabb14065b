from django.conf import settings
from django.http import HttpRequest

from kiban.web.views import TEXT_SIZES, THEMES


def kiban(request: HttpRequest) -> dict:
    size = request.COOKIES.get("kiban_text_size", "standard")
    theme = request.COOKIES.get("kiban_theme", "default")
    return {
        "text_size": size if size in TEXT_SIZES else "standard",
        "theme": theme if theme in THEMES else "default",
        "text_sizes": TEXT_SIZES,
        "languages": settings.LANGUAGES,
    }
