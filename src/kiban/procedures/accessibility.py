"""Check rendered HTML for the accessibility faults a server can find on its own.

The quality gate runs these on every step of a procedure, in every language, before it can
be published; the browser suite (axe) checks the whole page on top. Checks:

- every form control (input, select, textarea) has a name people hear: a ``<label for>``,
  a wrapping ``<label>``, ``aria-label`` or ``aria-labelledby``, and the label is not empty;
- ``id`` values are unique;
- ``aria-describedby``, ``aria-labelledby`` and ``<label for>`` point at ids that exist;
- headings go down one level at a time, and there is exactly one ``<h1>``;
- every ``<fieldset>`` starts with a non-empty ``<legend>``; radio buttons and checkboxes
  sharing a name sit inside a fieldset;
- every button has text.

No Django here: this module is pure and tested on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass(frozen=True)
class Problem:
    """One fault: a code, the element's id or name (for finding its field) and details."""

    code: str
    element: str
    detail: str = ""


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)
    first_child: str | None = None
    in_label: bool = False
    in_fieldset: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Element] = []
        self.ids: list[str] = []
        self.controls: list[_Element] = []
        self.labels: list[_Element] = []
        self.references: list[tuple[str, str, str]] = []  # (attribute, target, element)
        self.headings: list[int] = []
        self.fieldsets: list[_Element] = []
        self.buttons: list[_Element] = []

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {k: v or "" for k, v in attrs})
        if self.stack and self.stack[-1].first_child is None:
            self.stack[-1].first_child = tag
        element.in_label = any(e.tag == "label" for e in self.stack)
        element.in_fieldset = any(e.tag == "fieldset" for e in self.stack)
        self._record(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def _record(self, element: _Element) -> None:
        attrs, name = element.attrs, _name(element)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for attribute in ("aria-describedby", "aria-labelledby"):
            for target in attrs.get(attribute, "").split():
                self.references.append((attribute, target, name))
        if element.tag == "label":
            self.labels.append(element)
            if attrs.get("for"):
                self.references.append(("for", attrs["for"], attrs["for"]))
        elif element.tag in CONTROLS:
            if attrs.get("type", "text").lower() not in UNLABELLED_INPUTS:
                self.controls.append(element)
        elif element.tag == "fieldset":
            self.fieldsets.append(element)
        elif element.tag == "button":
            self.buttons.append(element)
        elif len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
            self.headings.append(int(element.tag[1]))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if data.strip():
            for element in self.stack:
                element.text.append(data.strip())
            if self.stack and self.stack[-1].first_child is None:
                self.stack[-1].first_child = "#text"


def _name(element: _Element) -> str:
    return element.attrs.get("id") or element.attrs.get("name") or element.tag


def _text(element: _Element) -> str:
    return " ".join(element.text).strip()


def _label_problems(reader: _Reader, ids: set[str]) -> list[Problem]:
    labelled = {label.attrs.get("for") for label in reader.labels if _text(label)}
    empty = {label.attrs.get("for") for label in reader.labels if not _text(label)}
    problems = []
    for control in reader.controls:
        attrs, name = control.attrs, _name(control)
        by = [target for target in attrs.get("aria-labelledby", "").split() if target in ids]
        if attrs.get("id") in labelled or control.in_label or attrs.get("aria-label", "").strip():
            continue
        if by:
            continue
        code = "label_empty" if attrs.get("id") in empty else "label_missing"
        problems.append(Problem(code, name, control.tag))
    return problems


def _heading_problems(headings: list[int]) -> list[Problem]:
    problems = []
    if headings.count(1) != 1:
        problems.append(Problem("h1_count", "h1", str(headings.count(1))))
    previous = 0
    for level in headings:
        if level > previous + 1:
            problems.append(Problem("heading_skipped", f"h{level}", f"h{previous} → h{level}"))
        previous = level
    return problems


def _grouping_problems(reader: _Reader) -> list[Problem]:
    problems = []
    for fieldset in reader.fieldsets:
        if fieldset.first_child != "legend":
            problems.append(Problem("legend_missing", _name(fieldset)))
    names = Counter(control.attrs.get("name") for control in reader.controls)
    for control in reader.controls:
        kind = control.attrs.get("type", "").lower()
        if kind in ("radio", "checkbox") and not control.in_fieldset:
            if names[control.attrs.get("name")] > 1:
                problems.append(Problem("group_without_fieldset", _name(control)))
    for button in reader.buttons:
        if not (_text(button) or button.attrs.get("aria-label", "").strip()):
            problems.append(Problem("button_without_text", _name(button)))
    return problems


def check_html(html: str) -> list[Problem]:
    """Return the accessibility problems found in ``html`` (a page or a fragment with its h1)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    counts = Counter(reader.ids)
    ids = set(counts)
    problems = [Problem("id_duplicate", value) for value in sorted(ids) if counts[value] > 1]
    problems += [
        Problem("reference_missing", element, f"{attribute}={target}")
        for attribute, target, element in reader.references
        if target not in ids
    ]
    problems += _label_problems(reader, ids)
    problems += _heading_problems(reader.headings)
    return problems + _grouping_problems(reader)
