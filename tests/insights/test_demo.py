"""The demo carries a year and more of history and the published KPI figures ("Done when")."""

from decimal import Decimal

import pytest
from ckanapi import RemoteCKAN
from django.db.models import Sum

from kiban.identity.constants import Role
from kiban.identity.models import Membership, User
from kiban.insights.models import JourneyRollup, KpiValue, OrgKpi
from kiban.web.demo import load_demo
from tests.submissions.test_staff_views import signed_in_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo(residents=0)


def test_the_demo_has_at_least_a_year_of_history_for_every_procedure(demo):
    for code in ("child-allowance", "housing-application", "tax-certificate", "sme-subsidy"):
        covered = JourneyRollup.objects.filter(procedure__code=code).values("month").distinct()
        assert covered.count() >= 13, code


def test_copy_paper_carries_the_published_figures_against_a_halving_target(demo):
    kpi = OrgKpi.objects.get(code="copy-paper")
    values = dict(
        KpiValue.objects.filter(kpi=kpi, status="approved").values_list(
            "period_start__year", "value"
        )
    )
    published = set(
        KpiValue.objects.filter(kpi=kpi, provenance="published").values_list(
            "period_start__year", flat=True
        )
    )

    assert values[2016] == Decimal(200_000_000)
    assert values[2021] == Decimal(90_000_000) and values[2022] == Decimal(57_000_000)
    assert kpi.target_value == values[2016] / 2
    assert values[2021] < kpi.target_value  # −55% beat the −50% target
    assert published == {2016, 2021, 2022}


def test_support_cases_reach_255_in_fy2021_with_11_to_34_a_month(demo):
    values = KpiValue.objects.filter(kpi__code="digital-support-cases", status="approved")
    monthly = values.values("period_start").annotate(n=Sum("value")).order_by("period_start")
    totals = [row["n"] for row in monthly]

    assert len(totals) == 12 and sum(totals) == 255
    assert min(totals) == 11 and max(totals) == 34
    assert totals == sorted(totals)


def test_loading_twice_adds_nothing(demo):
    counts = (JourneyRollup.objects.count(), KpiValue.objects.count())

    load_demo(residents=0)

    assert (JourneyRollup.objects.count(), KpiValue.objects.count()) == counts


def test_a_bureau_analyst_sees_funnels_nps_kpis_and_copy_paper(demo, client):
    analyst = User.objects.get(email="caseworker.welfare@demo.kiban.jp")
    assert Membership.objects.filter(user=analyst, role=Role.ANALYST).exists()
    signed_in_with_two_factor(client, analyst)

    html = client.get("/staff/insights/").content.decode()

    assert "hatch" in html and "Largest drop-off" in html
    assert "NPS (95% interval)" in html
    for kpi in ("Completion rate", "User satisfaction", "Digital take-up", "Cost per transaction"):
        assert kpi in html
    assert "Copy paper purchased" in html and "Target 100M" in html


def test_a_resident_reads_transparency_and_a_ckan_client_reads_open_data(
    live_server, transactional_db
):
    load_demo(residents=0)

    import httpx

    page = httpx.get(f"{live_server.url}/transparency/")
    download = httpx.get(f"{live_server.url}/transparency/tables/service-kpis.csv")
    with RemoteCKAN(live_server.url) as ckan:
        names = ckan.action.package_list()
        copy_paper = ckan.action.package_show(id="kpi-copy-paper")

    assert page.status_code == 200 and download.status_code == 200
    assert "completion_rate" in download.text
    assert "kpi-copy-paper" in names and "service-kpis-child-allowance" in names
    assert copy_paper["license_url"].endswith("public_data_license_v1.0")
