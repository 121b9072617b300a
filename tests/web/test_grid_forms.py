"""The grid's forms (web/forms.py): each posted field cleaned, with the messages the page shows,
and the grid page giving them."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.reporting.importing import check_value
from commonmeasure.reporting.models import DataValue, Submission
from commonmeasure.reporting.services import cell_name
from commonmeasure.web.forms import CheckedCellForm, GridActionForm, GridCellsForm
from commonmeasure.web.grid import build_rows, reported_indicators

GRID_A = "/i/alpha/orgs/org-a/report/2024-02/"
TOTAL = cell_name("enrolled", {})
FEMALE = cell_name("job_starts", {"gender": "female"})
MALE = cell_name("job_starts", {"gender": "male"})


def post(fields: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


@pytest.mark.parametrize(
    "raw, version", [("3", 3), (" 12 ", 12), ("abc", 0), ("", 0), ("2.5", 0), (None, 0)]
)
def test_a_version_that_is_not_a_whole_number_is_0(raw, version):
    fields = {"action": "approve"} | ({} if raw is None else {"version": raw})
    form = GridActionForm(post(fields))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["version"] == version
    cells = GridCellsForm(post(fields), [])
    assert cells.is_valid() and cells.cleaned_data["version"] == version


@pytest.mark.parametrize("fields", [{}, {"action": ""}, {"action": "delete"}, {"action": "Save"}])
def test_an_unknown_or_missing_action_is_refused_in_the_pages_words(fields):
    form = GridActionForm(post(fields))
    assert not form.is_valid()
    assert form.messages == {"action": "Unknown action."}


def test_the_reviewers_comment_is_kept_as_typed():
    form = GridActionForm(post({"action": "return", "comment": "  fix row 2\n"}))
    assert form.is_valid()
    assert form.cleaned_data["comment"] == "  fix row 2\n"


def test_the_cells_form_has_a_field_for_each_cell_of_the_grid(cast):
    rows = build_rows(reported_indicators(cast.alpha), {})
    form = GridCellsForm.for_rows(post({}), rows)
    names = [cell.name for row in rows for cell in row.cells()]
    assert [name for name in form.fields if name.startswith("v:")] == names
    assert {TOTAL, FEMALE, MALE} <= set(names)


def test_a_cell_that_is_not_a_number_gets_the_message_every_surface_gives(cast):
    rows = build_rows(reported_indicators(cast.alpha), {})
    enrolled = cast.alpha.indicators.get(code="enrolled")
    form = GridCellsForm.for_rows(post({TOTAL: " ten ", FEMALE: "2.5", MALE: "3"}), rows)
    assert not form.is_valid()
    assert form.messages[TOTAL] == "'ten' is not a number"
    assert form.messages[TOTAL] == check_value("ten", enrolled)[1]
    assert form.messages[FEMALE].startswith("2.5 is not a count")
    assert MALE not in form.messages
    # What was typed is shown again, without the spaces around it, valid or not.
    assert form.posted() == {TOTAL: "ten", FEMALE: "2.5", MALE: "3"}
    assert form.numbers() == {MALE: 3.0}


def test_blank_cells_are_posted_as_blank_and_cells_not_posted_are_left_out(cast):
    rows = build_rows(reported_indicators(cast.alpha), {})
    form = GridCellsForm.for_rows(post({TOTAL: "  ", MALE: "4"}), rows)
    assert form.is_valid(), form.errors
    inputs = {(c.indicator.code, tuple(c.categories.items())): c.raw for c in form.inputs()}
    assert inputs == {("enrolled", ()): "", ("job_starts", (("gender", "male"),)): "4"}
    assert not form.is_blank()
    assert form.cleaned_data["note"] is None  # not posted: the stored note is kept


@pytest.mark.parametrize(
    "fields, blank",
    [
        ({TOTAL: "", MALE: " "}, True),
        ({TOTAL: "", "note": "  "}, True),
        ({TOTAL: "", "note": "Late figures"}, False),
        ({TOTAL: "0"}, False),
    ],
)
def test_a_new_report_is_blank_when_every_cell_and_the_note_are(cast, fields, blank):
    form = GridCellsForm.for_rows(post(fields), build_rows(reported_indicators(cast.alpha), {}))
    form.is_valid()
    assert form.is_blank() is blank


def test_posted_cells_name_their_indicators_offered_or_not(cast):
    form = GridCellsForm(post({TOTAL: "1", "v:retired_one:": "2", "version": "1"}), [])
    assert form.posted_indicator_codes() == {"enrolled", "retired_one"}


@pytest.mark.parametrize(
    "fields, trigger, name",
    [
        ({TOTAL: "1", MALE: "2"}, MALE, MALE),  # the header names the cell that changed
        ({TOTAL: "1"}, "", TOTAL),  # no header: the one cell posted
        ({TOTAL: "1", MALE: "2"}, "", ""),  # no header and two cells: nothing to check
        ({TOTAL: "1", MALE: "2"}, FEMALE, ""),  # a header naming a cell not posted
        ({TOTAL: "1"}, "note", TOTAL),
    ],
)
def test_the_inline_check_is_about_the_cell_the_header_names(fields, trigger, name):
    form = CheckedCellForm(post(fields), trigger=trigger)
    assert form.is_valid()
    assert form.cleaned_data["name"] == name
    assert form.cleaned_data["indicator"] == (name.split(":")[1] if name else "")


def test_a_save_with_a_version_that_is_not_a_number_is_refused_as_stale(data, client_for):
    response = client_for("alice").post(GRID_A, {"version": "abc", "action": "save", TOTAL: "9"})
    assert response.status_code == 409
    assert "Someone else saved this report after you opened it" in response.content.decode()
    value = DataValue.objects.get(
        submission__organisation__code="org-a",
        submission__period="2024-02",
        indicator__code="enrolled",
    )
    assert value.value == 7.0


def test_a_review_with_a_version_that_is_not_a_number_is_refused(data, client_for):
    Submission.objects.filter(organisation=data.org_a, period="2024-02").update(
        status=Submission.SUBMITTED
    )
    current = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    response = client_for("backbone").post(
        GRID_A, {"version": "v2", "action": "approve"}, follow=True
    )
    assert f"This report changed since you saw it (version 0, now {current})" in (
        response.content.decode()
    )
    assert Submission.objects.get(organisation=data.org_a, period="2024-02").status == (
        Submission.SUBMITTED
    )


def test_a_save_with_a_cell_that_is_not_a_number_shows_its_message_and_saves_nothing(
    data, client_for
):
    version = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    response = client_for("alice").post(
        GRID_A, {"version": str(version), "action": "save", TOTAL: "ten", MALE: "3"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved: 1 cell(s) need correcting." in html
    assert "&#x27;ten&#x27; is not a number" in html
    assert set(
        DataValue.objects.filter(
            submission__organisation=data.org_a, submission__period="2024-02"
        ).values_list("indicator__code", "value")
    ) == {("enrolled", 7.0)}


def test_an_unknown_action_is_refused_with_its_message(data, client_for):
    response = client_for("alice").post(GRID_A, {"action": "destroy", "version": "1"}, follow=True)
    assert "Unknown action." in response.content.decode()
