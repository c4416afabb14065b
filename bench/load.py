"""Concurrent clients for the bench: residents on the platform, and the floor's clients.

One thread per client; each completes a fixed number of applications, and stops early
when the phase's time limit has passed. Every request's latency is kept by label.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from http_client import Connection, HTTPError
from journey import JourneyError, Reply, apply, sign_in

REQUEST_TIMEOUT = 10.0
SIGN_IN_TIMEOUT = 60.0  # argon2 takes its time, more so with several at once
SIGN_IN_AT_ONCE = 4
JOIN_GRACE = 15.0  # seconds past the time limit a started application may still take


def _http(url: str) -> Connection:
    return Connection(url, timeout=REQUEST_TIMEOUT)


class Client:
    http: Connection

    def reconnect(self) -> None:
        """Start the phase on a new connection, keeping the cookies.

        A server may close a keep-alive connection that was idle between phases; reusing one
        the server is closing at that moment fails a request that the platform never saw.
        """
        self.http.reconnect()

    def close(self) -> None:
        self.http.close()


class ResidentClient(Client):
    """A resident's browser: one connection with its cookies, no automatic redirects."""

    def __init__(self, url: str, email: str, password: str, procedure: str):
        self.http = _http(url)
        self.email, self.password, self.procedure = email, password, procedure

    def _reply(self, response) -> Reply:
        return Reply(response.status_code, response.headers.get("location", ""), response.text)

    def get(self, path: str) -> Reply:
        return self._reply(self.http.get(path))

    def post(self, path: str, data: dict[str, str]) -> Reply:
        return self._reply(self.http.post(path, data=data))

    def csrf_token(self) -> str:
        return self.http.cookies.get("csrftoken") or ""

    def sign_in(self) -> None:
        self.http.timeout = SIGN_IN_TIMEOUT
        sign_in(self, self.email, self.password)
        self.http.timeout = REQUEST_TIMEOUT

    def one(self, record) -> None:
        apply(self, self.procedure, record)


class FloorClient(Client):
    """Make the platform's requests of one application, by method and writes, to the floor."""

    def __init__(self, url: str, writes: list[tuple[str, int]]):
        self.http = _http(url)
        self.writes = writes

    def one(self, record) -> None:
        for number, (method, count) in enumerate(self.writes):
            started = time.perf_counter()
            response = self.http.request(method, "/bench/floor/", params={"writes": count})
            record(f"{number:02d} {method} {count} writes", time.perf_counter() - started)
            if response.status_code != 200:
                raise JourneyError(f"floor: HTTP {response.status_code}")


def signed_in_residents(url: str, emails: list[str], password: str,
                        procedure: str) -> list[ResidentClient]:
    """Sign every resident in, a few at a time (argon2 is slow on purpose: kept out of the
    timing, and each hash takes 100 MiB)."""
    residents = [ResidentClient(url, email, password, procedure) for email in emails]
    with ThreadPoolExecutor(max_workers=SIGN_IN_AT_ONCE) as pool:
        list(pool.map(lambda resident: resident.sign_in(), residents, timeout=180))
    return residents


@dataclass
class PhaseResult:
    completed: int = 0
    failed: int = 0
    seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    machine_busy: float = 0.0
    stopped_early: bool = False
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)


class Timings(list):
    """Collect (label, seconds) of one application's requests; passed as its `record`."""

    def __call__(self, label: str, seconds: float) -> None:
        self.append((label, seconds))


def merged(results: list[PhaseResult]) -> PhaseResult:
    """Return the phases as one: counts, times and latencies added up."""
    total = PhaseResult()
    for result in results:
        total.completed += result.completed
        total.failed += result.failed
        total.client_cpu_seconds += result.client_cpu_seconds
        total.server_cpu_seconds += result.server_cpu_seconds
        total.machine_busy += result.machine_busy * result.seconds
        total.seconds += result.seconds
        total.stopped_early = total.stopped_early or result.stopped_early
        for label, values in result.latencies.items():
            total.latencies[label].extend(values)
        total.errors.extend(result.errors[: 5 - len(total.errors)])
    total.machine_busy /= total.seconds or 1
    return total


def machine_ticks() -> tuple[int, int]:
    """Return (busy, total) CPU ticks of the whole machine so far, from /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def run_phase(clients: list, per_client: int, time_limit: float,
              server_cpu: Callable[[], float] = lambda: 0.0) -> PhaseResult:
    """Let every client complete `per_client` applications at once; time the whole phase.

    `server_cpu` returns the server's CPU seconds so far, to charge the phase its share.
    """
    result = PhaseResult()
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    deadline = time.monotonic() + time_limit

    def work(client: Client) -> None:
        client.reconnect()
        barrier.wait()
        for _ in range(per_client):
            if time.monotonic() > deadline:
                result.stopped_early = True
                return
            timings = Timings()
            try:
                client.one(timings)
                ok, error = True, ""
            except (JourneyError, *HTTPError) as problem:
                ok, error = False, f"{type(problem).__name__}: {problem}"
            with lock:
                for label, seconds in timings:
                    result.latencies[label].append(seconds)
                result.completed += ok
                result.failed += not ok
                if error and len(result.errors) < 5:
                    result.errors.append(error)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    cpu, server, machine = time.process_time(), server_cpu(), machine_ticks()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + JOIN_GRACE - time.monotonic()))
    result.seconds = time.perf_counter() - started
    result.client_cpu_seconds = time.process_time() - cpu
    result.server_cpu_seconds = server_cpu() - server
    busy, total = (now - before for now, before in zip(machine_ticks(), machine, strict=True))
    result.machine_busy = busy / total if total else 0.0
    result.stopped_early = result.stopped_early or any(t.is_alive() for t in threads)
    return result


def _ms(values: list[float], quantile: int) -> float | None:
    if len(values) < 2:
        return round(values[0] * 1000, 1) if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[quantile - 1] * 1000, 1)


def summary(result: PhaseResult) -> dict:
    """Return throughput and latency figures of a phase, overall and by request."""
    every = [s for values in result.latencies.values() for s in values]
    return {
        "applications_per_second": round(result.completed / result.seconds, 2),
        "applications": result.completed,
        "failed": result.failed,
        "requests": len(every),
        "seconds": round(result.seconds, 2),
        "p50_ms": _ms(every, 50),
        "p95_ms": _ms(every, 95),
        "max_ms": round(max(every, default=0) * 1000, 1),
        "by_request": {
            label: {"p50_ms": _ms(values, 50), "p95_ms": _ms(values, 95)}
            for label, values in result.latencies.items()  # in the order of the journey
        },
        # CPU per application: the server's, and the load generator's on the same machine.
        "server_cpu_ms_per_application": round(
            result.server_cpu_seconds / max(1, result.completed) * 1000, 1),
        "client_cpu_ms_per_application": round(
            result.client_cpu_seconds / max(1, result.completed) * 1000, 1),
        "machine_cpu_busy": round(result.machine_busy, 2),
        # Busy CPU neither the server nor the bench used: other work on a shared machine.
        "other_processes_cpu": round(max(0.0, result.machine_busy - (
            result.server_cpu_seconds + result.client_cpu_seconds)
            / (result.seconds * (os.cpu_count() or 1))), 2),
        "stopped_early": result.stopped_early,
        "errors": result.errors,
    }
