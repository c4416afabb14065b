"""The message log: append a call record sealed into the hash chain; sign; verify.

Sealing happens in the caller's transaction (PostgreSQL: in one statement, its own
transaction when there is none): lock the one chain-head row, chain the new record to it,
move the head. Calls are therefore sealed one after another in commit order,
and a rolled-back call leaves neither a record nor a gap. The head is the last row a call
locks, just before its commit, so the lock is held for a few statements. Every
CHECKPOINT_EVERY records, and at a process's first call after CHECKPOINT_SECONDS, an Ed25519
signature over the chain hash is stored as a checkpoint.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model

from kiban.db import rows
from kiban.exchange import chain, constants, signing
from kiban.exchange.models import CallRecord, ChainHead, Checkpoint

HEAD_ID = 1
CHECKPOINT_EVERY = constants.CHECKPOINT_EVERY
CHECKPOINT_SECONDS = constants.CHECKPOINT_SECONDS


def iso(at: datetime) -> str:
    """Return the form of a timestamp that the chain hashes (UTC, microseconds)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _head_locked() -> ChainHead:
    try:
        return ChainHead.objects.select_for_update().get(pk=HEAD_ID)
    except ChainHead.DoesNotExist:  # a fresh database whose data migration was flushed (tests)
        ChainHead.objects.get_or_create(pk=HEAD_ID, defaults={"hash": chain.GENESIS})
        return ChainHead.objects.select_for_update().get(pk=HEAD_ID)


# The chain head in plain SQL: it is on every call's way, and the ORM's query building costs
# more than the statements themselves.
HEAD_TABLE = ChainHead._meta.db_table


def _head_read() -> ChainHead:
    """Return the chain head, locked until the caller's transaction ends.

    SQLite's write transaction already excludes every other writer; elsewhere the row lock
    (FOR UPDATE) makes concurrent calls take their turn.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, hash FROM {HEAD_TABLE} WHERE id = %s{lock}", [HEAD_ID])
        row = cursor.fetchone()
    if row is None:
        return _head_locked()
    return ChainHead(pk=HEAD_ID, number=row[0], hash=row[1])


def _head_write(head: ChainHead) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {HEAD_TABLE} SET number = %s, hash = %s WHERE id = %s",
                       [head.number, head.hash, HEAD_ID])


def _signing_key():
    return signing.signing_key(str(settings.VAR_DIR))


def _fields(*, at: datetime, system=None, client_id: str = "", operation: str, method: str,
            path: str, purpose: str = "", request_id: str, subject_ids: list[str], status: int,
            error: str = "", request_hash: str, response_hash: str,
            duration_us: int) -> dict[str, Any]:
    return {
        "at": at, "system_id": system.pk if system else None,
        "organisation_id": system.organisation_id if system else None,
        "client_id": client_id[:64], "operation": operation[:80], "method": method[:10],
        "path": path[:300], "purpose": purpose[:120], "request_id": request_id[:100],
        "subject_ids": [str(s) for s in subject_ids], "status": status, "error": error[:40],
        "request_hash": request_hash, "response_hash": response_hash,
        "duration_us": max(0, int(duration_us)),
    }


def chained(record: CallRecord) -> dict[str, Any]:
    """Return the record's fields as the chain hashes them."""
    fields = {name: getattr(record, name) for name in chain.FIELDS}
    fields["at"] = iso(record.at)
    return fields


def _seal(head: ChainHead, records: list[CallRecord]) -> None:
    """Number and chain `records` after `head`, and move the head (in the caller's lock)."""
    for record in records:
        head.number += 1
        record.number = head.number
        record.hash = head.hash = chain.link(head.hash, chained(record))


def call_record(*, together: Sequence[tuple[type[Model], dict]] = (), **call: Any) -> CallRecord:
    """Append one call to the message log, sealed (keyword arguments: see `_fields`).

    `together` are rows (model, field values) to insert in the same commit, such as the
    resident's access-log rows of a read: neither is written without the other.
    """
    record = CallRecord(**_fields(**call))
    if connection.vendor == "postgresql":
        before = _sealed_in_one_statement(record, together)
    else:
        with transaction.atomic(savepoint=False):  # the caller's transaction if there is one
            for model, values in together:
                rows.insert(model, values)
            head = _head_read()
            before = head.number
            _seal(head, [record])
            record.pk = rows.insert(CallRecord, _stored(record))
            _head_write(head)
    _checkpoint_if_due(before, ChainHead(pk=HEAD_ID, number=record.number, hash=record.hash))
    return record


def _stored(record: CallRecord) -> dict[str, Any]:
    return {field.attname: getattr(record, field.attname)
            for field in CallRecord._meta.concrete_fields if not field.primary_key}


# PostgreSQL seals a call in one statement: the together-rows, the chain head moved and the
# record inserted with the number and hash the database computed while holding the head's
# row lock. Outside a transaction that statement is also its own commit: one round trip
# where the steps one by one take eight. The hash is `chain.link`'s, computed by the
# database: sha256(previous hash ‖ canonical JSON before the number ‖ number ‖ after).
_LINKED = ("encode(sha256(convert_to(hash, 'UTF8') || %s::bytea "
           "|| convert_to((number + 1)::text, 'UTF8') || %s::bytea), 'hex')")


@cache
def _one_statement_sql(together: tuple[tuple[type[Model], tuple[str, ...]], ...],
                       columns: tuple[str, ...]) -> str:
    q = rows.quoted
    parts = [f"head AS (UPDATE {q(HEAD_TABLE)} SET number = number + 1, hash = {_LINKED} "
             f"WHERE id = %s RETURNING number, hash)"]
    for n, (model, names) in enumerate(together):  # inserted only if the head moved
        parts.append(f"t{n} AS (INSERT INTO {q(model._meta.db_table)} "
                     f"({', '.join(map(q, names))}) "
                     f"SELECT {', '.join(['%s'] * len(names))} FROM head)")
    return (f"WITH {', '.join(parts)} INSERT INTO {q(CallRecord._meta.db_table)} "
            f"({', '.join(map(q, columns))}, number, hash) "
            f"SELECT {', '.join(['%s'] * len(columns))}, head.number, head.hash FROM head "
            "RETURNING id, number, hash")


def _sealed_in_one_statement(record: CallRecord, together) -> int:
    """Seal and insert `record` and `together` in one statement; return the number before."""
    before, after = chain.canonical_around_number(chained(record))
    shapes, params = [], [before, after, HEAD_ID]
    for model, values in together:
        names, values_params = rows.insert_values(model, values)
        shapes.append((model, names))
        params.extend(values_params)
    names, values_params = rows.insert_values(CallRecord, _stored(record))
    computed = {CallRecord._meta.get_field(name).column for name in ("number", "hash")}
    columns = tuple(name for name in names if name not in computed)
    params.extend(p for name, p in zip(names, values_params, strict=True) if name not in computed)
    sql = _one_statement_sql(tuple(shapes), columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # a fresh database whose data migration was flushed (tests)
        ChainHead.objects.get_or_create(pk=HEAD_ID, defaults={"hash": chain.GENESIS})
        return _sealed_in_one_statement(record, together)
    record.pk, record.number, record.hash = row
    return record.number - 1


def log_seal(*, batch: int = 1000, rounds: int = 20) -> int:
    """Seal records written but not sealed, in the order written; return how many.

    Calls seal their own records; this seals what an earlier version of kiban left unsealed
    (it wrote records unsealed on PostgreSQL and sealed them after the commit).

    Only one process seals at a time; if another one is sealing, return at once (it, or
    the next call, seals what is left).
    """
    sealed = 0
    for _ in range(rounds):
        with transaction.atomic():
            head = (ChainHead.objects.select_for_update(skip_locked=True)
                    .filter(pk=HEAD_ID).first())
            if head is None:
                return sealed
            pending = list(CallRecord.objects.filter(number=None).order_by("pk")[:batch])
            if not pending:
                return sealed
            before = head.number
            _seal(head, pending)
            CallRecord.objects.bulk_update(pending, ["number", "hash"])
            head.save(update_fields=["number", "hash"])
            _checkpoint_if_due(before, head)
        sealed += len(pending)
    return sealed


def _checkpoint_if_due(before: int, head: ChainHead) -> None:
    if head.number // CHECKPOINT_EVERY > before // CHECKPOINT_EVERY or _checkpoint_due():
        _checkpoint(head.number, head.hash)


_last_signed = [0.0]  # monotonic time of this process's last checkpoint


def _checkpoint_due() -> bool:
    """Return whether this process last signed more than CHECKPOINT_SECONDS ago."""
    now = time.monotonic()
    if now - _last_signed[0] < CHECKPOINT_SECONDS:
        return False
    _last_signed[0] = now
    return True


def _checkpoint(number: int, chain_hash: str) -> Checkpoint:
    key = _signing_key()
    return Checkpoint.objects.create(
        number=number, hash=chain_hash, public_key=signing.public_hex(key),
        signature=signing.sign(key, chain.checkpoint_message(number, chain_hash)),
    )


@transaction.atomic
def checkpoint_sign() -> Checkpoint | None:
    """Sign the chain as it stands now (if it has grown since the last checkpoint)."""
    head = _head_locked()
    if head.number == 0 or Checkpoint.objects.filter(number=head.number).exists():
        return None
    return _checkpoint(head.number, head.hash)


# --- verification --------------------------------------------------------------------------


@dataclass
class LogReport:
    """What `log_verify` found; `broken_at` is the first record that fails, or None."""

    records: int = 0
    checkpoints: int = 0
    broken_at: int | None = None
    reason: str = ""
    unsigned_tail: int = 0
    unsealed: int = 0
    keys: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _records(batch: int):
    fields = (*chain.FIELDS, "hash")
    rows = CallRecord.objects.filter(number__isnull=False).order_by("number").values_list(*fields)
    for row in rows.iterator(chunk_size=batch):
        record = dict(zip(fields, row, strict=True))
        record["at"] = iso(record["at"])
        yield record


def log_verify(*, public_keys: set[str] | None = None, batch: int = 5000) -> LogReport:
    """Check the whole chain and every checkpoint from the database alone.

    With `public_keys`, checkpoints signed by any other key count as broken.
    """
    report = LogReport()
    checkpoints = {c.number: c for c in Checkpoint.objects.order_by("number")}
    report.checkpoints = len(checkpoints)
    seen: dict[int, str] = {}

    def watched(records):
        for record in records:
            if record["number"] in checkpoints:
                seen[record["number"]] = record["hash"]
            yield record

    broken, last_number, last_hash = chain.chain_verify(watched(_records(batch)))
    report.records = last_number
    if broken is not None:
        report.broken_at, report.reason = broken.number, broken.reason
    for number, checkpoint in checkpoints.items():
        problem = _checkpoint_problem(checkpoint, seen.get(number), public_keys)
        if problem and (report.broken_at is None or number < report.broken_at):
            report.broken_at, report.reason = number, problem
        report.keys.add(checkpoint.public_key)
    head = ChainHead.objects.filter(pk=HEAD_ID).first()
    if report.ok and head is not None and (head.number, head.hash) != (last_number, last_hash):
        report.broken_at = min(head.number, last_number + 1)
        report.reason = "the chain head does not match the last record (records removed?)"
    signed = max((n for n in checkpoints if n <= last_number), default=0)
    report.unsigned_tail = last_number - signed
    report.unsealed = CallRecord.objects.filter(number=None).count()
    return report


def _checkpoint_problem(checkpoint: Checkpoint, chain_hash: str | None,
                        public_keys: set[str] | None) -> str:
    if chain_hash is None:
        return f"checkpoint {checkpoint.number} signs a record that is not in the chain"
    if chain_hash != checkpoint.hash:
        return f"checkpoint {checkpoint.number} signed another chain"
    message = chain.checkpoint_message(checkpoint.number, checkpoint.hash)
    if not signing.signature_valid(checkpoint.public_key, checkpoint.signature, message):
        return f"checkpoint {checkpoint.number} has an invalid signature"
    if public_keys is not None and checkpoint.public_key not in public_keys:
        return f"checkpoint {checkpoint.number} is signed by an unknown key"
    return ""
