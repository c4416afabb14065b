import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiban.jp.check_character import (
    ALPHABET,
    check_character,
    is_valid_reference,
    normalise_reference,
    reference_with_check,
)
from kiban.jp.errors import JpValueError
from tests.jp.strategies import to_full_width

bodies = st.text(alphabet=ALPHABET, min_size=1, max_size=40)
REFERENCE = "KB-2026-0000123-4"


def test_alphabet_has_no_ambiguous_characters():
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert set("ILOSU") & set(ALPHABET) == set()


def test_reference_with_check_appends_the_check_character():
    assert reference_with_check("KB-2026-0000123") == REFERENCE


@pytest.mark.parametrize(
    "typed",
    [
        REFERENCE,
        "kb-2026-0000123-4",
        " ＫＢ－２０２６－００００１２３－４ ",
        "KB-2O26-OOOO123-4",
        "KB202600001234",
    ],
)
def test_references_are_read_leniently(typed):
    assert is_valid_reference(typed)


def test_normalise_reference_keeps_the_hyphens_where_they_were():
    assert normalise_reference("kb-2o26-0000123-4") == REFERENCE


def test_spaces_read_as_hyphens():
    assert normalise_reference(" KB 2026\u30000000123 - 4 ") == REFERENCE


@pytest.mark.parametrize("typed", ["", "4", "KB-2026-0000123-*", "KB-2026-0000123-4!"])
def test_malformed_references_are_refused(typed):
    with pytest.raises(JpValueError) as caught:
        normalise_reference(typed)

    assert caught.value.code == "reference_format"


def test_a_wrong_check_character_is_refused():
    with pytest.raises(JpValueError) as caught:
        normalise_reference("KB-2026-0000132-4")

    assert caught.value.code == "reference_check"


@pytest.mark.parametrize("body", ["", "KB-2026-O", "kb-1"])
def test_bodies_outside_the_alphabet_are_refused(body):
    with pytest.raises(JpValueError) as caught:
        check_character(body)

    assert caught.value.code == "reference_alphabet"


@given(bodies)
def test_every_reference_with_its_check_is_valid(body):
    assert is_valid_reference(reference_with_check(body))


@given(bodies)
def test_full_width_lower_case_references_are_valid(body):
    assert is_valid_reference(to_full_width(reference_with_check(body).lower()))


@given(bodies, st.data())
def test_every_single_substitution_is_detected(body, data):
    reference = body + check_character(body)
    position = data.draw(st.integers(0, len(reference) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET.replace(reference[position], "")))
    changed = reference[:position] + replacement + reference[position + 1 :]

    assert not is_valid_reference(changed)


@given(bodies, st.data())
def test_every_adjacent_transposition_is_detected(body, data):
    reference = body + check_character(body)
    assume(len(reference) >= 2)
    position = data.draw(st.integers(0, len(reference) - 2))
    assume(reference[position] != reference[position + 1])
    swapped = (
        reference[:position]
        + reference[position + 1]
        + reference[position]
        + reference[position + 2 :]
    )

    assert not is_valid_reference(swapped)


@pytest.mark.parametrize("length", [1, 2, 15, 30, 31])
def test_all_substitutions_and_transpositions_are_detected_exhaustively(length):
    body = (ALPHABET * 2)[:length]
    reference = body + check_character(body)
    substituted = [
        reference[:i] + ch + reference[i + 1 :]
        for i in range(len(reference))
        for ch in ALPHABET
        if ch != reference[i]
    ]
    transposed = [
        reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
        for i in range(len(reference) - 1)
        if reference[i] != reference[i + 1]
    ]

    assert [ref for ref in substituted + transposed if is_valid_reference(ref)] == []
