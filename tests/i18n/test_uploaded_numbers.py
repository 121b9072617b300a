"""Uploaded values files keep reading both ways of writing a decimal, whatever the interface's
language: "12,5" in a semicolon-separated file (as a French or Spanish spreadsheet saves it) and
"12.5" in a comma-separated one. What the readers do with a French grouped figure is recorded
here too, so that a change to it is noticed (docs/how-to/add-a-language.md)."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.reporting.helpers import HEADER, import_json, stored


@pytest.fixture
def existing(cast, import_csv):
    result = import_csv(cast.alpha, f"{HEADER}\norg-b,caseload,2024-01,3\n")
    assert result.errors == []


def wage(org="org-a"):
    return [v for v in stored()["values"] if v[:3] == (org, "wage", "2024-01")][0][4]


@pytest.mark.parametrize("language", ["en-gb", "fr", "es"])
def test_a_decimal_comma_and_a_decimal_point_both_read_in_every_language(
    existing, cli, tmp_path, language
):
    comma = tmp_path / "fr.csv"
    comma.write_text("organisation;indicator;period;value\norg-a;wage;2024-01;1234,5\n")
    point = tmp_path / "en.csv"
    point.write_text(f"{HEADER}\norg-b,wage,2024-01,1234.5\n")
    with translation.override(language):
        for path in (comma, point):
            code, summary = import_json(cli, path)
            assert (code, summary["errors"]) == (0, [])
    assert wage("org-a") == wage("org-b") == 1234.5


def test_a_french_grouped_figure_is_refused_naming_its_row_and_column(existing, cli, tmp_path):
    # The readers take no thousands separator in a decimal-comma file (a grouped "1 234,5"
    # cannot be told from two numbers run together): the whole file is refused, clearly.
    path = tmp_path / "grouped.csv"
    path.write_text("organisation;indicator;period;value\norg-a;wage;2024-01;1 234,5\n")
    before = stored()
    with translation.override("fr"):
        code, summary = import_json(cli, path)
    assert code == 1
    assert summary["errors"][0]["row"] == 2 and summary["errors"][0]["column"] == "value"
    assert "1 234,5" in summary["errors"][0]["message"]
    assert stored() == before
