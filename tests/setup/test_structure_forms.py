"""The forms of the structure set-up pages: what each reads from a POST, and its own messages."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.setup.forms_grids import GridForm, number
from commonmeasure.setup.forms_rules import RuleForm
from commonmeasure.setup.forms_structure import AddOrganisationForm, AreaForm, OrganisationForm


def _data(**fields) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in fields.items():
        q[k] = v
    return q


@pytest.mark.parametrize(
    ("typed", "read"),
    [("", None), ("  ", None), ("12", 12.0), ("-4", -4.0), ("1,250", 1250.0), ("2.5", 2.5)],
)
def test_a_cell_reads_a_number_or_blank(typed, read):
    assert number(typed) == read


@pytest.mark.parametrize("typed", ["lots", "1e999", "nan", "12 people"])
def test_a_cell_that_is_not_a_number(typed):
    with pytest.raises(ValueError):
        number(typed)


def test_the_grid_names_the_cell_that_is_not_a_number():
    cells = {"v|i|2024": "Alpha, 2024", "bf|i|2024": "Alpha, 2024, baseline from"}
    form = GridForm(
        _data(**{"v|i|2024": "ten", "bf|i|2024": " 2023-01 "}), cells=cells, numbers={"v|i|2024"}
    )
    assert not form.is_valid()
    assert form.messages == {
        "v|i|2024": "Alpha, 2024: ten is not a number; enter a number or leave it blank."
    }
    ok = GridForm(
        _data(**{"v|i|2024": "10", "bf|i|2024": " 2023-01 "}), cells=cells, numbers={"v|i|2024"}
    )
    assert ok.is_valid()
    assert ok.cleaned_data["v|i|2024"] == 10.0 and ok.cleaned_data["bf|i|2024"] == "2023-01"


def test_identifiers_are_one_a_line_or_separated_by_commas():
    form = OrganisationForm(
        _data(name="A", identifiers="GB-CHC-1\n\n GB-COH-2 , GB-CHC-3"), areas=set()
    )
    assert form.is_valid()
    assert form.cleaned_data["identifiers"] == ["GB-CHC-1", "GB-COH-2", "GB-CHC-3"]
    assert form.cleaned_data["area"] is None and form.cleaned_data["backbone"] is False


def test_an_organisation_needs_a_name_and_a_known_area():
    form = OrganisationForm(_data(name=" ", area="nowhere"), areas={"ashgrove"})
    assert not form.is_valid()
    assert form.messages == {
        "name": "Name: fill this in.",
        "area": "Area: nowhere is not an area of this initiative.",
    }


def test_a_new_organisation_cannot_take_another_initiatives_code():
    form = AddOrganisationForm(_data(code="org-c", name="C"), taken={"org-c"})
    assert not form.is_valid()
    assert form.messages["code"].startswith(
        "Code: org-c is already the code of another organisation"
    )


def test_an_area_moves_only_where_it_may():
    assert AreaForm(_data(name="N", parent=""), parents={"riverside"}).is_valid()
    form = AreaForm(_data(name="N", parent="ashgrove"), parents={"riverside"})
    assert not form.is_valid()
    assert form.messages["parent"] == "Inside: ashgrove is not an area this one can move into."


def test_a_rule_needs_its_sides_and_a_known_comparison():
    form = RuleForm(_data(code="r", left="a", op="=>", right="", severity="fatal", message="m"))
    assert not form.is_valid()
    assert form.messages == {
        "op": "Comparison: choose one of < <= == != >= >.",
        "right": "Right side: fill this in.",
        "severity": "Severity: choose error or warning.",
    }
