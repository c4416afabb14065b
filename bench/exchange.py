"""Bench of the system integration API: authorised, logged calls per second, against a floor.

For SQLite (a temporary KIBAN_VAR_DIR) and PostgreSQL (database kiban_bench_exchange, dropped
and created again): migrate, load the demo (its welfare system and contract), add synthetic
residents and submissions, start the real server (`kiban serve`, Granian), then time

  read      N clients at once, each reading two facts of a resident under the contract:
            GET /api/v1/registry/subjects/<id>/facts — token, contract, facts_read, the
            resident's access-log row, the message-log record sealed into the hash chain;
  list      the same clients listing submissions (GET /api/v1/submissions?limit=20);
  floor     the same clients and requests against kiban.web.bench.floor, each request making
            the writes a logged call makes (3 for a read, 2 for a list), and nothing else.

The four phases take turns three times (--rounds); each figure is the median of its rounds.
Afterwards `kiban verify-log` must pass and hold one record per call (sealing kept up).
Prints JSON and writes var/bench/exchange.json; docs/performance.md explains the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from common import database_environment, machine, result_write
from load import machine_ticks
from run import POSTGRES_URL, Server, free_port, kiban
from server import database_cpu_seconds, server_description

CLIENT_ID, SECRET = "demo-welfare", "kiban-demo-welfare-secret-2026"  # kiban.exchange.demo
PURPOSE = "child-allowance"
TARGET_CALLS = 500
TARGET_RATIO = 0.50

SETUP = """
from django.utils import timezone
from kiban.identity.models import User
from kiban.procedures.models import ProcedureVersion
from kiban.submissions.models import Submission
version = ProcedureVersion.objects.filter(procedure__code="child-allowance").latest("number")
users = list(User.objects.filter(email__endswith="@synthetic.kiban.jp").select_related("subject")
             .order_by("email")[:{count}])
Submission.objects.bulk_create([
    Submission(version=version, organisation_id=version.procedure.organisation_id, applicant=u,
               subject=u.subject, status="received", reference=f"BENCH{{n:07d}}",
               submitted_at=timezone.now(), answers={{}})
    for n, u in enumerate(users)])
print(",".join(str(u.subject.public_id) for u in users))
"""
LOG_COUNT = "from kiban.exchange.models import CallRecord; print(CallRecord.objects.count())"


def token(url: str) -> str:
    reply = httpx.post(f"{url}/api/v1/oauth/token", data={"grant_type": "client_credentials"},
                       auth=(CLIENT_ID, SECRET), timeout=30)
    reply.raise_for_status()
    return reply.json()["access_token"]


def run_phase(url: str, clients: int, per_client: int, path_of, headers: dict,
              cpu_seconds=lambda: 0.0) -> dict:
    """Let `clients` threads make `per_client` GETs each at once; return rate and latencies.

    Each client is one keep-alive connection of the standard library's http.client: the load
    generator shares the machine with the server, and at 0.3 ms of CPU a call it takes a
    quarter of what httpx takes, leaving the cores to what is measured.
    """
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    address = urlsplit(url)

    def work(number: int) -> None:
        mine, failed = [], []
        http = HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            barrier.wait()
            for call in range(per_client):
                started = time.perf_counter()
                http.request("GET", path_of(number, call), headers=headers)
                reply = http.getresponse()
                body = reply.read()
                mine.append(time.perf_counter() - started)
                if reply.status != 200:
                    failed.append(f"{reply.status} {body[:120]!r}")
        finally:
            http.close()
        with lock:
            latencies.extend(mine)
            failures.extend(failed)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu_before = time.perf_counter(), cpu_seconds()
    database_before, (busy_before, total_before) = database_cpu_seconds(), machine_ticks()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    server_cpu = cpu_seconds() - cpu_before
    database_cpu = database_cpu_seconds() - database_before
    busy, total = machine_ticks()
    latencies.sort()
    per_call = 1000 / max(len(latencies), 1)
    return {
        "calls": len(latencies), "failed": len(failures), "errors": failures[:3],
        "server_cpu_ms_per_call": round(server_cpu * per_call, 2),
        "database_cpu_ms_per_call": round(database_cpu * per_call, 2),
        "machine_cpu_busy": round((busy - busy_before) / max(total - total_before, 1), 2),
        "seconds": round(seconds, 2), "calls_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
    }


def median_run(runs: list[dict]) -> dict:
    """Merge the rounds of one phase: medians of the rates and latencies, sums of the counts."""
    merged = {key: round(statistics.median(run[key] for run in runs), 2)
              for key in ("calls_per_second", "p50_ms", "p95_ms", "server_cpu_ms_per_call",
                          "database_cpu_ms_per_call", "machine_cpu_busy")}
    merged.update(calls=sum(run["calls"] for run in runs),
                  failed=sum(run["failed"] for run in runs),
                  errors=[error for run in runs for error in run["errors"]][:3],
                  rounds=[run["calls_per_second"] for run in runs])
    return merged


def bench_database(name: str, env: dict, args) -> dict:
    kiban(env, "migrate")
    kiban(env, "seed", "--demo")
    kiban(env, "seed", "--residents", str(args.subjects))
    subjects = kiban(env, "shell", "--no-imports", "-c",
                     SETUP.format(count=args.subjects)).strip().split(",")
    server = Server(env, free_port(), Path(env["KIBAN_VAR_DIR"]) / "server.log")
    try:
        health = server.wait_healthy()
        if health.get("database") != name:
            raise RuntimeError(f"the server uses {health.get('database')}, not {name}")
        headers = {"Authorization": f"Bearer {token(server.url)}", "X-Kiban-Purpose": PURPOSE}

        def read(number: int, call: int) -> str:
            subject = subjects[(number * args.calls + call) % len(subjects)]
            return (f"/api/v1/registry/subjects/{subject}/facts"
                    "?attributes=person.name&attributes=person.address")

        def listing(number: int, call: int) -> str:
            return "/api/v1/submissions?limit=20"

        def floor(writes: int):
            return lambda number, call: f"/bench/floor/?writes={writes}"

        phases = {"read": (read, headers), "read_floor": (floor(3), {}),
                  "list": (listing, headers), "list_floor": (floor(2), {})}
        for path_of, phase_headers in phases.values():  # warm both workers, untimed
            run_phase(server.url, args.clients, 5, path_of, phase_headers)
        # The phases take turns `rounds` times, so that a slow spell of the shared machine hits
        # each of them; every figure is the median of its rounds.
        per_round = args.calls // args.rounds
        runs: dict[str, list[dict]] = {label: [] for label in phases}
        for _ in range(args.rounds):
            for label, (path_of, phase_headers) in phases.items():
                runs[label].append(run_phase(server.url, args.clients, per_round, path_of,
                                             phase_headers, server.cpu_seconds))
        results = {label: median_run(label_runs) for label, label_runs in runs.items()}
    finally:
        server.stop()
    logged = int(kiban(env, "shell", "--no-imports", "-c", LOG_COUNT))
    verified = kiban(env, "verify-log").strip()
    timed = args.clients * per_round * args.rounds
    expected = 1 + (args.clients * 5 + timed) * 2  # token, warm-up and timed reads and lists
    for kind in ("read", "list"):
        results[kind]["ratio_to_floor"] = round(
            results[kind]["calls_per_second"] / results[f"{kind}_floor"]["calls_per_second"], 3)
    results["message_log"] = {"records": logged, "expected": expected, "verify_log": verified}
    results["targets"] = {
        "read_at_least_500_per_second": results["read"]["calls_per_second"] >= TARGET_CALLS,
        "read_at_least_half_the_floor": results["read"]["ratio_to_floor"] >= TARGET_RATIO,
        "every_call_sealed": logged == expected and verified.startswith("message log ok"),
    }
    return results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--calls", type=int, default=300,
                        help="timed calls per client and phase, over all rounds (300)")
    parser.add_argument("--rounds", type=int, default=3, help="turns each phase takes (3)")
    parser.add_argument("--subjects", type=int, default=200, help="residents read (200)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL.replace("kiban_bench",
                                                                       "kiban_bench_exchange"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dirs")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    result = {
        "benchmark": "logged API calls of a bureau system, against the floor",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "clients": args.clients, "calls_per_client": args.calls, "rounds": args.rounds,
        "machine": machine(),
        "load_average_before": os.getloadavg(), "databases": {},
    }
    for name in args.databases.split(","):
        prepared = database_environment(name, "exchange", args.postgres_url, result,
                                        KIBAN_BENCH="1")
        if prepared is None:
            continue
        var_dir, env = prepared
        print(f"bench exchange: {name} …", file=sys.stderr, flush=True)
        try:
            result["databases"][name] = bench_database(name, env, args)
            result["databases"][name]["server"] = server_description(env)
        finally:
            if not args.keep:
                shutil.rmtree(var_dir, ignore_errors=True)
    result_write(result, "exchange.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
