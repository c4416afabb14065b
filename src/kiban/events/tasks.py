"""Background work of the events app.

`events_dispatch` is enqueued when a transaction that emitted events commits, and run by
the worker `kiban demo` starts. `kiban deliver_webhooks --loop` (also started by `kiban
demo`) calls the same `dispatch_once` every second, which retries failed deliveries when
they fall due and picks up anything an enqueue missed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from django_tasks import task

from kiban.events.delivery import deliveries_deliver_due, deliveries_fan_out, worker_name
from kiban.events.publisher import outbox_publish
from kiban.events.services import outbox_sequence

log = logging.getLogger("kiban.events")


@dataclass
class DispatchReport:
    sequenced: int = 0
    fanned_out: int = 0
    delivered: int = 0
    failed: int = 0
    published: int = 0

    @property
    def busy(self) -> bool:
        return any((self.sequenced, self.fanned_out, self.delivered, self.failed, self.published))


def dispatch_once(
    *, client: httpx.Client | None = None, worker: str | None = None, budget_seconds: float = 30.0
) -> DispatchReport:
    """Sequence new events, fan them out, deliver what is due and publish to NATS if set."""
    report = DispatchReport()
    report.sequenced = outbox_sequence()
    report.fanned_out = deliveries_fan_out()
    report.delivered, report.failed = deliveries_deliver_due(
        client=client, worker=worker or worker_name(), budget_seconds=budget_seconds
    )
    try:
        report.published = outbox_publish()
    except Exception:  # NATS down: the events stay unpublished and are tried again
        log.exception("publishing events to NATS failed")
    return report


@task()
def events_dispatch() -> dict:
    """Deliver the events of a transaction that just committed (and anything else due)."""
    return vars(dispatch_once())
