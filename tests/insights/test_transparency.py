"""Public transparency pages and open data: only what owners made public, same figures."""

import csv
import io
import json

import pytest

from tests.insights.factories import (
    JourneyRollupFactory,
    KpiValueFactory,
    OrgKpiFactory,
    PublicationFactory,
    SatisfactionRollupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(procedure, other_procedure, platform):
    PublicationFactory(procedure=procedure)
    JourneyRollupFactory(procedure=procedure, kind="start", count=400)
    JourneyRollupFactory(procedure=procedure, kind="submitted", ending="submitted", count=300)
    JourneyRollupFactory(procedure=other_procedure, kind="start", count=777)
    SatisfactionRollupFactory(procedure=procedure, score=9, count=30)
    kpi = OrgKpiFactory(code="copy-paper", owner=platform)
    KpiValueFactory(kpi=kpi)
    OrgKpiFactory(code="secret", owner=platform, is_public=False)


def test_a_resident_reads_the_transparency_page_without_signing_in(client, published):
    response = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 200
    assert "75.0%" in html  # 300 of 400
    assert "777" not in html  # not published
    assert "Copy paper purchased" in html
    assert html.count("<h1") == 1
    assert 'role="img"' in html and "<caption>" in html


def test_the_page_is_in_japanese_too(client, published):
    client.cookies["kiban_language"] = "ja"

    html = client.get("/transparency/").content.decode()

    assert 'lang="ja"' in html and "令和" in html


def test_a_resident_downloads_the_same_figures_as_csv(client, published):
    response = client.get("/transparency/tables/service-kpis.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert [row["completion_rate"] for row in rows] == ["75.0", "75.0"]
    assert rows[0]["started"] == "400"


def test_open_data_csv_and_json_carry_every_period(client, published):
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/opendata/datasets/service-kpis.csv").content.decode("utf-8-sig")
            )
        )
    )
    body = client.get("/opendata/datasets/kpi-copy-paper.json").json()

    assert {row["grain"] for row in rows} == {"month", "fiscal_year"}
    assert {row["procedure"] for row in rows} == {"child-allowance"}
    assert body["records"][0]["value"] == 90000000
    assert body["license"].endswith("public_data_license_v1.0")
    assert client.get("/opendata/datasets/kpi-secret.csv").status_code == 404


def test_the_dcat_catalogue_lists_every_public_dataset(client, published):
    response = client.get("/opendata/catalog.jsonld")
    catalogue = json.loads(response.content)

    assert response["Content-Type"].startswith("application/ld+json")
    assert catalogue["@type"] == "dcat:Catalog"
    names = [d["dct:identifier"] for d in catalogue["dcat:dataset"]]
    assert names == ["service-kpis", "service-kpis-child-allowance", "kpi-copy-paper"]
    distribution = catalogue["dcat:dataset"][0]["dcat:distribution"][0]
    assert distribution["dcat:mediaType"] == "text/csv"
    assert distribution["dcat:downloadURL"]["@id"].endswith("/opendata/datasets/service-kpis.csv")


def test_dataset_pages_and_index_are_public(client, published):
    assert client.get("/opendata/").status_code == 200
    assert client.get("/opendata/datasets/service-kpis/").status_code == 200
    assert client.get("/opendata/datasets/nothing/").status_code == 404


def test_bogus_public_filters_do_not_fail(client, published):
    response = client.get("/transparency/?first=x&grain=y&last=-1")

    assert response.status_code == 200
