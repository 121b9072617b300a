"""Aggregation rules across organisations and over time (docs/reference/aggregation.md)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonmeasure.domain.aggregation import (
    AggregationError,
    aggregate,
    combine_across,
    combine_over_time,
    unit_bucket_values,
)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("sum", 60.0), ("mean", 20.0), ("min", 10.0), ("max", 30.0)],
)
def test_each_rule_combines_organisations_values(rule, expected):
    assert combine_across([10, 20, 30], rule) == expected


def test_a_weighted_mean_weights_each_value():
    # (10*1 + 40*3) / 4
    assert combine_across([10, 40], "weighted_mean", [1, 3]) == 32.5


def test_a_weighted_mean_leaves_out_values_with_no_weight_or_a_zero_weight():
    assert combine_across([10, 40, 99, 77], "weighted_mean", [1, 3, 0, None]) == 32.5


def test_a_weighted_mean_with_no_usable_weight_has_no_value():
    assert combine_across([10, 40], "weighted_mean", [0, None]) is None


def test_a_weighted_mean_without_weights_is_an_error():
    with pytest.raises(AggregationError, match="needs weights"):
        combine_across([1.0], "weighted_mean")


def test_nothing_to_combine_has_no_value():
    assert combine_across([], "sum") is None
    assert combine_over_time([], "last") is None


def test_unknown_rules_are_refused():
    with pytest.raises(AggregationError, match="unknown aggregation rule 'median'"):
        combine_across([1.0], "median")
    with pytest.raises(AggregationError, match="unknown time aggregation rule 'max'"):
        combine_over_time([1.0], "max")
    with pytest.raises(AggregationError):
        aggregate([], "sum", "median")
    with pytest.raises(AggregationError):
        aggregate([], "first", "sum")


@pytest.mark.parametrize(("rule", "expected"), [("sum", 9.0), ("mean", 3.0), ("last", 2.0)])
def test_each_time_rule_combines_one_units_periods(rule, expected):
    assert combine_over_time([3, 4, 2], rule) == expected


def test_sums_are_exact():
    assert combine_across([0.1] * 10, "sum") == 1.0
    assert combine_over_time([1e16, 1.0, -1e16], "sum") == 1.0


def test_last_takes_the_latest_period_whatever_order_values_come_in():
    obs = [("a", "Q1", "Q1", 3, 30.0), ("a", "Q1", "Q1", 1, 10.0), ("a", "Q1", "Q1", 2, 20.0)]
    assert aggregate(obs, "last", "sum") == {"Q1": 30.0}


def test_time_comes_before_organisations_so_a_stock_adds_each_organisations_latest_value():
    # Caseload (last over time, sum across): A's latest is 5 (March), B's latest is 7 (January).
    obs = [
        ("A", "Q1", "Q1", 1, 4.0),
        ("A", "Q1", "Q1", 3, 5.0),
        ("B", "Q1", "Q1", 1, 7.0),
    ]
    assert aggregate(obs, "last", "sum") == {"Q1": 12.0}


def test_a_weighted_mean_over_a_quarter_uses_each_organisations_weight_for_that_quarter():
    # The worked example in docs/reference/aggregation.md.
    rate = [("A", "Q1", "Q1", 1, 20.0), ("A", "Q1", "Q1", 2, 40.0), ("B", "Q1", "Q1", 1, 10.0)]
    enrolled = [("A", "Q1", "Q1", 1, 10.0), ("A", "Q1", "Q1", 2, 30.0), ("B", "Q1", "Q1", 1, 40.0)]
    weights = unit_bucket_values(enrolled, "sum")
    assert aggregate(rate, "mean", "weighted_mean", weights) == {"Q1": 20.0}


def test_a_weighted_mean_indicator_without_a_weight_indicator_is_an_error():
    with pytest.raises(AggregationError, match="no weight indicator"):
        aggregate([("A", None, "k", 1, 1.0)], "sum", "weighted_mean", None)


def test_each_output_key_is_aggregated_separately():
    obs = [
        ("A", None, "female", 1, 3.0),
        ("B", None, "female", 1, 4.0),
        ("A", None, "male", 1, 5.0),
    ]
    assert aggregate(obs, "sum", "max") == {"female": 4.0, "male": 5.0}


# -- properties --------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.001, max_value=1e6, allow_nan=False, allow_infinity=False)
# A grid of values: units (organisations) x periods.
grids = st.integers(1, 6).flatmap(
    lambda n_units: st.lists(
        st.lists(values, min_size=1, max_size=6), min_size=n_units, max_size=n_units
    )
)


def observations(grid, bucket="all"):
    return [(u, bucket, bucket, t, v) for u, row in enumerate(grid) for t, v in enumerate(row)]


@given(grids)
def test_sum_over_time_then_across_equals_across_then_over_time(grid):
    across_first = [
        combine_across([row[t] for row in grid if t < len(row)], "sum")
        for t in range(max(map(len, grid)))
    ]
    expected = combine_over_time(across_first, "sum")
    result = aggregate(observations(grid), "sum", "sum")["all"]
    assert math.isclose(result, expected, rel_tol=1e-9, abs_tol=1e-6)


@given(st.lists(values, min_size=1, max_size=20))
def test_min_mean_and_max_are_ordered(xs):
    lo, mean, hi = (combine_across(xs, r) for r in ("min", "mean", "max"))
    assert lo <= mean + 1e-6 and mean <= hi + 1e-6


@given(st.lists(values, min_size=1, max_size=20), positive)
def test_a_weighted_mean_with_equal_weights_is_the_mean(xs, w):
    assert math.isclose(
        combine_across(xs, "weighted_mean", [w] * len(xs)),
        combine_across(xs, "mean"),
        rel_tol=1e-9,
        abs_tol=1e-6,
    )


@given(st.lists(st.tuples(values, positive), min_size=1, max_size=20))
def test_a_weighted_mean_lies_between_the_smallest_and_largest_value(pairs):
    xs = [v for v, _ in pairs]
    result = combine_across(xs, "weighted_mean", [w for _, w in pairs])
    assert min(xs) - 1e-6 <= result <= max(xs) + 1e-6


@given(st.lists(values, min_size=1, max_size=20), st.randoms())
def test_rules_across_organisations_do_not_depend_on_their_order(xs, rnd):
    shuffled = list(xs)
    rnd.shuffle(shuffled)
    for rule in ("sum", "mean", "min", "max"):
        assert math.isclose(
            combine_across(xs, rule), combine_across(shuffled, rule), rel_tol=1e-12, abs_tol=1e-9
        )


@given(st.lists(values, min_size=1, max_size=12))
def test_one_value_per_bucket_is_kept_as_it_is(xs):
    obs = [(u, "b", "b", 0, v) for u, v in enumerate(xs)]
    buckets = unit_bucket_values(obs, "mean")
    assert sorted(buckets.values()) == sorted(xs)


@given(grids)
def test_last_then_sum_adds_each_units_final_value(grid):
    assert math.isclose(
        aggregate(observations(grid), "last", "sum")["all"],
        math.fsum(row[-1] for row in grid),
        rel_tol=1e-12,
        abs_tol=1e-9,
    )
