"""The data-entry grid works like a spreadsheet from the keyboard, in a real browser: a skip link
to the first cell, arrow keys and Enter between cells (Enter never submits), Tab in reading
order, Escape back to the saved value, the focused cell never under the sticky Save bar with a
ring that can be seen, errors tied to their cells and the first one focused after a refused
save, and rows pasted from a spreadsheet filling the grid with the same checks as typing
(docs/explanation/accessibility.md, "The data-entry grid")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from commonmeasure.reporting.models import DataValue
from tests.e2e.conftest import navigate

from .test_reporting_flow import _last_complete_month, _log_in

pytestmark = pytest.mark.e2e

TOTAL = "v:enrolled:"
F_YOUNG = "v:enrolled:age_band=16-24;gender=female"
F_OLDER = "v:enrolled:age_band=25+;gender=female"
M_YOUNG = "v:enrolled:age_band=16-24;gender=male"
M_OLDER = "v:enrolled:age_band=25+;gender=male"
STARTS = "v:job_starts:"
STARTS_F = "v:job_starts:gender=female"
STARTS_M = "v:job_starts:gender=male"


def cell(page, name: str):
    return page.locator(f'[id="{name}"]')


def focused(page) -> str | None:
    return page.locator(":focus").get_attribute("id")


def _open_grid(page, base: str) -> str:
    _log_in(page, base, "alice")
    url = f"{base}/i/alpha/orgs/org-a/report/{_last_complete_month()}/"
    page.goto(url)
    return url


def test_a_skip_link_takes_the_keyboard_to_the_first_cell(
    transactional_db, cast, live_server, page
):
    _open_grid(page, live_server.url)
    page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text() == "Skip to content"
    page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text() == "Skip to the first cell"
    page.keyboard.press("Enter")
    assert focused(page) == TOTAL


def test_arrow_keys_move_up_and_down_a_column_and_along_a_row(
    transactional_db, cast, live_server, page
):
    _open_grid(page, live_server.url)
    cell(page, TOTAL).focus()
    page.keyboard.press("ArrowDown")
    assert focused(page) == STARTS  # down the column of totals
    page.keyboard.press("ArrowUp")
    assert focused(page) == TOTAL
    page.keyboard.press("ArrowRight")  # the empty total: the caret is at its end
    assert focused(page) == F_YOUNG
    page.keyboard.press("ArrowDown")
    assert focused(page) == M_YOUNG  # down the breakdown's column
    page.keyboard.press("ArrowDown")
    assert focused(page) in (STARTS_F, STARTS_M)  # the next indicator's breakdown beneath it
    # Inside a value the arrows move the caret; at its edge they leave the cell.
    cell(page, F_OLDER).fill("123")
    cell(page, F_OLDER).press("ArrowLeft")
    assert focused(page) == F_OLDER
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")
    assert focused(page) == F_YOUNG
    page.keyboard.press("ArrowRight")
    assert focused(page) == F_OLDER
    selection = "el => [el.selectionStart, el.selectionEnd]"
    assert cell(page, F_OLDER).evaluate(selection) == [0, 3]  # arriving selects the value
    # Tab is left alone: reading order, total then its breakdown.
    cell(page, TOTAL).focus()
    page.keyboard.press("Tab")
    assert focused(page) == F_YOUNG


def test_enter_moves_down_and_never_submits(transactional_db, cast, live_server, page):
    url = _open_grid(page, live_server.url)
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    cell(page, TOTAL).fill("17")
    page.keyboard.press("Enter")
    assert focused(page) == STARTS  # down the column of totals
    cell(page, "v:wage:").focus()
    page.keyboard.press("Enter")  # the last cell: nowhere to go, and nothing is sent
    assert focused(page) == "v:wage:"
    assert page.url == url and cell(page, TOTAL).input_value() == "17"
    assert url not in posted  # only the cells' inline checks were sent, never the form
    assert not DataValue.objects.exists()
    page.keyboard.press("Shift+Enter")
    assert focused(page) == "v:satisfaction:"


def test_escape_restores_the_saved_value_even_after_a_refused_save(
    transactional_db, cast, live_server, page
):
    _open_grid(page, live_server.url)
    cell(page, TOTAL).fill("17")
    navigate(page, lambda: page.click("#save"))
    assert cell(page, TOTAL).input_value() == "17"
    cell(page, TOTAL).fill("99")
    page.keyboard.press("Escape")
    assert cell(page, TOTAL).input_value() == "17"

    # A refused save: the first cell in error has the focus, its message tied to it and in a
    # live region; Escape still puts back what is stored, not what was typed.
    cell(page, STARTS_F).fill("lots")
    cell(page, TOTAL).fill("twelve")
    navigate(page, lambda: page.click("#save"))
    assert "Nothing was saved" in page.inner_text(".messages")
    assert focused(page) == TOTAL
    described = cell(page, TOTAL).get_attribute("aria-describedby")
    message = page.locator(f'[id="{described}"]')
    assert message.get_attribute("aria-live") == "polite"
    assert "not a number" in message.inner_text()
    assert cell(page, TOTAL).get_attribute("aria-invalid") == "true"
    assert cell(page, TOTAL).input_value() == "twelve"
    page.keyboard.press("Escape")
    assert cell(page, TOTAL).input_value() == "17"
    expect(message.locator(".cell-msg.error")).to_have_count(0)  # checked again, as typed


def test_a_message_from_the_inline_check_lands_in_the_cells_live_region(
    transactional_db, cast, live_server, page
):
    _open_grid(page, live_server.url)
    cell(page, STARTS).fill("2.5")
    cell(page, STARTS).dispatch_event("change")
    region = page.locator(f'[id="{cell(page, STARTS).get_attribute("aria-describedby")}"]')
    expect(region.locator(".cell-msg.error")).to_have_count(1)
    assert region.get_attribute("aria-live") == "polite"
    assert "not a count" in region.inner_text() or "whole" in region.inner_text()


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    def lum(rgb):
        out = []
        for c in rgb:
            c = c / 255
            out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


RING = """el => {
  const s = getComputedStyle(el);
  const rgba = s.outlineColor.match(/[\\d.]+/g).map(Number);
  return {width: parseFloat(s.outlineWidth), style: s.outlineStyle, rgba: rgba};
}"""


def test_every_focused_cell_is_clear_of_the_save_bar_and_has_a_visible_ring(
    transactional_db, cast, browser, live_server
):
    context = browser.new_context(viewport={"width": 1280, "height": 560})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _open_grid(page, live_server.url)
        bar = page.locator(".form-actions.sticky")
        names = [el.get_attribute("id") for el in page.query_selector_all("input[name^='v:']")]
        cell(page, names[0]).focus()
        cell(page, names[0]).press("Shift+Tab")
        for name in names:
            page.keyboard.press("Tab")
            for _ in range(3):  # a breakdown's "use as total" button may stand between
                if focused(page) == name:
                    break
                page.keyboard.press("Tab")
            box, top = cell(page, name).bounding_box(), bar.bounding_box()["y"]
            assert box["y"] + box["height"] <= top, f"{name} is under the Save bar"
            assert box["y"] >= 0, f"{name} is above the window"
            ring = cell(page, name).evaluate(RING)
            assert ring["style"] != "none" and ring["width"] >= 2, f"{name}: {ring}"
            r, g, b, *alpha = ring["rgba"]
            assert not alpha or alpha[0] == 1, f"{name}: the ring is see-through {ring}"
            assert _contrast((r, g, b), (255, 255, 255)) >= 3, f"{name}: {ring}"
    finally:
        context.close()


PASTE = """(el, text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_rows_pasted_from_a_spreadsheet_fill_the_grid_with_the_same_checks_as_typing(
    transactional_db, cast, live_server, page
):
    _open_grid(page, live_server.url)
    cell(page, F_YOUNG).focus()
    cell(page, F_YOUNG).evaluate(PASTE, "9\t4\r\n8\tmany\r\n")
    assert [cell(page, n).input_value() for n in (F_YOUNG, F_OLDER, M_YOUNG, M_OLDER)] == [
        "9",
        "4",
        "8",
        "many",
    ]
    region = page.locator(f'[id="msg-{M_OLDER}"]')
    expect(region.locator(".cell-msg.error")).to_have_count(1)
    assert "not a number" in region.inner_text()
    group = page.locator(f'[data-breakdown][data-total="{TOTAL}"]')
    assert "(3 of 4 given" in group.locator("[data-sum-given]").inner_text()
    # One value is pasted as usual, into the cell alone.
    cell(page, TOTAL).focus()
    cell(page, TOTAL).evaluate(PASTE, "21")
    assert cell(page, STARTS).input_value() == ""
    # Saving checks the pasted cells as it checks typed ones: nothing is written.
    navigate(page, lambda: page.click("#save"))
    assert "Nothing was saved" in page.inner_text(".messages")
    assert not DataValue.objects.exists()
    assert focused(page) == M_OLDER
