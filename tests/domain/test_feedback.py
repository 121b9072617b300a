import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain import feedback
from commonmeasure.domain.feedback import FeedbackError


def test_nps_of_50_promoters_25_passives_25_detractors_is_25():
    scores = [10] * 30 + [9] * 20 + [8] * 10 + [7] * 15 + [0] * 5 + [6] * 20
    assert feedback.nps(scores) == 25


def test_nps_counts_six_as_detractor_and_seven_as_passive():
    assert feedback.nps([6, 9]) == 0
    assert feedback.nps([7, 9]) == 50


def test_nps_of_no_answers_is_none():
    assert feedback.nps([]) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1))
def test_nps_is_between_minus_100_and_100(scores):
    assert -100 <= feedback.nps(scores) <= 100


def test_nps_refuses_an_answer_off_the_scale():
    with pytest.raises(FeedbackError, match="11 is not a whole number from 0 to 10"):
        feedback.nps([5, 11])


def test_percent_satisfied_counts_fours_and_fives():
    assert feedback.percent_satisfied([5, 4, 3, 2]) == 50


def test_likert_refuses_zero():
    with pytest.raises(FeedbackError, match="from 1 to 5"):
        feedback.percent_satisfied([0])


def test_mean_score():
    assert feedback.mean_score([1, 2, 4]) == pytest.approx(7 / 3)
    assert feedback.mean_score([]) is None


def test_measure_names_an_unknown_measure():
    with pytest.raises(FeedbackError, match="unknown measure 'median'"):
        feedback.measure("median", [1])


def test_borda_gives_n_minus_1_for_a_first_choice_and_nothing_for_unranked():
    results = feedback.borda(["a", "b", "c"], [["a", "b", "c"], ["b"], ["c", "a"]])
    by_code = {r.code: r for r in results}
    assert by_code["a"].borda == 2 + 0 + 1
    assert by_code["b"].borda == 1 + 2 + 0
    assert by_code["c"].borda == 0 + 0 + 2


def test_borda_ties_share_a_rank_and_are_ordered_by_first_choices():
    results = feedback.borda(["a", "b", "c"], [["b", "a"], ["b", "a"], ["a"]])
    assert [(r.code, r.borda, r.rank) for r in results] == [("b", 4, 1), ("a", 4, 1), ("c", 0, 3)]


def test_top_choice_share_is_percent_of_ballots():
    results = {r.code: r for r in feedback.borda(["a", "b"], [["a"], ["a", "b"], ["b"], []])}
    assert results["a"].top_share == 50
    assert results["b"].top_share == 25


def test_borda_refuses_an_unknown_candidate_naming_the_ballot():
    with pytest.raises(FeedbackError, match="ballot 2: 'z' is not a candidate"):
        feedback.borda(["a", "b"], [["a"], ["z"]])


def test_borda_refuses_a_candidate_ranked_twice():
    with pytest.raises(FeedbackError, match="ranked twice"):
        feedback.borda(["a", "b"], [["a", "a"]])


def test_borda_with_no_ballots_has_no_share():
    assert all(r.top_share is None and r.borda == 0 for r in feedback.borda(["a", "b"], []))
