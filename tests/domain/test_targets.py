"""Targets, red/amber/green status and the baseline forecast (docs/reference/targets.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain.targets import (
    Movement,
    TargetError,
    Thresholds,
    baseline_forecast,
    linear_trend,
    movement,
    percent_of_target,
    target_status,
)


@pytest.mark.parametrize(
    ("actual", "target", "percent", "status"),
    [
        (50, 50, 100, "green"),
        (60, 50, 120, "green"),
        (45, 50, 90, "amber"),
        (44, 50, 88, "red"),
        (0, 50, 0, "red"),
    ],
)
def test_higher_is_better_percent_of_target_is_actual_over_target(actual, target, percent, status):
    result = target_status(actual, target)
    assert result.percent == pytest.approx(percent)
    assert result.status == status


@pytest.mark.parametrize(
    ("actual", "percent", "status"),
    [
        (10, 100, "green"),
        (8, 120, "green"),
        (0, 200, "green"),
        (11, 90, "amber"),
        (12, 80, "red"),
        (25, -50, "red"),
    ],
)
def test_lower_is_better_percent_of_target_mirrors_the_distance_from_the_target(
    actual, percent, status
):
    result = target_status(actual, 10, "lower")
    assert result.percent == pytest.approx(percent)
    assert result.status == status


def test_thresholds_can_be_set_per_initiative():
    strict = Thresholds(green=95, amber=80)
    assert target_status(96, 100, thresholds=strict).status == "green"
    assert target_status(85, 100, thresholds=strict).status == "amber"
    assert target_status(79, 100, thresholds=strict).status == "red"


def test_a_value_exactly_on_a_threshold_reaches_it_despite_rounding():
    assert percent_of_target(0.99, 1.1) < 90
    assert target_status(0.99, 1.1).status == "amber"


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(
        TargetError, match=r"the amber threshold \(95%\) must not be above the green one \(90%\)"
    ):
        Thresholds(green=90, amber=95)


def test_a_target_of_zero_has_no_percent_but_is_met_or_not():
    met = target_status(0, 0, "lower")
    assert (met.percent, met.status, met.reason) == (
        None,
        "green",
        "% of target needs a target above 0",
    )
    assert target_status(2, 0, "lower").status == "red"
    assert target_status(-3, -5).status == "green"
    assert percent_of_target(5, 0) is None


def test_without_a_value_or_a_target_there_is_no_status():
    assert target_status(None, 10) == target_status(None, 10).__class__(None, None, "no value")
    assert target_status(5, None).reason == "no target"


def test_an_unknown_polarity_is_refused():
    with pytest.raises(TargetError, match="unknown polarity 'up'; use higher or lower"):
        percent_of_target(1, 2, "up")


def test_the_trend_arrow_says_which_way_and_whether_that_is_better():
    assert movement(10, 12) == Movement("up", True)
    assert movement(10, 12, "lower") == Movement("up", False)
    assert movement(10, 8, "lower") == Movement("down", True)
    assert movement(10, 10) == Movement("flat", None)
    assert movement(100, 100.5, flat_within=0.01) == Movement("flat", None)


# --- baseline forecast -----------------------------------------------------------------------


def test_the_least_squares_line_through_three_points():
    # x̄ = 1, ȳ = 37/3; Sxy = 5, Sxx = 2 so the slope is 2.5 and the intercept 37/3 - 2.5
    trend = linear_trend([(0, 10), (1, 12), (2, 15)])
    assert trend.slope == pytest.approx(2.5)
    assert trend.intercept == pytest.approx(37 / 3 - 2.5)


def test_the_baseline_forecast_projects_the_monthly_trend_forward():
    history = {"2024-01": 10, "2024-02": 12, "2024-03": 15, "2024-04": 30}
    result = baseline_forecast(history, ["2024-01", "2024-02", "2024-03"], ["2024-04", "2024-05"])
    assert result.origin == "2024-01"
    assert result.values["2024-04"] == pytest.approx(9.8333333 + 2.5 * 3)
    assert result.values["2024-05"] == pytest.approx(19.8333333)
    assert result.values["2024-01"] == pytest.approx(9.8333333)


def test_a_baseline_period_with_no_value_is_left_out_but_keeps_its_place_in_time():
    # points (0, 4), (2, 8), (3, 9): slope 12/7, intercept 29/7
    history = {"2023-Q1": 4, "2023-Q2": None, "2023-Q3": 8, "2023-Q4": 9}
    result = baseline_forecast(history, list(history), ["2024-Q2"])
    assert result.trend.slope == pytest.approx(12 / 7)
    assert result.trend.intercept == pytest.approx(29 / 7)
    assert result.values["2024-Q2"] == pytest.approx(89 / 7)


def test_financial_years_are_read_as_the_initiative_defines_them():
    history = {"2010-11": 100, "2011-12": 90}
    result = baseline_forecast(history, list(history), ["2012-13"], period_type="financial-year")
    assert result.values["2012-13"] == pytest.approx(80)


def test_a_baseline_needs_two_values():
    with pytest.raises(
        TargetError, match=r"at least two baseline periods; 1 of 2 \(2024-01, 2024-02\) has a value"
    ):
        baseline_forecast({"2024-01": 5}, ["2024-01", "2024-02"], ["2024-03"])


def test_periods_of_different_types_are_refused():
    with pytest.raises(
        TargetError, match="period 2024-Q2 is a quarter but the baseline is made of months"
    ):
        baseline_forecast({"2024-01": 1, "2024-02": 2}, ["2024-01", "2024-02"], ["2024-Q2"])
    with pytest.raises(TargetError, match="not a period code"):
        baseline_forecast({}, ["January"], [])


@settings(max_examples=100, deadline=None)
@given(
    st.floats(-1000, 1000),
    st.floats(-1000, 1000),
    st.lists(st.integers(0, 100), min_size=2, max_size=12, unique=True),
)
def test_points_on_a_straight_line_give_back_that_line(slope, intercept, xs):
    trend = linear_trend([(x, intercept + slope * x) for x in xs])
    assert trend.slope == pytest.approx(slope, abs=1e-6)
    assert trend.intercept == pytest.approx(intercept, abs=1e-6)
