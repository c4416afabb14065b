"""The builder's operations on definitions, conditions in clauses, and diffs (no database)."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kiban.procedures import builder, condition_editor, forms
from kiban.procedures.builder import BuilderError
from kiban.procedures.condition_editor import Clause
from kiban.procedures.diff import change_summary, definition_diff
from kiban.procedures.logic import holds
from kiban.procedures.validation import MAX_FIELDS_PER_STEP
from tests.procedures.builders import field, form_data, one_step


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def two_steps() -> dict:
    definition = one_step(field("married", "yes_no"), field("spouse", "name"))
    definition["steps"].append(
        {"id": "later", "title": {"ja": "後", "en": "Later"},
         "show_if": {"==": [{"var": "married"}, True]},
         "fields": [field("spouse_income", "number")]}
    )
    return definition


def test_a_new_definition_has_the_title_and_one_empty_step():
    definition = builder.new_definition(code="moving-in", title={"ja": "転入", "en": ""},
                                        contact="03-0000-0000")

    assert definition["title"] == {"ja": "転入"}
    assert definition["steps"] == [{"id": "step_1", "title": {"ja": "転入"}, "fields": []}]
    assert definition["contact"] == "03-0000-0000"


def test_fields_get_unique_ids_from_their_type():
    definition = one_step(field("name_1", "name"))

    added = builder.field_add(definition, step_id="main", field_type="name",
                              label={"ja": "氏名", "en": "Name"})

    assert added == "name_2"
    assert definition["steps"][0]["fields"][-1] == {
        "id": "name_2", "type": "name", "label": {"ja": "氏名", "en": "Name"}}


def test_an_unknown_type_or_a_label_without_japanese_is_refused():
    definition = one_step()

    with pytest.raises(BuilderError, match="no field type"):
        builder.field_add(definition, step_id="main", field_type="script",
                          label={"ja": "x"})
    with pytest.raises(BuilderError, match="Japanese"):
        builder.field_add(definition, step_id="main", field_type="text", label={"en": "x"})


def test_a_full_step_takes_no_more_fields():
    definition = one_step(*[field(f"t{i}", "text") for i in range(MAX_FIELDS_PER_STEP)])

    with pytest.raises(BuilderError, match="at most"):
        builder.field_add(definition, step_id="main", field_type="text", label={"ja": "x"})


def test_only_types_allowed_in_groups_become_subfields():
    definition = one_step(field("children", "group"))

    sub = builder.field_add(definition, step_id="main", field_type="date",
                            label={"ja": "生年月日"}, group_id="children")

    assert definition["steps"][0]["fields"][0]["fields"][0]["id"] == sub
    with pytest.raises(BuilderError, match="cannot be inside a group"):
        builder.field_add(definition, step_id="main", field_type="postal_address",
                          label={"ja": "住所"}, group_id="children")


def test_moving_a_field_swaps_it_with_its_neighbour_and_stops_at_the_ends():
    definition = one_step(field("a", "text"), field("b", "text"), field("c", "text"))
    place, _field = builder.find_field(definition, "c")

    builder.field_move(definition, place, -1)
    builder.field_move(definition, builder.find_field(definition, "a")[0], -1)

    assert [f["id"] for f in definition["steps"][0]["fields"]] == ["a", "c", "b"]


def test_steps_move_and_fields_move_between_steps():
    definition = two_steps()

    builder.step_move(definition, "later", -1)
    builder.field_move_to_step(definition, builder.find_field(definition, "spouse")[0], "later")

    assert [s["id"] for s in definition["steps"]] == ["later", "main"]
    assert [f["id"] for f in definition["steps"][0]["fields"]] == ["spouse_income", "spouse"]


def test_a_field_a_condition_reads_cannot_be_removed():
    definition = two_steps()

    with pytest.raises(BuilderError, match="later"):
        builder.field_remove(definition, builder.find_field(definition, "married")[0])
    builder.field_remove(definition, builder.find_field(definition, "spouse")[0])

    assert [f["id"] for f in definition["steps"][0]["fields"]] == ["married"]


def test_renaming_a_field_rewrites_the_conditions_that_read_it():
    definition = two_steps()
    place, _field = builder.find_field(definition, "married")

    builder.field_update(definition, place, {"id": "is_married"})

    assert definition["steps"][1]["show_if"] == {"==": [{"var": "is_married"}, True]}
    with pytest.raises(BuilderError, match="used twice"):
        builder.field_update(definition, builder.find_field(definition, "spouse")[0],
                             {"id": "is_married"})


def test_field_update_sets_and_removes_properties():
    definition = one_step(field("phone", "phone", help={"ja": "昼間"}))
    place, _field = builder.find_field(definition, "phone")

    builder.field_update(definition, place, {
        "help": {"ja": "", "en": ""}, "required": True, "prefill": "person.phone",
        "save_back": True, "label": {"ja": "電話", "en": "Phone", "ja-easy": "でんわ"},
    })
    builder.field_update(definition, place, {"prefill": ""})

    assert definition["steps"][0]["fields"][0] == {
        "id": "phone", "type": "phone", "required": True,
        "label": {"ja": "電話", "en": "Phone", "ja-easy": "でんわ"},
    }


def test_settings_keep_only_languages_offered():
    definition = one_step()

    builder.settings_apply(definition, {"languages": ["en", "ja"], "retention_days": None,
                                        "purpose": {"ja": " 目的 ", "en": ""}})

    assert definition["languages"] == ["ja", "en"]
    assert definition["purpose"] == {"ja": "目的"}
    assert "retention_days" not in definition


# --- conditions ------------------------------------------------------------------------------


def test_clauses_become_json_logic_and_back():
    clauses = [Clause("married", "equals", True), Clause("income", "at_least", 100),
               Clause("kinds", "includes", "daycare"), Clause("note", "answered")]

    rule = condition_editor.to_rule(clauses, "any")

    assert rule == {"or": [
        {"==": [{"var": "married"}, True]}, {">=": [{"var": "income"}, 100]},
        {"in": ["daycare", {"var": "kinds"}]}, {"!!": [{"var": "note"}]},
    ]}
    assert condition_editor.from_rule(rule) == ("any", clauses)
    assert holds(rule, {"note": "x"}) and not holds(rule, {"income": 99})


def test_a_rule_written_by_hand_is_reported_as_not_editable():
    assert condition_editor.from_rule({"==": [{"var": "a"}, {"var": "b"}]}) is None
    assert condition_editor.from_rule({"and": [{"or": []}]}) is None
    assert condition_editor.from_rule(None) == ("all", [])


def test_values_are_read_as_the_answers_hold_them():
    definition = one_step(
        field("married", "yes_no"), field("born", "date"), field("count", "number"),
        field("kind", "choice", options={"choices": [
            {"value": "daycare", "label": {"ja": "保育", "en": "Daycare"}}]}),
    )
    sources = {s.path: s for s in condition_editor.sources(
        definition, 0, None, same_step=True, language="ja")}

    assert condition_editor.coerce(sources["married"], "equals", "はい") is True
    assert condition_editor.coerce(sources["born"], "less", "令和2年5月1日") == "2020-05-01"
    assert condition_editor.coerce(sources["count"], "at_least", "1,000") == 1000
    assert condition_editor.coerce(sources["kind"], "equals", "保育") == "daycare"
    with pytest.raises(ValueError, match="daycare"):
        condition_editor.coerce(sources["kind"], "equals", "school")
    with pytest.raises(ValueError, match="numbers and dates"):
        condition_editor.coerce(sources["kind"], "greater", "daycare")


def test_show_if_offers_only_earlier_steps_and_required_if_also_its_own():
    definition = two_steps()

    shown = condition_editor.sources(definition, 1, "spouse_income", same_step=False,
                                     language="en")
    required = condition_editor.sources(definition, 0, "married", same_step=True,
                                        language="en")

    assert [s.path for s in shown] == ["married"]
    assert [s.path for s in required] == []
    assert condition_editor.describe(definition["steps"][1]["show_if"], definition,
                                     "en") == "married (en) is Yes"


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                          st.sampled_from(list(condition_editor.OPERATORS)),
                          st.one_of(st.integers(-5, 5), st.text(max_size=5), st.booleans())),
                min_size=1, max_size=4),
       st.sampled_from(["all", "any"]))
def test_every_rule_the_builder_writes_reads_back_the_same(raw, combine):
    clauses = [Clause(path, op, None if not condition_editor.OPERATORS[op][2] else value)
               for path, op, value in raw]

    rule = condition_editor.to_rule(clauses, combine)

    assert condition_editor.from_rule(rule) == (combine if len(clauses) > 1 else "all", clauses)


# --- diffs ---------------------------------------------------------------------------------


def test_the_diff_lists_field_changes_per_language_and_moves():
    old = two_steps()
    new = two_steps()
    new["steps"][0]["fields"][0]["label"]["en"] = "Are you married?"
    new["steps"][0]["fields"].pop()
    new["steps"][1]["fields"].append(field("spouse", "name"))
    new["steps"][1]["fields"].append(field("note", "text", required=True))
    new["retention_days"] = 30

    changes = definition_diff(old, new, "en")

    summary = change_summary(changes)
    assert {"kind": "changed", "part": "procedure", "id": "", "key": "retention_days"} in summary
    assert {"kind": "changed", "part": "field", "id": "married", "key": "label.en"} in summary
    assert {"kind": "moved", "part": "field", "id": "spouse", "key": "step"} in summary
    assert {"kind": "added", "part": "field", "id": "note", "key": "step"} in summary
    assert len(summary) == 4


def test_identical_versions_have_no_diff():
    assert definition_diff(two_steps(), two_steps()) == []


def test_a_fields_own_message_is_shown_when_it_is_left_empty_in_the_residents_language():
    definition = one_step(
        field("phone", "phone", required=True, error={"ja": "電話番号を入れてください。",
                                                      "en": "Give us a number to call."}),
        field("mail", "email", required=True),
    )

    result = forms.parse_step(definition, 0, form_data({}), None, {})

    assert result.errors == {"phone": "Give us a number to call.",
                             "mail": "Enter mail (en)."}
