"""Targets by scope and period, % of target, status, and turn-the-curve data
(docs/reference/targets.md)."""

import pytest

from commonmeasure.measures.targets import progress, target_for, turn_the_curve

from .conftest import ind


def test_targets_are_found_by_scope_and_period(towns):
    people = ind(towns, "people")
    assert target_for(towns, people, "2024").value == 50
    assert target_for(towns, people, "2024-02", area="w1").value == 20
    assert target_for(towns, people, "2024-02") is None  # no initiative target for February
    assert target_for(towns, ind(towns, "sustain_rate"), "2024-01", organisation="p1").value == 60


def test_progress_gives_percent_of_target_and_red_amber_green(towns):
    people = ind(towns, "people")
    assert progress(towns, people, "2024", 45) == {
        "target": 50,
        "percent": 90.0,
        "status": "amber",
        "reason": None,
    }
    assert progress(towns, people, "2024", 50)["status"] == "green"
    assert progress(towns, people, "2024", 44)["status"] == "red"
    assert progress(towns, people, "2023", 44) is None


def test_turn_the_curve_for_an_area_has_history_baseline_forecast_and_target(towns):
    data = turn_the_curve(towns, ind(towns, "people"), area="w1")
    assert data["scope"] == "area" and data["period_type"] == "month"
    # w1 per month: January 10 + 5 - 3 = 12, February 12 + 6 - 2 = 16
    assert data["history"] == [
        {"period": "2024-01", "value": 12},
        {"period": "2024-02", "value": 16},
    ]
    assert data["baseline"] == {"from": "2024-01", "to": "2024-02", "slope": 4, "intercept": 12}
    assert data["forecast"] == [
        {"period": "2024-01", "value": 12},
        {"period": "2024-02", "value": 16},
    ]
    assert data["targets"] == [
        {"period": "2024-02", "value": 20, "actual": 16, "percent": 80.0, "status": "red"}
    ]


def test_turn_the_curve_for_the_initiative_uses_the_targets_period_type(towns):
    data = turn_the_curve(towns, ind(towns, "people"))
    assert data["period_type"] == "year"
    # De-duplicated, as the top area "north": 48 reported, less the 5 declared overlap in w1.
    assert data["history"] == [{"period": "2024", "value": 43}]
    assert data["targets"][0]["percent"] == pytest.approx(86.0)
    assert data["baseline"] is None and data["reason"] == "no target declares baseline periods"


def test_turn_the_curve_for_an_organisation_uses_only_its_own_values(towns):
    data = turn_the_curve(towns, ind(towns, "sustain_rate"), organisation="p1")
    assert data["scope"] == "organisation" and data["history"] == [
        {"period": "2024-01", "value": 50}
    ]
    assert data["targets"][0]["percent"] == pytest.approx(83.3)  # 50 against 60


def test_turn_the_curve_refuses_an_unknown_area(towns):
    with pytest.raises(ValueError, match="no area 'w9'"):
        turn_the_curve(towns, ind(towns, "people"), area="w9")
