"""CSV imports: every bad row reported, nothing half imported (kiban.insights.imports)."""

import codecs
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kiban.insights import imports
from kiban.insights.models import ChannelVolume, KpiValue, ServiceCost
from tests.insights.factories import ChannelVolumeFactory, OrgKpiFactory

pytestmark = pytest.mark.django_db


def upload(client, kind: str, data: bytes):
    return client.post(
        "/staff/insights/data/",
        {
            "action": "import",
            "import-kind": kind,
            "import-file": SimpleUploadedFile("data.csv", data, content_type="text/csv"),
        },
    )


def test_a_shift_jis_file_with_japanese_headers_imports(analyst_client, procedure):
    data = (
        '手続コード,年月,受付方法,件数\r\nchild-allowance,令和7年4月,窓口,"1,200"\r\n'
        "child-allowance,2025-04,郵送,３４\r\n".encode("shift_jis")
    )

    response = upload(analyst_client, "channels", data)

    assert response.status_code == 302
    assert dict(ChannelVolume.objects.values_list("channel", "count")) == {
        "counter": 1200,
        "post": 34,
    }


def test_a_utf8_file_with_bom_imports_costs_by_month_and_fiscal_year(analyst_client, procedure):
    data = (
        codecs.BOM_UTF8
        + (
            "procedure,period,amount_yen,note\r\n"
            'child-allowance,FY2025,"48,000,000",予算\r\n'
            "child-allowance,2025-04,¥4000000,\r\n"
        ).encode()
    )

    assert upload(analyst_client, "costs", data).status_code == 302
    assert sorted(ServiceCost.objects.values_list("grain", "amount_yen")) == [
        ("fiscal_year", Decimal(48_000_000)),
        ("month", Decimal(4_000_000)),
    ]


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_problem(
    analyst_client, procedure, other_procedure
):
    ChannelVolumeFactory(procedure=procedure, count=5)
    data = (
        "procedure,month,channel,count\r\n"
        "child-allowance,2025-04,counter,10\r\n"
        "child-allowance,2025-04,counter,11\r\n"
        "child-allowance,2025-05,counter,-1\r\n"
        "child-allowance,2025-06,counter,たくさん\r\n"
        "child-allowance,2025-13,counter,1\r\n"
        "child-allowance,2025-07,fax,1\r\n"
        "housing-application,2025-07,counter,1\r\n"
        "no-such-thing,2025-07,counter,1\r\n"
    ).encode()

    response = upload(analyst_client, "channels", data)
    html = response.content.decode()

    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert ChannelVolume.objects.count() == 1
    for problem in [
        "first on line 2",
        "0 or more",
        "Enter a number.",
        "2021-04",
        "Unknown channel",
        "No procedure with this code",
    ]:
        assert problem in html
    assert html.count("<td>housing-application</td>") + html.count("<td>no-such-thing</td>") == 2


def test_wrong_columns_are_reported(analyst_client, procedure):
    response = upload(analyst_client, "channels", b"foo,bar\r\n1,2\r\n")

    html = response.content.decode()
    assert response.status_code == 400
    assert "This column is missing." in html and "This column is not expected." in html


def test_kpi_values_import_for_approval_and_check_their_kind(analyst, bureau):
    kpi = OrgKpiFactory(code="paper-forms", owner=bureau, grain="fiscal_year")
    good = "kpi,period,value\r\npaper-forms,令和6年度,95\r\n".encode()
    bad = (
        b"kpi,period,organisation,value\r\npaper-forms,2024-04,,95\r\n"
        b"paper-forms,FY2024,welfare,95\r\nnope,FY2024,,1\r\n"
    )

    report = imports.kpi_values_import(data=good, kpis={kpi.code: kpi}, actor=analyst)
    refused = imports.kpi_values_import(data=bad, kpis={kpi.code: kpi}, actor=analyst)

    assert report.ok and KpiValue.objects.get().status == "submitted"
    assert [e.code for e in refused.errors] == [
        "period_grain",
        "organisation_not_allowed",
        "unknown_kpi",
    ]
    assert KpiValue.objects.count() == 1


def test_entering_counts_by_hand_is_audited(analyst_client, procedure):
    from kiban.audit.models import AuditRecord

    response = analyst_client.post(
        "/staff/insights/data/",
        {
            "action": "channels",
            "channels-procedure": "child-allowance",
            "channels-month": "2025-04",
            "channels-counter": "12",
            "channels-post": "",
            "channels-paper": "3",
            "channels-phone": "",
        },
    )

    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="insights.channels_set").exists()


def test_entering_a_negative_count_by_hand_is_refused(analyst_client, procedure):
    response = analyst_client.post(
        "/staff/insights/data/",
        {
            "action": "channels",
            "channels-procedure": "child-allowance",
            "channels-month": "not a month",
            "channels-counter": "-4",
        },
    )

    assert response.status_code == 400
    assert not ChannelVolume.objects.exists()
