"""Values up the area hierarchy, de-duplicated where providers overlap (docs/reference/areas.md)."""

import pytest

from commonmeasure.domain import periods
from commonmeasure.measures.selectors import QueryError, area_tree, query
from commonmeasure.reporting.models import Submission

from .conftest import as_dict, ind


def test_adjusted_count_adds_the_declared_overlap_of_the_ward_and_sums_up_the_tree(towns):
    people = ind(towns, "people")
    result = as_dict(query(towns, people, "area"))
    # w1: 22 + 11 - 3 - 2 = 28; w2: 7; b1 = 35; w3 = b2 = 8; north = 43
    assert result == {"w1": 28, "w2": 7, "b1": 35, "w3": 8, "b2": 8, "north": 43}


def test_adjustments_count_only_for_the_periods_in_range(towns):
    people = ind(towns, "people")
    january = as_dict(query(towns, people, "area", within=periods.month(2024, 1)))
    assert january["w1"] == 10 + 5 - 3 and january["north"] == 12 + 7 + 4


def test_max_deduplication_takes_the_largest_provider_in_a_ward(towns):
    result = as_dict(query(towns, ind(towns, "visits"), "area:ward"))
    assert result == {"w1": 30, "w2": 15}  # w3's provider reported no visits


def test_a_level_query_returns_only_areas_of_that_level_sorted_by_code(towns):
    rows = query(towns, ind(towns, "people"), "area:borough")
    assert rows == [{"key": "b1", "value": 35}, {"key": "b2", "value": 8}]


def test_a_mean_indicator_is_the_mean_over_every_provider_in_the_subtree_not_of_the_wards(towns):
    result = as_dict(query(towns, ind(towns, "satisfaction"), "area"))
    assert result["w1"] == 80 and result["w2"] == 80
    # b1 = mean(70, 90, 80) = 80 over providers; the mean of ward means would also be 80, so
    # check the region, where the wards' sizes differ: same providers, same 80.
    assert result["north"] == pytest.approx((70 + 90 + 80) / 3)


def test_an_unknown_area_level_names_the_levels_there_are(towns):
    with pytest.raises(QueryError, match="area:borough, area:region, area:ward"):
        query(towns, ind(towns, "people"), "area:county")


def test_area_queries_read_only_approved_values(towns, import_csv):
    result = import_csv(towns, "organisation,indicator,period,value\np4,people,2024-03,100\n")
    assert not result.errors
    approved = as_dict(query(towns, ind(towns, "people"), "area"))
    assert approved["w3"] == 8
    with_drafts = as_dict(
        query(
            towns,
            ind(towns, "people"),
            "area",
            statuses=(Submission.APPROVED, Submission.DRAFT),
        )
    )
    assert with_drafts["w3"] == 108


def test_a_restricted_query_leaves_out_other_providers_and_the_shared_wards_adjustment(towns):
    p1 = towns.organisations.get(code="p1")
    result = as_dict(query(towns, ind(towns, "people"), "area", organisation_ids=[p1.id]))
    assert result == {"w1": 22, "b1": 22, "north": 22}


def test_area_tree_nests_areas_with_their_providers_and_adjustment(towns):
    tree = area_tree(towns, ind(towns, "people"))
    assert [n["code"] for n in tree] == ["north"]
    b1 = tree[0]["children"][0]
    w1 = b1["children"][0]
    assert (b1["code"], b1["value"], w1["code"], w1["value"], w1["adjustment"]) == (
        "b1",
        35,
        "w1",
        28,
        -5,
    )
    assert [(o["code"], o["value"]) for o in w1["organisations"]] == [("p1", 22), ("p2", 11)]
