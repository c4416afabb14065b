"""Publishing the outbox to NATS JetStream; runs only where a NATS server answers.

NATS with JetStream runs on the development machines and on CI (127.0.0.1:4222). Each test
uses a stream and subjects of its own and deletes them afterwards.
"""

import asyncio
import json
import socket
import uuid

import pytest
from django.db import transaction

from kiban.events.constants import EventType
from kiban.events.models import OutboxEvent
from kiban.events.publisher import outbox_publish
from kiban.events.services import event_emit, outbox_sequence
from tests.factories import OrganisationFactory

NATS_URL = "nats://127.0.0.1:4222"


def nats_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=0.5) as sock:
            return sock.recv(4).startswith(b"INFO")
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not nats_answers(), reason="no NATS server answers on 127.0.0.1:4222"),
]


@pytest.fixture
def stream():
    """A stream and subject prefix of this test's own; deleted afterwards."""
    name = f"KIBAN_TEST_{uuid.uuid4().hex[:12].upper()}"
    yield name, f"kiban-test-{name.lower()}.events"
    asyncio.run(_delete_stream(name))


async def _delete_stream(name: str) -> None:
    import nats

    client = await nats.connect(NATS_URL)
    try:
        await client.jetstream().delete_stream(name)
    finally:
        await client.close()


async def _stored_messages(name: str, prefix: str) -> list:
    import nats

    client = await nats.connect(NATS_URL)
    try:
        jetstream = client.jetstream()
        info = await jetstream.stream_info(name)
        messages = [await jetstream.get_msg(name, seq)
                    for seq in range(info.state.first_seq, info.state.last_seq + 1)]
        return messages
    finally:
        await client.close()


def emit_events(count: int) -> list[OutboxEvent]:
    organisation = OrganisationFactory()
    with transaction.atomic():
        events = [event_emit(type=EventType.SUBMISSION_CREATED, organisation=organisation,
                             payload={"reference": f"2026{n:07d}-X"}) for n in range(count)]
    outbox_sequence()
    return events


def test_events_are_published_in_order_with_their_id_as_message_id(stream):
    name, prefix = stream
    events = emit_events(3)

    published = outbox_publish(url=NATS_URL, stream=name, prefix=prefix)

    messages = asyncio.run(_stored_messages(name, prefix))
    assert published == 3
    assert [m.subject for m in messages] == [f"{prefix}.submission.created"] * 3
    assert [m.headers["Nats-Msg-Id"] for m in messages] == [str(e.event_id) for e in events]
    assert [json.loads(m.data)["id"] for m in messages] == [str(e.event_id) for e in events]
    assert not OutboxEvent.objects.filter(published_at=None).exists()


def test_a_republished_event_is_dropped_by_jetstream(stream):
    name, prefix = stream
    emit_events(2)
    outbox_publish(url=NATS_URL, stream=name, prefix=prefix)
    OutboxEvent.objects.update(published_at=None)  # a worker crashed before recording

    again = outbox_publish(url=NATS_URL, stream=name, prefix=prefix)

    assert again == 2
    assert len(asyncio.run(_stored_messages(name, prefix))) == 2


def test_nothing_is_published_without_a_nats_url(settings):
    settings.KIBAN_NATS_URL = ""
    emit_events(1)

    assert outbox_publish() == 0
    assert OutboxEvent.objects.filter(published_at=None).count() == 1
