"""The server under test: `kiban serve` (Granian) on 127.0.0.1, in its own process group."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PYTHON = sys.executable


def server_description(env: dict | None = None) -> str:
    """Say which server `kiban serve` runs and how (kiban.cli.serve's defaults)."""
    env = os.environ if env is None else env
    sqlite = not env.get("DATABASE_URL", "").startswith("postgres")
    workers = env.get("KIBAN_WEB_WORKERS", "2")
    threads = env.get("KIBAN_WEB_THREADS", "1" if sqlite else "2")
    return f"kiban serve: Granian (WSGI), {workers} workers x {threads} threads"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _process_ticks(keep) -> int:
    """Sum the CPU ticks (user + system) of the processes whose (comm, stat fields) `keep`."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue  # the process ended meanwhile
        fields = rest.split()
        if keep(head.split("(", 1)[1], fields):
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def database_cpu_seconds() -> float:
    """Return the CPU time used so far by the PostgreSQL server's processes on this machine."""
    return _process_ticks(lambda comm, fields: comm == "postgres") / os.sysconf("SC_CLK_TCK")


class Server:
    """`kiban serve` (Granian) on 127.0.0.1, stopped through its own process group."""

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
        pid = self.process.pid  # pgrp: the session `serve` started
        ticks = _process_ticks(lambda comm, fields: int(fields[2]) == pid)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # kiban serve stops its server on SIGTERM
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=5)
        self.log.close()
