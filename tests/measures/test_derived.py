"""Formula and composite indicators computed from aggregated components
(docs/reference/formula-indicators.md, composite-indicators.md)."""

import pytest

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Indicator
from commonmeasure.measures.selectors import QueryError, derived_detail, query

from .conftest import as_dict, ind


def test_a_rate_is_total_numerator_over_total_denominator_never_the_mean_of_rates(towns):
    rate = ind(towns, "sustain_rate")
    by_org = as_dict(query(towns, rate, "organisation"))
    assert by_org["p1"] == 50 and by_org["p2"] == 90
    total = as_dict(query(towns, rate, "period"))["2024-01"]
    assert total == pytest.approx(10 / 12 * 100, abs=1e-6)  # 83.333333, not (50 + 90) / 2 = 70
    assert total != (50 + 90) / 2


def test_a_formula_is_computed_per_area_from_the_areas_aggregates(towns):
    rate = as_dict(query(towns, ind(towns, "sustain_rate"), "area:borough"))
    assert rate == {"b1": pytest.approx(10 / 12 * 100, abs=1e-6)}


def test_division_by_zero_gives_no_value_with_the_reason(towns):
    rows = {r["key"]: r for r in derived_detail(towns, ind(towns, "sustain_rate"), "organisation")}
    assert rows["p3"]["value"] is None
    assert rows["p3"]["reason"] == "division by zero: denominator started is 0"
    assert rows["p3"]["components"] == {"sustained": 0, "started": 0}
    assert as_dict(query(towns, ind(towns, "sustain_rate"), "organisation"))["p3"] is None


def test_a_missing_component_gives_no_value_naming_it(towns, import_csv):
    result = import_csv(
        towns, "organisation,indicator,period,value\np4,started,2024-03,3\n", approve=True
    )
    assert not result.errors
    rows = {r["key"]: r for r in derived_detail(towns, ind(towns, "sustain_rate"), "organisation")}
    assert rows["p4"]["value"] is None and rows["p4"]["reason"] == "no value for sustained"


def test_composite_shows_what_each_component_contributed(towns):
    rows = {r["key"]: r for r in derived_detail(towns, ind(towns, "quality"), "organisation")}
    # p1: rate 50 / target 80 = 0.625; satisfaction 70 on goalposts 0-100 = 0.7
    p1 = rows["p1"]
    assert p1["normalised"] == {"sustain_rate": 0.625, "satisfaction": 0.7}
    assert p1["contributions"] == {"sustain_rate": 0.3125, "satisfaction": 0.35}
    assert p1["value"] == pytest.approx(0.6625)
    # p2: rate 90 / 80 = 1.125, capped at 1; satisfaction 0.9
    assert rows["p2"]["value"] == pytest.approx(0.95)
    # p3: its rate has no value (division by zero), so the composite has none
    assert rows["p3"]["value"] is None and rows["p3"]["reason"] == "no value for sustain_rate"


def test_composite_by_area_is_computed_from_each_areas_aggregates(towns):
    # w1: rate 10/12 = 83.3% -> capped 1; satisfaction mean(70, 90) = 80 -> 0.8; (1 + 0.8) / 2
    result = as_dict(query(towns, ind(towns, "quality"), "area:ward"))
    assert result["w1"] == pytest.approx(0.9)


def test_min_max_over_a_single_unit_gives_no_value_with_the_reason(towns):
    quality = ind(towns, "quality")
    quality.composite = {
        "components": [{"indicator": "satisfaction", "normalisation": "min_max"}],
    }
    quality.save()
    rows = derived_detail(towns, quality, "period", within=periods.month(2024, 1))
    assert [r["value"] for r in rows] == [None]
    assert "needs at least two different values" in rows[0]["reason"]


def test_geometric_composite_meeting_a_zero_gives_a_clear_reason(towns, import_csv):
    result = import_csv(
        towns, "organisation,indicator,period,value\np4,satisfaction,2024-03,0\n", approve=True
    )
    assert not result.errors
    quality = ind(towns, "quality")
    quality.composite = {
        "aggregation": "geometric",
        "components": [
            {"indicator": "satisfaction", "normalisation": "distance_to_target", "target": 80}
        ],
    }
    quality.save()
    rows = {r["key"]: r for r in derived_detail(towns, quality, "organisation")}
    assert rows["p4"]["value"] is None
    assert "geometric aggregation needs values above 0" in rows["p4"]["reason"]


def test_indicators_computed_from_each_other_in_a_circle_are_refused_when_queried(towns):
    # The definition file refuses circles; one made by hand is refused when it is queried.
    Indicator.objects.filter(initiative=towns, code="sustain_rate").update(formula="quality * 2")
    with pytest.raises(QueryError, match="circle"):
        query(towns, ind(towns, "quality"), "organisation")
