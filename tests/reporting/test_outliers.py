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
