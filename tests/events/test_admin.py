"""The platform team sees events and deliveries in the Django admin and re-drives dead ones."""

import pytest
from django.core.management import call_command

from kiban.audit.models import AuditRecord
from kiban.events.constants import DeliveryStatus
from kiban.events.models import Delivery
from tests.factories import DeliveryFactory, StaffFactory

pytestmark = pytest.mark.django_db
DELIVERIES = "/django-admin/events/delivery/"


@pytest.fixture
def platform_admin(client):
    admin = StaffFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_a_platform_admin_redrives_dead_deliveries(platform_admin):
    dead = DeliveryFactory(status=DeliveryStatus.DEAD, attempts=32, last_error="HTTP 500")
    delivered = DeliveryFactory(status=DeliveryStatus.DELIVERED, attempts=1)

    response = platform_admin.post(DELIVERIES, {
        "action": "redrive", "_selected_action": [dead.pk, delivered.pk],
    })

    dead.refresh_from_db()
    delivered.refresh_from_db()
    assert response.status_code == 302
    assert (dead.status, dead.attempts) == ("pending", 0)
    assert delivered.status == "delivered"
    assert AuditRecord.objects.filter(action="events.delivery_redrive").exists()


def test_the_delivery_list_shows_the_last_error_and_never_a_secret(platform_admin):
    delivery = DeliveryFactory(status=DeliveryStatus.DEAD, last_error="ConnectError: refused")

    page = platform_admin.get(DELIVERIES).content.decode()
    subscription = platform_admin.get(
        f"/django-admin/events/webhooksubscription/{delivery.subscription.pk}/change/"
    ).content.decode()

    assert "ConnectError: refused" in page
    assert delivery.subscription.secret not in subscription


def test_staff_who_are_not_platform_admins_cannot_redrive(client):
    client.force_login(StaffFactory(is_staff=True))
    dead = DeliveryFactory(status=DeliveryStatus.DEAD)

    client.post(DELIVERIES, {"action": "redrive", "_selected_action": [dead.pk]})

    assert Delivery.objects.get().status == "dead"


def test_the_delivery_command_delivers_once_and_stops(grant_all, subscription, receiver):
    DeliveryFactory(subscription=subscription)

    call_command("deliver_webhooks")

    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.applied) == 1
