"""Peer benchmarking, funnel plots, small-number suppression and anonymised peers
(docs/reference/benchmarking.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain.benchmarking import (
    BenchmarkError,
    funnel_limits,
    funnel_plot,
    normal_limits,
    peer_summary,
    position,
    quantile,
)
from commonmeasure.domain.suppression import (
    SuppressionError,
    is_suppressed,
    peer_labels,
    suppress,
    suppress_cells,
)

# --- peer statistics -------------------------------------------------------------------------


def test_quartiles_interpolate_like_excel_quartile_inc():
    # QUARTILE.INC({1,2,3,4}, 1) = 1.75; h = 3 × 0.25 = 0.75 between 1 and 2
    assert quantile([4, 1, 3, 2], 0.25) == 1.75
    assert quantile([4, 1, 3, 2], 0.5) == 2.5
    assert quantile([4, 1, 3, 2], 0.75) == 3.25
    assert quantile([7], 0.25) == 7
    assert quantile([], 0.5) is None


def test_the_peer_summary_leaves_out_missing_values():
    summary = peer_summary([10, None, 1, 3, 2, 4])
    assert (summary.n, summary.minimum, summary.maximum) == (5, 1, 10)
    assert (summary.lower_quartile, summary.median, summary.upper_quartile) == (2, 3, 4)
    assert peer_summary([None]) is None


def test_a_quantile_outside_0_to_1_is_refused():
    with pytest.raises(BenchmarkError, match="between 0 and 1, not 1.5"):
        quantile([1, 2], 1.5)


def test_position_ranks_the_best_first_and_counts_ties_as_half():
    result = position(5, [1, 5, 9, 3])
    assert result.rank == 2  # only 9 is better
    assert result.n == 5
    assert result.percentile == pytest.approx(100 * (2 + 0.5) / 4)
    assert result.quartile == 2


def test_position_of_a_lower_is_better_indicator_ranks_the_lowest_first():
    result = position(2, [1, 5, 9, 3], "lower")
    assert result.rank == 2
    assert result.percentile == 75
    assert result.quartile == 1


def test_position_with_no_peers_has_no_percentile():
    assert position(3, [None]).percentile is None
    assert position(3, []).rank == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30))
def test_quartiles_are_in_order_and_within_the_values(values):
    s = peer_summary(values)
    assert s.minimum <= s.lower_quartile <= s.median <= s.upper_quartile <= s.maximum


# --- funnel plots ----------------------------------------------------------------------------


def test_exact_limits_for_four_cases_worked_by_hand():
    # Binomial(4, 0.5): P(R ≤ 3) = 15/16. Upper 95%: r = 4, α = (1 − 0.975)/(1/16) = 0.4,
    # so (4 − 0.4)/4 = 0.9. Lower 95%: r = 0, α = (1/16 − 0.025)/(1/16) = 0.6, (0 − 0.6)/4 → 0.
    limits = funnel_limits(0.5, 4)
    assert limits.upper_95 == pytest.approx(0.9)
    assert limits.lower_95 == 0
    assert limits.upper_99_8 == pytest.approx((4 - (1 - 0.999) * 16) / 4)


def test_exact_upper_limit_for_ten_cases_at_20_percent():
    # P(R ≤ 4) = 0.967207, P(R ≤ 5) = 0.993631 so r = 5 and α = 0.018631/0.026424 = 0.70507
    assert funnel_limits(0.2, 10).upper_95 == pytest.approx((5 - 0.70507) / 10, abs=1e-5)


def test_with_many_cases_the_exact_limits_approach_the_normal_approximation():
    limits = funnel_limits(0.3, 10_000)
    low95, high95 = normal_limits(0.3, 10_000, 1.959964)
    low998, high998 = normal_limits(0.3, 10_000, 3.090232)
    assert limits.lower_95 == pytest.approx(low95, abs=1e-4)
    assert limits.upper_95 == pytest.approx(high95, abs=1e-4)
    assert limits.lower_99_8 == pytest.approx(low998, abs=1e-4)
    assert limits.upper_99_8 == pytest.approx(high998, abs=1e-4)


def test_the_funnel_narrows_as_the_number_of_cases_grows():
    widths = [
        funnel_limits(0.3, n).upper_95 - funnel_limits(0.3, n).lower_95 for n in (20, 200, 2000)
    ]
    assert widths[0] > widths[1] > widths[2]
    limits = funnel_limits(0.3, 200)
    assert limits.lower_99_8 < limits.lower_95 < 0.3 < limits.upper_95 < limits.upper_99_8


def test_a_funnel_plot_flags_units_outside_the_limits_against_the_pooled_proportion():
    funnel = funnel_plot({"A": (30, 100), "B": (60, 100), "C": (90, 300), "D": (0, 0)})
    assert funnel.target == pytest.approx(180 / 500)
    by_unit = {p.unit: p for p in funnel.points}
    assert set(by_unit) == {"A", "B", "C"}  # D has no cases
    assert by_unit["B"].outside_95 == "above" and by_unit["B"].outside_99_8 == "above"
    assert by_unit["A"].outside_95 == "within"
    assert by_unit["C"].outside_95 == "below"
    assert funnel.curve[0].n == 1 and funnel.curve[-1].n == 330


def test_a_funnel_plot_can_use_a_given_target():
    funnel = funnel_plot({"A": (30, 100)}, target=0.5)
    assert funnel.target == 0.5
    assert funnel.points[0].outside_99_8 == "below"


@pytest.mark.parametrize(
    ("units", "target", "message"),
    [
        (
            {"A": (5, 3)},
            None,
            "A: a proportion needs whole numbers with 0 ≤ events ≤ n; got 5 of 3",
        ),
        ({"A": (1.5, 3)}, None, "A: a proportion needs whole numbers"),
        ({"A": (0, 0)}, None, "needs at least one unit with a denominator above 0"),
        ({"A": (1, 3)}, 1.2, "target proportion must be between 0 and 1, not 1.2"),
    ],
)
def test_a_funnel_plot_of_impossible_proportions_is_refused(units, target, message):
    with pytest.raises(BenchmarkError, match=message):
        funnel_plot(units, target)


# --- small numbers ---------------------------------------------------------------------------


def test_cells_based_on_fewer_than_five_people_are_suppressed_except_for_their_own_organisation():
    assert suppress(12.5, people=4) is None
    assert suppress(12.5, people=5) == 12.5
    assert suppress(12.5, people=4, own=True) == 12.5
    assert suppress(0, people=0) is None


def test_the_threshold_is_a_setting():
    assert is_suppressed(9, threshold=10)
    assert not is_suppressed(9, threshold=3)
    assert not is_suppressed(None)  # not a count of people
    with pytest.raises(SuppressionError, match="whole number of people, not -1"):
        is_suppressed(3, threshold=-1)


def test_one_small_cell_in_a_group_with_a_total_takes_the_next_smallest_with_it():
    cells = {"female": (3, 3), "male": (20, 20), "other": (7, 7)}
    assert suppress_cells(cells) == {"female": None, "male": 20, "other": None}
    assert suppress_cells(cells, total_shown=False) == {"female": None, "male": 20, "other": 7}


def test_two_small_cells_need_no_more_suppression():
    cells = {"a": (1, 1), "b": (2, 2), "c": (30, 30)}
    assert suppress_cells(cells) == {"a": None, "b": None, "c": 30}


# --- anonymised peers ------------------------------------------------------------------------

ORGS = [101, 102, 103, 104, 105]
NAMES = {101: "Acorn Trust", 102: "Beacon", 103: "Cedar", 104: "Dove", 105: "Elm"}


def test_peers_are_anonymised_except_the_viewer_and_those_who_opted_in():
    labels = peer_labels(ORGS, NAMES, named={103}, viewer=101, salt="alpha")
    assert labels[101] == "Acorn Trust"
    assert labels[103] == "Cedar"
    assert sorted(labels[o] for o in (102, 104, 105)) == [
        "Organisation 1",
        "Organisation 2",
        "Organisation 3",
    ]
    assert "Beacon" not in labels.values()


def test_anonymous_numbers_are_the_same_every_time_and_do_not_follow_the_order_given():
    first = peer_labels(ORGS, NAMES, salt="alpha")
    assert peer_labels(list(reversed(ORGS)), NAMES, salt="alpha") == first
    orders = {
        tuple(sorted(ORGS, key=lambda o: peer_labels(ORGS, NAMES, salt=s)[o])) for s in "abcdefgh"
    }
    assert len(orders) > 1  # the salt, not the identifiers, decides the numbering


def test_an_organisation_to_be_named_needs_a_name():
    with pytest.raises(SuppressionError, match="organisation 106 is to be named but has no name"):
        peer_labels([106], {}, named={106})
