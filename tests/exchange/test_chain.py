"""The hash chain as pure functions (kiban.exchange.chain), with hypothesis."""

from hypothesis import given
from hypothesis import strategies as st

from kiban.exchange.chain import GENESIS, canonical, canonical_around_number, chain_verify, link

record_fields = st.fixed_dictionaries({
    "at": st.datetimes().map(lambda d: d.isoformat()),
    "system_id": st.none() | st.integers(1, 10**6),
    "organisation_id": st.none() | st.integers(1, 10**6),
    "client_id": st.text(max_size=20), "operation": st.text(min_size=1, max_size=20),
    "method": st.sampled_from(["GET", "POST"]), "path": st.text(max_size=40),
    "purpose": st.text(max_size=20), "request_id": st.text(min_size=1, max_size=20),
    "subject_ids": st.lists(st.uuids().map(str), max_size=3),
    "status": st.integers(100, 599), "error": st.text(max_size=10),
    "request_hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    "response_hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    "duration_us": st.integers(0, 10**9),
})


def sealed(records: list[dict]) -> list[dict]:
    previous, chain = GENESIS, []
    for number, fields in enumerate(records, start=1):
        record = {**fields, "number": number}
        record["hash"] = previous = link(previous, record)
        chain.append(record)
    return chain


@given(st.lists(record_fields, min_size=1, max_size=8))
def test_an_untouched_chain_verifies(records):
    chain = sealed(records)

    broken, last_number, last_hash = chain_verify(chain)

    assert broken is None
    assert (last_number, last_hash) == (len(chain), chain[-1]["hash"])


@given(st.lists(record_fields, min_size=1, max_size=8), st.data())
def test_changing_any_field_of_any_record_is_found_there(records, data):
    chain = sealed(records)
    index = data.draw(st.integers(0, len(chain) - 1))
    name = data.draw(st.sampled_from(["status", "path", "subject_ids", "duration_us"]))
    chain[index][name] = {"status": 999, "path": "/changed", "subject_ids": ["x"],
                          "duration_us": -1}[name]

    broken, _, _ = chain_verify(chain)

    assert broken.number == index + 1


@given(st.lists(record_fields, min_size=2, max_size=8), st.data())
def test_a_removed_record_is_found(records, data):
    chain = sealed(records)
    index = data.draw(st.integers(0, len(chain) - 2))
    del chain[index]

    broken, _, _ = chain_verify(chain)

    assert broken.number == index + 1


@given(record_fields, st.integers(1, 10**12))
def test_the_canonical_form_splits_around_the_number(fields, number):
    """What PostgreSQL hashes when it seals a record in one statement is `link`'s input."""
    before, after = canonical_around_number(fields)

    assert before + str(number).encode() + after == canonical({**fields, "number": number})
