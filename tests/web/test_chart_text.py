"""A chart is a labelled figure whose label is its text alternative: its title, what it shows and
the latest figures (docs/explanation/accessibility.md)."""

from __future__ import annotations

import re

from commonmeasure import charts

from .test_indicator_page import URL


def test_a_series_is_read_as_what_it_shows_and_its_latest_period():
    spec = charts.series(
        [{"key": "2024-01", "value": 3}, {"key": "2024-02", "value": 1234.5}],
        title="Enrolled",
        decimals=0,
        description="Enrolled per period",
    )
    assert charts.text_alternative(spec, "Community") == (
        "Community. Enrolled per period. Latest: 2024-02, 1,234.50. "
        "The table beside it has every figure."
    )


def test_bars_are_read_with_their_first_figures_and_how_many_more():
    rows = [{"label": f"Org {n}", "value": n} for n in range(1, 8)]
    text = charts.text_alternative(
        charts.bars(rows, category_title="Organisation", title="Enrolled", decimals=0)
    )
    assert text.startswith("Enrolled by Organisation. Figures: Org 1: 1; Org 2: 2;")
    assert "Org 5: 5 and 2 more." in text and "Org 6" not in text


def test_a_stacked_chart_is_read_with_each_category_of_its_latest_period():
    rows = [
        {"period": "2024-01", "category": "Female", "value": 1},
        {"period": "2024-02", "category": "Female", "value": 4},
        {"period": "2024-02", "category": "Male", "value": 5},
    ]
    spec = {"description": "Enrolled by gender", "data": {"values": rows}}
    assert "Latest: 2024-02, Female: 4; Male: 5." in charts.text_alternative(spec)


def test_the_indicator_page_labels_its_chart_with_the_latest_figure(data, client_for):
    html = client_for("alice").get(URL).content.decode()
    (box,) = re.findall(r'<div class="chart main-chart"[^>]*>', html)
    assert 'role="figure"' in box and 'role="img"' not in box
    assert "Latest: 2024-01, 15." in box
