"""Event delivery throughput: webhooks delivered per second to a local receiver, against a floor.

For SQLite (a temporary KIBAN_VAR_DIR) and PostgreSQL (database kiban_bench_events, dropped
and created again), in a child process per database:

  setup     migrate; one bureau, its member system, a contract receiving submission.created,
            a webhook subscription to a receiver (`python -m kiban.events.receiver`, its own
            process on 127.0.0.1, verifying every signature and applying each event id once);
  emit      N/rounds events written by `event_emit`, 100 per transaction (timed apart);
  platform  one delivery worker (`dispatch_once`, as `kiban deliver_webhooks` runs it):
            sequence the outbox, fan out, claim with a lease, POST signed, record — until
            the receiver has applied them all;
  floor     as many signed POSTs of the same size from one HTTP client (keep-alive) to the
            same receiver, and nothing else;

repeated `rounds` times, platform and floor in turn, so that other work on the machine
weighs on both alike.

Print JSON; docs/performance.md ("Events") explains the figures.

    python bench/events.py [--events 3000] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kiban_bench_events"
TARGET_RATIO = 0.5


def wait_for(url: str, timeout: float = 15) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def receiver_stats(url: str) -> dict:
    import httpx

    return httpx.get(url, timeout=5).json()


def start_receiver(port: int, secret: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [PYTHON, "-m", "kiban.events.receiver", "--port", str(port), "--secret", secret,
         "--quiet"], stdout=subprocess.DEVNULL,
    )
    wait_for(f"http://127.0.0.1:{port}/stats")
    return process


# --- the child: one database -------------------------------------------------------------


def setup(receiver_url: str) -> tuple[object, str]:
    from datetime import date

    from django.core.management import call_command

    from kiban.events.services import subscription_create
    from kiban.exchange.services import contract_grant, system_register
    from kiban.identity.constants import OrganisationKind
    from kiban.identity.models import Organisation

    call_command("migrate", "--no-input", "-v", "0")
    bureau = Organisation.objects.create(code="bench-bureau", kind=OrganisationKind.BUREAU,
                                         name_ja="ベンチ局", name_en="Bench bureau")
    system, _ = system_register(code="tokyo/bench-bureau/receiver", organisation=bureau,
                                name="bench receiver")
    contract_grant(system=system, purpose="bench", legal_basis="bench", valid_from=date.today(),
                   receive_events=["submission.created"])
    _, secret = subscription_create(system=system, purpose="bench", url=receiver_url,
                                    event_types=["submission.created"])
    return bureau, secret


def emit(bureau, count: int) -> float:
    from django.db import transaction

    from kiban.events.services import event_emit

    started = time.perf_counter()
    for first in range(0, count, 100):
        with transaction.atomic():
            for number in range(first, min(first + 100, count)):
                event_emit(type="submission.created", organisation=bureau,
                           subject=uuid.uuid4(),
                           payload={"submission": str(uuid.uuid4()), "procedure": "bench",
                                    "reference": f"2026{number:07d}-X", "status": "received"})
    return time.perf_counter() - started


def deliver(stats_url: str, expected: int, time_limit: float) -> tuple[float, int]:
    """Run one delivery worker until nothing is left; return (seconds, dispatches)."""
    from kiban.events.delivery import http_client, worker_name
    from kiban.events.tasks import dispatch_once

    worker = worker_name()
    dispatches = 0
    with http_client() as client:  # made before the clock starts, as the floor's is
        started = time.perf_counter()
        while time.perf_counter() - started < time_limit:
            report = dispatch_once(client=client, worker=worker, budget_seconds=time_limit)
            dispatches += 1
            if not report.busy:
                break
    elapsed = time.perf_counter() - started
    if receiver_stats(stats_url)["applied"] < expected:
        raise RuntimeError("the receiver did not get every event within the time limit")
    return elapsed, dispatches


def floor(url: str, secret: str, count: int, size: int) -> float:
    """POST `count` signed bodies of `size` bytes with fresh event ids, one client, keep-alive."""
    import httpx

    from kiban.events.webhooks import signed_headers

    bodies = []
    for _ in range(count):
        event_id = str(uuid.uuid4())
        body = json.dumps({"id": event_id, "pad": ""}, separators=(",", ":"))
        body = body.replace('"pad":""', '"pad":"' + "x" * max(0, size - len(body)) + '"')
        bodies.append((event_id, body.encode()))
    with httpx.Client(timeout=10) as client:
        started = time.perf_counter()
        for event_id, body in bodies:
            headers = signed_headers(secret=secret, event_id=event_id, body=body)
            if client.post(url, content=body, headers=headers).status_code != 200:
                raise RuntimeError("the floor's POST was refused")
        return time.perf_counter() - started


def body_size() -> int:
    from kiban.events.delivery import delivery_body
    from kiban.events.models import Delivery

    return len(delivery_body(Delivery.objects.select_related("event__organisation").first()))


def child(args) -> dict:
    """Alternate rounds of emit + deliver and of the floor, so that other work on the machine
    weighs on both alike; add up the times."""
    import django

    django.setup()
    from django.db import connection

    from kiban.events.models import Delivery

    port = free_port()
    url = f"http://127.0.0.1:{port}/kiban-events"
    stats_url = f"http://127.0.0.1:{port}/stats"
    bureau, secret = setup(url)
    receiver = start_receiver(port, secret)
    per_round = args.events // args.rounds
    events = per_round * args.rounds
    emit_seconds = platform_seconds = floor_seconds = 0.0
    dispatches = 0
    try:
        for number in range(args.rounds):
            emit_seconds += emit(bureau, per_round)
            seconds, count = deliver(stats_url, (2 * number + 1) * per_round, args.time_limit)
            platform_seconds += seconds
            dispatches += count
            floor_seconds += floor(url, secret, per_round, body_size())
        received = receiver_stats(stats_url)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    platform_rate, floor_rate = events / platform_seconds, events / floor_seconds
    return {
        "database": connection.vendor,
        "events": events,
        "rounds": args.rounds,
        "body_bytes": body_size(),
        "emit": {"seconds": round(emit_seconds, 2),
                 "events_per_second": round(events / emit_seconds)},
        "platform": {"seconds": round(platform_seconds, 2),
                     "events_per_second": round(platform_rate), "dispatches": dispatches,
                     "delivered_rows": Delivery.objects.filter(status="delivered").count()},
        "floor": {"seconds": round(floor_seconds, 2), "posts_per_second": round(floor_rate)},
        "ratio": round(platform_rate / floor_rate, 3),
        "receiver": received,
        "targets": {"ratio_at_least_0.5": platform_rate / floor_rate >= TARGET_RATIO,
                    "every_event_applied_once": received["applied"] == 2 * events
                    and received["duplicates"] == 0 and received["refused"] == 0},
    }


# --- the parent: every database ----------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_child(name: str, env: dict, args) -> dict:
    done = subprocess.run(
        [PYTHON, __file__, "--child", "--events", str(args.events), "--rounds", str(args.rounds),
         "--time-limit", str(args.time_limit)],
        env=env, capture_output=True, text=True, timeout=args.time_limit * 3 + 300, check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{name} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3000, help="events to deliver (3000)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternate platform and floor this many times (5)")
    parser.add_argument("--time-limit", type=float, default=120,
                        help="seconds one round's delivery may take (120)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (1 <= args.rounds <= 50 and args.rounds <= args.events <= 100_000):
        parser.error("keep rounds in 1…50 and events in rounds…100000")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    sys.path.insert(0, str(BENCH_DIR))
    from common import database_environment, machine

    result = {"benchmark": "webhook delivery to a local receiver, against plain POSTs",
              "date": datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": machine(), "databases": {}}
    for name in args.databases.split(","):
        prepared = database_environment(name, "events", args.postgres_url, result,
                                        KIBAN_NATS_URL="")
        if prepared is None:
            continue
        var_dir, env = prepared
        print(f"bench events: {name} …", file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        try:
            result["databases"][name] = run_child(name, env, args)
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)
        # Other work on the machine skews both figures; a load above the CPU count, much.
        result["databases"][name]["load_average"] = [round(load_before, 1),
                                                     round(os.getloadavg()[0], 1)]
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
