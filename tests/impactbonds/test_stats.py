"""`stats impact-bonds`: GO Lab's headline figures, checked against an independent reading of
the CSV files with the csv module and against the figures worked out by hand in
docs/reference/impact-bond-stats.md."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from commonmeasure.impactbonds import figures
from commonmeasure.impactbonds.figures import ProjectFacts
from commonmeasure.impactbonds.services import import_bundle

from .helpers import SAMPLE, copy_sample, set_cell

STAGES = {"Contracted", "Implementation", "Service delivery complete", "Complete"}
TIC = "Overall project finance - Total investment commitment - "


def first_day(text: str) -> date | None:
    if not text:
        return None
    parts = [int(x) for x in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def independent_figures(folder, as_of: date | None = None) -> dict:
    """The rules of the issue, written again from scratch over the raw CSV files."""
    with (folder / "projects.csv").open(newline="", encoding="utf-8") as fh:
        projects = list(csv.DictReader(fh))
    with (folder / "projects_delivery_locations.csv").open(newline="", encoding="utf-8") as fh:
        locations = list(csv.DictReader(fh))
    n = users = users_n = capital_n = unconverted = 0
    capital = Decimal(0)
    countries = Counter()
    for p in projects:
        if p["Stage of Development - (Value)"] not in STAGES:
            continue
        dates = [
            first_day(p[f"Dates - {k} - (Value)"])
            for k in (
                "Date outcomes contract signed",
                "Date contracts between all parties signed",
                "Start date of service provision",
            )
        ]
        launched = min([d for d in dates if d], default=None)
        if as_of and (launched is None or launched > as_of):
            continue
        n += 1
        actual = p[
            "Service and beneficiaries - Actual number of unique service users or beneficiaries engaged (total) - (Value)"
        ]
        target = p[
            "Service and beneficiaries - Targeted number of unique service users or beneficiaries (total) - (Value)"
        ]
        if actual or target:
            users += int(actual or target)
            users_n += 1
        usd = p[TIC + "Amount USD - Exact - (Value)"] or p[TIC + "Amount USD - Min - (Value)"]
        if usd:
            capital += Decimal(usd)
            capital_n += 1
        elif any(p[TIC + f"Amount - {k} - (Value)"] for k in ("Exact", "Min", "Max")):
            unconverted += 1
        where = {
            loc["Location - Country - (Value)"] for loc in locations if loc["Project ID"] == p["ID"]
        }
        where.add(p["Jurisdiction - Jurisdiction - (Value)"])
        countries.update(c for c in where if c)
    return {
        "impact_bonds": n,
        "service_users": users,
        "service_users_projects": users_n,
        "capital_raised_usd": str(capital.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "capital_projects": capital_n,
        "capital_unconverted_projects": unconverted,
        "by_country": dict(countries),
    }


def stats(cli, *args) -> dict:
    code, out, err = cli("stats", "impact-bonds", "--json", *args)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.django_db
def test_headline_figures_of_the_sample_follow_go_labs_rules(cli):
    import_bundle(SAMPLE)
    got = stats(cli)
    expected = independent_figures(SAMPLE)
    assert {k: got[k] for k in expected} == expected
    # Worked out by hand in docs/reference/impact-bond-stats.md.
    assert (got["impact_bonds"], got["service_users"], got["capital_raised_usd"]) == (
        12,
        238706,
        "16110081.81",
    )
    assert (got["capital_projects"], got["capital_unconverted_projects"]) == (9, 2)
    assert got["by_country"] == {
        "GB": 3,
        "PT": 3,
        "AR": 1,
        "CO": 1,
        "KR": 1,
        "NL": 1,
        "SL": 1,
        "US": 1,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "as_of", ["2015-10-31", "2015-11-01", "2018-01-01", "2018-12-31", "2020-12-31", "2030-01-01"]
)
def test_as_of_counts_only_projects_launched_by_then(cli, as_of):
    import_bundle(SAMPLE)
    got = stats(cli, "--as-of", as_of)
    expected = independent_figures(SAMPLE, date.fromisoformat(as_of))
    assert {k: got[k] for k in expected} == expected
    assert got["as_of"] == as_of


@pytest.mark.django_db
def test_as_of_counts_a_partial_date_as_its_first_day(cli):
    import_bundle(SAMPLE)
    # INDIGO-POJ-0001's outcomes contract was signed in "2018": launched on 2018-01-01.
    on = {p["id"] for p in stats(cli, "--as-of", "2018-01-01", "--explain")["projects"]}
    before = {p["id"] for p in stats(cli, "--as-of", "2017-12-31", "--explain")["projects"]}
    assert on - before == {"INDIGO-POJ-0001"}


@pytest.mark.django_db
def test_private_projects_and_stages_outside_the_list_are_not_counted(tmp_path, cli):
    bundle = copy_sample(tmp_path)
    set_cell(
        bundle / "projects.csv", {"ID": "INDIGO-POJ-0253"}, "Status", "PRIVATE"
    )  # 220,000 users
    set_cell(
        bundle / "projects.csv",
        {"ID": "INDIGO-POJ-0345"},
        "Stage of Development - (Value)",
        "Pipeline",
    )
    import_bundle(bundle)
    got = stats(cli)
    assert got["impact_bonds"] == 10 and got["service_users"] == 238706 - 220000 - 300
    assert "KR" not in got["by_country"] and got["by_country"]["PT"] == 2


def test_a_bad_as_of_date_is_refused(cli, db):
    code, _, err = cli("stats", "impact-bonds", "--as-of", "2018-13-01")
    assert code == 1 and "--as-of" in err


def facts(**kw) -> ProjectFacts:
    return ProjectFacts(**{"indigo_id": "P", "stage": "Implementation", **kw})


def test_service_users_are_the_actual_number_else_the_target():
    got = figures.headline(
        [
            facts(indigo_id="a", actual_users=10, targeted_users=99),
            facts(indigo_id="b", targeted_users=5),
            facts(indigo_id="c"),
        ]
    )
    assert (got["service_users"], got["service_users_projects"]) == (15, 2)


def test_capital_is_the_exact_usd_amount_else_the_minimum_and_local_only_amounts_are_counted_apart():
    got = figures.headline(
        [
            facts(indigo_id="a", usd_exact=Decimal("100"), usd_min=Decimal("1")),
            facts(indigo_id="b", usd_min=Decimal("20.005")),
            facts(indigo_id="c", local_amounts=(None, Decimal("5000"), None)),
            facts(indigo_id="d"),
        ]
    )
    assert (
        got["capital_raised_usd"],
        got["capital_projects"],
        got["capital_unconverted_projects"],
    ) == ("120.01", 2, 1)


def test_countries_count_each_project_once_however_many_locations():
    got = figures.headline(
        [
            facts(indigo_id="a", countries=frozenset({"GB", "FR"})),
            facts(indigo_id="b", countries=frozenset({"GB"})),
        ]
    )
    assert got["by_country"] == {"GB": 2, "FR": 1}


def test_only_the_four_stages_count_and_an_undated_project_is_left_out_of_an_as_of_count():
    projects = [
        facts(indigo_id=s, stage=s, launch=date(2020, 1, 1))
        for s in ("Contracted", "Complete", "Pipeline", "")
    ]
    projects.append(facts(indigo_id="undated"))
    assert figures.headline(projects)["impact_bonds"] == 3
    assert figures.headline(projects, as_of=date(2021, 1, 1))["impact_bonds"] == 2
    assert figures.headline(projects, as_of=date(2019, 12, 31))["impact_bonds"] == 0


def test_the_headline_sentence_reads_like_go_labs():
    sentence = figures.headline_sentence(
        {"impact_bonds": 164, "service_users": 513041, "capital_raised_usd": "441612345.00"}
    )
    assert (
        sentence
        == "164 impact bonds around the world supporting 513,041 service users, with $441.6m capital raised"
    )
