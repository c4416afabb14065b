"""The message log's hash chain, as pure functions (no Django): each record's hash is

    sha256(previous record's hash, as 64 hex digits ‖ the record in canonical JSON)

with 64 zeros before the first record. Changing, removing or reordering any record changes
every hash after it, so `chain_verify` finds the first record that was touched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
#: The fields a record's hash covers, which is every field but the hash itself.
FIELDS = (
    "number", "at", "system_id", "organisation_id", "client_id", "operation", "method", "path",
    "purpose", "request_id", "subject_ids", "status", "error", "request_hash", "response_hash",
    "duration_us",
)


def canonical(record: Mapping[str, Any]) -> bytes:
    """Return the record's FIELDS as canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        {name: record[name] for name in FIELDS}, sort_keys=True, separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


#: Where a record's number sits in its canonical JSON ("number" follows "method").
_NUMBER = b'"number":0'


def canonical_around_number(record: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """Return the record's canonical JSON before and after the digits of its number.

    A database that numbers and links a record itself, in the statement that moves the
    chain head, hashes previous hash ‖ before ‖ number in decimal ‖ after: the bytes that
    `link` hashes. A JSON string cannot hold the unescaped quote after `number`, so the
    first match is the key.
    """
    data = canonical({**record, "number": 0})
    cut = data.index(_NUMBER) + len(_NUMBER) - 1
    return data[:cut], data[cut + 1:]


def link(previous_hash: str, record: Mapping[str, Any]) -> str:
    """Return the hash of `record` chained to `previous_hash`."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(record)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first record whose hash or number does not follow from the ones before it."""

    number: int
    reason: str


def chain_verify(
    records: Iterable[Mapping[str, Any]], *, previous_hash: str = GENESIS, previous_number: int = 0
) -> tuple[ChainBreak | None, int, str]:
    """Check records in order; return (first break or None, last number, last hash checked).

    Each record is a mapping of FIELDS plus "hash". Numbers must run on without gaps.
    """
    for record in records:
        expected = previous_number + 1
        if record["number"] != expected:
            broken = ChainBreak(expected, f"record {expected} is missing")
            return broken, previous_number, previous_hash
        if link(previous_hash, record) != record["hash"]:
            broken = ChainBreak(expected, "the record or its hash was changed")
            return broken, previous_number, previous_hash
        previous_number, previous_hash = expected, record["hash"]
    return None, previous_number, previous_hash


def checkpoint_message(number: int, chain_hash: str) -> bytes:
    """Return the bytes a checkpoint signs: the position and hash of the chain."""
    return f"kiban-message-log:{number}:{chain_hash}".encode("ascii")
