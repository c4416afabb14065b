"""Read a rendered HTML form the way a browser would submit it (tests only)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("radio", "checkbox"):
                self.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
                return
            self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                self.radios.setdefault(self._select, []).append(value)
            if "selected" in a:
                self.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return (values a browser would post as-is, choices of radio/checkbox groups)."""
    reader = _FormReader()
    main = html[html.find("<main") : html.find("</main>")] if "<main" in html else html
    reader.feed(main)
    return reader.values, reader.radios
