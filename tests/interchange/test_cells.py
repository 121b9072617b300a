"""The one rule for cells a spreadsheet would run as formulas, and how readers type cells."""

from __future__ import annotations

import pytest

from commonmeasure.contracts.exports import safe_text
from commonmeasure.interchange.cells import Percent, neutralised, percent_points
from commonmeasure.interchange.tabular import _safe_cell
from commonmeasure.reporting.audit import safe_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_download_neutralises_each_start_of_a_formula(start):
    text = f"{start}SUM(A1)"
    assert neutralised(text) == safe_cell(text) == safe_text(text) == _safe_cell(text)
    assert neutralised(text) == "'" + text


def test_plain_text_and_numbers_are_left_alone_where_numbers_are_read_back():
    assert neutralised("café") == "café" and neutralised(12) == 12
    assert neutralised("-5") == "'-5" and _safe_cell("-5") == "-5" and _safe_cell("+3.2") == "+3.2"


def test_percent_points_give_the_figure_as_typed():
    assert percent_points(Percent(0.214)) == 21.4
    assert percent_points(" 7.5 % ") == 7.5
    assert percent_points("abc%") is None and percent_points(0.214) is None
