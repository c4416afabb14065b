"""The public face: localised text, visibility, parse_step, render_step, display_answers."""

import re

from django.utils.datastructures import MultiValueDict

from kiban.procedures import forms
from tests.procedures.builders import field, form_data, one_step

APPLICANT = {
    "f-name-family": "髙橋",
    "f-name-given": "𠮷子",
    "f-name-family_reading": "たかはし",
    "f-name-given_reading": "よしこ",
    "f-birth_date": "昭和50年4月1日",
    "f-address-postal_code": "160-0023",
    "f-address-street": "2-8-1",
    "f-phone": "０３－５３２１－１１１１",
    "f-has_children": "yes",
}


def test_text_falls_back_to_japanese():
    title = {"ja": "申請", "en": "Apply"}

    assert forms.text(title, "en") == "Apply"
    assert forms.text(title, "ja-easy") == "申請"
    assert forms.text({"ja": "申請", "ja-easy": "もうしこみ"}, "ja-easy") == "もうしこみ"
    assert forms.text(None, "ja") == ""


def test_visible_steps_follow_earlier_answers(example_definition):
    assert forms.visible_steps(example_definition, {"has_children": False}) == [0, 2]
    assert forms.visible_steps(example_definition, {"has_children": True}) == [0, 1, 2]


def test_step_fields_follow_show_if():
    definition = one_step(
        field("kind", "text"),
        field("detail", "text", show_if={"==": [{"var": "kind"}, "other"]}),
    )

    assert [f["id"] for f in forms.step_fields(definition, 0, {"kind": "other"})] == [
        "kind",
        "detail",
    ]
    assert [f["id"] for f in forms.step_fields(definition, 0, {})] == ["kind"]


def test_parse_step_reads_every_field(example_definition, no_files):
    result = forms.parse_step(example_definition, 0, form_data(APPLICANT), no_files, {})

    assert result.errors == {}
    assert result.values["name"]["family"] == "髙橋"
    assert result.values["birth_date"] == "1975-04-01"
    assert result.values["phone"] == "0353211111"
    assert result.values["has_children"] is True
    assert result.action is None and not result.tampered


def test_parse_step_reports_required_fields_and_keeps_raw(example_definition, no_files):
    data = {**APPLICANT, "f-phone": "", "f-birth_date": "昭和64年1月8日"}

    result = forms.parse_step(example_definition, 0, form_data(data), no_files, {})

    assert set(result.errors) == {"phone", "birth_date"}
    assert result.raw["f-birth_date"] == "昭和64年1月8日"
    assert result.raw["f-name-family"] == "髙橋"


def test_required_if_reads_answers_of_the_same_step(example_definition, no_files):
    data = form_data(
        {
            "f-bank_account-bank_code": "0001",
            "f-bank_account-branch_code": "001",
            "f-bank_account-account_type": "ordinary",
            "f-bank_account-account_number": "1",
            "f-bank_account-holder": "ヤマダ",
            "f-employment": "employee",
        }
    )

    result = forms.parse_step(example_definition, 2, data, no_files, {})

    assert set(result.errors) == {"insurance_card"}


def test_parse_step_flags_inputs_of_other_steps_as_tampered(example_definition, no_files):
    data = form_data({**APPLICANT, "f-income": "100"})

    result = forms.parse_step(example_definition, 0, data, no_files, {})

    assert result.tampered
    assert result.values == {}


def test_parse_step_flags_inputs_of_hidden_fields_as_tampered(no_files):
    definition = one_step(field("secret", "text", show_if={"==": [{"var": "unlock"}, True]}))

    assert forms.parse_step(definition, 0, form_data({"f-secret": "x"}), no_files, {}).tampered


def test_parse_step_flags_unexpected_files_as_tampered(example_definition):
    files = MultiValueDict({"f-evil": []})

    assert forms.parse_step(example_definition, 0, form_data(APPLICANT), files, {}).tampered


def test_parse_step_ignores_inputs_that_are_no_fields(example_definition, no_files):
    data = form_data({**APPLICANT, "csrfmiddlewaretoken": "x", "continue": "1"})

    assert not forms.parse_step(example_definition, 0, data, no_files, {}).tampered


def test_lookup_button_is_an_action_without_required_errors(example_definition, no_files):
    data = form_data({"f-address-postal_code": "0287302", "f-address-lookup": "1"})

    result = forms.parse_step(example_definition, 0, data, no_files, {})

    assert result.action == "f-address-lookup"
    assert result.errors == {}


def test_lookup_of_an_unknown_code_reports_only_that(example_definition, no_files):
    data = form_data({"f-address-postal_code": "0000000", "f-address-lookup": "1"})

    result = forms.parse_step(example_definition, 0, data, no_files, {})

    assert set(result.errors) == {"address"}


def test_group_add_re_renders_one_more_row(example_definition, no_files):
    data = form_data(
        {
            "f-children-count": "1",
            "f-children-0-name-family": "髙橋",
            "f-children-add": "1",
            "f-income": "",
        }
    )
    answers = {"has_children": True}

    result = forms.parse_step(example_definition, 1, data, no_files, answers)
    html = forms.render_step(example_definition, 1, answers, "ja", raw=result.raw)

    assert result.action == "f-children-add" and result.errors == {}
    assert 'name="f-children-1-name-family"' in html
    assert 'value="髙橋"' in html


def test_group_row_errors_are_keyed_by_row(example_definition, no_files):
    data = form_data(
        {
            "f-children-count": "1",
            "f-children-0-name-family": "髙橋",
            "f-children-0-birth_date": "R2.2.30",
            "f-income": "0",
        }
    )

    result = forms.parse_step(example_definition, 1, data, no_files, {"has_children": True})
    html = forms.render_step(
        example_definition, 1, {"has_children": True}, "en", raw=result.raw, errors=result.errors
    )

    assert {
        "children",
        "children.0.name",
        "children.0.birth_date",
        "children.0.relationship",
    } <= set(result.errors)
    assert 'id="f-children-0-birth_date--error"' in html


def test_render_links_labels_hints_errors_and_prefill(example_definition):
    prefill = {"phone": {"source": "東京都", "recorded_at": "2024-04-01", "method": "verified"}}
    errors = {"birth_date": "Enter a date"}

    html = forms.render_step(
        example_definition, 0, {"phone": "0353211111"}, "en", errors=errors, prefill=prefill
    )

    assert '<label for="f-phone">' in html
    assert 'aria-describedby="f-phone--hint f-phone--prefill"' in html
    assert "Prefilled from 東京都 (1 April 2024)" in html
    assert 'value="03-5321-1111"' in html
    assert re.search(
        r'id="f-birth_date"[^>]*aria-describedby="f-birth_date--hint f-birth_date--error"'
        r'[^>]*aria-invalid="true"',
        html,
    )
    assert 'autocomplete="bday"' in html and 'autocomplete="tel"' in html
    assert 'Phone number<span class="tag-required">' in html
    assert 'E-mail address<span class="tag-optional">' in html


def test_render_gives_every_input_a_label(example_definition):
    html = forms.render_step(example_definition, 2, {"employment": "employee"}, "ja")

    inputs = re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html
    )
    assert inputs
    for input_id in inputs:
        assert f'<label for="{input_id}">' in html


def test_render_escapes_labels_and_values():
    definition = one_step(field("x", "text", label={"ja": "<script>alert(1)</script>", "en": "x"}))

    html = forms.render_step(definition, 0, {"x": '"><img src=x onerror=alert(1)>'}, "ja")

    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_render_shows_the_towns_of_a_postal_code(example_definition):
    html = forms.render_step(
        example_definition, 0, {}, "ja", raw={"f-address-postal_code": "0287302"}
    )

    assert html.count('name="f-address-area"') == 3
    assert "岩手県八幡平市松川温泉" in html


def test_display_answers_covers_visible_steps(example_definition):
    answers = {
        "name": {
            "family": "髙橋",
            "given": "𠮷子",
            "family_reading": "タカハシ",
            "given_reading": "ヨシコ",
        },
        "has_children": False,
        "my_number": "123456789018",
    }

    sections = forms.display_answers(example_definition, answers, "ja")

    assert [title for title, _rows in sections] == ["申請者について", "振込先"]
    shown = dict(sections[0][1])
    assert shown["氏名"] == "髙橋 𠮷子（タカハシ ヨシコ）"
    assert shown["個人番号（マイナンバー）"] == "********9018"


def test_incomplete_steps_and_prune_answers(example_definition):
    answers = {"has_children": False, "children": [{"name": None}], "income": 1}

    assert forms.incomplete_steps(example_definition, answers) == [0, 2]
    assert forms.prune_answers(example_definition, answers) == {"has_children": False}


def test_error_items_link_to_the_first_input(example_definition):
    items = forms.error_items(
        example_definition, 0, {"has_children": "Select", "name": "Enter"}, "en"
    )

    assert [item["id"] for item in items] == ["f-has_children-yes", "f-name-family"]
