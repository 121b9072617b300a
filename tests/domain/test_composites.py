"""Composite indicators (docs/reference/composite-indicators.md)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain.composites import (
    Component,
    Composite,
    CompositeError,
    aggregate,
    distance_to_target,
    goalposts,
    min_max,
    normalise_weights,
    z_score,
)

# --- the vectors of the issue ----------------------------------------------------------------


def test_distance_to_target_of_0_5_11_with_target_10_is_0_half_and_1_1():
    assert distance_to_target([0, 5, 11], 10) == pytest.approx([0, 0.5, 1.1])


def test_distance_to_target_capped_counts_beyond_the_target_as_1():
    assert distance_to_target([0, 5, 11], 10, cap=True) == pytest.approx([0, 0.5, 1])


def test_equal_weights_blend_0_2_and_0_8_into_0_5_arithmetically():
    result = aggregate({"a": 0.2, "b": 0.8}, {"a": 1, "b": 1}, "arithmetic")
    assert result.value == pytest.approx(0.5)


def test_equal_weights_blend_0_2_and_0_8_into_0_4_geometrically():
    result = aggregate({"a": 0.2, "b": 0.8}, {"a": 1, "b": 1}, "geometric")
    assert result.value == pytest.approx(0.4)


# --- normalisation ---------------------------------------------------------------------------


def test_min_max_puts_the_lowest_at_0_and_the_highest_at_1():
    assert min_max([10, 20, 30, None]) == [0, 0.5, 1, None]


def test_min_max_of_a_negative_component_puts_the_lowest_at_1():
    assert min_max([10, 20, 30], "negative") == [1, 0.5, 0]
    assert min_max([10, 20, 30], "lower") == [1, 0.5, 0]


def test_min_max_needs_two_different_values_and_names_the_component():
    with pytest.raises(
        CompositeError,
        match="min-max normalisation of 'jobs' needs at least two different values; got 4, 4",
    ):
        min_max([4, 4, None], component="jobs")


def test_z_score_uses_the_population_standard_deviation():
    # mean 5, population standard deviation 2 (the sample one would be 2.14)
    assert z_score([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2])
    assert z_score([2, 6], "negative") == pytest.approx([1, -1])


def test_z_score_of_identical_values_is_refused():
    with pytest.raises(
        CompositeError, match="z-score normalisation of 'x' needs at least two different"
    ):
        z_score([3, 3], component="x")


def test_distance_to_target_of_a_negative_component_mirrors_the_distance():
    # 5 against a ceiling of 10 is as far below it as 15 would be above a target of 10
    assert distance_to_target([5, 10, 15, 20], 10, "negative") == pytest.approx([1.5, 1, 0.5, 0])
    assert distance_to_target([5, 15], 10, "negative", cap=True) == pytest.approx([1, 0.5])


def test_distance_to_target_needs_a_target_above_0():
    with pytest.raises(
        CompositeError, match="distance to target of 'x' needs a target above 0, not 0"
    ):
        distance_to_target([1], 0, component="x")


def test_goalposts_scale_between_the_posts_and_clip_outside_them():
    assert goalposts([40, 50, 75, 100, 120], 50, 100) == pytest.approx([0, 0, 0.5, 1, 1])
    assert goalposts([40, 75, 120], 50, 100, "negative") == pytest.approx([1, 0.5, 0])


def test_goalposts_must_be_in_order():
    with pytest.raises(CompositeError, match="need a lower goalpost below the upper one"):
        goalposts([1], 10, 10)


def test_an_unknown_direction_is_refused():
    with pytest.raises(CompositeError, match="unknown direction 'up'"):
        min_max([1, 2], "up")


# --- weights and aggregation -----------------------------------------------------------------


def test_weights_are_normalised_to_sum_to_1():
    assert normalise_weights({"a": 1, "b": 3}) == {"a": 0.25, "b": 0.75}


def test_negative_weights_are_refused_naming_the_component():
    with pytest.raises(CompositeError, match="the weight of 'b' is -1; weights cannot be negative"):
        normalise_weights({"a": 2, "b": -1})
    with pytest.raises(CompositeError, match="at least one component needs a weight above 0"):
        normalise_weights({"a": 0})


def test_arithmetic_contributions_are_weight_times_value_and_add_up_to_the_composite():
    result = aggregate({"a": 0.4, "b": 0.8}, {"a": 1, "b": 3})
    assert result.weights == {"a": 0.25, "b": 0.75}
    assert result.contributions == pytest.approx({"a": 0.1, "b": 0.6})
    assert result.value == pytest.approx(0.7)


def test_geometric_contributions_are_factors_that_multiply_to_the_composite():
    result = aggregate({"a": 0.25, "b": 0.64}, {"a": 1, "b": 1}, "geometric")
    assert result.contributions == pytest.approx({"a": 0.5, "b": 0.8})
    assert result.value == pytest.approx(0.4)


def test_geometric_aggregation_of_zero_is_refused_naming_the_component_and_unit():
    with pytest.raises(
        CompositeError, match="geometric aggregation needs values above 0: 'b' is 0 for Org B"
    ):
        aggregate({"a": 0.5, "b": 0.0}, {"a": 1, "b": 1}, "geometric", unit="Org B")


def test_a_missing_component_gives_no_value_by_default_and_says_which():
    result = aggregate({"a": 0.5, "b": None, "c": None}, {"a": 1, "b": 1, "c": 1})
    assert result.value is None
    assert result.reason == "no value for b, c"


def test_with_reweighting_the_components_present_share_the_weight():
    result = aggregate(
        {"a": 0.5, "b": None, "c": 0.8}, {"a": 1, "b": 2, "c": 3}, missing="reweight"
    )
    assert result.weights == {"a": 0.25, "c": 0.75}
    assert result.value == pytest.approx(0.25 * 0.5 + 0.75 * 0.8)
    nothing = aggregate({"a": None}, {"a": 1}, missing="reweight")
    assert (nothing.value, nothing.reason) == (None, "no value for a")


def test_a_component_without_a_weight_is_refused():
    with pytest.raises(CompositeError, match="no weight for 'b'"):
        aggregate({"a": 1, "b": 1}, {"a": 1})


# --- a declared composite --------------------------------------------------------------------


def wellbeing(aggregation="arithmetic", missing="no_value"):
    return Composite(
        "wellbeing",
        (
            Component("employment_rate", weight=2, normalisation="goalposts", lower=0, upper=100),
            Component(
                "waiting_weeks",
                weight=1,
                direction="lower",
                normalisation="distance_to_target",
                target=4,
                cap=True,
            ),
            Component("satisfaction", weight=1, normalisation="min_max"),
        ),
        aggregation,
        missing,
    )


def test_a_composite_normalises_each_component_across_units_then_blends_each_unit():
    raw = {
        "A": {"employment_rate": 60, "waiting_weeks": 2, "satisfaction": 7},
        "B": {"employment_rate": 30, "waiting_weeks": 6, "satisfaction": 5},
        "C": {"employment_rate": 90, "waiting_weeks": 4, "satisfaction": 9},
    }
    results = wellbeing().compute(raw)
    # A: employment 0.6, waiting 2 - 2/4 = 1.5 capped at 1, satisfaction (7-5)/(9-5) = 0.5
    assert results["A"].normalised == pytest.approx(
        {"employment_rate": 0.6, "waiting_weeks": 1, "satisfaction": 0.5}
    )
    assert results["A"].value == pytest.approx(0.5 * 0.6 + 0.25 * 1 + 0.25 * 0.5)
    # B: 0.3, 2 - 6/4 = 0.5, 0
    assert results["B"].contributions == pytest.approx(
        {"employment_rate": 0.15, "waiting_weeks": 0.125, "satisfaction": 0}
    )
    assert results["C"].value == pytest.approx(0.5 * 0.9 + 0.25 * 1 + 0.25 * 1)


def test_a_composite_with_a_unit_missing_a_component():
    raw = {
        "A": {"employment_rate": 60, "waiting_weeks": 2, "satisfaction": 7},
        "B": {"employment_rate": 30, "satisfaction": 5},
        "C": {"employment_rate": 90, "waiting_weeks": 4, "satisfaction": 9},
    }
    assert wellbeing().compute(raw)["B"].reason == "no value for waiting_weeks"
    reweighted = wellbeing(missing="reweight").compute(raw)["B"]
    assert reweighted.weights == pytest.approx({"employment_rate": 2 / 3, "satisfaction": 1 / 3})
    assert reweighted.value == pytest.approx(2 / 3 * 0.3)


def test_a_geometric_composite_names_the_unit_whose_component_is_zero():
    raw = {
        "A": {"employment_rate": 60, "waiting_weeks": 2, "satisfaction": 7},
        "B": {"employment_rate": 30, "waiting_weeks": 6, "satisfaction": 5},
    }
    with pytest.raises(CompositeError, match="'satisfaction' is 0 for B"):
        wellbeing("geometric").compute(raw)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Composite("c", ()), "composite 'c' has no components"),
        (lambda: Composite("c", (Component("a"), Component("a"))), "component 'a' is listed twice"),
        (lambda: Composite("c", (Component("a"),), "median"), "unknown aggregation 'median'"),
        (
            lambda: Composite("c", (Component("a"),), missing="zero"),
            "unknown rule for missing components 'zero'",
        ),
        (
            lambda: Composite("c", (Component("a", weight=0),)),
            "composite 'c': at least one component needs a weight above 0",
        ),
        (
            lambda: Component("a", normalisation="rank"),
            "component 'a': unknown normalisation 'rank'",
        ),
        (
            lambda: Component("a", normalisation="distance_to_target"),
            "distance to target of 'a' needs a target above 0, not None",
        ),
        (
            lambda: Component("a", normalisation="goalposts", lower=5),
            "goalposts of 'a' need a lower goalpost",
        ),
    ],
)
def test_a_badly_declared_composite_is_refused_with_a_message(make, message):
    with pytest.raises(CompositeError, match=message.replace("(", r"\(")):
        make()


# --- properties ------------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
unit_interval = st.floats(min_value=0.01, max_value=1, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(finite, min_size=2, max_size=20).filter(lambda xs: len(set(xs)) > 1),
    st.sampled_from(["positive", "negative"]),
)
def test_min_max_values_lie_between_0_and_1(values, direction):
    out = min_max(values, direction)
    assert all(0 <= y <= 1 for y in out)
    assert min(out) == 0 and max(out) == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=2, max_size=20).filter(lambda xs: len(set(xs)) > 1))
def test_a_negative_direction_is_the_mirror_image_of_a_positive_one(values):
    up, down = min_max(values), min_max(values, "negative")
    assert all(math.isclose(a + b, 1, abs_tol=1e-9) for a, b in zip(up, down, strict=True))


@settings(max_examples=100, deadline=None)
@given(
    unit_interval,
    st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=8),
    st.sampled_from(["arithmetic", "geometric"]),
)
def test_a_composite_of_identical_components_equals_the_component(y, weights, method):
    if sum(weights) == 0:
        weights = [1.0] * len(weights)
    codes = [f"c{i}" for i in range(len(weights))]
    result = aggregate(dict.fromkeys(codes, y), dict(zip(codes, weights, strict=True)), method)
    assert result.value == pytest.approx(y)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(unit_interval, st.floats(min_value=0.1, max_value=10)), min_size=1, max_size=8
    )
)
def test_contributions_add_up_or_multiply_to_the_composite_and_geometric_is_never_above_arithmetic(
    pairs,
):
    values = {f"c{i}": y for i, (y, _) in enumerate(pairs)}
    weights = {f"c{i}": w for i, (_, w) in enumerate(pairs)}
    arithmetic = aggregate(values, weights, "arithmetic")
    geometric = aggregate(values, weights, "geometric")
    assert math.fsum(arithmetic.contributions.values()) == pytest.approx(arithmetic.value)
    assert math.prod(geometric.contributions.values()) == pytest.approx(geometric.value)
    assert geometric.value <= arithmetic.value + 1e-12
    assert math.fsum(arithmetic.weights.values()) == pytest.approx(1)
