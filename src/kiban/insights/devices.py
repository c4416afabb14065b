"""Tell the class of device from a User-Agent header, and nothing else about the visitor.

Plain Python, no Django. Nothing is stored but the class: "mobile", "tablet", "desktop",
"other"; crawlers are "bot" so that page views can leave them out.
"""

from __future__ import annotations

import re

MOBILE = "mobile"
TABLET = "tablet"
DESKTOP = "desktop"
OTHER = "other"
BOT = "bot"
DEVICE_CLASSES = (MOBILE, TABLET, DESKTOP, OTHER)

_BOT = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx|headless|monitor", re.IGNORECASE
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.IGNORECASE)
_MOBILE = re.compile(
    r"mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini", re.IGNORECASE
)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux|cros", re.IGNORECASE)


def device_class(user_agent: str | None) -> str:
    """Return the device class of a User-Agent string."""
    agent = (user_agent or "")[:512]
    if not agent.strip():
        return OTHER
    if _BOT.search(agent):
        return BOT
    if _TABLET.search(agent):
        return TABLET
    if _MOBILE.search(agent):
        return MOBILE
    if _DESKTOP.search(agent):
        return DESKTOP
    return OTHER
