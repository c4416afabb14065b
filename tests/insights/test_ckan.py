"""The CKAN action API, checked with a CKAN client library (ckanapi) over HTTP."""

import pytest
from ckanapi import NotFound, RemoteCKAN

from tests.insights.factories import KpiValueFactory, OrgKpiFactory, PublicationFactory


@pytest.fixture
def ckan(live_server, transactional_db, procedure, platform):
    PublicationFactory(procedure=procedure)
    KpiValueFactory(kpi=OrgKpiFactory(code="copy-paper", owner=platform))
    with RemoteCKAN(live_server.url, user_agent="kiban-tests") as remote:
        yield remote


def test_a_ckan_client_lists_and_reads_the_datasets(ckan):
    names = ckan.action.package_list()
    dataset = ckan.action.package_show(id="kpi-copy-paper")

    assert names == ["service-kpis", "service-kpis-child-allowance", "kpi-copy-paper"]
    assert dataset["license_id"] == "PDL-1.0"
    assert dataset["organization"]["name"] == "digital-service"
    assert [r["format"] for r in dataset["resources"]] == ["CSV", "JSON"]
    assert ckan.action.package_show(id=dataset["id"])["name"] == "kpi-copy-paper"


def test_a_ckan_client_searches_and_lists_organisations(ckan):
    found = ckan.action.package_search(q="copy", rows=5)
    by_org = ckan.action.package_search(fq="organization:welfare")
    organisations = ckan.action.organization_list()
    detailed = ckan.action.organization_list(all_fields=True)

    assert found["count"] == 1 and found["results"][0]["name"] == "kpi-copy-paper"
    assert [p["name"] for p in by_org["results"]] == ["service-kpis-child-allowance"]
    assert organisations == ["digital-service", "welfare"]
    assert detailed[0]["package_count"] == 2


def test_unknown_datasets_raise_not_found_in_the_client(ckan):
    with pytest.raises(NotFound):
        ckan.action.package_show(id="no-such-dataset")


def test_get_requests_work_as_harvesters_send_them(live_server, transactional_db, procedure):
    PublicationFactory(procedure=procedure)
    with RemoteCKAN(live_server.url, get_only=True) as remote:
        assert "service-kpis" in remote.action.package_list()
        assert remote.action.package_search(rows=1)["count"] == 2


def test_bad_parameters_and_unknown_actions_are_client_errors(client, db):
    assert client.get("/api/3/action/package_search?rows=abc").status_code == 409
    assert client.get("/api/3/action/package_create").status_code == 400
    assert (
        client.post(
            "/api/3/action/package_list", "[1]", content_type="application/json"
        ).status_code
        == 409
    )
