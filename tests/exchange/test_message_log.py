"""The message log: every call sealed into the chain, signed checkpoints, `kiban verify-log`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kiban.exchange import constants, message_log
from kiban.exchange.models import CallRecord, ChainHead, Checkpoint
from kiban.exchange.signing import ENV_KEY

pytestmark = pytest.mark.django_db


def logged(count: int) -> list[CallRecord]:
    """Log `count` calls, each sealed as it comes (PostgreSQL seals after a commit, which a
    test never makes, so the test seals itself)."""
    records = []
    for n in range(count):
        record = message_log.call_record(
            at=timezone.now(), operation="facts_of_subject", method="GET",
            path="/api/v1/registry/subjects/x/facts", purpose="benefit-payment",
            request_id=f"req-{n}", subject_ids=["11111111-2222-3333-4444-555555555555"],
            status=200, request_hash="a" * 64, response_hash="b" * 64, duration_us=1500,
        )
        message_log.log_seal()
        records.append(CallRecord.objects.get(pk=record.pk))
    return records


def verify_log(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_log", *args, stdout=out)
    return out.getvalue()


def test_records_are_numbered_and_chained():
    first, second = logged(2)

    assert (first.number, second.number) == (1, 2)
    assert ChainHead.objects.get().hash == second.hash
    assert "message log ok: 2 records" in verify_log()


def test_a_checkpoint_is_signed_every_so_often(monkeypatch):
    monkeypatch.setattr(message_log, "CHECKPOINT_EVERY", 3)

    logged(7)

    assert list(Checkpoint.objects.values_list("number", flat=True)) == [3, 6]
    assert "2 signed checkpoints" in verify_log()


def test_a_row_edited_in_the_database_is_reported_by_number():
    logged(5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_callrecord SET status = 403 WHERE number = 3")

    with pytest.raises(CommandError, match="broken at record 3") as refused:
        verify_log()

    assert refused.value.returncode == 1


def test_a_deleted_row_is_reported():
    logged(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM exchange_callrecord WHERE number = 2")

    with pytest.raises(CommandError, match="broken at record 2"):
        verify_log()


def test_removing_the_last_records_is_found_from_the_head():
    logged(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM exchange_callrecord WHERE number > 2")

    with pytest.raises(CommandError, match="broken at record 3"):
        verify_log()


def test_a_rewritten_chain_fails_its_signed_checkpoint(monkeypatch):
    monkeypatch.setattr(message_log, "CHECKPOINT_EVERY", 2)
    logged(2)
    record = CallRecord.objects.get(number=2)
    forged = {**{f: getattr(record, f) for f in ("number", "client_id", "operation", "method",
                                                 "path", "purpose", "request_id", "subject_ids",
                                                 "error", "request_hash", "response_hash",
                                                 "duration_us", "system_id", "organisation_id")},
              "at": message_log.iso(record.at), "status": 500}
    previous = CallRecord.objects.get(number=1).hash
    forged_hash = message_log.chain.link(previous, forged)
    CallRecord.objects.filter(number=2).update(status=500, hash=forged_hash)
    ChainHead.objects.update(hash=forged_hash)

    with pytest.raises(CommandError, match="checkpoint 2 signed another chain"):
        verify_log()


def test_a_pinned_key_refuses_checkpoints_of_another_key(monkeypatch):
    monkeypatch.setattr(message_log, "CHECKPOINT_EVERY", 1)
    logged(1)

    with pytest.raises(CommandError, match="unknown key"):
        verify_log("--public-key", "00" * 32)


def test_the_key_can_come_from_the_environment(monkeypatch):
    from kiban.exchange import signing

    monkeypatch.setenv(ENV_KEY, "11" * 32)
    signing.signing_key.cache_clear()
    logged(1)

    checkpoint = message_log.checkpoint_sign()

    assert checkpoint.public_key == signing.public_hex(signing.signing_key("unused"))
    assert "1 signed checkpoints" in verify_log("--public-key", checkpoint.public_key)


def test_checkpoint_every_is_a_thousand_by_default():
    assert constants.CHECKPOINT_EVERY == 1000


def test_a_process_signs_a_checkpoint_at_its_first_call_after_a_while(monkeypatch):
    monkeypatch.setattr(message_log, "_last_signed", [-1e9])

    first, second = logged(2)

    assert list(Checkpoint.objects.values_list("number", flat=True)) == [first.number]
