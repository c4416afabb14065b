"""`make bench` (builder): open and save a 200-field procedure; render a resident step of it.

In a child process per database (a temporary SQLite file under KIBAN_VAR_DIR, and
PostgreSQL database kiban_bench_builder when reachable):

  setup   migrate; a bureau with an editor (two-factor passed) and a resident; a procedure
          of --fields fields (default 200) in steps of --per-step (40), every type, texts in
          Japanese, English and やさしい日本語, prefill and conditions; a resident draft;
  open    GET the builder's editor page of the draft, through Django's test client
          (the whole request: middleware, session, queries, template): median and p95
          (target < 300 ms);
  save    POST one question's page (labels, help, options, conditions), which loads the
          draft, applies the change, diffs it for the audit record and writes it; the
          redirect is not followed (target < 300 ms);
  render  GET a resident's step page of the procedure (its largest step) and, alone,
          ``forms.render_step`` of that step (target < 100 ms);
  floor   the same client GET of /healthz (session and middleware only), and render_step
          of a step holding one text field.

Print the figures as JSON and write them to var/bench/builder.json. docs/performance.md
("Builder") explains them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime

from common import PROJECT_DIR, database_environment, machine, result_write

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/kiban_bench_builder"
TARGET_BUILDER_MS = 300.0
TARGET_RENDER_MS = 100.0
TYPES = ["text", "name", "date", "postal_address", "phone", "email", "number", "yes_no",
         "choice", "multi_choice", "long_text", "bank_account", "corporate_number"]
PREFILL = {"name": "person.name", "postal_address": "person.address", "phone": "person.phone",
           "email": "person.email"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fields", type=int, default=200, help="fields of the procedure (200)")
    parser.add_argument("--per-step", type=int, default=40, help="fields per step (40)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests each (30)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one database in this process
    args = parser.parse_args(argv)
    if not (1 <= args.fields <= 2000 and 1 <= args.per_step <= 60 and 1 <= args.repeat <= 500):
        parser.error("keep fields in 1…2000, per-step in 1…60, repeat in 1…500")
    return args


def texts(ja: str, en: str, easy: str) -> dict:
    return {"ja": ja, "en": en, "ja-easy": easy}


def bench_field(number: int) -> dict:
    """Return field ``number`` of the bench procedure: every type in turn, all texts."""
    kind = TYPES[number % len(TYPES)]
    field = {
        "id": f"f{number:04d}", "type": kind,
        "label": texts(f"質問{number}", f"Question {number}", f"しつもん {number}"),
        "help": texts("分かる範囲で入力してください。", "Answer as far as you know.",
                      "わかる ことを かいて ください。"),
        "required": number % 3 == 0, "need": "審査に使います。",
    }
    if kind in PREFILL and number < len(TYPES):
        field["prefill"] = PREFILL[kind]
    if kind in ("choice", "multi_choice"):
        field["options"] = {"choices": [
            {"value": f"c{i}", "label": texts(f"選択肢{i}", f"Choice {i}", f"えらぶ {i}")}
            for i in range(5)]}
    if kind == "number":
        field["options"] = {"min": 0, "max": 1000,
                            "unit": texts("人", "people", "にん")}
    return field


def bench_definition(code: str, fields: int, per_step: int) -> dict:
    steps = []
    for start in range(0, fields, per_step):
        index = len(steps)
        number = index + 1
        step = {"id": f"step_{number}",
                "title": texts(f"ステップ{number}", f"Step {number}", f"すてっぷ {number}"),
                "fields": [bench_field(n) for n in range(start, min(start + per_step, fields))]}
        if index >= 2:
            step["show_if"] = {"!=": [{"var": "f0007"}, False]}  # the first yes/no question
        steps.append(step)
    return {
        "code": code, "title": texts("ベンチ手続", "Bench procedure", "べんち"),
        "purpose": texts("性能測定のため。", "To measure speed.", "はやさを はかります。"),
        "legal_basis": "本人の同意", "retention_days": 365, "contact": "03-0000-0000",
        "languages": ["ja", "en", "ja-easy"], "steps": steps,
    }


# --- the child process: one database ----------------------------------------------------------


def timed(function, repeat: int) -> dict:
    """Return wall-clock and CPU milliseconds of ``function``: median, p95 and max.

    CPU time (this process: the whole request on the server side, the test client's few
    microseconds included; not PostgreSQL's own process) stays meaningful on a busy
    machine, where wall-clock time also measures waiting for a CPU.
    """
    function()  # warm caches (templates, the schema validator) untimed
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    wall.sort()
    cpu.sort()

    def p95(samples):
        return round(samples[max(0, int(len(samples) * 0.95) - 1)], 1)

    return {
        "median_ms": round(statistics.median(wall), 1), "p95_ms": p95(wall),
        "max_ms": round(wall[-1], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": p95(cpu),
    }


def _setup(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kiban.identity import services as identity
    from kiban.identity.constants import OrganisationKind, Role, UserKind
    from kiban.procedures.services import procedure_create
    from kiban.registry.catalogue import catalogue_load

    catalogue_load()
    bureau = identity.organisation_create(code="bench", name_ja="ベンチ局", name_en="Bench Bureau",
                                          kind=OrganisationKind.BUREAU)
    editor = identity.account_register(email="editor@bench.kiban.jp", password="bench-password-1",
                                       display_name="編集者", kind=UserKind.STAFF)
    identity.membership_grant(user=editor, organisation=bureau, role=Role.EDITOR)
    device = TOTPDevice.objects.create(user=editor, name="bench", confirmed=True)
    definition = bench_definition("bench-procedure", args.fields, args.per_step)
    procedure = procedure_create(code="bench-procedure", organisation=bureau,
                                 definition=definition, actor=editor)
    return editor, device, procedure, DEVICE_ID_SESSION_KEY


def _client(user, device, key):
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session[key] = device.persistent_id
    session.save()
    return client


def _resident_page(args, procedure):
    """Publish the procedure, start a resident's draft, return (client, step URL, index)."""
    from kiban.identity import services as identity
    from kiban.procedures.services import version_publish
    from kiban.registry.services import subject_create_for_user

    version = procedure.versions.get()
    version_publish(version=version, actor=None)
    resident = identity.account_register(email="resident@bench.kiban.jp",
                                         password="bench-password-1", display_name="住民")
    if not hasattr(resident, "subject"):
        subject_create_for_user(user=resident)
    from django.test import Client

    client = Client()
    client.force_login(resident)
    start = client.post(f"/services/{procedure.code}/")
    step_url = start["Location"]
    return client, step_url, version


def run_one(args) -> dict:
    editor, device, procedure, key = _setup(args)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tests.formparse import form_values  # the same reader the tests use

    from kiban.procedures.rendering import render_step
    from kiban.procedures.workflow import revision

    client = _client(editor, device, key)
    editor_url = f"/staff/builder/p/{procedure.code}/v1/"
    field_url = f"{editor_url}fields/f0001/"
    page = client.get(field_url)
    assert page.status_code == 200, page.status_code
    values, _choices = form_values(page.content.decode())
    turn = {"n": 0, "rev": values["revision"]}

    def open_editor():
        response = client.get(editor_url)
        assert response.status_code == 200, response.status_code

    def save_field():
        turn["n"] += 1
        posted = {**values, "label_en": f"Question 1 ({turn['n']})", "revision": turn["rev"]}
        response = client.post(field_url, posted)
        # The next save carries the new revision, as the page the editor reloads would.
        turn["rev"] = revision(procedure.versions.get())
        if response.status_code != 302:
            import re

            html = response.content.decode()
            raise AssertionError(re.findall(r'field-error[^>]*>(.*?)</span>', html, re.S)
                                 or re.findall(r'class="notice[^>]*>(.*?)</', html, re.S)
                                 or response.status_code)

    # Counted at once: every request clears the connection's query log when it starts.
    with CaptureQueriesContext(connection) as opened:
        open_editor()
    open_queries = len(opened.captured_queries)
    with CaptureQueriesContext(connection) as saved:
        save_field()
    save_queries = len(saved.captured_queries)
    result = {
        "open": {**timed(open_editor, args.repeat), "queries": open_queries,
                 "bytes": len(client.get(editor_url).content)},
        "save": {**timed(save_field, args.repeat), "queries": save_queries},
    }
    definition = procedure.versions.get().definition
    largest = max(range(len(definition["steps"])),
                  key=lambda i: len(definition["steps"][i]["fields"]))
    resident, step_url, version = _resident_page(args, procedure)
    step_url = step_url.rsplit("/step/", 1)[0] + f"/step/{largest}/"
    result["render"] = {
        "step_fields": len(definition["steps"][largest]["fields"]),
        "page": timed(lambda: resident.get(step_url), args.repeat),
        "render_step": timed(lambda: render_step(version.definition, largest, {}, "ja"),
                             args.repeat),
    }
    one = {"steps": [{"id": "s", "title": {"ja": "一"}, "fields": [
        {"id": "t", "type": "text", "label": {"ja": "一", "en": "one"}}]}]}
    result["floor"] = {
        "healthz": timed(lambda: client.get("/healthz"), args.repeat),
        "render_step_one_field": timed(lambda: render_step(one, 0, {}, "ja"), args.repeat),
    }
    result["targets"] = {
        "open_p95_below_300_ms": result["open"]["p95_ms"] < TARGET_BUILDER_MS,
        "save_p95_below_300_ms": result["save"]["p95_ms"] < TARGET_BUILDER_MS,
        "render_page_p95_below_100_ms": result["render"]["page"]["p95_ms"] < TARGET_RENDER_MS,
    }
    return result


# --- the parent: one child per database ---------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args)))
        return 0
    result = {
        "benchmark": "builder: open and save a procedure, render a resident step",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "fields": args.fields, "fields_per_step": args.per_step, "repeat": args.repeat,
        "machine": machine(), "databases": {},
    }
    for name in args.databases.split(","):
        prepared = database_environment(name, "builder", args.postgres_url, result,
                                        PYTHONPATH=str(PROJECT_DIR))
        if prepared is None:
            continue
        var_dir, env = prepared
        print(f"bench builder: {name} …", file=sys.stderr, flush=True)
        load = os.getloadavg()
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--one", name, "--fields", str(args.fields),
                 "--per-step", str(args.per_step), "--repeat", str(args.repeat)],
                env=env, capture_output=True, text=True, timeout=600, check=False,
            )
            if done.returncode:
                raise RuntimeError(f"{name} failed:\n{done.stdout}\n{done.stderr}")
            result["databases"][name] = json.loads(done.stdout.strip().splitlines()[-1])
            result["databases"][name]["load_average_before"] = [round(x, 2) for x in load]
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)
    result_write(result, "builder.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
