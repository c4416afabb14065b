"""The server-side accessibility check the quality gate runs on every rendered step."""

import pytest
from django.utils import translation

from kiban.procedures.accessibility import Problem, check_html
from kiban.procedures.field_types import field_types
from kiban.procedures.quality_accessibility import accessibility_findings
from kiban.web.demo import demo_procedure_definitions
from tests.procedures.builders import field, one_step


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_labelled_form_passes():
    html = """<h1>Title</h1><h2>Part</h2>
      <label for="a">Name</label><input id="a" name="a" aria-describedby="a-hint">
      <span id="a-hint">Hint</span>
      <fieldset><legend>Pick</legend>
        <input type="radio" id="r1" name="r"><label for="r1">One</label>
        <input type="radio" id="r2" name="r"><label for="r2">Two</label></fieldset>
      <label><input type="checkbox" name="c"> Agree</label>
      <input type="hidden" name="csrf"><button type="submit">Send</button>"""

    assert check_html(html) == []


def test_each_fault_is_found():
    html = """<h1>Title</h1><h3>Skipped</h3><h1>Again</h1>
      <input id="a" name="a"><input id="a" name="b" aria-describedby="nowhere">
      <label for="ghost">Ghost</label><label for="e"></label><input id="e" name="e">
      <fieldset><input name="x"></fieldset>
      <input type="radio" name="r" id="r1" aria-label="One"><input type="radio" name="r" id="r2"
       aria-label="Two"><button></button>"""

    problems = {(p.code, p.element) for p in check_html(html)}

    assert problems == {
        ("id_duplicate", "a"), ("reference_missing", "a"), ("reference_missing", "ghost"),
        ("label_missing", "a"), ("label_empty", "e"), ("h1_count", "h1"),
        ("heading_skipped", "h3"), ("legend_missing", "fieldset"),
        ("label_missing", "x"), ("group_without_fieldset", "r1"),
        ("group_without_fieldset", "r2"), ("button_without_text", "button"),
    }


def test_the_check_reads_the_element_that_is_at_fault():
    problems = check_html('<h1>T</h1><input name="f-phone" id="f-phone">')

    assert problems == [Problem("label_missing", "f-phone", "input")]


@pytest.mark.parametrize("kind", field_types.names())
def test_every_field_type_renders_accessibly_in_every_language(kind):
    extra = {}
    if kind in ("choice", "multi_choice"):
        extra["options"] = {"choices": [{"value": "a", "label": {"ja": "甲", "en": "A"}},
                                        {"value": "b", "label": {"ja": "乙", "en": "B"}}]}
    if kind == "group":
        extra["fields"] = [field("child", "name"), field("born", "date")]
    definition = one_step(field("q", kind, help={"ja": "説明", "en": "Help"}, **extra))

    assert accessibility_findings(definition, ["ja", "en", "ja-easy"]) == []


def test_the_demo_procedures_pass_the_accessibility_check():
    for code, definition in demo_procedure_definitions().items():
        assert accessibility_findings(definition, ["ja", "en", "ja-easy"]) == [], code
