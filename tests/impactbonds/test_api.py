"""The impact bond JSON API: public records, rows and fields only; the same figures as the command."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from commonmeasure.impactbonds.services import import_bundle

from .helpers import SAMPLE, copy_sample, set_cell

pytestmark = pytest.mark.django_db
BASE = "/api/v1/impact-bonds"


@pytest.fixture
def private_data(tmp_path):
    bundle = copy_sample(tmp_path)
    set_cell(bundle / "projects.csv", {"ID": "INDIGO-POJ-0092"}, "Status", "PRIVATE")
    set_cell(
        bundle / "projects.csv",
        {"ID": "INDIGO-POJ-0046"},
        "Dates - Date outcomes contract signed - (Status)",
        "DISPUTED",
    )
    set_cell(
        bundle / "projects_delivery_locations.csv",
        {"Location - Postcode - (Value)": "NW8 8LF"},
        "Status",
        "PRIVATE",
    )
    set_cell(
        bundle / "organisations.csv", {"ID": "INDIGO-ORG-1103"}, "Status", "PRIVATE"
    )  # Westminster City Council
    import_bundle(bundle)


def get(path: str, **params):
    response = Client().get(BASE + path, params)
    return response.status_code, response.json()


def test_anyone_can_list_public_projects_with_filters():
    import_bundle(SAMPLE)
    status, page = get("/projects")
    assert (
        status == 200
        and page["count"] == 12
        and [p["id"] for p in page["items"]] == sorted(p["id"] for p in page["items"])
    )
    assert get("/projects", country="PT")[1]["count"] == 3
    assert {p["id"] for p in get("/projects", country="GB")[1]["items"]} == {
        "INDIGO-POJ-0161",
        "INDIGO-POJ-0184",
        "INDIGO-POJ-0299",
    }
    assert [p["id"] for p in get("/projects", sdg=8)[1]["items"]] == ["INDIGO-POJ-0001"]
    assert get("/projects", q="somerset")[1]["count"] == 2
    assert get("/projects", launch_year=2016)[1]["count"] == 1
    assert get("/projects", stage="complete")[1]["count"] == 4
    assert get("/projects", limit=5, offset=10)[1]["items"][0]["id"] == "INDIGO-POJ-0299"
    assert get("/projects", sdg=18)[0] == 422


def test_a_project_comes_with_its_parties_metrics_prices_and_payments():
    import_bundle(SAMPLE)
    status, p = get("/projects/INDIGO-POJ-0001")
    assert (
        status == 200 and p["id"] == "INDIGO-POJ-0001" and p["outcomes_contract_signed"] == "2018"
    )
    assert (p["investment_usd_min"], p["investment_max"], p["investment_exact"]) == (
        "1100000",
        "48400000",
        None,
    )
    assert p["delivery_locations"][0]["lat"] == "-34.580612"
    assert {party["role"] for party in p["parties"]} >= {"investor", "outcome_payer"}
    assert (
        p["outcome_pricings"]
        and p["outcome_metrics"]
        and p["delivery_locations"][0]["country"] == "AR"
    )
    assert get("/projects/INDIGO-POJ-4040")[0] == 404


def test_private_and_disputed_data_never_leave_the_api(private_data):
    assert get("/projects/INDIGO-POJ-0092")[0] == 404
    assert "INDIGO-POJ-0092" not in json.dumps(get("/projects", limit=500)[1])
    detail = get("/projects/INDIGO-POJ-0046")[1]
    assert detail["outcomes_contract_signed"] == "" and detail["service_start"] == "2016"
    locations = json.dumps(get("/projects/INDIGO-POJ-0184")[1])
    assert "Westminster" not in locations and "Brent Council" in locations
    assert get("/organisations/INDIGO-ORG-1103")[0] == 404
    assert "INDIGO-ORG-1103" not in json.dumps(get("/organisations", limit=500)[1])
    stats = get("/stats")[1]
    assert stats["impact_bonds"] == 11 and "US" not in stats["by_country"]


def test_an_organisation_shows_its_roles_across_projects():
    import_bundle(SAMPLE)
    status, org = get("/organisations/INDIGO-ORG-1103")
    assert status == 200 and org["name"] == "Westminster City Council"
    assert {r["project"]["id"] for r in org["roles"]} == {"INDIGO-POJ-0184"}


def test_funds_list_the_projects_they_pay_for():
    import_bundle(SAMPLE)
    funds = get("/funds")[1]
    assert len(funds) == 4
    linked = [f for f in funds if get(f"/funds/{f['id']}")[1]["projects"]]
    assert linked


def test_stats_are_the_figures_of_the_command(cli):
    import_bundle(SAMPLE)
    _, out, _ = cli("stats", "impact-bonds", "--json", "--as-of", "2018-12-31")
    expected = json.loads(out)
    status, got = get("/stats", as_of="2018-12-31")
    assert status == 200 and {k: got[k] for k in expected} == expected
    assert got["headline"].startswith(
        "6 impact bonds around the world supporting 4,314 service users"
    )


def test_the_impact_bond_schemas_do_not_replace_other_schemas_of_the_same_name():
    from commonmeasure.api.urls import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert "code" in schemas["OrganisationOut"]["properties"]  # the initiatives' organisation
    assert "roles" in schemas["ImpactBondOrganisationOut"]["properties"]
    assert "/api/v1/impact-bonds/stats" in api.get_openapi_schema()["paths"]
