"""The benchmarking page's figures: quartiles, position and funnel limits for rates."""

from __future__ import annotations

import pytest

from commonmeasure.disclosure.people import rate_parts
from commonmeasure.domain.benchmarking import funnel_limits, peer_summary
from commonmeasure.initiatives.models import Indicator

from .conftest import spec_from, table_rows

URL = "/i/alpha/benchmarks/start_pct/?period=2024-02"


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def test_funnel_limits_on_the_page_are_the_exact_binomial_limits(data, rate, client_for):
    html = client_for("alice").get(URL).content.decode()
    rows = table_rows(html, "funnel")
    assert len(rows) == 2
    target = (8 + 6) / (20 + 10)  # pooled February proportion
    for _label, events, n, rate_text, lo998, lo95, hi95, hi998, f95, f998 in rows:
        limits = funnel_limits(target, int(n))
        assert _num(rate_text) == pytest.approx(100 * int(events) / int(n), abs=0.005)
        assert _num(lo998) == pytest.approx(100 * limits.lower_99_8, abs=0.005)
        assert _num(lo95) == pytest.approx(100 * limits.lower_95, abs=0.005)
        assert _num(hi95) == pytest.approx(100 * limits.upper_95, abs=0.005)
        assert _num(hi998) == pytest.approx(100 * limits.upper_99_8, abs=0.005)
        assert f95 in ("within", "above", "below") and f998 in ("within", "above", "below")
    spec = spec_from(html, "spec-funnel")
    target_layer = next(
        layer
        for layer in spec["layer"]
        if layer["data"]["values"][:1] and "target" in layer["data"]["values"][0]
    )
    assert target_layer["data"]["values"][0]["target"] == pytest.approx(100 * target)


def test_funnel_leaves_out_organisations_suppressed_for_the_viewer(data, rate, client_for):
    html = client_for("alice").get("/i/alpha/benchmarks/start_pct/?period=2024-01").content.decode()
    assert [row[0] for row in table_rows(html, "funnel")] == ["Organisation A"]
    html = client_for("bob").get("/i/alpha/benchmarks/start_pct/?period=2024-01").content.decode()
    labels = [row[0] for row in table_rows(html, "funnel")]
    assert "Organisation B" in labels and len(labels) == 2


def test_indicators_that_are_not_rates_have_no_funnel_plot(data, client_for):
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/").content.decode()
    assert 'id="funnel"' not in html and "spec-peers" in html


def test_quartiles_and_position_follow_the_documented_rules(data, client_for):
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/?period=2024-02").content.decode()
    summary = dict(table_rows(html, "summary"))
    expected = peer_summary([20, 10])
    assert _num(summary["Median"]) == expected.median == 15
    assert _num(summary["Lower quartile"]) == expected.lower_quartile
    assert _num(summary["Upper quartile"]) == expected.upper_quartile
    assert "rank 1 of 2" in html


def test_lower_is_better_reverses_the_rank(data, client_for):
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(polarity="lower")
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/?period=2024-02").content.decode()
    assert "rank 2 of 2" in html


@pytest.mark.parametrize(
    "formula, parts",
    [
        ("job_starts / enrolled * 100", ("job_starts", "enrolled", 100.0)),
        ("100 * job_starts / enrolled", ("job_starts", "enrolled", 100.0)),
        ("job_starts * 1000 / enrolled", ("job_starts", "enrolled", 1000.0)),
        ("job_starts / enrolled", ("job_starts", "enrolled", 1.0)),
        ("(job_starts / enrolled) * 100", ("job_starts", "enrolled", 100.0)),
        ("job_starts + enrolled", None),
        ("job_starts / (enrolled + caseload) * 100", None),
    ],
)
def test_a_rate_is_a_formula_shaped_numerator_over_denominator_times_factor(formula, parts):
    indicator = Indicator(kind=Indicator.FORMULA, formula=formula)
    found = rate_parts(indicator)
    assert (found and (found.numerator, found.denominator, found.factor)) == parts


def test_a_reported_indicator_is_never_a_rate():
    assert rate_parts(Indicator(kind=Indicator.REPORTED, formula="a / b")) is None


def test_turn_the_curve_shows_history_baseline_forecast_and_target(data, client_for):
    from commonmeasure.initiatives.models import Target

    enrolled = data.alpha.indicators.get(code="enrolled")
    Target.objects.create(
        initiative=data.alpha,
        indicator=enrolled,
        period="2024-03",
        value=40,
        baseline_from="2024-01",
        baseline_to="2024-02",
    )
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/").content.decode()
    # History 34, 30: the straight line through them falls by 4 a month, to 26 in March.
    assert table_rows(html, "curve") == [
        ["2024-03", "–", "26", "40", "–", "–", ""],
        ["2024-02", "30", "30", "–", "–", "–", ""],
        ["2024-01", "34", "34", "–", "–", "–", ""],
    ]
    series = {v["series"] for v in spec_from(html, "spec-curve")["data"]["values"]}
    assert series == {"Actual", "Baseline forecast", "Target"}


def test_without_targets_there_is_no_turn_the_curve_chart(data, client_for):
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/").content.decode()
    assert 'id="curve"' not in html
