"""A minimal webhook receiver: verifies, refuses replays, applies each event once.

Plain Python (http.server, no Django), for the tests, the benchmark and the demo; a bureau
developer can copy it. Run one on its own with

    python -m kiban.events.receiver --port 8765 --secret whsec_…

What a real receiver must do is all here, in `WebhookHandler.do_POST`:

1. read the raw body and check X-Kiban-Signature over "<X-Kiban-Timestamp>.<body>" with
   the subscription's secret; refuse (401) a wrong signature or a timestamp more than five
   minutes off, which also stops an old captured request from being replayed;
2. answer 200 to an event id it has applied already, without applying it again: kiban
   delivers at least once, and sends the same event again after a timeout or a crash;
3. apply the event, then answer 2xx quickly (kiban waits at most 10 s).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kiban.events.webhooks import SeenEvents, verify_signature

MAX_BODY_BYTES = 256 * 1024


class WebhookHandler(BaseHTTPRequestHandler):
    server: ReceiverServer
    protocol_version = "HTTP/1.1"  # keep-alive, as kiban's client reuses its connections
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (40 ms) on every keep-alive request.
    disable_nagle_algorithm = True

    def _answer(self, status: int, text: str = "") -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        receiver = self.server.receiver
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._answer(413, "too large")
            return
        body = self.rfile.read(length)
        receiver.count_request()
        if receiver.forced_status is not None:
            self._answer(receiver.forced_status, "forced")
            return
        if not verify_signature(receiver.secret, self.headers.get("X-Kiban-Timestamp"), body,
                                self.headers.get("X-Kiban-Signature"), now=receiver.clock()):
            receiver.refuse("signature")
            self._answer(401, "bad signature or stale timestamp")
            return
        event = json.loads(body)
        if event.get("id") != self.headers.get("X-Kiban-Event-Id"):
            receiver.refuse("event_id")
            self._answer(400, "the event id header does not match the body")
            return
        receiver.apply(event)
        self._answer(200, "ok")

    def do_GET(self) -> None:  # noqa: N802
        """Answer GET /stats with the receiver's counts (for the benchmark and the demo)."""
        if self.path != "/stats":
            self._answer(404, "not found")
            return
        body = json.dumps(self.server.receiver.stats()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # quiet: the tests and the bench read counts
        pass


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    receiver: Receiver


class Receiver:
    """A webhook receiver on 127.0.0.1 in a thread; `stop()` and `start()` again at will."""

    def __init__(self, secret: str = "", port: int = 0, clock=time.time):
        self.secret = secret
        self.port = port
        self.clock = clock
        self.forced_status: int | None = None
        self.applied: list[dict] = []  # each event once, in the order applied
        self.duplicates = 0
        self.requests = 0
        self.refused: list[str] = []
        self._seen = SeenEvents()
        self._lock = threading.Lock()
        self._server: ReceiverServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/kiban-events"

    def start(self) -> Receiver:
        self._server = ReceiverServer(("127.0.0.1", self.port), WebhookHandler)
        self._server.receiver = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: from now on a connection is refused, as with a receiver that is down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def refuse(self, reason: str) -> None:
        with self._lock:
            self.refused.append(reason)

    def apply(self, event: dict) -> None:
        """Apply `event` unless its id was applied before (then count a duplicate)."""
        with self._lock:
            if self._seen.first_time(event["id"]):
                self.applied.append(event)
            else:
                self.duplicates += 1

    def stats(self) -> dict:
        with self._lock:
            return {"requests": self.requests, "applied": len(self.applied),
                    "duplicates": self.duplicates, "refused": len(self.refused)}

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Receive kiban webhooks and print them.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", required=True, help="the subscription's secret")
    parser.add_argument("--quiet", action="store_true", help="print nothing per event")
    args = parser.parse_args(argv)
    receiver = Receiver(secret=args.secret, port=args.port)

    def apply_and_print(event: dict, apply=receiver.apply) -> None:
        before = len(receiver.applied)
        apply(event)
        if len(receiver.applied) > before:
            print(json.dumps(event, ensure_ascii=False), flush=True)

    if not args.quiet:
        receiver.apply = apply_and_print  # type: ignore[method-assign]
    receiver.start()
    print(f"listening on {receiver.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        receiver.stop()


if __name__ == "__main__":
    main()
