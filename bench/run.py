"""`make bench`: residents completing a procedure on the running server, against a floor.

For SQLite (a temporary KIBAN_VAR_DIR) and PostgreSQL (database kiban_bench, dropped and
created again): migrate, load the demo, count the database writes of one application,
start the real server (`kiban serve`, gunicorn), sign the residents in, then time

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
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
from load import FloorClient, merged, run_phase, signed_in_residents, summary

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
PYTHON = sys.executable
PASSWORD = "kiban-demo-2026"  # kiban.web.demo.DEMO_PASSWORD, kept here to import no Django
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kiban_bench"
TARGET_RATIO = 0.40
TARGET_P95_MS = 150.0
COMMAND_TIMEOUT = 180  # seconds for any one setup command


def resident_email(number: int) -> str:
    return f"resident{number:05d}@synthetic.kiban.jp"


def machine() -> dict:
    import django

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    import sqlite3

    return {
        "cpu_count": os.cpu_count(), "cpu_model": model, "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kiban(env: dict, *args: str) -> str:
    """Run `python -m kiban <args>` with the bench's environment; return its output."""
    done = subprocess.run([PYTHON, "-m", "kiban", *args], env=env, capture_output=True,
                          text=True, timeout=COMMAND_TIMEOUT, check=False)
    if done.returncode:
        raise RuntimeError(f"kiban {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def postgres_reset(url: str) -> str | None:
    """Drop and create the bench database; return the server version, None if unreachable."""
    import psycopg

    base, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as error:
        print(f"note: PostgreSQL at {base} is unreachable, skipped ({error})".strip(),
              file=sys.stderr)
        return None


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
    kiban(env, "migrate")
    kiban(env, "seed", "--demo")
    kiban(env, "seed", "--residents", str(args.residents + 1))
    ready = int(kiban(env, "shell", "--no-imports", "-c", RESIDENTS_CHECK.format(emails=emails)))
    if ready != len(emails):
        raise RuntimeError(f"only {ready} of {len(emails)} residents have a phone and consent")
    counted = subprocess.run(
        [PYTHON, str(BENCH_DIR / "write_count.py"), args.procedure, emails[-1], PASSWORD],
        env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
    )
    if counted.returncode:
        raise RuntimeError(f"counting writes failed:\n{counted.stderr}")
    count = json.loads(counted.stdout)
    count["setup_seconds"] = round(time.perf_counter() - started, 1)
    return count


class Server:
    """`kiban serve` (gunicorn) on 127.0.0.1, stopped through its own process group."""

    def __init__(self, env: dict, port: int, log: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "kiban", "serve"], env={**env, "PORT": str(port)},
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log.name}")
            try:
                reply = httpx.get(f"{self.url}/healthz", timeout=2)
                if reply.status_code == 200:
                    return reply.json()
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /healthz within {timeout} s")

    def cpu_seconds(self) -> float:
        """Return the CPU time used so far by the server's processes (its process group)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[2]) == self.process.pid:  # pgrp: the session `serve` started
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # kiban serve stops its gunicorn on SIGTERM
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=5)
        self.log.close()


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
        per_round = args.applications // args.rounds
        # warm both gunicorn workers up, untimed
        warmup = run_phase(residents, args.warmup, args.limit())
        run_phase(floor_clients, args.warmup, args.limit())
        platform_runs, floor_runs = [], []
        for _ in range(args.rounds):  # alternate, so that a busy moment hits both sides
            platform_runs.append(
                run_phase(residents, per_round, args.limit(), server.cpu_seconds))
            floor_runs.append(
                run_phase(floor_clients, per_round, args.limit(), server.cpu_seconds))
        platform_run, floor_run = merged(platform_runs), merged(floor_runs)
        for client in residents + floor_clients:
            client.close()
    finally:
        server.stop()
    received = int(kiban(env, "shell", "--no-imports", "-c",
                         RECEIVED_COUNT.format(emails=emails[:-1])))
    expected = warmup.completed + platform_run.completed
    platform_figures = summary(platform_run)
    floor_figures = summary(floor_run)
    platform_figures.update({
        "writes_per_application": count["writes_per_application"],
        "queries_per_application": count["queries_per_application"],
        "requests_per_application": len(count["requests"]),
        "received_in_database": received,
    })
    ratio = platform_figures["applications_per_second"] / floor_figures["applications_per_second"]
    return {
        "platform": platform_figures,
        "floor": floor_figures,
        "ratio": round(ratio, 3),
        "targets": {
            "ratio_at_least_0.40": ratio >= TARGET_RATIO,
            "p95_below_150_ms": platform_figures["p95_ms"] < TARGET_P95_MS,
            "all_applications_received": received == expected,
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
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--time-limit", type=float, default=60,
                        help="seconds any one phase may run before clients stop (60)")
    parser.add_argument("--budget", type=float, default=270,
                        help="seconds the timed phases of all databases may take together (270)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dirs")
    args = parser.parse_args(argv)
    if not (1 <= args.residents <= 200 and 1 <= args.rounds <= args.applications <= 100
            and 0 <= args.warmup <= 10):
        parser.error("keep residents in 1…200, rounds in 1…applications ≤ 100, warm-up in 0…10")
    if args.applications % args.rounds:
        parser.error("--applications must be a multiple of --rounds")
    deadline = time.monotonic() + args.budget
    # A phase gets its own limit, or what is left of the budget (clients then stop early).
    args.limit = lambda: max(1.0, min(args.time_limit, deadline - time.monotonic()))
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
        "server": "kiban serve: gunicorn, 2 workers x 8 threads (gthread)",
        "machine": machine(), "databases": {},
    }
    for name in args.databases.split(","):
        var_dir = Path(tempfile.mkdtemp(prefix=f"kiban-bench-{name}-"))
        (var_dir / "static").mkdir()  # whitenoise serves from finders; an empty root is enough
        env = {**os.environ, "KIBAN_VAR_DIR": str(var_dir), "KIBAN_BENCH": "1",
               "KIBAN_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "kiban.settings"}
        env.pop("DATABASE_URL", None)
        if name == "postgresql":
            version = postgres_reset(args.postgres_url)
            if version is None:
                result["databases"][name] = {"skipped": "PostgreSQL unreachable"}
                continue
            result["machine"]["postgresql"] = version
            env["DATABASE_URL"] = args.postgres_url
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        load = os.getloadavg()
        try:
            result["databases"][name] = bench_database(
                "postgresql" if name == "postgresql" else "sqlite", env, args)
            result["databases"][name]["load_average_before"] = [round(x, 2) for x in load]
        finally:
            if not args.keep:
                shutil.rmtree(var_dir, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out = PROJECT_DIR / "var" / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
