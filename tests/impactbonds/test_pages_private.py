"""Private and disputed INDIGO data never appears on a public page, and the map is drawn from
this server alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from commonmeasure.impactbonds import models as m
from commonmeasure.impactbonds.charts import iso_numeric
from commonmeasure.impactbonds.services import import_bundle

from .helpers import SAMPLE, copy_sample, set_cell

pytestmark = pytest.mark.django_db
BASE = "/impact-bonds"
DATE_STATUS = "Dates - Date outcomes contract signed - (Status)"

# Values that only private or disputed data carries, each one something a page would show.
SECRETS = [
    "INDIGO-POJ-0092",  # the private project ...
    "Strong Beginnings",  # ... its name,
    "Kent County, Michigan",  # its delivery location,
    "Westminster",  # a private organisation (and a private delivery location of 0184)
    "INDIGO-ORG-1103",
    "November 2015",  # 0046's outcomes contract date, disputed
    "Confidential side letter",  # a source marked private
    "not for publication",  # a column outside the INDIGO layout
]


@pytest.fixture
def private_data(tmp_path):
    bundle = copy_sample(tmp_path)
    projects = bundle / "projects.csv"
    set_cell(projects, {"ID": "INDIGO-POJ-0092"}, "Status", "PRIVATE")
    set_cell(projects, {"ID": "INDIGO-POJ-0046"}, DATE_STATUS, "DISPUTED")
    set_cell(projects, {"ID": "INDIGO-POJ-0023"}, DATE_STATUS, "PRIVATE")
    set_cell(projects, {"ID": "INDIGO-POJ-0001"}, "Internal remark", "not for publication")
    set_cell(
        bundle / "projects_delivery_locations.csv",
        {"Location - Name - (Value)": "Westminster City Council"},
        "Status",
        "PRIVATE",
    )
    set_cell(
        bundle / "organisations.csv", {"ID": "INDIGO-ORG-1103"}, "Status", "PRIVATE"
    )  # Westminster City Council
    sources = bundle / "projects_sources.csv"
    set_cell(
        sources,
        {"Project ID": "INDIGO-POJ-0299", "Id": "source1"},
        "Name - (Value)",
        "Confidential side letter",
    )
    set_cell(sources, {"Project ID": "INDIGO-POJ-0299", "Id": "source1"}, "Status", "PRIVATE")
    import_bundle(bundle)
    # The typed data is there, so a page that read it would show it.
    assert m.Project.objects.get(indigo_id="INDIGO-POJ-0092").name.startswith("Strong Beginnings")
    assert "2015-11" in json.dumps(m.Project.objects.get(indigo_id="INDIGO-POJ-0046").cells)


def every_public_page() -> dict[str, str]:
    client = Client()
    paths = [
        "/",
        "/?as_of=2019-12-31",
        "/projects/",
        "/projects/?country=US",
        "/projects/?q=westminster",
        "/projects/?q=grand",
        "/organisations/",
        "/organisations/?q=westminster",
    ]
    projects = list(m.Project.objects.order_by("indigo_id").values_list("indigo_id", flat=True))
    paths += [f"/projects/{p}/" for p in projects]
    paths += [
        f"/organisations/{o}/" for o in m.Organisation.objects.values_list("indigo_id", flat=True)
    ]
    paths += [f"/funds/{f}/" for f in m.Fund.objects.values_list("indigo_id", flat=True)]
    public = list(
        m.Project.objects.filter(status="PUBLIC")
        .order_by("indigo_id")
        .values_list("indigo_id", flat=True)
    )
    paths += [
        "/compare/?" + "&".join(f"p={p}" for p in public[i : i + 6])
        for i in range(0, len(public), 6)
    ]
    pages = {}
    for path in paths:
        response = client.get(BASE + path)
        if response.status_code == 200:
            pages[path] = response.content.decode()
        else:
            assert response.status_code == 404, (path, response.status_code)
    return pages


def test_private_and_disputed_data_never_appear_on_any_public_page(private_data):
    pages = every_public_page()
    assert len(pages) > 150  # the pages of every public project and organisation were read
    for path, html in pages.items():
        for secret in SECRETS:
            assert secret not in html, f"{secret!r} appears on {path}"


def test_private_projects_and_organisations_answer_not_found(private_data):
    assert Client().get(f"{BASE}/projects/INDIGO-POJ-0092/").status_code == 404
    assert Client().get(f"{BASE}/organisations/INDIGO-ORG-1103/").status_code == 404
    assert (
        Client()
        .get(f"{BASE}/compare/?p=INDIGO-POJ-0092")
        .content.decode()
        .count("No public impact bond")
        == 1
    )


def test_the_public_part_of_a_project_with_private_fields_is_still_shown(private_data):
    html = Client().get(f"{BASE}/projects/INDIGO-POJ-0046/").content.decode()
    assert "Buzinezzclub" in html and "1 January 2016" in html  # launch from the public start date
    assert "<dt>Outcomes contract signed</dt><dd>–</dd>" in html
    private_date = Client().get(f"{BASE}/projects/INDIGO-POJ-0023/").content.decode()
    assert (
        "<dt>Outcomes contract signed</dt><dd>–</dd>" in private_date
        and "1 May 2017" in private_date
    )
    located = Client().get(f"{BASE}/projects/INDIGO-POJ-0184/").content.decode()
    assert "Brent Council" in located
    home = Client().get(f"{BASE}/").content.decode()
    assert "11 impact bonds around the world" in home


def test_a_source_link_is_only_ever_an_http_address(tmp_path):
    bundle = copy_sample(tmp_path)
    set_cell(
        bundle / "projects_sources.csv",
        {"Project ID": "INDIGO-POJ-0299", "Id": "source1"},
        "URL - (Value)",
        "javascript:alert(1)",
    )
    import_bundle(bundle)
    html = Client().get(f"{BASE}/projects/INDIGO-POJ-0299/").content.decode()
    assert 'href="javascript:' not in html


def _strings(value, key=""):
    """(key, text) for every string in a JSON value."""
    if isinstance(value, dict):
        for k, item in value.items():
            yield from _strings(item, k)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def test_the_map_is_drawn_from_this_server_alone():
    import_bundle(SAMPLE)
    html = Client().get(f"{BASE}/").content.decode()
    found = re.search(r'<script id="spec-map" type="application/json">(.*?)</script>', html, re.S)
    map_spec = json.loads(found.group(1))
    strings = list(_strings(map_spec))
    urls = [s for key, s in strings if key in ("url", "href") and s]
    assert "/static/impactbonds/countries-110m.json" in urls
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert not [s for _, s in strings if "://" in s or s.startswith("//")]
    # Every script and stylesheet of the page is local too.
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets


def test_the_country_shapes_ship_with_the_package_and_their_ids_map_to_the_data_codes():
    path = Path(finders.find("impactbonds/countries-110m.json"))
    topology = json.loads(path.read_text())
    ids = {g.get("id") for g in topology["objects"]["countries"]["geometries"]} - {None}
    assert len(ids) >= 170
    for code, number in {
        "GB": "826",
        "US": "840",
        "PT": "620",
        "AR": "032",
        "SL": "694",
        "KR": "410",
    }.items():
        assert iso_numeric(code) == number and number in ids
    assert (path.parent / "README.md").read_text().count("world-atlas 2.0.2") == 1
