"""The operations view: calls, errors and latency per system; the platform team revokes."""

import pytest
from django.utils import timezone

from kiban.exchange.message_log import call_record, log_seal
from kiban.exchange.models import CallStats
from kiban.exchange.operations import stats_rollup
from kiban.identity.constants import OrganisationKind, Role
from tests.factories import (
    ClientSecretFactory,
    MembershipFactory,
    MemberSystemFactory,
    OrganisationFactory,
)
from tests.submissions.test_staff_views import signed_in_with_two_factor

pytestmark = pytest.mark.django_db


def calls(system, statuses):
    for n, status in enumerate(statuses):
        call_record(at=timezone.now(), system=system, operation="submission_list", method="GET",
                    path="/api/v1/submissions", request_id=f"r{n}", subject_ids=[],
                    status=status, request_hash="a" * 64, response_hash="b" * 64,
                    duration_us=2000 * (n + 1))
    log_seal()


@pytest.fixture
def platform_admin():
    platform = OrganisationFactory(code="digital-service", kind=OrganisationKind.PLATFORM)
    return MembershipFactory(organisation=platform, role=Role.ADMIN).user


def test_calls_are_rolled_up_per_system_and_hour():
    system = MemberSystemFactory()
    calls(system, [200, 200, 403, 500])

    rolled = stats_rollup()

    stats = CallStats.objects.get(system=system)
    assert rolled == 4
    assert (stats.calls, stats.errors, stats.refused, stats.max_us) == (4, 2, 1, 8000)
    assert stats_rollup() == 0


def test_bureau_staff_see_their_own_systems_only(client):
    own, other = MemberSystemFactory(name="自局システム"), MemberSystemFactory(name="他局システム")
    staff = MembershipFactory(organisation=own.organisation).user
    calls(own, [200, 403])

    page = signed_in_with_two_factor(client, staff).get("/staff/exchange/")

    assert own.name in page.text and other.name not in page.text
    assert page.context["rows"][0][1].refused == 1


def test_another_bureaus_system_page_is_not_found(client):
    other = MemberSystemFactory()
    staff = MembershipFactory().user

    response = signed_in_with_two_factor(client, staff).get(f"/staff/exchange/systems/{other.pk}/")

    assert response.status_code == 404


def test_the_platform_team_sees_every_system(client, platform_admin):
    systems = [MemberSystemFactory(), MemberSystemFactory()]

    page = signed_in_with_two_factor(client, platform_admin).get("/staff/exchange/")

    assert all(s.code in page.text for s in systems)


def test_the_system_page_shows_hourly_figures_and_recent_calls(client, platform_admin):
    system = MemberSystemFactory()
    calls(system, [200, 422])

    page = signed_in_with_two_factor(client, platform_admin).get(
        f"/staff/exchange/systems/{system.pk}/")

    assert page.context["hours"][0].calls == 2
    assert [c.status for c in page.context["calls"]] == [422, 200]


def test_the_platform_team_revokes_a_secret(client, platform_admin):
    secret = ClientSecretFactory()

    signed_in_with_two_factor(client, platform_admin).post(
        f"/staff/exchange/secrets/{secret.pk}/revoke/")

    secret.refresh_from_db()
    assert secret.revoked_at is not None


def test_rotation_shows_the_new_secret_once(client, platform_admin):
    secret = ClientSecretFactory()

    page = signed_in_with_two_factor(client, platform_admin).post(
        f"/staff/exchange/systems/{secret.system.pk}/rotate/")

    assert page.context["plain"] in page.text
    assert secret.system.secrets.count() == 2


def test_bureau_staff_cannot_revoke(client):
    secret = ClientSecretFactory()
    staff = MembershipFactory(organisation=secret.system.organisation, role=Role.ADMIN).user

    response = signed_in_with_two_factor(client, staff).post(
        f"/staff/exchange/systems/{secret.system.pk}/revoke/")

    assert response.status_code == 403
    secret.system.refresh_from_db()
    assert secret.system.revoked_at is None
