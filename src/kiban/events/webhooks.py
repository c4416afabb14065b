"""Webhook signatures and retry timing: plain Python, no Django, for kiban and its receivers.

kiban POSTs each event as JSON with three headers:

    X-Kiban-Event-Id:   the event's id (a UUID); the same on every retry
    X-Kiban-Timestamp:  when this attempt was signed, in Unix seconds
    X-Kiban-Signature:  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>

A receiver (see docs/events.md) checks, in this order:

1. `verify_signature(secret, timestamp, body, signature, now)` over the raw body bytes: it
   refuses a wrong signature and a timestamp more than five minutes from `now`, so a
   captured request cannot be replayed later;
2. the event id: an id it has already applied is answered 2xx and not applied again
   (`SeenEvents` keeps them for a process; a real receiver keeps them in its own database
   next to the change, in the same transaction). kiban delivers at least once — after a
   timeout or a restart the same event comes again, with a fresh timestamp and signature.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
import time
from collections import OrderedDict

SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """Return the X-Kiban-Signature value of `body` signed at `timestamp`."""
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signed_headers(*, secret: str, event_id: str, body: bytes, now: float | None = None) -> dict:
    """Return the headers of one delivery attempt of `body`."""
    timestamp = int(time.time() if now is None else now)
    return {
        "Content-Type": "application/json",
        "X-Kiban-Event-Id": event_id,
        "X-Kiban-Timestamp": str(timestamp),
        "X-Kiban-Signature": sign(secret, timestamp, body),
    }


def verify_signature(
    secret: str,
    timestamp: str | int | None,
    body: bytes,
    signature: str | None,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Return whether `signature` signs `body` at `timestamp`, within `tolerance` s of `now`.

    Compare in constant time; refuse a missing or malformed header, a timestamp that is not
    a whole number of seconds, and one too far in the past or the future.
    """
    if not secret or timestamp is None or not signature:
        return False
    try:
        signed_at = int(str(timestamp).strip())
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - signed_at) > tolerance:
        return False
    expected = sign(secret, signed_at, body).encode("ascii")
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))


def retry_delay(
    attempts: int, *, base: float, cap: float, jitter: float, rng: random.Random | None = None
) -> float:
    """Return the seconds to wait after the `attempts`-th failed attempt (1 for the first).

    Exponential backoff, base × 2^(attempts − 1) capped at `cap`, spread by ±`jitter` so
    that deliveries which failed together do not all come back in the same second.
    """
    exponent = min(max(attempts, 1) - 1, 32)
    delay = min(cap, base * (2**exponent))
    spread = (rng or random).uniform(1 - jitter, 1 + jitter)
    return delay * spread


class SeenEvents:
    """The event ids a receiver has applied recently, to refuse replays and duplicates.

    In memory and bounded: it forgets the oldest ids beyond `capacity`. Good for a demo and
    for tests; a production receiver records applied event ids in its own database.
    """

    def __init__(self, capacity: int = 100_000):
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """Record `event_id`; return True the first time it is seen, False after that."""
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            if len(self._ids) > self.capacity:
                self._ids.popitem(last=False)
            return True

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._ids
