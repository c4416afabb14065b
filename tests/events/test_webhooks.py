"""Signatures, replay refusal and retry timing of webhooks (plain Python, no database)."""

import random

from hypothesis import given
from hypothesis import strategies as st

from kiban.events.webhooks import SeenEvents, retry_delay, sign, signed_headers, verify_signature

SECRET = "whsec_test"
BODY = b'{"id":"0b9f2a34-1c1e-4d6a-9d6e-2f6f4c1b7a10","type":"submission.created"}'
NOW = 1_780_000_000


def test_a_signature_is_hmac_sha256_of_timestamp_dot_body():
    # Computed independently: printf '1780000000.<body>' | openssl dgst -sha256 -hmac whsec_test
    import hashlib
    import hmac

    expected = hmac.new(b"whsec_test", b"1780000000." + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, NOW, BODY) == f"sha256={expected}"


def test_the_headers_carry_event_id_timestamp_and_signature():
    headers = signed_headers(secret=SECRET, event_id="e-1", body=BODY, now=NOW)

    assert headers["X-Kiban-Event-Id"] == "e-1"
    assert headers["X-Kiban-Timestamp"] == str(NOW)
    assert headers["X-Kiban-Signature"] == sign(SECRET, NOW, BODY)


def test_a_fresh_signature_verifies():
    assert verify_signature(SECRET, str(NOW), BODY, sign(SECRET, NOW, BODY), now=NOW + 299)


def test_a_stale_timestamp_is_refused_though_the_signature_is_right():
    assert not verify_signature(SECRET, str(NOW), BODY, sign(SECRET, NOW, BODY), now=NOW + 301)


def test_a_timestamp_from_the_future_is_refused():
    assert not verify_signature(SECRET, str(NOW), BODY, sign(SECRET, NOW, BODY), now=NOW - 301)


def test_a_changed_body_is_refused():
    signature = sign(SECRET, NOW, BODY)

    assert not verify_signature(SECRET, str(NOW), BODY.replace(b"created", b"deleted"),
                                signature, now=NOW)


def test_a_moved_timestamp_is_refused():
    signature = sign(SECRET, NOW, BODY)

    assert not verify_signature(SECRET, str(NOW + 60), BODY, signature, now=NOW + 60)


def test_another_secret_is_refused():
    assert not verify_signature("whsec_other", str(NOW), BODY, sign(SECRET, NOW, BODY), now=NOW)


@given(timestamp=st.one_of(st.none(), st.text(max_size=20)),
       signature=st.one_of(st.none(), st.text(max_size=80)))
def test_malformed_headers_are_refused_never_an_error(timestamp, signature):
    assert not verify_signature(SECRET, timestamp, BODY, signature, now=NOW)


def test_a_replayed_event_id_is_seen():
    seen = SeenEvents()

    assert seen.first_time("e-1")
    assert not seen.first_time("e-1")
    assert seen.first_time("e-2")


def test_seen_events_forget_the_oldest_beyond_capacity():
    seen = SeenEvents(capacity=2)
    for event_id in ("e-1", "e-2", "e-3"):
        seen.first_time(event_id)

    assert "e-1" not in seen
    assert "e-3" in seen


def test_retry_delay_doubles_from_ten_seconds_to_an_hour():
    delays = [retry_delay(n, base=10, cap=3600, jitter=0) for n in (1, 2, 3, 9, 10, 30)]

    assert delays == [10, 20, 40, 2560, 3600, 3600]


@given(attempts=st.integers(min_value=-5, max_value=10_000), seed=st.integers())
def test_retry_delay_stays_within_the_jitter_of_the_capped_backoff(attempts, seed):
    plain = retry_delay(attempts, base=10, cap=3600, jitter=0)

    delay = retry_delay(attempts, base=10, cap=3600, jitter=0.2, rng=random.Random(seed))

    assert 0.8 * plain <= delay <= 1.2 * plain
    assert 10 <= plain <= 3600
