"""The public impact bond pages with GO Lab's 12-project sample: every page renders for a
visitor who is not logged in, the headline and charts carry the figures of the rules, and the
directory's filters and search give the counts worked out by hand from the sample."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.test import Client

from commonmeasure.impactbonds import figures, selectors
from commonmeasure.impactbonds.services import import_bundle

from .helpers import SAMPLE

pytestmark = pytest.mark.django_db
BASE = "/impact-bonds"


@pytest.fixture
def sample():
    import_bundle(SAMPLE)


def page(path: str, **headers) -> str:
    response = Client().get(BASE + path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def spec(html: str, script_id: str) -> dict:
    found = re.search(
        rf'<script id="{script_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no spec {script_id}"
    return json.loads(found.group(1))


def ids_listed(html: str) -> list[str]:
    return re.findall(r'<tr data-project="([^"]+)"', html)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?as_of=2018-12-31",
        "/projects/",
        "/projects/?country=GB&sector=Education&stage=Implementation&year=2019&q=london",
        "/projects/INDIGO-POJ-0001/",
        "/projects/INDIGO-POJ-0184/",
        "/organisations/",
        "/organisations/INDIGO-ORG-1103/",
        "/compare/",
        "/compare/?p=INDIGO-POJ-0001&p=INDIGO-POJ-0184&p=INDIGO-POJ-0276",
    ],
)
def test_every_public_page_renders_for_a_visitor_who_is_not_logged_in(sample, path):
    html = page(path)
    assert "Impact bond database" in html and "Log in" in html


def test_every_project_and_organisation_of_the_sample_has_a_page(sample):
    from commonmeasure.impactbonds import models as m

    for indigo_id, name in m.Project.objects.values_list("indigo_id", "name"):
        assert name.split(" ")[0] in text_of(page(f"/projects/{indigo_id}/"))
    for indigo_id in m.Organisation.objects.values_list("indigo_id", flat=True):
        page(f"/organisations/{indigo_id}/")
    fund = m.Fund.objects.order_by("indigo_id").first()
    assert fund.name in text_of(page(f"/funds/{fund.indigo_id}/"))


def test_unknown_projects_organisations_and_funds_answer_not_found(sample):
    for path in (
        "/projects/INDIGO-POJ-4040/",
        "/organisations/INDIGO-ORG-4040/",
        "/funds/INDIGO-FUND-4040/",
    ):
        assert Client().get(BASE + path).status_code == 404


def test_the_home_page_states_the_headline_of_the_loaded_data(sample):
    html = page("/")
    sentence = "12 impact bonds around the world supporting 238,706 service users, with $16.1m capital raised"
    assert sentence in text_of(html)
    assert sentence == figures.headline_sentence(selectors.headline())
    assert "$16,110,082 from 9 projects; 2 more in their own currency only" in text_of(html)


def test_the_as_of_date_counts_only_projects_launched_by_then(sample):
    # impact-bond-stats.md, worked by hand: 6 projects, 4,314 users, $12,307,214.84 by 2018-12-31.
    html = page("/?as_of=2018-12-31")
    assert (
        "6 impact bonds around the world supporting 4,314 service users, with $12.3m capital raised"
        in text_of(html)
    )
    assert 'value="2018-12-31"' in html
    launched = spec(html, "spec-launches")["data"]["values"]
    assert (
        sum(v["projects"] for v in launched) == 6 and max(int(v["year"]) for v in launched) == 2018
    )
    assert {
        c["code"]
        for c in spec(html, "spec-map")["layer"][0]["transform"][1]["from"]["data"]["values"]
    } == {"AR", "CO", "NL", "PT", "US", "GB"}


def test_a_date_that_is_not_a_date_is_explained_and_todays_figures_shown(sample):
    html = page("/?as_of=31/12/2018")
    assert "is not a date: use YYYY-MM-DD" in text_of(html)
    assert "12 impact bonds around the world" in text_of(html)


def test_the_launches_chart_and_its_table_carry_the_same_numbers(sample):
    html = page("/")
    values = spec(html, "spec-launches")["data"]["values"]
    assert sum(v["projects"] for v in values) == 12
    by_year: dict[str, int] = {}
    for v in values:
        by_year[v["year"]] = by_year.get(v["year"], 0) + v["projects"]
    # Launch years from the hand-worked table: 2015 0046, 2016 0092, 2017 0023 0161, 2018 0001 0069,
    # 2019 0184, 2020 0207 0253, 2021 0299, 2022 0276, 2023 0345.
    assert by_year == {
        "2015": 1,
        "2016": 1,
        "2017": 2,
        "2018": 2,
        "2019": 1,
        "2020": 2,
        "2021": 1,
        "2022": 1,
        "2023": 1,
    }
    table = re.search(
        r'<table class="table numeric" id="launches-table">(.*?)</table>', html, re.S
    ).group(1)
    totals = dict(
        re.findall(r'<th scope="row">(\d{4})</th>.*?<td><strong>(\d+)</strong></td>', table, re.S)
    )
    assert {y: int(n) for y, n in totals.items()} == by_year
    education = [v for v in values if v["sector"] == "Education"]
    assert sorted(v["year"] for v in education) == ["2018", "2019", "2020", "2022"]


def test_the_capital_chart_and_its_table_carry_the_same_numbers(sample):
    html = page("/")
    values = {v["country"]: v["capital"] for v in spec(html, "spec-capital")["data"]["values"]}
    # US 8,500,000 (0092); NL 2,322,918.585 (0046); PT 59,018.89 + 64,727.80 + 1,616,382.95 = 1,740,129.64.
    assert values["United States"] == 8500000 and round(values["Portugal"], 2) == 1740129.64
    assert (
        list(values)[0] == "United States" and "Sierra Leone" not in values
    )  # 0276: own currency only
    table = text_of(re.search(r'id="capital-table">(.*?)</table>', html, re.S).group(1))
    assert "United States $8,500,000 1" in table and "Portugal $1,740,130 3" in table


def test_the_map_has_every_country_counted_and_every_located_delivery_point(sample):
    html = page("/")
    map_spec = spec(html, "spec-map")
    countries = {
        c["code"]: c for c in map_spec["layer"][0]["transform"][1]["from"]["data"]["values"]
    }
    assert {code: c["projects"] for code, c in countries.items()} == selectors.headline()[
        "by_country"
    ]
    assert (
        countries["GB"]["id"] == "826"
        and countries["GB"]["href"] == "/impact-bonds/projects/?country=GB"
    )
    points = map_spec["layer"][1]["data"]["values"]
    assert len(points) == 18 and {"Bogotá", "Cali", "Pereira"} <= {p["name"] for p in points}
    assert all(p["href"].startswith("/impact-bonds/projects/INDIGO-POJ-") for p in points)
    assert (
        'data-country="PT"' in html
    )  # the same numbers as a table, with links, for readers without the map


# -- the directory -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 12),
        ("country=PT", ["INDIGO-POJ-0069", "INDIGO-POJ-0207", "INDIGO-POJ-0253"]),
        ("country=gb", ["INDIGO-POJ-0161", "INDIGO-POJ-0184", "INDIGO-POJ-0299"]),
        (
            "sector=Education",
            ["INDIGO-POJ-0069", "INDIGO-POJ-0184", "INDIGO-POJ-0253", "INDIGO-POJ-0276"],
        ),
        (
            "stage=Complete",
            ["INDIGO-POJ-0001", "INDIGO-POJ-0023", "INDIGO-POJ-0161", "INDIGO-POJ-0299"],
        ),
        ("year=2020", ["INDIGO-POJ-0207", "INDIGO-POJ-0253"]),
        ("sdg=4", ["INDIGO-POJ-0276"]),
        ("sdg=8", ["INDIGO-POJ-0001"]),
        ("country=PT&sector=education", ["INDIGO-POJ-0069", "INDIGO-POJ-0253"]),
        ("q=somerset", ["INDIGO-POJ-0161", "INDIGO-POJ-0299"]),
        ("q=Bogot%C3%A1", ["INDIGO-POJ-0023"]),  # a delivery location
        ("q=westminster+council", ["INDIGO-POJ-0184"]),  # a party organisation, every word
        ("q=somerset&stage=Implementation", []),
        ("country=FR", []),
    ],
)
def test_filters_and_search_narrow_the_directory(sample, query, expected):
    html = page(f"/projects/?{query}")
    listed = ids_listed(html)
    if isinstance(expected, int):
        assert len(listed) == expected
    else:
        assert sorted(listed) == expected
    count = len(expected) if isinstance(expected, list) else expected
    assert re.search(rf'id="result-count"[^>]*><strong>{count}</strong> of 12 projects', html)


def test_each_filter_option_shows_the_number_it_would_give(sample):
    html = page("/projects/?country=PT")
    sectors = re.search(
        r'<select name="sector" id="filter-sector">(.*?)</select>', html, re.S
    ).group(1)
    assert ">Education (2)</option>" in sectors and ">Criminal justice (1)</option>" in sectors
    assert "Health" not in sectors
    countries = re.search(
        r'<select name="country" id="filter-country">(.*?)</select>', html, re.S
    ).group(1)
    assert (
        'value="PT" selected>Portugal (3)' in countries
        and ">United Kingdom (3)</option>" in countries
    )
    # Every option's number is what choosing it gives, and what the JSON API's filter gives.
    for sector, n in re.findall(r'<option value="([^"]+)"[^>]*>[^<]+ \((\d+)\)</option>', sectors):
        assert len(ids_listed(page(f"/projects/?country=PT&sector={sector}"))) == int(n)
        assert selectors.find_projects(country="PT", sector=sector).count() == int(n)


def test_directory_filters_agree_with_the_json_api(sample):
    for params in (
        {"country": "GB"},
        {"stage": "implementation"},
        {"launch_year": 2017},
        {"sdg": 3},
        {"sector": "Health", "country": "KR"},
    ):
        query = "&".join(f"{'year' if k == 'launch_year' else k}={v}" for k, v in params.items())
        assert sorted(ids_listed(page(f"/projects/?{query}"))) == list(
            selectors.find_projects(**params).values_list("indigo_id", flat=True)
        )


def test_filter_values_that_cannot_be_filters_are_explained_and_ignored(sample):
    html = page("/projects/?year=twenty&sdg=18&country=GBR")
    words = text_of(html)
    assert (
        "“twenty” is not a year" in words
        and "“18” is not an SDG goal" in words
        and "“GBR” is not a country code" in words
    )
    assert len(ids_listed(html)) == 12


def test_a_filter_can_be_removed_from_the_shareable_address(sample):
    html = page("/projects/?country=PT&sector=Education")
    assert (
        'href="/impact-bonds/projects/?sector=Education"' in html
    )  # the chip that removes Portugal
    assert 'href="/impact-bonds/projects/?country=PT"' in html


def test_the_directory_answers_htmx_with_the_panel_alone(sample):
    html = page("/projects/?stage=Complete", HX_REQUEST="true")
    assert (
        html.lstrip().startswith('<div class="ib-directory" id="directory">')
        and "<html" not in html
    )
    assert len(ids_listed(html)) == 4


def test_the_directory_sorts_and_pages(sample):
    newest = ids_listed(page("/projects/?sort=newest"))
    assert newest[0] == "INDIGO-POJ-0345" and newest[-1] == "INDIGO-POJ-0046"
    assert ids_listed(page("/projects/?sort=capital"))[0] == "INDIGO-POJ-0092"
    assert ids_listed(page("/projects/?sort=users"))[0] == "INDIGO-POJ-0253"


# -- project, organisation and comparison --------------------------------------------------------


def test_a_project_page_shows_parties_metrics_prices_results_payments_and_sources(sample):
    words = text_of(page("/projects/INDIGO-POJ-0001/"))
    assert "Outcome payers 1 Government of the City of Buenos Aires" in words
    assert "Job placement (vulnerable person)" in words and "ARS 42,116 ($1,083.79)" in words
    assert "Expected results - support to complete secondary education" in words
    assert "$1.1m" in words and "total investment commitment, minimum given" in words
    assert "Case Study - Proyectá tu futuro" in words
    html = page("/projects/INDIGO-POJ-0001/")
    assert (
        'href="https://golab.bsg.ox.ac.uk/knowledge-bank/case-studies/improving-employability-buenos-aires/" rel="noopener noreferrer nofollow"'
        in html
    )
    payments = text_of(page("/projects/INDIGO-POJ-0184/"))
    assert (
        "GBP 15,147,230 actual in 12 payments" in payments
        and "GBP 48,702,905 planned in 65 payments" in payments
    )


def test_an_organisation_page_shows_its_roles_across_projects(sample):
    html = page("/organisations/INDIGO-ORG-1103/")
    assert ids_listed(html) == ["INDIGO-POJ-0184"]
    assert "Outcome payer in 1 impact bond" in text_of(html)
    listing = page("/organisations/?role=evaluator")
    assert re.search(r'id="result-count"><strong>\d+</strong>', listing)


def test_the_comparison_shows_the_projects_picked_side_by_side(sample):
    html = page("/compare/?p=INDIGO-POJ-0001&p=INDIGO-POJ-0184&p=INDIGO-POJ-0276")
    columns = re.findall(r'<th scope="col" data-project="([^"]+)"', html)
    assert columns == ["INDIGO-POJ-0001", "INDIGO-POJ-0184", "INDIGO-POJ-0276"]
    words = text_of(html)
    assert "875 (actual) 2,240 (targeted) 7,986 (targeted)" in words
    assert (
        "$1,100,000 (minimum) $1,525,095 (minimum) own currency only: USD 1,069,370 – USD 1,320,000"
        in words
    )
    assert "Government body 5" in words  # 0184's outcome payers by type
    assert "GBP 15,147,230 actual" in words
    assert 'href="?p=INDIGO-POJ-0184&amp;p=INDIGO-POJ-0276"' in html  # removes 0001


def test_the_comparison_explains_unknown_ids_and_its_limit(sample):
    ids = [
        "INDIGO-POJ-0001",
        "INDIGO-POJ-0023",
        "INDIGO-POJ-0046",
        "INDIGO-POJ-0069",
        "INDIGO-POJ-0092",
        "INDIGO-POJ-0161",
        "INDIGO-POJ-0184",
        "INDIGO-POJ-4040",
    ]
    html = page("/compare/?" + "&".join(f"p={i}" for i in ids))
    assert "No public impact bond with the id INDIGO-POJ-4040" in html and "At most 6" in html
    assert len(re.findall(r'<th scope="col" data-project=', html)) == 6


def test_a_live_filter_answer_pushes_a_short_address_with_only_the_filters_set(sample):
    response = Client().get(
        "/impact-bonds/projects/",
        {"q": "london", "country": "", "sector": "Education", "stage": "", "sort": "name"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/impact-bonds/projects/?sector=Education&q=london"
    assert 'id="result-count"' in response.content.decode()
