"""Read a page's main form the way a browser submits it: names, values, what is required.

Standard library only, so the bench client needs nothing Django does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    """One form control: a text input, a radio group, a checkbox, a select or a textarea."""

    name: str
    kind: str  # text, hidden, radio, checkbox, select, textarea, file
    value: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)  # radio values or select options
    input_type: str = "text"  # number, date, tel, email, … for text-like inputs
    checked: bool = False


@dataclass
class Form:
    action: str | None
    controls: dict[str, Control] = field(default_factory=dict)

    def data(self) -> dict[str, str]:
        """Return what a browser would post: checked boxes and radios, filled text, selects."""
        posted = {}
        for control in self.controls.values():
            if control.kind == "file":
                continue
            if control.kind == "checkbox" and not control.checked:
                continue
            if control.kind == "radio" and not control.value:
                continue
            posted[control.name] = control.value
        return posted


class _FormParser(HTMLParser):
    """Collect every form of a page with its controls (buttons are left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        required = "required" in a or a.get("aria-required") == "true"
        if tag == "form":
            self._form = Form(action=a.get("action"))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._input(a, required)
        elif tag == "select" and a.get("name"):
            self._select = self._add(Control(a["name"], "select", required=required))
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.value = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = self._add(Control(a["name"], "textarea", required=required))

    def _input(self, a: dict[str, str], required: bool) -> None:
        kind = a.get("type", "text").lower()
        name = a["name"]
        if kind in ("submit", "button", "reset", "image"):
            return
        if kind == "radio":
            group = self._form.controls.get(name) or self._add(Control(name, "radio"))
            group.options.append(a.get("value", "on"))
            group.required = group.required or required
            if "checked" in a:
                group.value = a.get("value", "on")
        elif kind == "checkbox":
            self._add(Control(name, "checkbox", a.get("value", "on"), required,
                              checked="checked" in a))
        elif kind == "file":
            self._add(Control(name, "file", required=required))
        else:
            self._add(Control(name, "hidden" if kind == "hidden" else "text", a.get("value", ""),
                              required, input_type=kind))

    def _add(self, control: Control) -> Control:
        self._form.controls[control.name] = control
        return control

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and not self._select.value and self._select.options:
                # A browser submits the first option when none is selected.
                self._select.value = self._select.options[0]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def main_form(html: str) -> Form:
    """Return the page's own form: the one posting back to the page (no action attribute).

    Only the page's <main> is read when it has one: the header's menus and the footer are
    half of every page and hold no such form (the bench runs on the server's CPU).
    """
    start, end = html.find("<main"), html.rfind("</main>")
    if start != -1 and end > start:
        html = html[start:end]
    forms = page_forms(html)
    for form in forms:
        if not form.action:
            return form
    raise ValueError("the page has no form that posts back to itself")
