"""Outlier flags: beyond the median ± 3 × scaled MAD of the last 12 approved periods, or outside min/max."""

from __future__ import annotations

import pytest

from commonmeasure.domain import outliers as od
from commonmeasure.reporting import quality
from commonmeasure.reporting.models import Submission


def test_band_is_median_plus_minus_three_scaled_mads():
    history = [10, 12, 11, 13, 9, 10, 14, 11]
    # median 11; absolute deviations 1,1,0,2,2,1,3,0 -> MAD 1; scaled 1.4826; width 4.4478
    low, mid, high = od.band(history)
    assert mid == 11
    assert low == pytest.approx(11 - 3 * 1.4826) and high == pytest.approx(11 + 3 * 1.4826)


def test_too_little_history_gives_no_band():
    assert od.band([1, 2, 3, 4, 5]) is None
    assert od.flag(1000, [1, 2, 3, 4, 5]) is None


def test_a_value_far_from_history_is_flagged_and_a_usual_one_is_not():
    history = [10, 12, 11, 13, 9, 10, 14, 11]
    assert od.flag(15, history) is None  # inside 6.5522 .. 15.4478
    assert od.flag(16, history) is not None
    assert od.flag(6, history) is not None
    assert "far from this organisation's history" in od.flag(40, history)
    assert "usual range 6.552 to 15.45" in od.flag(40, history)


def test_flat_history_uses_a_tenth_of_the_median():
    history = [10] * 8
    assert od.flag(10.9, history) is None
    assert od.flag(11.5, history) is not None


def test_declared_bounds_flag_values_outside_them():
    assert od.flag(-1, minimum=0) == "below the declared minimum 0"
    assert od.flag(101, maximum=100) == "above the declared maximum 100"
    assert od.flag(50, minimum=0, maximum=100) is None


@pytest.fixture
def history(cast, import_csv):
    """Organisation A: approved caseload of 10 to 13 for twelve months of 2023."""
    lines = ["organisation,indicator,period,value"]
    for month, value in zip(
        range(1, 13), [10, 12, 11, 13, 10, 11, 12, 10, 11, 13, 12, 11], strict=True
    ):
        lines.append(f"org-a,caseload,2023-{month:02d},{value}")
    assert import_csv(cast.alpha, "\n".join(lines) + "\n", approve=True, user=cast.backbone).ok
    return cast


def test_a_report_value_far_from_the_organisations_history_is_flagged(history, import_csv):
    assert import_csv(
        history.alpha,
        "organisation,indicator,period,value\norg-a,caseload,2024-01,90\norg-b,caseload,2024-01,90\n",
    ).ok
    sub_a = Submission.objects.get(organisation=history.org_a, period="2024-01")
    sub_b = Submission.objects.get(organisation=history.org_b, period="2024-01")
    caseload = history.alpha.indicators.get(code="caseload")
    assert "far from" in quality.flags_for_submission(sub_a)[(caseload.id, "")]
    assert quality.flags_for_submission(sub_b) == {}  # organisation B has no history


def test_only_approved_history_counts(history, import_csv):
    Submission.objects.filter(organisation=history.org_a).update(status=Submission.DRAFT)
    assert import_csv(
        history.alpha, "organisation,indicator,period,value\norg-a,caseload,2024-01,90\n"
    ).ok
    sub = Submission.objects.get(organisation=history.org_a, period="2024-01")
    assert quality.flags_for_submission(sub) == {}


def test_the_initiative_list_names_organisation_indicator_and_reason(history, import_csv):
    history.alpha.indicators.filter(code="wage").update(max_value=50)
    assert import_csv(
        history.alpha,
        "organisation,indicator,period,value\norg-a,caseload,2024-01,90\norg-b,wage,2024-01,75\n",
    ).ok
    found = [
        (f.submission.organisation.code, f.indicator.code, f.value)
        for f in quality.outliers(history.alpha, "2024-01")
    ]
    assert found == [("org-a", "caseload", 90.0), ("org-b", "wage", 75.0)]


# -- the band's floor, units and tuning (docs/reference/data-quality.md) -----------------------

COUNT = od.Tuning(counts=True, non_negative=True, decimals=0, unit="people")


def test_a_nearly_flat_small_count_does_not_flag_its_ordinary_ups_and_downs():
    # Seen: a history of 2s and 3s flagged 4 ("the usual range 1 to 3"), and the demo had
    # 120 flags in one month, most of them such small counts.
    history = [2, 2, 3, 2, 2, 2, 3]
    assert od.flag(4, history, tuning=COUNT) is None
    assert od.flag(5, history, tuning=COUNT) is None  # 2 ± 3√2: up to 6.24
    assert "far from" in od.flag(7, history, tuning=COUNT)
    # a median of 0 still allows the odd 1, 2 or 3
    assert od.flag(3, [0, 0, 0, 1, 0, 0], tuning=COUNT) is None
    assert od.flag(4, [0, 0, 0, 1, 0, 0], tuning=COUNT) is not None


def test_the_band_has_a_floor_even_when_the_history_moves_a_little():
    # MAD 0.5 would give a band of ± 2.2 around 100: a tenth of the median is the floor.
    history = [100, 100.5, 99.5, 100, 100, 100.5, 99.5, 100]
    low, mid, high = od.band(history)
    assert (low, mid, high) == (pytest.approx(90), 100, pytest.approx(110))


def test_the_usual_range_is_written_in_the_indicators_units_and_never_below_zero():
    # Seen: "the usual range -0.2239 to 4.224" for a count of people.
    reason = od.flag(9, [0, 1, 2, 0, 1, 3, 0], tuning=COUNT)
    assert reason.endswith(
        "the median of its last 7 approved values is 1 people, the usual range 0 to 5 people"
    )
    share = od.Tuning(non_negative=True, decimals=1, unit="%")
    assert od.flag(101, maximum=100, tuning=share) == "above the declared maximum 100.0%"
    assert "usual range 69.5 to 85.0%" in od.flag(95, [77, 75, 79, 78, 76, 77.5], tuning=share)


def test_each_indicator_tunes_its_check():
    history = [10, 12, 11, 13, 9, 10, 14, 11]  # band 6.55 to 15.45 by default
    assert od.flag(16, history) is not None
    assert od.flag(16, history, tuning=od.Tuning(multiplier=4)) is None  # 11 ± 5.93
    assert od.flag(16, history, tuning=od.Tuning(min_spread=6)) is None
    assert od.flag(16, history, tuning=od.Tuning(min_history=9)) is None  # 8 values: too few
    totals = od.Tuning(check=od.CHECK_TOTALS)
    assert od.flag(16, history, tuning=totals, key="") is not None
    assert od.flag(16, history, tuning=totals, key="gender=female") is None
    off = od.Tuning(check=od.CHECK_OFF)
    assert od.flag(16, history, tuning=off) is None
    assert od.flag(-1, history, minimum=0, tuning=off) is not None  # declared bounds still hold


def test_the_initiative_file_tunes_an_indicator_and_the_dump_gives_it_back(cast, import_csv):
    from commonmeasure.interchange.definition import InitiativeDef
    from commonmeasure.reporting.initiative_file import dump_definition, load_definition

    raw = dump_definition(cast.alpha)
    caseload = next(i for i in raw["indicators"] if i["code"] == "caseload")
    assert caseload["outliers"] == {
        "check": "all",
        "multiplier": 3.0,
        "min_history": 6,
        "min_spread": None,
    }
    caseload["outliers"] = {"check": "totals", "multiplier": 4, "min_history": 8, "min_spread": 2}
    load_definition(InitiativeDef.model_validate(raw))
    ind = cast.alpha.indicators.get(code="caseload")
    assert ind.outlier_tuning().check == "totals"
    assert (ind.outlier_multiplier, ind.outlier_min_history, ind.outlier_min_spread) == (4, 8, 2)
    assert dump_definition(cast.alpha) == raw
    caseload["outliers"] = {"check": "sometimes"}
    with pytest.raises(ValueError, match="outliers.check"):
        InitiativeDef.model_validate(raw)
