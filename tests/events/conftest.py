import pytest

from kiban.events.audience import Audience, Grant, audiences
from kiban.events.constants import EventType
from kiban.events.receiver import Receiver


@pytest.fixture(autouse=True)
def _no_nats(settings):
    """Publish to NATS only in the tests that ask for it, whatever the environment says."""
    settings.KIBAN_NATS_URL = ""


@pytest.fixture
def grant_all():
    """Let every system receive every event type of every organisation, whatever its purpose."""
    audiences.register(
        lambda system, purpose: Audience((Grant.of(types=EventType.values, organisation_ids=None),))
    )
    yield
    audiences.reset()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def subscription(db, grant_all, receiver):
    """A subscription to every event type at the running receiver, which knows its secret."""
    from tests.factories import WebhookSubscriptionFactory

    subscribed = WebhookSubscriptionFactory(url=receiver.url, event_types=EventType.values)
    receiver.secret = subscribed.secret
    return subscribed


# The exchange API's own fixture: checkpoints signed with a throw-away key in a temporary
# var directory. The events API is part of that API, so its tests need the same.
from tests.exchange.conftest import _log_key  # noqa: E402, F401
