"""Publish the outbox to NATS JetStream, for deployments that outgrow webhooks (optional).

Off unless KIBAN_NATS_URL is set (e.g. nats://127.0.0.1:4222). Each sequenced event goes,
in sequence order, to the subject `kiban.events.<type>` (e.g. kiban.events.fact.published)
with the header Nats-Msg-Id = its event id, so JetStream drops a copy published again
within its duplicate window (a worker that crashed between the ack and `published_at`).
Consumers still dedupe by event id beyond that window: delivery is at least once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os

from django.conf import settings
from django.utils import timezone

from kiban.events.models import OutboxEvent
from kiban.events.selectors import event_document

log = logging.getLogger("kiban.events")

STREAM = "KIBAN_EVENTS"
SUBJECT_PREFIX = "kiban.events"
PUBLISH_BATCH = 500
TIMEOUT_SECONDS = 5.0


def nats_url() -> str:
    """Return KIBAN_NATS_URL: the setting if there is one, else the environment variable."""
    configured = getattr(settings, "KIBAN_NATS_URL", None)
    return configured if configured is not None else os.environ.get("KIBAN_NATS_URL", "")


async def _publish(url: str, stream: str, prefix: str, messages: list[tuple[str, bytes, str]]):
    import nats
    from nats.js.errors import NotFoundError

    client = await nats.connect(url, connect_timeout=TIMEOUT_SECONDS, allow_reconnect=False,
                                max_reconnect_attempts=0)
    try:
        jetstream = client.jetstream(timeout=TIMEOUT_SECONDS)
        try:
            await jetstream.stream_info(stream)
        except NotFoundError:
            await jetstream.add_stream(name=stream, subjects=[f"{prefix}.>"])
        acks = []
        for subject, body, event_id in messages:
            acks.append(await jetstream.publish(subject, body, stream=stream,
                                                headers={"Nats-Msg-Id": event_id}))
        return acks
    finally:
        await client.close()


def outbox_publish(
    *, url: str | None = None, stream: str = STREAM, prefix: str = SUBJECT_PREFIX,
    limit: int = PUBLISH_BATCH,
) -> int:
    """Publish sequenced, unpublished events to JetStream in order; return how many.

    Do nothing without a NATS URL. A failure leaves `published_at` empty, to try again.
    """
    url = url if url is not None else nats_url()
    if not url:
        return 0
    events = list(
        OutboxEvent.objects.filter(published_at=None, sequence__isnull=False)
        .select_related("organisation")
        .order_by("sequence")[:limit]
    )
    if not events:
        return 0
    messages = [
        (f"{prefix}.{event.type}",
         json.dumps(event_document(event), ensure_ascii=False, separators=(",", ":")).encode(),
         str(event.event_id))
        for event in events
    ]
    acks = asyncio.run(_publish(url, stream, prefix, messages))
    OutboxEvent.objects.filter(pk__in=[e.pk for e in events[: len(acks)]]).update(
        published_at=timezone.now()
    )
    return len(acks)
