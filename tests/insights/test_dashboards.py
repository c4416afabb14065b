"""Staff dashboards: scoped by bureau, read from rollups, suppress small counts, never 500."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiban.audit.models import AuditRecord
from kiban.identity.constants import Role
from tests.factories import MembershipFactory, ResidentFactory
from tests.insights.factories import (
    ChannelVolumeFactory,
    JourneyRollupFactory,
    SatisfactionRollupFactory,
    ServiceCostFactory,
)
from tests.submissions.test_staff_views import signed_in_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(procedure):
    """A month of rollups: 200 starts, a worst step, 40 answers, other channels, a cost."""
    for kind, count, extra in [
        ("start", 200, {"device": "mobile"}),
        ("step_completed", 120, {"step": "s1", "first": True}),
        ("submitted", 110, {"ending": "submitted", "device": "mobile", "bucket": 4}),
        ("step_error", 30, {"step": "s1", "field": "phone"}),
        ("abandoned", 12, {"step": "s1", "field": "phone"}),
    ]:
        JourneyRollupFactory(procedure=procedure, kind=kind, count=count, **extra)
    for score, count in [(10, 20), (8, 10), (3, 10)]:
        SatisfactionRollupFactory(procedure=procedure, score=score, count=count)
    ChannelVolumeFactory(procedure=procedure, channel="counter", count=90)
    ServiceCostFactory(procedure=procedure, amount_yen=400_000)


def test_residents_and_staff_without_an_insights_role_are_refused(client, procedure):
    client.force_login(ResidentFactory())
    assert client.get("/staff/insights/").status_code == 403
    case_worker = MembershipFactory(organisation=procedure.organisation, role=Role.CASE_WORKER).user
    signed_in_with_two_factor(client, case_worker)
    assert client.get("/staff/insights/").status_code == 403


def test_an_analyst_sees_the_four_kpis_nps_and_the_worst_step(analyst_client, figures):
    html = analyst_client.get("/staff/insights/").content.decode()

    assert "55.0%" in html  # completion: 110 of 200
    assert "+25 (" in html  # NPS: (20 - 10) / 40
    assert "55.0%" in html and "¥2,000" in html  # take-up 110/200; cost 400,000 / 200
    assert 'fill="url(#funnel-child-allowance-chart-hatch)"' in html
    assert "Largest drop-off" in html


def test_an_analyst_sees_only_their_bureau(analyst_client, figures, other_procedure):
    JourneyRollupFactory(procedure=other_procedure, kind="start", count=999)

    html = analyst_client.get("/staff/insights/").content.decode()

    assert "999" not in html
    assert analyst_client.get("/staff/insights/procedures/housing-application/").status_code == 404
    assert analyst_client.get("/staff/insights/?bureau=housing").status_code == 200


def test_the_platform_team_sees_every_bureau(platform_client, figures, other_procedure):
    JourneyRollupFactory(procedure=other_procedure, kind="start", count=999)

    html = platform_client.get("/staff/insights/").content.decode()

    assert "999" in html and "1,199" in html


def test_fewer_than_ten_answers_are_never_a_percentage(analyst_client, procedure):
    JourneyRollupFactory(procedure=procedure, kind="start", count=7)
    JourneyRollupFactory(procedure=procedure, kind="submitted", ending="submitted", count=5)
    SatisfactionRollupFactory(procedure=procedure, score=10, count=4)

    html = analyst_client.get("/staff/insights/").content.decode()

    assert "fewer than 10" in html
    assert "71.4%" not in html and "100.0%" not in html


@pytest.mark.parametrize(
    "query",
    [
        "first=abc",
        "first=1800&last=1900",
        "first=2030&last=2020",
        "grain=weekly",
        "bureau=nowhere",
        "first=2000&last=2099",
        "first=%00",
        "last=99999999999999999999",
    ],
)
def test_bogus_filters_give_a_clear_message_not_an_error(analyst_client, figures, query):
    response = analyst_client.get(f"/staff/insights/?{query}")

    assert response.status_code == 200
    assert "defaults are shown" in response.content.decode()


def test_a_chart_table_downloads_as_csv(analyst_client, figures):
    response = analyst_client.get("/staff/insights/tables/service-kpis.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0]["completion_rate"] == "55.0"
    assert rows[0]["nps_low"] and rows[0]["nps_high"]


def test_procedure_details_show_errors_devices_and_masked_comments(
    analyst_client, figures, procedure
):
    from kiban.insights.services import Feedback, feedback_record

    feedback_record(
        procedure=procedure,
        ending="submitted",
        feedback=Feedback(4, "電話 090-1234-5678 にください"),
    )

    html = analyst_client.get("/staff/insights/procedures/child-allowance/").content.decode()

    assert "Phone" in html and ">30<" in html and ">12<" in html
    assert "[電話番号]" in html and "090-1234-5678" not in html
    assert (
        analyst_client.get("/staff/insights/tables/errors-child-allowance.csv").status_code == 200
    )


def test_publishing_is_audited(analyst_client, procedure):
    response = analyst_client.post(
        "/staff/insights/procedures/child-allowance/publication/", {"public": "yes"}
    )

    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="insights.publication_set").exists()


def test_the_dashboard_reads_a_fixed_number_of_queries(analyst_client, figures):
    analyst_client.get("/staff/insights/")
    with CaptureQueriesContext(connection) as queries:
        analyst_client.get("/staff/insights/")

    assert len(queries) <= 22
    assert not any('insights_journeyevent"' in q["sql"] and "MAX" not in q["sql"] for q in queries)


def test_every_staff_page_renders(analyst_client, figures):
    for url in (
        "/staff/insights/kpis/",
        "/staff/insights/data/",
        "/staff/insights/procedures/child-allowance/?grain=fiscal_year",
    ):
        assert analyst_client.get(url).status_code == 200, url


def test_unknown_procedures_and_tables_are_404(analyst_client, figures):
    assert analyst_client.get("/staff/insights/procedures/nope/").status_code == 404
    assert analyst_client.get("/staff/insights/tables/nope.csv").status_code == 404
    assert analyst_client.get("/staff/insights/kpis/nope/").status_code == 404


def test_the_rollup_command_catches_up(procedure, capsys):
    from django.core.management import call_command

    from tests.insights.factories import JourneyEventFactory

    JourneyEventFactory(procedure=procedure)
    call_command("insights_rollup")

    assert '"journey_events": 1' in capsys.readouterr().out


def test_a_department_s_procedures_count_for_its_bureau(analyst_client, bureau):
    from tests.factories import OrganisationFactory, ProcedureVersionFactory

    department = OrganisationFactory(code="welfare-kids", kind="department", parent=bureau)
    procedure = ProcedureVersionFactory(
        procedure__code="kids-support", procedure__organisation=department
    ).procedure
    JourneyRollupFactory(procedure=procedure, kind="start", count=321)

    assert "321" in analyst_client.get("/staff/insights/").content.decode()
    assert analyst_client.get("/staff/insights/procedures/kids-support/").status_code == 200
