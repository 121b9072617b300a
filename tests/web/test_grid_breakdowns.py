"""Breakdowns agree with totals in the grid and the spreadsheet template upload: the grid shows
each breakdown's running sum beside the total and can fill the total from a complete breakdown
(grid.js); a save or a submit that would leave them disagreeing is refused, naming the cell."""

from __future__ import annotations

from commonmeasure.reporting.models import DataValue, Submission

from .test_uploads import UPLOAD, filled_template, token_of, upload

GRID = "/i/alpha/orgs/org-a/report/2024-03/"
TOTAL, FEMALE, MALE = "v:job_starts:", "v:job_starts:gender=female", "v:job_starts:gender=male"


def test_a_total_of_33_whose_breakdown_adds_up_to_32_is_neither_saved_nor_submitted(
    cast, client_for
):
    """Seen: it was saved and submitted."""
    alice = client_for("alice")
    for action in ("save", "submit"):
        response = alice.post(
            GRID, {"version": "1", "action": action, TOTAL: "33", FEMALE: "16", MALE: "16"}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "Nothing was saved: 1 cell(s) need correcting." in page
        assert (
            "job_starts: the breakdown by gender adds up to 32 (every category given) but the "
            "total is 33"
        ) in page
        assert 'value="33"' in page and 'value="16"' in page  # what was typed is kept
    assert not DataValue.objects.exists()
    assert not Submission.objects.filter(status=Submission.SUBMITTED).exists()


def test_female_30_against_a_total_of_8_draws_a_message(cast, client_for):
    """Seen: no message."""
    response = client_for("alice").post(
        GRID, {"version": "1", "action": "save", TOTAL: "8", FEMALE: "30"}
    )
    assert response.status_code == 400
    assert (
        "the breakdown by gender adds up to 30 (1 of 2 categories given), more than the total of 8"
    ) in response.content.decode()
    assert not DataValue.objects.exists()


def test_the_grid_shows_the_running_sum_of_each_breakdown_beside_the_total(cast, client_for):
    alice = client_for("alice")
    response = alice.post(
        GRID, {"version": "1", "action": "save", TOTAL: "10", FEMALE: "6", MALE: "4"}
    )
    assert response.status_code == 302
    page = alice.get(GRID).content.decode()
    assert f'data-breakdown data-total="{TOTAL}" data-expected="2"' in page
    assert "Sum by Gender: <strong data-sum-value>10</strong>" in page
    assert "(2 of 2 given)" in page
    assert "data-fill-total hidden" in page and ">Use as total</button>" in page
    # enrolled: one cross table of gender by age band, 4 cells, none given yet.
    assert 'data-total="v:enrolled:" data-expected="4"' in page
    assert "Sum by Gender × Age band:" in page and "(0 of 4 given)" in page
    assert '<script src="/static/web/grid.js" defer></script>' in page


def test_a_read_only_grid_shows_the_sums_without_the_button_or_the_script(cast, client_for):
    client_for("alice").post(
        GRID, {"version": "1", "action": "submit", TOTAL: "10", FEMALE: "6", MALE: "4"}
    )
    page = client_for("alice").get(GRID).content.decode()
    assert "Sum by Gender: <strong data-sum-value>10</strong>" in page
    assert "data-fill-total" not in page and "grid.js" not in page


def test_an_indicator_not_summed_across_organisations_shows_no_sum(cast, client_for):
    cast.alpha.indicators.filter(code="job_starts").update(aggregation="max")
    page = client_for("alice").get(GRID).content.decode()
    assert f'data-total="{TOTAL}"' not in page


def test_a_template_whose_breakdown_disagrees_names_the_sheet_cell_and_cannot_be_committed(
    cast, client_for
):
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 33, "F4": 16, "G4": 16}))
    page = response.content.decode()
    assert "sheet &#x27;Values&#x27;, cell E4: breakdown check (error): enrolled:" in page
    assert (
        "the breakdown by gender adds up to 32 (every category given) but the total is 33" in page
    )
    assert 'id="upload-commit"' not in page
    assert alice.post(f"{UPLOAD}{token_of(response)}/commit/").status_code == 403
    assert not DataValue.objects.exists()


def test_the_data_quality_page_lists_stored_breakdowns_that_disagree(cast, client_for):
    """Values stored before the check existed (written here without it) are listed for the
    backbone with the rule code breakdown:<indicator>."""
    from commonmeasure.initiatives.models import Indicator

    alice = client_for("alice")
    Indicator.objects.filter(code="job_starts").update(breakdown_check="off")
    alice.post(GRID, {"version": "1", "action": "save", TOTAL: "33", FEMALE: "16", MALE: "16"})
    Indicator.objects.filter(code="job_starts").update(breakdown_check="error")
    html = client_for("backbone").get("/i/alpha/quality/?period=2024-03").content.decode()
    assert "<code>breakdown:job_starts</code>" in html
    assert (
        "the breakdown by gender adds up to 32 (every category given) but the total is 33" in html
    )
