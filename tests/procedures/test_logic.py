"""The JSON Logic subset: examples, refusals and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.procedures.logic import (
    MAX_DEPTH,
    OPERATORS,
    LogicError,
    evaluate,
    holds,
    referenced_fields,
    truthy,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=8),
)
field_ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
answers = st.dictionaries(field_ids, scalars, max_size=5)


def truth(rule, data) -> bool:
    return truthy(evaluate(rule, data))


def rules(depth: int = 3):
    """Generate valid rules over variables and literals."""
    leaf = st.one_of(scalars, field_ids.map(lambda name: {"var": name}))
    if depth == 0:
        return leaf
    inner = rules(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in"]), inner, inner).map(
            lambda t: {t[0]: [t[1], t[2]]}
        ),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=1, max_size=3)).map(
            lambda t: {t[0]: t[1]}
        ),
        inner.map(lambda rule: {"!": [rule]}),
    )


def test_var_reads_dotted_paths():
    data = {"address": {"prefecture": "東京都"}, "children": [{"age": 3}]}

    assert evaluate({"var": "address.prefecture"}, data) == "東京都"
    assert evaluate({"var": "children.0.age"}, data) == 3
    assert evaluate({"var": ["missing", "default"]}, data) == "default"
    assert evaluate({"var": "children.5.age"}, data) is None


def test_comparisons_treat_numeric_text_as_numbers():
    assert holds({"==": [{"var": "n"}, 3]}, {"n": "3"})
    assert holds({">=": [{"var": "income"}, 1000]}, {"income": 1200})
    assert holds({"<": [1, {"var": "n"}, 10]}, {"n": 5})
    assert not holds({"<": [1, {"var": "n"}, 10]}, {"n": 10})


def test_strings_order_as_text_so_iso_dates_compare():
    assert holds({"<": [{"var": "birth"}, "2010-04-02"]}, {"birth": "2009-12-31"})


def test_comparison_with_a_missing_answer_is_false():
    assert not holds({">": [{"var": "missing"}, 0]}, {})
    assert not holds({"<=": [{"var": "missing"}, 0]}, {})


def test_booleans_equal_only_booleans():
    assert holds({"==": [{"var": "yes"}, True]}, {"yes": True})
    assert not holds({"==": [{"var": "one"}, True]}, {"one": 1})


def test_in_checks_lists_and_substrings():
    assert holds({"in": ["daycare", {"var": "needs"}]}, {"needs": ["daycare", "meals"]})
    assert holds({"in": ["新宿", {"var": "city"}]}, {"city": "新宿区"})
    assert not holds({"in": ["x", {"var": "missing"}]}, {})


def test_and_or_return_the_deciding_operand():
    assert evaluate({"and": [1, "", 2]}, {}) == ""
    assert evaluate({"or": [0, "", "x"]}, {}) == "x"


def test_a_missing_rule_holds():
    assert holds(None, {})


@pytest.mark.parametrize(
    "rule",
    [
        {"eval": ["__import__('os')"]},
        {"var": {"var": "x"}},
        {"==": [1]},
        {"==": [1, 2], "!=": [1, 2]},
        {"and": []},
        {"var": ["x", {"var": "y"}]},
        {},
    ],
)
def test_refuses_rules_outside_the_subset(rule):
    with pytest.raises(LogicError):
        evaluate(rule, {"x": 1})


def test_refuses_rules_nested_too_deep():
    rule = True
    for _ in range(MAX_DEPTH + 2):
        rule = {"!": [rule]}

    with pytest.raises(LogicError):
        evaluate(rule, {})


def test_referenced_fields_takes_the_field_of_each_path():
    rule = {"and": [{"==": [{"var": "address.prefecture"}, "東京都"]}, {"var": ["age", 0]}]}

    assert referenced_fields(rule) == {"address", "age"}


def test_referenced_fields_refuses_unknown_operators():
    with pytest.raises(LogicError):
        referenced_fields({"map": [[1], {"var": "x"}]})


def test_operators_are_exactly_the_documented_subset():
    assert OPERATORS == {"var", "==", "!=", "<", "<=", ">", ">=", "and", "or", "!", "!!", "in"}


@given(rules(), answers)
def test_every_generated_rule_evaluates_without_error(rule, data):
    evaluate(rule, data)


@given(rules(), answers)
def test_not_inverts_truth(rule, data):
    assert truth({"!": [rule]}, data) is not truth(rule, data)


@given(rules(), rules(), answers)
def test_de_morgan(a, b, data):
    assert truth({"!": [{"and": [a, b]}]}, data) == truth({"or": [{"!": [a]}, {"!": [b]}]}, data)


@given(scalars, scalars)
def test_equality_is_symmetric_and_not_equal_is_its_negation(a, b):
    assert evaluate({"==": [a, b]}, {}) == evaluate({"==": [b, a]}, {})
    assert evaluate({"!=": [a, b]}, {}) is not evaluate({"==": [a, b]}, {})


@given(scalars)
def test_equality_is_reflexive(a):
    assert evaluate({"==": [a, a]}, {})


@given(st.integers(), st.integers())
def test_less_than_agrees_with_python_for_numbers(a, b):
    assert evaluate({"<": [a, b]}, {}) == (a < b)
    assert evaluate({"<": [str(a), b]}, {}) == (a < b)


@given(rules(), answers)
def test_evaluation_reads_only_the_referenced_fields(rule, data):
    read = referenced_fields(rule)

    assert evaluate(rule, data) == evaluate(rule, {k: v for k, v in data.items() if k in read})


@given(scalars)
def test_double_negation_is_truthiness(value):
    assert evaluate({"!!": [value]}, {}) is truthy(value)
