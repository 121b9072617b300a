"""A backbone admin edits the area tree and a target grid in the browser, with the keyboard
where a person would: the tree is nested lists of links, each area its own form page, and the
grid one form saved at once. Screenshots of every structure set-up page go to
test-artifacts/screenshots/ and /tmp/shots-structure/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from commonmeasure.initiatives.models import Area, Target
from tests.conftest import PASSWORD
from tests.e2e.conftest import navigate
from tests.setup.structure_fixtures import with_areas

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-structure")


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")


def _shot(page, shoot, name: str) -> None:
    shoot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_backbone_edits_the_area_tree_and_a_target_grid(
    transactional_db, cast, live_server, page, shoot, import_csv
):
    with_areas(cast)
    rows = [
        f"org-a,enrolled,2024-0{m},5,\norg-a,job_starts,2024-0{m},{m + 2},\n" for m in range(1, 8)
    ]
    assert import_csv(
        cast.alpha, "organisation,indicator,period,value,comment\n" + "".join(rows)
    ).ok
    base = live_server.url
    _log_in(page, base, "backbone")
    page.goto(f"{base}/i/alpha/setup/")
    _shot(page, shoot, "setup-home")
    navigate(page, lambda: page.click("a[href='/i/alpha/setup/areas/']"))
    _shot(page, shoot, "setup-areas")

    # open Northside from the tree with the keyboard, add a ward inside it
    page.focus("#area-northside > a")
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("h1")).to_contain_text("Northside")
    page.fill("#child-code", "cedar")
    page.fill("#child-name", "Cedar")
    page.fill("#child-level", "ward")
    navigate(page, lambda: page.click("#add-child"))
    expect(page.locator(".message-success")).to_contain_text("Area Cedar added.")

    # move Birchfield into Southside
    page.goto(f"{base}/i/alpha/setup/areas/birchfield/")
    page.select_option("#parent", "southside")
    navigate(page, lambda: page.click("#save-area"))
    page.goto(f"{base}/i/alpha/setup/areas/")
    expect(page.locator("#area-northside #area-cedar")).to_be_visible()
    expect(page.locator("#area-southside #area-birchfield")).to_be_visible()
    assert Area.objects.get(initiative=cast.alpha, code="birchfield").parent.code == "southside"

    # removing Ashgrove, where org-a works, is refused with what uses it
    page.goto(f"{base}/i/alpha/setup/areas/ashgrove/")
    navigate(page, lambda: page.click("#remove-area"))
    expect(page.locator("#remove-problems")).to_contain_text(
        "Ashgrove is used by 1 organisation, 1 target, 2 overlap adjustments"
    )
    _shot(page, shoot, "setup-area-refused")

    # the target grid: an initiative target for 2024 and one for a new period, Ashgrove's removed
    page.goto(f"{base}/i/alpha/setup/targets/?indicator=job_starts")
    page.fill("input[name='v|i|2024']", "90")
    page.fill("input[name='v|a.ashgrove|2024']", "")
    page.fill("#new-period", "2025")
    page.fill("input[name='v|a.riverside|_new']", "120")
    page.fill("input[name='bf|a.riverside|_new']", "2024-01")
    page.fill("input[name='bt|a.riverside|_new']", "2024-12")
    navigate(page, lambda: page.click("#save-grid"))
    expect(page.locator(".message-success")).to_contain_text("Saved.")
    expect(page.locator("input[name='v|i|2024']")).to_have_value("90")
    expect(page.locator("input[name='v|a.riverside|2025']")).to_have_value("120")
    _shot(page, shoot, "setup-targets")
    got = {
        (t.area.code if t.area else None, t.period, t.value, t.baseline_from)
        for t in Target.objects.filter(initiative=cast.alpha, indicator__code="job_starts")
    }
    assert got == {(None, "2024", 90.0, ""), ("riverside", "2025", 120.0, "2024-01")}

    # a cell that is not a number: named in its cell, nothing saved
    page.fill("input[name='v|o.org-a|2024']", "lots")
    navigate(page, lambda: page.click("#save-grid"))
    expect(page.locator("#problems")).to_contain_text("Organisation A, 2024: lots is not a number")
    _shot(page, shoot, "setup-targets-error")

    # the other structure pages, photographed
    for name, path in [
        ("setup-dimensions", "/i/alpha/setup/dimensions/"),
        ("setup-organisations", "/i/alpha/setup/organisations/"),
        ("setup-organisation", "/i/alpha/setup/organisations/org-a/"),
        ("setup-overlaps", "/i/alpha/setup/overlaps/"),
        ("setup-rules", "/i/alpha/setup/rules/"),
    ]:
        page.goto(base + path)
        _shot(page, shoot, name)
    page.fill("#rule-code", "starts")
    page.fill("#rule-left", "job_starts")
    page.fill("#rule-right", "enrolled")
    page.on("console", lambda m: print("CONSOLE", m.text))
    page.on("request", lambda r: print("REQ", r.method, r.url))
    page.on(
        "response",
        lambda r: print(
            "RESP",
            r.status,
            r.url,
            r.request.post_data,
            r.text().split('id="rule-live"')[1][:1500] if r.request.method == "POST" else "",
        ),
    )
    page.fill("#rule-message", "More starts than enrolled")
    page.wait_for_timeout(2000)
    print("LIVE", page.inner_html("#rule-live")[:500])
    # as you type, the reports the rule would fail appear below the form
    expect(page.locator("#rule-live #failing-reports tbody tr")).to_have_count(4)
    page.fill("#rule-right", "enrolled * 2")
    expect(page.locator("#rule-live #failing-title")).to_contain_text("0 reports would fail")
    page.fill("#rule-right", "enrolled")
    expect(page.locator("#rule-live #failing-reports tbody tr")).to_have_count(4)
    _shot(page, shoot, "setup-rule-live")
    navigate(page, lambda: page.click("#preview-rule"))
    expect(page.locator("#confirm")).to_be_visible()
    # the last 6 periods with reports are 2024-02 to 2024-07: starts 5 to 9 against 5 enrolled
    expect(page.locator("#failing-reports tbody tr")).to_have_count(4)
    expect(page.locator("#failing-reports")).to_contain_text("Job starts: 9")
    _shot(page, shoot, "setup-rule-preview")
