"""`make bench`: residents completing a procedure on the running server, against a floor.

For SQLite (a temporary KIBAN_VAR_DIR) and PostgreSQL (database kiban_bench, dropped and
created again): migrate, load the demo, count the database writes of one application,
start the real server (`kiban serve`, Granian), sign the residents in, then time

  platform  N residents at once, each completing K applications of a 3-step procedure with
            prefill: start, GET + POST of every step, review, submit, receipt;
  floor     the same number of clients and requests against kiban.web.bench.floor, each
            request making the writes the platform's request made, and nothing else.

Print the figures as JSON and write them to var/bench/latest.json. docs/performance.md
explains the figures; `python bench/run.py --help` lists the knobs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from common import BENCH_DIR, PROJECT_DIR, database_environment, machine, result_write
from http_client import HTTPError
from journey import JourneyError
from load import FloorClient, merged, run_phase, signed_in_residents, summary
from server import Server, free_port, server_description

PYTHON = sys.executable
PASSWORD = "kiban-demo-2026"  # kiban.web.demo.DEMO_PASSWORD, kept here to import no Django
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kiban_bench"
TARGET_RATIO = 0.40
TARGET_P95_MS = 150.0
COMMAND_TIMEOUT = 180  # seconds for any one setup command
MIN_SECONDS_PER_DATABASE = 60  # a database is not started with less budget left
MIN_SECONDS_TIMED = 20  # nor are its timed phases


def resident_email(number: int) -> str:
    return f"resident{number:05d}@synthetic.kiban.jp"


def code_state() -> dict:
    """Return the commit measured and whether the work tree had changes on top of it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no"))}


def kiban(env: dict, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
    """Run `python -m kiban <args>` with the bench's environment; return its output."""
    done = subprocess.run([PYTHON, "-m", "kiban", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode:
        raise RuntimeError(f"kiban {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


RESIDENTS_CHECK = """
from kiban.identity.models import User
emails = {emails!r}
ready = (User.objects.filter(email__in=emails, subject__facts__attribute__code="person.phone",
                             subject__consents__purpose="prefill",
                             subject__consents__withdrawn_at=None)
         .values("pk").distinct().count())
print(ready)
"""

RECEIVED_COUNT = """
from kiban.submissions.constants import Status
from kiban.submissions.models import Submission
print(Submission.objects.filter(applicant__email__in={emails!r}, status=Status.RECEIVED).count())
"""


def prepare(env: dict, args, emails: list[str]) -> dict:
    """Migrate, load the demo and the residents, check them, count one application's writes."""
    started = time.perf_counter()
    timeout = max(10.0, min(COMMAND_TIMEOUT, args.left()))
    kiban(env, "migrate", timeout=timeout)
    kiban(env, "seed", "--demo", timeout=timeout)
    kiban(env, "seed", "--residents", str(args.residents + 1), timeout=timeout)
    ready = int(kiban(env, "shell", "--no-imports", "-c", RESIDENTS_CHECK.format(emails=emails),
                      timeout=timeout))
    if ready != len(emails):
        raise RuntimeError(f"only {ready} of {len(emails)} residents have a phone and consent")
    counted = subprocess.run(
        [PYTHON, str(BENCH_DIR / "write_count.py"), args.procedure, emails[-1], PASSWORD],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if counted.returncode:
        raise RuntimeError(f"counting writes failed:\n{counted.stderr}")
    count = json.loads(counted.stdout)
    count["setup_seconds"] = round(time.perf_counter() - started, 1)
    return count


def _phases(server: Server, residents: list, floor_clients: list, args) -> tuple:
    """Warm up (untimed), then let platform and floor take turns; return the three runs."""
    warmup = run_phase(residents, args.warmup, args.limit())
    run_phase(floor_clients, args.warmup, args.limit())
    per_round = args.applications // args.rounds
    platform_runs, floor_runs = [], []
    for _ in range(args.rounds):  # alternate, so that a busy moment hits both sides
        platform_runs.append(run_phase(residents, per_round, args.limit(), server.cpu_seconds))
        floor_runs.append(run_phase(floor_clients, per_round, args.limit(), server.cpu_seconds))
    return warmup, merged(platform_runs), merged(floor_runs)


def bench_database(name: str, env: dict, args) -> dict:
    emails = [resident_email(n) for n in range(1, args.residents + 2)]  # the last one counts
    count = prepare(env, args, emails)
    writes = [(r["method"], r["writes"]) for r in count["requests"]]
    server = Server(env, free_port(), Path(env["KIBAN_VAR_DIR"]) / "server.log")
    try:
        health = server.wait_healthy()
        if health.get("database") != name:
            raise RuntimeError(f"the server uses {health.get('database')}, not {name}")
        started = time.perf_counter()
        residents = signed_in_residents(server.url, emails[:-1], PASSWORD, args.procedure)
        sign_in_seconds = time.perf_counter() - started
        floor_clients = [FloorClient(server.url, writes) for _ in residents]
        if args.left() < MIN_SECONDS_TIMED:
            raise RuntimeError("the time budget was spent before the timed phases (--budget)")
        warmup, platform_run, floor_run = _phases(server, residents, floor_clients, args)
        for client in residents + floor_clients:
            client.close()
    finally:
        server.stop()
    if not (platform_run.completed and floor_run.completed):
        raise RuntimeError("no application completed in a timed phase")
    received = int(kiban(env, "shell", "--no-imports", "-c",
                         RECEIVED_COUNT.format(emails=emails[:-1])))
    platform_figures = summary(platform_run)
    floor_figures = summary(floor_run)
    platform_figures.update({
        "writes_per_application": count["writes_per_application"],
        "queries_per_application": count["queries_per_application"],
        "requests_per_application": len(count["requests"]),
        "received_in_database": received,
    })
    ratio = platform_figures["applications_per_second"] / max(
        floor_figures["applications_per_second"], 1e-9)
    cpu = {side: figures["server_cpu_ms_per_application"]
           + figures["client_cpu_ms_per_application"]
           for side, figures in (("platform", platform_figures), ("floor", floor_figures))}
    return {
        "platform": platform_figures,
        "floor": floor_figures,
        "ratio": round(ratio, 3),
        # What the ratio would be were the run CPU-bound on a machine of its own: the floor's
        # CPU per application (server and bench) over the platform's. Robust to other load.
        "ratio_from_cpu": round(cpu["floor"] / max(cpu["platform"], 1e-9), 3),
        "targets": {
            "ratio_at_least_0.40": ratio >= TARGET_RATIO,
            "p95_below_150_ms": (platform_figures["p95_ms"] or float("inf")) < TARGET_P95_MS,
            "all_applications_received": received == warmup.completed + platform_run.completed,
        },
        "sign_in": {"residents": len(residents), "seconds": round(sign_in_seconds, 2)},
        "warmup": {"applications": warmup.completed, "failed": warmup.failed,
                   "errors": warmup.errors},
        "writes_by_request": [
            {"request": r["label"], "writes": r["writes"], "queries": r["queries"],
             "tables": r["tables"]} for r in count["requests"]
        ],
        "setup_seconds": count["setup_seconds"],
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=20, help="concurrent residents (20)")
    parser.add_argument("--applications", type=int, default=10,
                        help="timed applications per resident (10)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed applications each (1)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="platform and floor take turns this many times (2)")
    parser.add_argument("--procedure", default="housing-application",
                        help="a 3-step demo procedure with prefill (housing-application)")
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated, in order (sqlite,postgresql)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL,
                        help="a database the bench may drop and create (%(default)s)")
    parser.add_argument("--time-limit", type=float, default=60,
                        help="seconds any one phase may run before clients stop (60)")
    parser.add_argument("--budget", type=float, default=300,
                        help="seconds the whole bench may take; phases stop early and databases "
                             "are skipped past it (300)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dirs")
    args = parser.parse_args(argv)
    if not (1 <= args.residents <= 200 and 1 <= args.rounds <= args.applications <= 100
            and 0 <= args.warmup <= 10):
        parser.error("keep residents in 1…200, rounds in 1…applications ≤ 100, warm-up in 0…10")
    if args.applications % args.rounds:
        parser.error("--applications must be a multiple of --rounds")
    deadline = time.monotonic() + args.budget
    args.left = lambda: deadline - time.monotonic()
    # A phase gets its own limit, or what is left of the budget (clients then stop early).
    args.limit = lambda: max(1.0, min(args.time_limit, args.left()))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    result = {
        "benchmark": "residents completing a 3-step procedure with prefill, against the floor",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "procedure": args.procedure, "concurrent_residents": args.residents,
        "applications_per_resident": args.applications, "warmup_per_resident": args.warmup,
        "rounds": args.rounds,
        "machine": machine(), "code": code_state(), "databases": {},
    }
    for name in args.databases.split(","):
        if args.left() < MIN_SECONDS_PER_DATABASE:
            print(f"note: {name} skipped, the time budget is spent", file=sys.stderr)
            result["databases"][name] = {"skipped": "time budget spent (--budget)"}
            continue
        prepared = database_environment(name, "residents", args.postgres_url, result,
                                        KIBAN_BENCH="1")
        if prepared is None:
            continue
        var_dir, env = prepared
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        load = os.getloadavg()
        try:
            result["databases"][name] = bench_database(
                "postgresql" if name == "postgresql" else "sqlite", env, args)
            result["databases"][name]["load_average_before"] = [round(x, 2) for x in load]
            result["databases"][name]["server"] = server_description(env)
        except (RuntimeError, subprocess.TimeoutExpired, OSError, JourneyError,
                *HTTPError) as error:
            print(f"bench: {name} failed: {error}", file=sys.stderr)
            lines = [line for line in str(error).splitlines() if line.strip()]
            # The first line says what failed, the last one why.
            result["databases"][name] = {"error": " … ".join(dict.fromkeys(lines[:1] + lines[-1:]))}
        finally:
            if not args.keep:
                shutil.rmtree(var_dir, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result_write(result, "latest.json")
    failed = sum(
        r.get("platform", {}).get("failed", 0) + r.get("floor", {}).get("failed", 0)
        + r.get("warmup", {}).get("failed", 0) + ("error" in r)
        for r in result["databases"].values()
    )
    if failed:
        print("bench: something failed (see errors above and in the JSON); the figures are "
              "not valid", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
