"""Organisation KPIs: entry, four-eyes approval, corrections kept in history."""

from decimal import Decimal

import pytest

from kiban.audit.models import AuditRecord
from kiban.insights import services
from kiban.insights.models import KpiValue
from kiban.insights.periods import Period
from tests.insights.factories import KpiValueFactory, OrgKpiFactory
from tests.submissions.test_staff_views import signed_in_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi(platform):
    return OrgKpiFactory(code="copy-paper", owner=platform)


def test_a_bureau_analyst_sees_the_copy_paper_trend_against_its_target(analyst_client, kpi):
    KpiValueFactory(kpi=kpi, period_start=Period.fiscal(2016).start, value=200_000_000)
    KpiValueFactory(kpi=kpi, period_start=Period.fiscal(2021).start, value=90_000_000)

    html = analyst_client.get("/staff/insights/kpis/copy-paper/").content.decode()

    assert "Target 100M" in html
    assert "-55.0%" in html
    assert "Published figure" in html
    assert analyst_client.get("/staff/insights/tables/kpi-copy-paper.csv").status_code == 200


def test_a_value_waits_for_someone_else_to_approve_it(kpi, analyst, platform_admin, client):
    entry = services.kpi_value_submit(
        kpi=kpi, period=Period.fiscal(2023), value=Decimal(50), actor=platform_admin
    )

    with pytest.raises(services.InsightsError) as own:
        services.kpi_value_decide(entry=entry, approve=True, actor=platform_admin)
    signed_in_with_two_factor(client, analyst)
    refused = client.post(
        f"/staff/insights/kpi-values/{entry.pk}/decision/", {"decision": "approve"}
    )

    assert own.value.code == "own_entry"
    assert refused.status_code == 403
    assert KpiValue.objects.get().status == "submitted"


def test_a_correction_supersedes_the_approved_value_and_both_stay(kpi, platform_admin, analyst):
    first = KpiValueFactory(kpi=kpi, period_start=Period.fiscal(2021).start, value=91_000_000)

    correction = services.kpi_value_submit(
        kpi=kpi,
        period=Period.fiscal(2021),
        value=Decimal(90_000_000),
        actor=analyst,
        note="集計漏れの修正",
    )
    services.kpi_value_decide(entry=correction, approve=True, actor=platform_admin)

    first.refresh_from_db()
    correction.refresh_from_db()
    assert (first.status, correction.status) == ("superseded", "approved")
    assert correction.supersedes == first
    assert AuditRecord.objects.filter(action="insights.kpi_value_approved").exists()


def test_the_form_refuses_a_month_for_a_fiscal_year_kpi(platform_client, kpi):
    response = platform_client.post(
        "/staff/insights/kpis/copy-paper/", {"period": "2024-04", "value": "5", "note": ""}
    )

    assert response.status_code == 400
    assert not KpiValue.objects.exists()


def test_the_platform_enters_and_another_admin_approves_in_the_browser(
    platform_client, kpi, platform, client
):
    from tests.factories import MembershipFactory

    platform_client.post(
        "/staff/insights/kpis/copy-paper/", {"period": "令和5年度", "value": "48000000"}
    )
    entry = KpiValue.objects.get()
    second = MembershipFactory(organisation=platform, role="admin").user
    other = signed_in_with_two_factor(client.__class__(), second)

    other.post(f"/staff/insights/kpi-values/{entry.pk}/decision/", {"decision": "approve"})

    entry.refresh_from_db()
    assert entry.status == "approved" and entry.decided_by == second


def test_the_platform_adds_a_kpi_to_the_catalogue(platform_client, platform):
    from kiban.insights.models import OrgKpi

    response = platform_client.post(
        "/staff/insights/kpis/new/",
        {
            "code": "paperless-meetings",
            "name_ja": "ペーパーレス会議の割合",
            "name_en": "Paperless meetings",
            "definition_ja": "紙を使わない会議の割合",
            "definition_en": "Share of meetings without paper",
            "unit_ja": "%",
            "unit_en": "%",
            "owner": str(platform.pk),
            "grain": "fiscal_year",
            "aggregation": "mean",
            "direction": "higher",
            "baseline_value": "20",
            "baseline_period": "令和3年度",
            "target_value": "90",
            "target_date": "2027-03-31",
            "is_public": "on",
        },
    )

    kpi = OrgKpi.objects.get(code="paperless-meetings")
    assert response.status_code == 302
    assert kpi.baseline_period == "FY2021" and kpi.is_public
    assert AuditRecord.objects.filter(action="insights.kpi_saved").exists()


def test_a_bureau_analyst_cannot_add_kpis(analyst_client):
    assert analyst_client.get("/staff/insights/kpis/new/").status_code == 403


def test_the_catalogue_and_the_edit_page_render(platform_client, kpi):
    assert platform_client.get("/staff/insights/kpis/").status_code == 200
    assert platform_client.get("/staff/insights/kpis/copy-paper/edit/").status_code == 200
