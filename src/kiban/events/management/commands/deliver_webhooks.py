"""`kiban deliver_webhooks [--loop]`: deliver due webhooks (and publish to NATS if set).

With --loop it runs until SIGTERM or SIGINT, finishing the batch at hand; `kiban demo`
starts it beside the tasks worker. Killing it with SIGKILL loses nothing: its claims lapse
after the lease and another run delivers them again.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kiban.events.delivery import http_client, worker_name
from kiban.events.tasks import dispatch_once

log = logging.getLogger("kiban.events")


class Command(BaseCommand):
    help = "Deliver due webhook deliveries; with --loop, keep doing so."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run until stopped")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when there is nothing to do (1)")

    def handle(self, *args, loop: bool = False, interval: float = 1.0, **options):
        stopping = []
        if loop:
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_: stopping.append(True))
        worker = worker_name()
        with http_client() as client:
            while True:
                try:
                    report = dispatch_once(client=client, worker=worker, budget_seconds=20)
                except Exception:  # the database restarting, say: try again shortly
                    log.exception("event dispatch failed")
                    report = None
                if report is not None and report.busy and options.get("verbosity", 1) > 1:
                    self.stdout.write(str(vars(report)))
                if not loop or stopping:
                    return
                close_old_connections()  # as after a request: drop a broken or aged connection
                if report is None or not report.busy:
                    time.sleep(interval)
                if stopping:
                    return
