"""Profile the resident flow in-process: where one application's CPU time goes.

No server, no concurrency: one resident completes applications through Django's test
client (the full middleware stack, no network) under cProfile. Use a database prepared by
`python bench/run.py --databases sqlite --keep` (its KIBAN_VAR_DIR) or any demo database:

    KIBAN_VAR_DIR=/tmp/kiban-bench-sqlite-… python bench/profile_flow.py [applications]
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
django.setup()

from django.test import Client  # noqa: E402
from journey import Reply, apply, sign_in  # noqa: E402

PROCEDURE = os.environ.get("BENCH_PROCEDURE", "housing-application")
EMAIL = os.environ.get("BENCH_EMAIL", "resident00999@synthetic.kiban.jp")


class InProcess:
    def __init__(self) -> None:
        self.client = Client()

    def _reply(self, response) -> Reply:
        return Reply(response.status_code, response.get("Location", ""),
                     response.content.decode("utf-8", "replace"))

    def get(self, path: str) -> Reply:
        return self._reply(self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Reply:
        return self._reply(self.client.post(path, data))

    def csrf_token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie else ""


def main(applications: int) -> None:
    transport = InProcess()
    sign_in(transport, EMAIL, "kiban-demo-2026")
    for _ in range(3):  # templates, translations and definitions loaded once
        apply(transport, PROCEDURE, lambda label, seconds: None)
    per_page: dict[str, list[float]] = defaultdict(list)

    def record(label: str, seconds: float) -> None:
        per_page[label].append(seconds)

    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for _ in range(applications):
        apply(transport, PROCEDURE, record)
    profiler.disable()
    cpu = time.process_time() - started
    print(f"{applications} applications, {cpu / applications * 1000:.1f} ms CPU each "
          "(under cProfile, which roughly doubles it)")
    for label, values in per_page.items():
        print(f"  {label:<12} {sum(values) / len(values) * 1000:7.1f} ms")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
