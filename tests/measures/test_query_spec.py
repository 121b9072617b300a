"""One QuerySpec carries a query's parameters through every layer: formulas and areas ask for
their parts with the same spec, one field replaced, through the answer they are handed."""

from __future__ import annotations

import dataclasses

import pytest

from commonmeasure.domain import periods
from commonmeasure.measures import areas, derived
from commonmeasure.measures.query_spec import QuerySpec
from commonmeasure.measures.selectors import query, run
from commonmeasure.reporting.models import Submission

from .conftest import ind


def test_a_query_spec_is_a_value(towns):
    spec = QuerySpec(towns, ind(towns, "people"), "period")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.by = "organisation"
    assert spec.replace(by="organisation") == QuerySpec(towns, ind(towns, "people"), "organisation")
    assert spec.statuses == (Submission.APPROVED,) and spec.from_rollups


def test_query_takes_only_the_specs_fields(towns):
    with pytest.raises(TypeError):
        query(towns, ind(towns, "people"), "period", withn=periods.month(2024, 1))


def test_a_formulas_components_are_asked_with_the_same_spec(towns):
    asked: list[QuerySpec] = []

    def answer(spec: QuerySpec) -> list[dict]:
        asked.append(spec)
        return run(spec)

    january = periods.month(2024, 1)
    spec = QuerySpec(
        towns, ind(towns, "sustain_rate"), "organisation", "month", january, from_rollups=False
    )
    rows = derived.derived_query(spec, answer)
    assert rows == query(towns, ind(towns, "sustain_rate"), "organisation", "month", within=january)
    assert {s.indicator.code for s in asked} == set(derived.component_codes(spec.indicator))
    assert all(s == spec.replace(indicator=s.indicator) for s in asked)


def test_an_areas_organisations_are_asked_by_organisation_with_the_same_range(towns):
    asked: list[QuerySpec] = []

    def answer(spec: QuerySpec) -> list[dict]:
        asked.append(spec)
        return run(spec)

    spec = QuerySpec(towns, ind(towns, "people"), "area", "month", periods.month(2024, 1))
    assert areas.area_query(spec, answer) == query(
        towns, ind(towns, "people"), "area", "month", within=periods.month(2024, 1)
    )
    assert asked and all(s == spec.replace(by="organisation") for s in asked)
