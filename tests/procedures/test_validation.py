"""validate_definition: format, ids, types, conditions, prefill, My Number, limits."""

import json

import pytest

from kiban.procedures import forms
from kiban.procedures.logic import OPERATORS
from kiban.procedures.validation import MAX_FIELDS_PER_STEP, MAX_FIELDS_TOTAL
from tests.procedures.builders import field, one_step


def codes(definition, attribute_codes) -> dict[str, str]:
    """Return {code: path} of the findings."""
    return {
        f.code: f.path
        for f in forms.validate_definition(definition, attribute_codes=attribute_codes)
    }


def test_the_example_definition_is_valid(example_definition, attribute_codes):
    assert forms.validate_definition(example_definition, attribute_codes=attribute_codes) == []


def test_schema_findings_name_the_json_path(attribute_codes):
    definition = one_step(field("x", "text"))
    del definition["steps"][0]["fields"][0]["label"]["en"]
    definition["retention_days"] = "forever"

    findings = forms.validate_definition(definition, attribute_codes=attribute_codes)

    assert {(f.code, f.path) for f in findings} == {
        ("schema", "$.retention_days"),
        ("schema", "$.steps[0].fields[0].label"),
    }
    assert all(f.message for f in findings)


def test_schema_logic_operators_match_the_evaluator():
    schema = forms.procedure_schema()
    operators = schema["$defs"]["logic"]["anyOf"][2]["propertyNames"]["enum"]

    assert set(operators) == OPERATORS


def test_schema_refuses_unknown_operators(attribute_codes):
    definition = one_step(field("x", "text", show_if={"eval": "1"}))

    assert "schema" in codes(definition, attribute_codes)


def test_duplicate_ids(attribute_codes):
    definition = one_step(field("x", "text"), field("x", "number"))

    assert codes(definition, attribute_codes)["duplicate_id"] == "$.steps[0].fields[1].id"


def test_unknown_field_type(attribute_codes):
    definition = one_step(field("x", "hologram"))

    assert codes(definition, attribute_codes)["field_type_unknown"] == "$.steps[0].fields[0].type"


def test_type_options_are_checked_by_the_type(attribute_codes):
    definition = one_step(
        field("a", "number", options={"min": 10, "max": 1}),
        field("b", "choice", options={}),
        field("c", "text", options={"widget": "radio"}),
    )

    found = codes(definition, attribute_codes)

    assert found["options_min_above_max"] == "$.steps[0].fields[0].options.min"
    assert found["options_invalid"].startswith("$.steps[0].fields[")


def test_group_subfields_are_restricted(attribute_codes):
    definition = one_step(
        field("g", "group", fields=[field("doc", "file"), field("n", "text", show_if=True)]),
        field("t", "text", fields=[field("y", "text")]),
    )

    found = codes(definition, attribute_codes)

    assert found["type_not_allowed_in_group"] == "$.steps[0].fields[0].fields[0].type"
    assert found["subfield_option_unsupported"] == "$.steps[0].fields[0].fields[1].show_if"
    assert found["fields_not_allowed"] == "$.steps[0].fields[1].fields"


def test_conditions_must_read_known_and_earlier_fields(attribute_codes):
    definition = one_step(
        field("a", "text", show_if={"==": [{"var": "nowhere"}, 1]}),
        field("b", "text", show_if={"==": [{"var": "a"}, 1]}),
        field("c", "text", required_if={"==": [{"var": "a"}, 1]}),
    )

    found = codes(definition, attribute_codes)

    assert found["condition_unknown_field"] == "$.steps[0].fields[0].show_if"
    assert found["condition_later_field"] == "$.steps[0].fields[1].show_if"
    assert set(found) == {"condition_unknown_field", "condition_later_field"}


def test_step_conditions_read_earlier_steps_only(example_definition, attribute_codes):
    example_definition["steps"][1]["show_if"] = {"==": [{"var": "employment"}, "employee"]}

    assert (
        codes(example_definition, attribute_codes)["condition_later_field"] == "$.steps[1].show_if"
    )


def test_circular_conditions(attribute_codes):
    definition = one_step(
        field("a", "text", required_if={"==": [{"var": "b"}, 1]}),
        field("b", "text", required_if={"==": [{"var": "a"}, 1]}),
        field("c", "text", required_if={"var": "c"}),
    )

    findings = [
        f
        for f in forms.validate_definition(definition, attribute_codes=attribute_codes)
        if f.code == "condition_circular"
    ]

    assert {f.path for f in findings} == {"$.steps[0].fields[0]", "$.steps[0].fields[2]"}


def test_prefill_attribute_must_exist_and_fit_the_type(attribute_codes):
    definition = one_step(
        field("a", "phone", prefill="person.shoe_size"),
        field("b", "phone", prefill="person.email"),
        field("c", "yes_no", prefill="person.sex"),
        field("d", "text", save_back=True),
    )

    found = codes(definition, attribute_codes)

    assert found["prefill_unknown_attribute"] == "$.steps[0].fields[0].prefill"
    assert found["prefill_incompatible"] in {
        "$.steps[0].fields[1].prefill",
        "$.steps[0].fields[2].prefill",
    }
    assert found["save_back_without_prefill"] == "$.steps[0].fields[3].save_back"


def test_my_number_needs_a_legal_basis(attribute_codes):
    assert "my_number_without_legal_basis" in codes(
        one_step(field("m", "my_number")), attribute_codes
    )
    assert (
        codes(one_step(field("m", "my_number"), legal_basis="児童手当法第7条"), attribute_codes)
        == {}
    )


def test_too_many_fields_in_a_step(attribute_codes):
    definition = one_step(*(field(f"f{i}", "text") for i in range(MAX_FIELDS_PER_STEP + 1)))

    assert codes(definition, attribute_codes)["too_many_fields_in_step"] == "$.steps[0].fields"


def test_too_many_fields_in_total(attribute_codes):
    definition = one_step(field("x", "text"))
    step = definition["steps"][0]
    definition["steps"] = [
        {**step, "id": f"s{n}", "fields": [field(f"s{n}_f{i}", "text") for i in range(50)]}
        for n in range(MAX_FIELDS_TOTAL // 50 + 1)
    ]

    assert codes(definition, attribute_codes)["too_many_fields"] == "$.steps"


@pytest.mark.parametrize("where", ["label", "help"])
def test_script_in_texts_is_flagged(where, attribute_codes):
    definition = one_step(
        field("x", "text", **{where: {"ja": "<SCRIPT>alert(1)</SCRIPT>", "en": "x"}})
    )

    assert (
        codes(definition, attribute_codes)["script_in_text"] == f"$.steps[0].fields[0].{where}.ja"
    )


def test_the_schema_file_is_valid_json_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(forms.procedure_schema())
    assert json.dumps(forms.procedure_schema())
