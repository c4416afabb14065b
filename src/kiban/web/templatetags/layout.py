"""The page layout's header, rendered once per kind of page and reused (`{% site_header %}`).

The header (menus for language, text size and colours, the navigation) is the same for
every page seen in the same language, with the same preferences, by the same kind of
account, in the same section; only the CSRF token of its forms and the path they return to
differ. Rendering it anew took more time than the content of most pages, so it is rendered
once per such combination with marks where those two go, and filled in for each page.
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kiban.web.context_processors import links

register = template.Library()

# Private-use characters: no translation, path or token holds them, and escaping keeps them.
CSRF_MARK = "\ue000csrf\ue000"
NEXT_MARK = "\ue000next\ue000"
#: Views whose navigation link is marked as the current page.
SECTIONS = frozenset({
    "submissions:catalogue", "staff:inbox", "builder:home", "insights:overview",
    "submissions:my-page", "registry:my-data", "identity:sign-in",
})
_rendered: dict[tuple, str] = {}


def _account(user) -> str:
    if user is None or not user.is_authenticated:
        return "anonymous"
    return "staff" if getattr(user, "is_staff_member", False) else "resident"


def header_html(*, language: str, text_size: str, theme: str, account: str, view: str,
                languages, page_links: dict[str, str]) -> str:
    """Return the header with CSRF_MARK and NEXT_MARK where each page puts its own."""
    key = (language, text_size, theme, account, view, tuple(page_links.items()))
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = render_to_string("web/header.html", {
            "LANGUAGE_CODE": language, "text_size": text_size, "theme": theme,
            "account": account, "view": view, "languages": languages, "links": page_links,
            "csrf_token_mark": CSRF_MARK, "next_mark": NEXT_MARK,
        })
    return html


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """Render the page header for this request (see the module's docstring)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match is not None and match.view_name in SECTIONS else ""
    html = header_html(
        language=get_language(), text_size=context.get("text_size", "standard"),
        theme=context.get("theme", "default"), account=_account(context.get("user")),
        view=view, languages=context.get("languages", ()), page_links=links(),
    )
    token = get_token(request) if request is not None else ""
    path = request.get_full_path() if request is not None else ""
    # The cached header is rendered, autoescaped HTML; the two values are escaped here.
    return mark_safe(  # noqa: S308
        html.replace(CSRF_MARK, escape(token)).replace(NEXT_MARK, escape(path)))
