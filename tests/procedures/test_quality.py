"""The quality gate: each rule, with the JSON path of what it is about."""

import pytest
from django.utils import translation

from kiban.procedures import quality
from kiban.procedures.findings import ERROR, WARNING
from kiban.procedures.quality import blocking, quality_findings
from kiban.registry.constants import Sensitivity, ValueType
from tests.procedures.builders import field, one_step


class Attribute:
    def __init__(self, code, value_type, sensitivity=Sensitivity.NORMAL):
        self.code, self.value_type, self.sensitivity = code, value_type, sensitivity


CATALOGUE = {a.code: a for a in [
    Attribute("person.name", ValueType.NAME), Attribute("person.phone", ValueType.PHONE),
    Attribute("person.address", ValueType.ADDRESS),
    Attribute("person.bank_account", ValueType.BANK_ACCOUNT, Sensitivity.SENSITIVE),
]}
READABLE = {"person.name", "person.phone", "person.address"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def texts(ja, en, easy):
    return {"ja": ja, "en": en, "ja-easy": easy}


def complete(*fields) -> dict:
    """Return a definition that passes the gate, with ``fields`` (or one good field)."""
    definition = one_step(*(fields or [good_field()]), legal_basis="本人の同意")
    definition["title"] = texts("テスト", "Test", "てすと")
    definition["purpose"] = texts("テストのため。", "For a test.", "てすとの ため です。")
    definition["steps"][0]["title"] = texts("入力", "Input", "にゅうりょく")
    return definition


def good_field(**extra) -> dict:
    defaults = {"id": "phone", "label": texts("電話番号", "Phone", "でんわ"),
                "prefill": "person.phone", "need": "連絡のため。"}
    return {key: value for key, value in {**defaults, "type": "phone", **extra}.items()
            if value != ""}


def findings(definition, **kwargs):
    return quality_findings(definition, attributes=CATALOGUE, readable=READABLE, **kwargs)


def codes(found):
    return {(f.path, f.code) for f in found}


def test_a_complete_definition_passes():
    assert findings(complete()) == []


def test_a_missing_english_label_is_an_error_at_its_path():
    definition = complete()
    del definition["steps"][0]["fields"][0]["label"]["en"]

    found = findings(definition)

    assert codes(found) == {("$.steps[0].fields[0].label.en", "text_missing")}
    assert found[0].message == "The label has no English text."
    assert found[0].where == "Step 1 › 電話番号"
    assert found[0].severity == ERROR


def test_help_and_error_texts_must_exist_in_every_offered_language():
    definition = complete(good_field(help={"ja": "昼間の番号"}, error=texts("入力", "Enter", "")))

    assert codes(findings(definition)) == {
        ("$.steps[0].fields[0].help.en", "text_missing"),
        ("$.steps[0].fields[0].help['ja-easy']", "text_missing"),
        ("$.steps[0].fields[0].error['ja-easy']", "text_missing"),
    }


def test_without_easy_japanese_offered_its_texts_are_not_required():
    definition = complete(good_field(help={"ja": "昼間", "en": "Daytime"}))
    definition["languages"] = ["ja", "en"]

    assert findings(definition) == []


def test_purpose_legal_basis_retention_and_contact_must_be_set():
    definition = complete()
    for key in ("purpose", "legal_basis", "retention_days", "contact"):
        del definition[key]

    assert codes(blocking(findings(definition))) == {
        ("$.purpose.ja", "text_missing"), ("$.purpose.en", "text_missing"),
        ("$.purpose['ja-easy']", "text_missing"), ("$.legal_basis", "legal_basis_missing"),
        ("$.retention_days", "retention_missing"), ("$.contact", "contact_missing"),
    }


def test_a_step_may_not_be_empty_or_too_long():
    long = complete(*[good_field(id=f"p{i}") for i in range(quality.MAX_FIELDS_PER_STEP + 1)])
    empty = complete()
    empty["steps"][0]["fields"] = []

    assert ("$.steps[0].fields", "step_too_long") in codes(findings(long))
    assert codes(findings(empty)) == {("$.steps[0].fields", "step_empty")}


def test_long_easy_japanese_sentences_are_errors_and_spaces_do_not_count():
    ok = "あいうえお かきくけこ さしすせそ たちつてと なにぬねの やゆよわを。"  # 30 without spaces
    long = "あいうえお かきくけこ さしすせそ たちつてと なにぬねの やゆよわをん。"
    definition = complete(good_field(help=texts("昼間", "Daytime", ok + long)))

    found = findings(definition)

    assert codes(found) == {("$.steps[0].fields[0].help['ja-easy']", "easy_sentence_long")}
    assert "31 characters" in found[0].message


def test_my_number_needs_a_legal_basis():
    definition = complete(good_field(), field("number", "my_number",
                                              label=texts("個人番号", "My Number", "ばんごう"),
                                              need="法定調書のため。"))
    definition["legal_basis"] = ""

    assert ("$.steps[0].fields[1].type", "my_number_without_legal_basis") in codes(
        findings(definition))


def test_prefill_from_a_sensitive_attribute_needs_permission():
    definition = complete(field("account", "bank_account", prefill="person.bank_account",
                                label=texts("口座", "Account", "こうざ"), need="支払のため。"))

    found = findings(definition)

    assert ("$.steps[0].fields[0].prefill", "prefill_not_allowed") in codes(blocking(found))
    allowed = quality_findings(definition, attributes=CATALOGUE,
                               readable=READABLE | {"person.bank_account"})
    assert blocking(allowed) == []
    assert {f.code for f in allowed} == {"sensitive_data"}


def test_a_field_the_registry_could_prefill_is_a_once_only_warning():
    definition = complete(field("name", "name", label=texts("氏名", "Name", "なまえ"),
                                need="本人確認のため。"))

    found = findings(definition)

    assert codes(found) == {("$.steps[0].fields[0].prefill", "once_only")}
    assert found[0].severity == WARNING
    assert "person.name" in found[0].message


def test_a_field_without_a_stated_need_is_a_minimisation_warning():
    definition = complete(good_field(need=""))

    assert [(f.code, f.severity) for f in findings(definition)] == [("need_missing", WARNING)]


def test_hostile_definitions_are_refused_with_clear_messages():
    script = complete(good_field(label=texts("<script>alert(1)</script>", "Phone", "でんわ")))
    circular = complete(
        good_field(id="a", required_if={"!!": [{"var": "b"}]}),
        good_field(id="b", required_if={"!!": [{"var": "a"}]}),
    )
    missing = complete(good_field(required_if={"==": [{"var": "nothing"}, 1]}))

    assert ("$.steps[0].fields[0].label.ja", "script_in_text") in codes(findings(script))
    assert "condition_circular" in {f.code for f in findings(circular)}
    assert ("$.steps[0].fields[0].required_if", "condition_unknown_field") in codes(
        findings(missing))


def test_ten_thousand_fields_are_refused_in_one_finding():
    definition = complete(*[good_field(id=f"p{i}") for i in range(10_000)])

    found = blocking(findings(definition))

    assert "too_many_fields" in {f.code for f in found}
    assert len(found) < 200


def test_schema_problems_the_gate_does_not_explain_are_reported_as_they_are():
    definition = complete(good_field(autocomplete="NOT VALID!"))

    found = findings(definition)

    assert [(f.path, f.code) for f in found] == [
        ("$.steps[0].fields[0].autocomplete", "schema")]


def test_findings_point_at_the_input_to_fix():
    assert quality.anchor(".label.en") == "id_label_en"
    assert quality.anchor(".help['ja-easy']") == "id_help_ja_easy"
    assert quality.anchor(".options.choices[2].label.en") == "id_choice_2_en"
    assert quality.anchor(".show_if") == "show-if"
    assert quality.locate("$.steps[1].fields[2].fields[0].label.ja") == (1, 2, 0, ".label.ja")
    assert quality.locate("$.retention_days") == (None, None, None, ".retention_days")
