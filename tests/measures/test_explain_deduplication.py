"""Explanations of de-duplicated community figures (docs/reference/explain.md): the parts add up
to what the organisations reported, the de-duplication and the declared overlap adjustments
listed bring that to the figure, and an area's explanation lists the organisations in it."""

from __future__ import annotations

import math

from commonmeasure.insights.explain import explain
from commonmeasure.measures.selectors import query

from .conftest import as_dict, ind


def test_the_parts_and_the_overlap_adjustments_give_the_de_duplicated_figure(towns):
    people = ind(towns, "people")
    for period_type in ("month", "year"):
        for key, value in as_dict(query(towns, people, "period", period_type)).items():
            e = explain(towns, people, "period", key, period_type)
            assert e.figure == value and e.deduplication is not None
            parts = math.fsum(p.value for p in e.parts)
            assert parts == e.deduplication.reported
            assert e.deduplication.reported + e.deduplication.change == value
            assert e.deduplication.adjustments, key  # the declared ones in range are listed
    january = explain(towns, people, "period", "2024-01")
    assert [a.value for a in january.deduplication.adjustments] == [-3]
    assert january.deduplication.change == -3


def test_full_overlap_keeps_the_largest_provider_and_says_so(towns):
    visits = ind(towns, "visits")
    e = explain(towns, visits, "period", "2024-01")
    assert e.figure == 45 and e.deduplication.rule == "max"
    assert e.deduplication.reported == 65 and e.deduplication.change == -20


def test_an_area_lists_the_organisations_placed_in_it_and_below(towns):
    people = ind(towns, "people")
    by_area = as_dict(query(towns, people, "area", "year"))
    e = explain(towns, people, "area", "north", "year")
    assert e.figure == by_area["north"]
    placed = set(
        towns.participations.filter(area__isnull=False).values_list("organisation__code", flat=True)
    )
    assert {p.key for p in e.parts} == placed & {p.key for p in e.parts} and e.parts
    assert e.deduplication.reported == math.fsum(p.value for p in e.parts)
    assert (
        math.fsum(a.value for a in e.deduplication.adjustments) + e.deduplication.reported
        == e.figure
    )
