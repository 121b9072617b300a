"""The target and overlap-adjustment grids (setup/views_grids.py): one save is one apply; a
blank cell removes; the definition file's messages come back in the cell they concern."""

from __future__ import annotations

import re

from commonmeasure.backbone.models import SettingsChange
from commonmeasure.conversation.models import Event
from commonmeasure.reporting.initiative_file import dump_definition

from .structure_fixtures import with_areas

TARGETS = "/i/alpha/setup/targets/"
OVERLAPS = "/i/alpha/setup/overlaps/"


def _form(page: str) -> dict[str, str]:
    """Every box of the grid form as the page filled it in."""
    form = page.split('id="grid-form"', 1)[1].split("</form>", 1)[0]
    return {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    }


def test_the_target_grid_shows_the_targets_by_scope_and_period(cast, client_for):
    with_areas(cast)
    boxes = _form(client_for("backbone").get(TARGETS + "?indicator=job_starts").content.decode())
    assert boxes["v|a.ashgrove|2024"] == "50"
    assert boxes["v|i|2024"] == ""
    assert "v|o.org-a|2024" in boxes and "v|a.riverside|_new" in boxes


def test_a_grid_save_is_the_same_as_editing_the_file(cast, client_for):
    with_areas(cast)
    by_hand = dump_definition(cast.alpha)
    by_hand["targets"] = [
        {
            "indicator": "enrolled",
            "period": "2024",
            "value": 360.0,
            "baseline_from": "",
            "baseline_to": "",
        },
        {
            "indicator": "job_starts",
            "organisation": "org-b",
            "period": "2024",
            "value": 20.5,
            "baseline_from": "",
            "baseline_to": "",
        },
        {
            "indicator": "job_starts",
            "period": "2025",
            "value": 120.0,
            "baseline_from": "2023-01",
            "baseline_to": "2023-12",
        },
    ]
    client = client_for("backbone")
    boxes = _form(client.get(TARGETS + "?indicator=job_starts").content.decode())
    boxes.update(
        {
            "v|a.ashgrove|2024": "",  # blank: removed
            "v|o.org-b|2024": "20.5",
            "new_period": "2025",
            "v|i|_new": "120",
            "bf|i|_new": "2023-01",
            "bt|i|_new": "2023-12",
        }
    )
    response = client.post(TARGETS, boxes)
    assert response.status_code == 302
    assert response["Location"].endswith("?indicator=job_starts")
    assert dump_definition(cast.alpha) == {
        **by_hand,
        "targets": dump_definition(cast.alpha)["targets"],
    }
    got = sorted(
        dump_definition(cast.alpha)["targets"], key=lambda t: (t["indicator"], t["period"])
    )
    want = sorted(by_hand["targets"], key=lambda t: (t["indicator"], t["period"]))
    assert got == want
    (change,) = SettingsChange.objects.filter(initiative=cast.alpha)  # one apply, one entry
    assert change.changed_by == cast.backbone and change.changes
    assert Event.objects.get(kind="setup").text == "changed the targets of Job starts"


def test_a_cell_that_is_not_a_number_is_named_and_nothing_is_saved(cast, client_for):
    with_areas(cast)
    before = dump_definition(cast.alpha)
    client = client_for("backbone")
    boxes = _form(client.get(TARGETS + "?indicator=job_starts").content.decode())
    boxes["v|o.org-a|2024"] = "lots"
    boxes["v|i|2024"] = "99"
    response = client.post(TARGETS, boxes)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Organisation A, 2024: lots is not a number; enter a number or leave it blank." in page
    assert 'aria-describedby="v|o.org-a|2024-msg"' in page
    assert _form(page)["v|i|2024"] == "99"  # what was typed is kept
    assert dump_definition(cast.alpha) == before


def test_the_definition_files_messages_come_back_in_their_cell(cast, client_for):
    with_areas(cast)
    before = dump_definition(cast.alpha)
    client = client_for("backbone")
    boxes = _form(client.get(TARGETS + "?indicator=job_starts").content.decode())
    boxes.update({"v|i|2024": "10", "bf|i|2024": "2023-01"})  # a baseline needs both ends
    response = client.post(TARGETS, boxes)
    assert response.status_code == 400
    cell = response.content.decode().split('id="v|i|2024-msg">', 1)[1].split("</span>", 1)[0]
    assert cell.endswith("give both baseline_from and baseline_to, or neither")
    boxes = _form(client.get(TARGETS + "?indicator=job_starts").content.decode())
    boxes.update({"new_period": "2025-13", "v|i|_new": "5"})
    response = client.post(TARGETS, boxes)
    assert response.status_code == 400
    cell = response.content.decode().split('id="v|i|_new-msg">', 1)[1].split("<", 1)[0]
    assert cell.endswith("period: &#x27;2025-13&#x27; is not a month: month must be 01-12")
    assert dump_definition(cast.alpha) == before


def test_two_admins_on_one_grid_the_second_sees_the_firsts_figures(cast, client_for):
    with_areas(cast)
    first, second = client_for("backbone"), client_for("backbone")
    opened = _form(second.get(TARGETS + "?indicator=job_starts").content.decode())
    mine = _form(first.get(TARGETS + "?indicator=job_starts").content.decode())
    mine["v|a.ashgrove|2024"] = "70"
    assert first.post(TARGETS, mine).status_code == 302
    opened["v|a.ashgrove|2024"] = "55"
    response = second.post(TARGETS, opened)
    assert response.status_code == 409
    page = response.content.decode()
    assert _form(page)["v|a.ashgrove|2024"] == "70"
    differences = page.split('id="stale-differences"', 1)[1].split("</table>", 1)[0]
    assert "Ashgrove" in differences and "55" in differences and "70" in differences
    targets = [t for t in dump_definition(cast.alpha)["targets"] if t.get("area") == "ashgrove"]
    assert [t["value"] for t in targets] == [70.0]


def test_another_indicators_targets_do_not_make_a_grid_stale(cast, client_for):
    with_areas(cast)
    client = client_for("backbone")
    jobs = _form(client.get(TARGETS + "?indicator=job_starts").content.decode())
    enrolled = _form(client.get(TARGETS + "?indicator=enrolled").content.decode())
    enrolled["v|i|2024"] = "400"
    assert client.post(TARGETS, enrolled).status_code == 302
    jobs["v|i|2024"] = "80"
    assert client.post(TARGETS, jobs).status_code == 302


def test_the_overlap_grid_by_area_and_period(cast, client_for):
    with_areas(cast)
    client = client_for("backbone")
    page = client.get(OVERLAPS).content.decode()
    assert '<option value="job_starts" selected>' in page
    assert '<option value="enrolled"' not in page  # not adjusted
    boxes = _form(page)
    assert boxes["v|a.ashgrove|2024-01"] == "-2"
    assert "v|a.birchfield|2026-05" in boxes  # the recent reporting periods are columns
    by_hand = dump_definition(cast.alpha)
    by_hand["overlap_adjustments"] = [
        {"indicator": "job_starts", "area": "ashgrove", "period": "2024-02", "value": -3.0},
        {"indicator": "job_starts", "area": "birchfield", "period": "2026-05", "value": -1.0},
    ]
    boxes.update({"v|a.ashgrove|2024-01": "", "v|a.birchfield|2026-05": "-1"})
    assert client.post(OVERLAPS, boxes).status_code == 302
    assert dump_definition(cast.alpha) == by_hand
    boxes = _form(client.get(OVERLAPS).content.decode())
    boxes.update({"new_period": "2026", "v|a.ashgrove|_new": "-1"})
    response = client.post(OVERLAPS, boxes)
    assert response.status_code == 400
    cell = response.content.decode().split('id="v|a.ashgrove|_new-msg">', 1)[1].split("<", 1)[0]
    assert cell.endswith(
        "period: &#x27;2026&#x27; is not a period code: expected a month such as 2024-03"
    )


def test_an_unknown_indicator_is_not_found(cast, client_for):
    assert client_for("backbone").get(TARGETS + "?indicator=nope").status_code == 404
    assert client_for("backbone").get(OVERLAPS + "?indicator=enrolled").status_code == 404
