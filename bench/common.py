"""What every bench script shares: the machine, a fresh database per run, the JSON result."""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent


def machine() -> dict:
    """Describe the machine and the software the figures were taken with."""
    import sqlite3

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
    return {
        "cpu_count": os.cpu_count(), "cpu_model": model, "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }


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


def database_environment(name: str, bench: str, postgres_url: str, result: dict,
                         **settings: str) -> tuple[Path, dict] | None:
    """Return a temporary var dir and the environment that runs kiban on database `name`.

    `postgresql` gets a fresh database at `postgres_url` (its version goes into the result's
    machine); when PostgreSQL is unreachable the result says so and None is returned.
    `settings` are added to the environment (KIBAN_BENCH="1", …).
    """
    env = {**os.environ, "KIBAN_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "kiban.settings",
           **settings}
    env.pop("DATABASE_URL", None)
    if name == "postgresql":
        version = postgres_reset(postgres_url)
        if version is None:
            result["databases"][name] = {"skipped": "PostgreSQL unreachable"}
            return None
        result.setdefault("machine", {})["postgresql"] = version
        env["DATABASE_URL"] = postgres_url
    var_dir = Path(tempfile.mkdtemp(prefix=f"kiban-bench-{bench}-{name}-"))
    (var_dir / "static").mkdir()  # whitenoise serves from finders; an empty root is enough
    env["KIBAN_VAR_DIR"] = str(var_dir)
    return var_dir, env


def result_write(result: dict, filename: str) -> None:
    """Print the result as JSON and keep it in var/bench/`filename`."""
    text = json.dumps(result, ensure_ascii=False, indent=2)
    out = PROJECT_DIR / "var" / "bench" / filename
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
