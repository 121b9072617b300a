"""The data-entry grid: layout, saving, inline validation, stale versions and who may use it."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import DataValue, Submission
from commonmeasure.reporting.services import cell_name

GRID_A = "/i/alpha/orgs/org-a/report/2024-02/"
NEW_A = "/i/alpha/orgs/org-a/report/2024-03/"


def stored(org_code: str, period: str) -> dict:
    return {
        (ind, key): value
        for ind, key, value in DataValue.objects.filter(
            submission__organisation__code=org_code, submission__period=period
        ).values_list("indicator__code", "disaggregation__key", "value")
    }


def version_of(org_code: str, period: str) -> int:
    return Submission.objects.get(organisation__code=org_code, period=period).version


def test_grid_has_a_total_cell_and_cells_for_each_allowed_disaggregation(data, client_for):
    html = client_for("alice").get(GRID_A).content.decode()
    assert f'name="{cell_name("enrolled", {})}"' in html
    # enrolled allows gender and age band: a cross table of both.
    assert f'name="{cell_name("enrolled", {"gender": "female", "age_band": "16-24"})}"' in html
    assert f'name="{cell_name("enrolled", {"gender": "male", "age_band": "25+"})}"' in html
    # job_starts allows gender only: one cell per category.
    assert f'name="{cell_name("job_starts", {"gender": "male"})}"' in html
    assert f'name="{cell_name("job_starts", {"age_band": "25+"})}"' not in html
    # caseload allows no dimension: the total only.
    assert f'name="{cell_name("caseload", {})}"' in html
    assert f'name="{cell_name("caseload", {"gender": "male"})}"' not in html
    assert 'value="7"' in html  # the stored draft value
    assert 'name="version"' in html


def test_reporter_can_save_grid_and_submit(data, client_for):
    client = client_for("alice")
    page = client.get(NEW_A)
    assert page.status_code == 200
    assert not Submission.objects.filter(
        organisation__code="org-a", period="2024-03"
    ).exists()  # GET writes nothing
    total, female = cell_name("enrolled", {}), cell_name("job_starts", {"gender": "female"})
    response = client.post(
        NEW_A,
        {"version": "1", "action": "save", total: "12", female: "3", cell_name("caseload", {}): ""},
    )
    assert response.status_code == 302
    assert stored("org-a", "2024-03") == {
        ("enrolled", ""): 12.0,
        ("job_starts", "gender=female"): 3.0,
    }
    html = client.get(NEW_A).content.decode()
    assert "Saved Organisation A" in html and 'value="12"' in html
    version = version_of("org-a", "2024-03")
    response = client.post(
        NEW_A, {"version": str(version), "action": "submit", total: "12", female: "3"}, follow=True
    )
    assert (
        Submission.objects.get(organisation__code="org-a", period="2024-03").status
        == Submission.SUBMITTED
    )
    html = response.content.decode()
    assert "Submitted 2024-03" in html
    assert f'name="{total}"' not in html  # read-only now
    assert 'value="save"' not in html


def test_submit_saves_what_was_typed_first(data, client_for):
    client = client_for("alice")
    total = cell_name("enrolled", {})
    client.post(NEW_A, {"version": "1", "action": "submit", total: "8"})
    sub = Submission.objects.get(organisation__code="org-a", period="2024-03")
    assert sub.status == Submission.SUBMITTED
    assert stored("org-a", "2024-03") == {("enrolled", ""): 8.0}


def test_blank_cell_removes_a_stored_value(data, client_for):
    client = client_for("alice")
    client.post(
        GRID_A,
        {
            "version": str(version_of("org-a", "2024-02")),
            "action": "save",
            cell_name("enrolled", {}): "",
        },
    )
    assert stored("org-a", "2024-02") == {}


def test_saving_keeps_a_stored_comment(data, client_for, import_csv):
    text = "organisation,indicator,period,value,comment\norg-a,caseload,2024-02,40,counted on the 28th\n"
    assert import_csv(data.alpha, text).errors == []
    client = client_for("alice")
    client.post(
        GRID_A,
        {
            "version": str(version_of("org-a", "2024-02")),
            "action": "save",
            cell_name("caseload", {}): "41",
            cell_name("enrolled", {}): "7",
        },
    )
    value = DataValue.objects.get(
        submission__organisation__code="org-a",
        submission__period="2024-02",
        indicator__code="caseload",
    )
    assert (value.value, value.comment) == (41.0, "counted on the 28th")


def test_bad_values_are_refused_with_a_message_next_to_the_cell_and_nothing_is_saved(
    data, client_for
):
    client = client_for("alice")
    before = stored("org-a", "2024-02")
    rate = cell_name("satisfaction", {})
    response = client.post(
        GRID_A,
        {
            "version": str(version_of("org-a", "2024-02")),
            "action": "save",
            cell_name("enrolled", {}): "8",
            rate: "140",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "140 is not a percentage" in html
    assert 'value="140"' in html and 'value="8"' in html  # the input is kept
    cell = html.split(f'name="{rate}"', 1)[1].split("</div>", 1)[0]
    assert "cell-msg error" in cell
    assert stored("org-a", "2024-02") == before


def test_second_save_with_old_version_is_refused_and_shows_difference(data, client_for):
    first, second = client_for("alice"), client_for("backbone")
    old = version_of("org-a", "2024-02")
    total = cell_name("enrolled", {})
    assert (
        first.post(GRID_A, {"version": str(old), "action": "save", total: "8"}).status_code == 302
    )
    response = second.post(GRID_A, {"version": str(old), "action": "save", total: "9"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this report" in html
    difference = html.split('id="difference"', 1)[1].split("</section>", 1)[0]
    assert '<td class="mine">9</td>' in difference and '<td class="theirs">8</td>' in difference
    assert 'value="9"' in html  # the second person's input is not lost
    assert f'name="version" value="{version_of("org-a", "2024-02")}"' in html
    assert stored("org-a", "2024-02")[("enrolled", "")] == 8.0


def test_inline_check_returns_the_message_for_a_bad_value(data, client_for):
    client = client_for("alice")
    url = GRID_A + "check/"
    bad = client.post(
        url, {cell_name("enrolled", {}): "2.5"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "cell-msg error" in bad and "2.5 is not a count" in bad
    # Seen: "enrolled takes whole numbers": the indicator is named in words, its code beside it.
    assert "2.5 is not a count: People enrolled (enrolled) takes whole numbers of 0 or more" in bad
    good = client.post(
        url, {cell_name("enrolled", {}): "25"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "error" not in good
    word = client.post(url, {cell_name("wage", {}): "ten"}).content.decode()
    assert "&#x27;ten&#x27; is not a number" in word
    assert stored("org-a", "2024-02") == {("enrolled", ""): 7.0}  # checking writes nothing


@pytest.mark.parametrize(
    "name, status", [("bob", 403), ("outsider", 404), ("carol", 404), ("anonymous", 404)]
)
def test_inline_check_is_only_for_those_who_may_edit(data, client_for, name, status):
    response = client_for(name).post(GRID_A + "check/", {cell_name("enrolled", {}): "1"})
    assert response.status_code == status


def test_reporter_cannot_open_other_organisations_grid(data, client_for):
    client = client_for("alice")
    assert client.get("/i/alpha/orgs/org-b/report/2024-02/").status_code == 403
    response = client.post(
        "/i/alpha/orgs/org-b/report/2024-02/",
        {"version": "1", "action": "save", cell_name("enrolled", {}): "0"},
    )
    assert response.status_code == 403
    assert stored("org-b", "2024-02") == {("enrolled", ""): 987654.0}


@pytest.mark.parametrize("name", ["outsider", "carol", "anonymous"])
def test_outsider_gets_404_for_a_grid_of_an_unpublished_initiative(data, client_for, name):
    assert client_for(name).get(GRID_A).status_code == 404
    assert client_for(name).post(GRID_A, {"version": "1", "action": "save"}).status_code == 404


def test_public_of_a_published_initiative_cannot_open_a_grid(data, client_for):
    from .conftest import publish

    publish(data.alpha)
    assert client_for("anonymous").get(GRID_A).status_code == 403
    assert client_for("outsider").get(GRID_A).status_code == 403


def test_viewer_sees_own_grid_read_only_and_cannot_save(data, client_for):
    from commonmeasure.initiatives.users import add_user

    add_user("vera", initiative_code="alpha", role="viewer", organisation_code="org-a")
    client = client_for("vera")
    html = client.get(GRID_A).content.decode()
    assert f'name="{cell_name("enrolled", {})}"' not in html
    assert f'data-cell="{cell_name("enrolled", {})}">7<' in html
    assert 'value="submit"' not in html
    assert (
        client.post(
            GRID_A, {"version": "2", "action": "save", cell_name("enrolled", {}): "1"}
        ).status_code
        == 403
    )
    assert stored("org-a", "2024-02") == {("enrolled", ""): 7.0}


def test_reviewer_can_submit_but_not_edit(data, client_for):
    from commonmeasure.initiatives.users import add_user

    add_user("rita", initiative_code="alpha", role="reviewer", organisation_code="org-a")
    client = client_for("rita")
    html = client.get(GRID_A).content.decode()
    assert f'name="{cell_name("enrolled", {})}"' not in html
    assert 'value="submit"' in html
    client.post(GRID_A, {"version": "1", "action": "submit", cell_name("enrolled", {}): "1"})
    assert (
        Submission.objects.get(organisation__code="org-a", period="2024-02").status
        == Submission.SUBMITTED
    )
    assert stored("org-a", "2024-02") == {("enrolled", ""): 7.0}


def test_grid_is_read_only_once_submitted(data, client_for):
    Submission.objects.filter(organisation__code="org-a", period="2024-02").update(
        status=Submission.SUBMITTED
    )
    client = client_for("alice")
    html = client.get(GRID_A).content.decode()
    assert f'name="{cell_name("enrolled", {})}"' not in html
    assert "waiting for review" in html
    response = client.post(
        GRID_A, {"version": "5", "action": "save", cell_name("enrolled", {}): "1"}, follow=True
    )
    assert stored("org-a", "2024-02") == {("enrolled", ""): 7.0}
    assert "cannot be edited" in response.content.decode() or "must be" in response.content.decode()


def test_period_picker_lists_recent_periods_with_their_status(data, client_for):
    html = client_for("alice").get(GRID_A).content.decode()
    picker = html.split('class="period-picker"', 1)[1].split("</nav>", 1)[0]
    assert "/i/alpha/orgs/org-a/report/" in picker
    assert 'aria-current="page"' in picker and "2024-02" in picker


def test_goto_period_opens_that_periods_grid_and_refuses_nonsense(data, client_for):
    client = client_for("alice")
    response = client.get("/i/alpha/orgs/org-a/report/", {"period": "2024-01"})
    assert (
        response.status_code == 302
        and response["Location"] == "/i/alpha/orgs/org-a/report/2024-01/"
    )
    response = client.get("/i/alpha/orgs/org-a/report/", {"period": "2024-13"}, follow=True)
    assert "is not a month" in response.content.decode()


@pytest.mark.parametrize("period", ["2024-13", "2024-Q1", "2999-01"])
def test_grid_for_an_invalid_or_future_period_is_404(cast, client_for, period):
    assert client_for("alice").get(f"/i/alpha/orgs/org-a/report/{period}/").status_code == 404


def test_posting_without_a_csrf_token_is_refused(data, client_for):
    client = client_for("alice", enforce_csrf_checks=True)
    response = client.post(
        GRID_A, {"version": "2", "action": "save", cell_name("enrolled", {}): "1"}
    )
    assert response.status_code == 403
    assert stored("org-a", "2024-02") == {("enrolled", ""): 7.0}


def test_inline_check_validates_the_cell_named_by_htmx_when_the_whole_form_is_posted(
    data, client_for
):
    enrolled, rate = cell_name("enrolled", {}), cell_name("satisfaction", {})
    html = (
        client_for("alice")
        .post(
            GRID_A + "check/",
            {enrolled: "7", rate: "140"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TRIGGER_NAME=rate,
        )
        .content.decode()
    )
    assert "140 is not a percentage" in html
