"""`make bench` (insights): dashboards over millions of journey events, and rollup catch-up.

For each database (a temporary SQLite file under KIBAN_VAR_DIR, and PostgreSQL database
kiban_bench_insights when reachable), in a child process of its own:

  setup     migrate; create bureaus x procedures (the demo definitions, published) and a
            bureau analyst; generate --events journey events over the last two fiscal years
            (bulk inserts: executemany on SQLite, COPY on PostgreSQL) and --answers
            satisfaction answers; build the rollups once with `rollups_rebuild`;
  dashboard render the bureau dashboard (one bureau, two fiscal years, by month) on the
            server side through Django's test client, --repeat times: median and p95 (target
            < 200 ms); also the all-bureaus view and the public transparency page;
  floor     the same client rendering a page that only reads the session (/healthz);
  catch-up  insert --catch-up new events and time `rollups_run` until the rollups have
            read them all: events per second (target >= 2,000); floor: reading the same
            rows by primary key with no rollup work.

Print the figures as JSON and write them to var/bench/insights.json. The default
--events 2,000,000 keeps `make bench` to a few minutes; `--events 10000000` is the size the
issue names (docs/performance.md, "Insights", reports both).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

from common import database_environment, result_write

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kiban_bench_insights"
TARGET_DASHBOARD_MS = 200.0
TARGET_EVENTS_PER_SECOND = 2000.0
BUREAUS = 5
PROCEDURES_PER_BUREAU = 4
EVENTS_PER_JOURNEY = 8  # about what the journeys below produce, for sizing
DEVICES = ("mobile", "mobile", "mobile", "desktop", "desktop", "tablet")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2_000_000,
                        help="journey events to generate (2,000,000; the issue: 10,000,000)")
    parser.add_argument("--answers", type=int, default=100_000,
                        help="satisfaction answers (100,000)")
    parser.add_argument("--catch-up", type=int, default=100_000,
                        help="new events the rollups must catch up with (100,000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed renders per page (20)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one database in this process
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dirs")
    args = parser.parse_args(argv)
    if not (1_000 <= args.events <= 20_000_000 and 0 <= args.answers <= 2_000_000
            and 1_000 <= args.catch_up <= 2_000_000 and 1 <= args.repeat <= 200):
        parser.error("keep events in 1e3…2e7, answers in 0…2e6, catch-up in 1e3…2e6")
    return args


# --- the child process: one database ----------------------------------------------------------


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    import django

    django.setup()


def _organisations_and_procedures():
    from kiban.identity import services as identity
    from kiban.identity.constants import OrganisationKind, Role
    from kiban.identity.models import User
    from kiban.procedures.models import ProcedureVersion
    from kiban.procedures.services import procedure_create, version_publish
    from kiban.registry.catalogue import catalogue_load
    from kiban.web.demo import demo_procedure_definitions

    catalogue_load()
    definitions = list(demo_procedure_definitions().items())
    platform_org = identity.organisation_create(
        code="digital-service", name_ja="デジタルサービス局", name_en="Digital Service Bureau",
        kind=OrganisationKind.PLATFORM)
    admin = identity.account_register(email="admin@bench.kiban.jp", password="bench-password-1",
                                      display_name="bench admin", kind="staff")
    identity.membership_grant(user=admin, organisation=platform_org, role=Role.ADMIN)
    procedures = []
    for b in range(BUREAUS):
        bureau = identity.organisation_create(code=f"bureau-{b:02d}", name_ja=f"ベンチ局{b}",
                                              name_en=f"Bench bureau {b}")
        analyst = identity.account_register(email=f"analyst{b}@bench.kiban.jp",
                                            password="bench-password-1",
                                            display_name=f"analyst {b}", kind="staff")
        identity.membership_grant(user=analyst, organisation=bureau, role=Role.ANALYST)
        for p in range(PROCEDURES_PER_BUREAU):
            base, definition = definitions[(b + p) % len(definitions)]
            code = f"{base}-{b:02d}{p:02d}"
            procedure = procedure_create(code=code, organisation=bureau,
                                         definition={**definition, "code": code}, actor=admin)
            version_publish(version=ProcedureVersion.objects.get(procedure=procedure),
                            actor=admin)
            procedures.append(procedure)
    return procedures, User.objects.get(email="analyst0@bench.kiban.jp"), admin


def _shapes(procedure, rng: random.Random) -> list[list[tuple]]:
    """Return journey shapes: lists of (kind, step, field, first, ending, seconds)."""
    steps = [(s["id"], [f["id"] for f in s.get("fields", [])])
             for s in procedure.versions.get().definition["steps"]]
    worst = rng.randrange(len(steps))
    shapes = []
    for _ in range(400):
        events = [("start", "", "", False, "", None)]
        finished = True
        for index, (step, fields) in enumerate(steps):
            events.append(("step_shown", step, "", False, "", None))
            for field in fields:
                if rng.random() < (0.25 if index == worst else 0.05):
                    events.append(("step_error", step, field, False, "", None))
            if rng.random() > (0.7 if index == worst else 0.95):
                finished = False
                break
            events.append(("step_completed", step, "", True, "", None))
        if finished:
            events.append(("review", "", "", False, "", None))
            events.append(("submitted", "", "", False, "submitted",
                           int(rng.lognormvariate(6.3, 0.7))))
        if rng.random() < 0.1:
            events.insert(2, ("resumed", steps[0][0], "", False, "", None))
        shapes.append(events)
    return shapes


class Writer:
    """Bulk insert journey events: executemany on SQLite, COPY on PostgreSQL."""

    COLUMNS = ("at", "month", "kind", "organisation_id", "procedure_id", "journey", "step",
               "field", "device", "ending", "seconds", "first")

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def write(self, rows: list[tuple]) -> None:
        from django.db import transaction

        table = "insights_journeyevent"
        with transaction.atomic(), self.connection.cursor() as cursor:
            if self.postgres:
                names = ", ".join(f'"{c}"' for c in self.COLUMNS)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                names = ", ".join(f'"{c}"' for c in self.COLUMNS)
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _stamp(moment: datetime, postgres: bool):
    return moment if postgres else moment.strftime("%Y-%m-%d %H:%M:%S")


def generate_events(procedures, total: int, first: date, last: date, seed: int,
                    journey_offset: int = 0, writer: Writer | None = None) -> int:
    """Generate about `total` events for journeys between `first` and `last`; return count."""
    from kiban.insights.periods import months_between

    writer = writer or Writer()
    rng = random.Random(seed)
    shapes = {p.pk: _shapes(p, rng) for p in procedures}
    months = months_between(first, last)
    journeys_per_cell = max(1, total // EVENTS_PER_JOURNEY // (len(months) * len(procedures)))
    written, number, batch = 0, journey_offset, []
    for month in months:
        start = datetime(month.year, month.month, 1, tzinfo=UTC)
        span = 27 * 86400
        for procedure in procedures:
            options = shapes[procedure.pk]
            for _ in range(journeys_per_cell):
                number += 1
                moment = start + timedelta(seconds=rng.randrange(span))
                at = _stamp(moment, writer.postgres)
                key = f"{number:032x}"
                device = DEVICES[number % len(DEVICES)]
                shape = options[number % len(options)]
                for kind, step, field, first_time, ending, seconds in shape:
                    batch.append((at, month if writer.postgres else month.isoformat(), kind,
                                  procedure.organisation_id, procedure.pk, key,
                                  step, field, device, ending, seconds, first_time))
                if len(batch) >= 100_000:
                    writer.write(batch)
                    written += len(batch)
                    batch = []
    if batch:
        writer.write(batch)
        written += len(batch)
    return written


def generate_answers(procedures, total: int, first: date, last: date, seed: int) -> int:
    from kiban.insights.models import SatisfactionResponse
    from kiban.insights.periods import months_between

    rng = random.Random(seed)
    months = months_between(first, last)
    rows = []
    for i in range(total):
        procedure = procedures[i % len(procedures)]
        month = months[i % len(months)]
        score = max(0, min(10, round(rng.gauss(7.2, 2.2))))
        rows.append(SatisfactionResponse(
            at=datetime(month.year, month.month, 10, tzinfo=UTC), month=month,
            procedure=procedure, organisation_id=procedure.organisation_id,
            ending="submitted", score=score, comment="", has_comment=False))
    SatisfactionResponse.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from kiban.identity.services import totp_device_create

    client = Client()
    device = totp_device_create(user=user, confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_page(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"url": url, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "queries": len(queries), "bytes": len(response.content)}


def catch_up(procedures, count: int) -> dict:
    """Insert `count` new events now and time the rollups catching up; with a floor."""
    from django.db import connection

    from kiban.insights.models import JourneyEvent
    from kiban.insights.rollups import rollups_lag, rollups_run

    today = date.today().replace(day=1)
    before = JourneyEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    written = generate_events(procedures, count, today, today, seed=99, journey_offset=10**9)
    started = time.perf_counter()
    runs = 0
    while rollups_lag() > 0 and runs < 100:
        rollups_run(max_seconds=600)
        runs += 1
    seconds = time.perf_counter() - started
    floor_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, kind, procedure_id, month, journey, step, field, device, "
                       "ending, seconds, first, at FROM insights_journeyevent WHERE id > %s "
                       "ORDER BY id", [before])
        floor_rows = len(cursor.fetchall())
    floor_seconds = time.perf_counter() - floor_started
    return {"events": written, "seconds": round(seconds, 2),
            "events_per_second": round(written / seconds),
            "lag_after": rollups_lag(),
            "floor_read_events_per_second": round(floor_rows / max(floor_seconds, 1e-9))}


def run_one(args) -> dict:
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from kiban.insights.models import JourneyRollup, JourneyState
    from kiban.insights.periods import fiscal_year
    from kiban.insights.rollups import rollups_rebuild
    from kiban.web.translations import compile_translations

    compile_translations()
    call_command("migrate", "--no-input", "-v", "0")
    started = time.perf_counter()
    procedures, analyst, admin = _organisations_and_procedures()
    today = date.today()
    fy = fiscal_year(today)
    first, last = date(fy - 1, 4, 1), date(today.year, today.month, 1) - timedelta(days=1)
    generated = time.perf_counter()
    events = generate_events(procedures, args.events, first, last.replace(day=1), seed=1)
    events_seconds = time.perf_counter() - generated
    answers = generate_answers(procedures, args.answers, first, last.replace(day=1), seed=2)
    rebuilt = time.perf_counter()
    rebuild = rollups_rebuild()
    rebuild_seconds = time.perf_counter() - rebuilt
    setup_seconds = time.perf_counter() - started
    bureau_url = f"/staff/insights/?bureau=bureau-00&first={fy - 1}&last={fy}&grain=month"
    analyst_client, admin_client = _client(analyst), _client(admin)
    from django.test import Client

    pages = {
        "bureau_dashboard": time_page(analyst_client, bureau_url, args.repeat),
        "all_bureaus_dashboard": time_page(admin_client, f"/staff/insights/?first={fy - 1}"
                                           f"&last={fy}&grain=month", args.repeat),
        "procedure_page": time_page(analyst_client, f"/staff/insights/procedures/"
                                    f"{procedures[0].code}/?first={fy - 1}&last={fy}",
                                    args.repeat),
        "transparency": time_page(Client(), "/transparency/", args.repeat),
        "floor_healthz": time_page(analyst_client, "/healthz", args.repeat),
    }
    catch = catch_up(procedures, args.catch_up)
    dashboard = pages["bureau_dashboard"]
    return {
        "database": connection.vendor,
        "setup": {"journey_events": events, "answers": answers,
                  "events_per_second_generated": round(events / events_seconds),
                  "rollup_rebuild_seconds": round(rebuild_seconds, 1),
                  "rollup_rows": JourneyRollup.objects.count(),
                  "journey_states": JourneyState.objects.count(),
                  "abandoned_journeys": rebuild["abandoned"],
                  "seconds": round(setup_seconds, 1),
                  "procedures": len(procedures), "bureaus": BUREAUS,
                  "months": f"{first.isoformat()[:7]}…{last.isoformat()[:7]}"},
        "pages": pages,
        "catch_up": catch,
        "targets": {
            "bureau_dashboard_median_below_200_ms": dashboard["median_ms"] < TARGET_DASHBOARD_MS,
            "bureau_dashboard_p95_below_200_ms": dashboard["p95_ms"] < TARGET_DASHBOARD_MS,
            "catch_up_at_least_2000_events_per_second":
                catch["events_per_second"] >= TARGET_EVENTS_PER_SECOND,
        },
    }


# --- the parent: one child per database ---------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args), ensure_ascii=False))
        return 0
    started = time.perf_counter()
    result = {
        "benchmark": "insights dashboards over journey events, and rollup catch-up",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "events": args.events, "answers": args.answers, "catch_up_events": args.catch_up,
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "load_average_before": [round(x, 2) for x in os.getloadavg()]},
        "databases": {},
    }
    for name in args.databases.split(","):
        prepared = database_environment(name, "insights", args.postgres_url, result)
        if prepared is None:
            continue
        var_dir, env = prepared
        print(f"bench insights: {name}, {args.events:,} events …", file=sys.stderr, flush=True)
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--one", name, "--events", str(args.events),
                 "--answers", str(args.answers), "--catch-up", str(args.catch_up),
                 "--repeat", str(args.repeat)],
                env=env, capture_output=True, text=True, timeout=3600, check=False)
            if done.returncode:  # keep the other databases' figures; report this one's error
                result["databases"][name] = {"failed": done.stderr[-4000:]}
            else:
                result["databases"][name] = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            if not args.keep:
                shutil.rmtree(var_dir, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result_write(result, "insights.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
