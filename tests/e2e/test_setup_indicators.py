"""The indicator dictionary's set-up pages in a real browser: a backbone admin creates a
formula indicator, the formula checked as it is typed (an unknown code named, then the fixed
formula accepted), and the pages pass the axe checks. Screenshots go to
test-artifacts/screenshots/ and, when CM_SHOTS is set, to that folder too."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting.initiative_file import dump_definition
from tests.e2e import axe
from tests.e2e.conftest import navigate

from .test_reporting_flow import _log_in

pytestmark = pytest.mark.e2e


def _shot(shoot, page, name: str) -> None:
    path = shoot(page, name)
    extra = os.environ.get("CM_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)


def test_a_formula_indicator_is_created_in_the_browser_with_its_formula_checked_as_typed(
    transactional_db, cast, live_server, browser, shoot
):
    context = axe.new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    base = live_server.url
    _log_in(page, base, "backbone")

    page.goto(f"{base}/i/alpha/setup/indicators/")
    assert page.locator("#indicator-list tbody tr").count() == 6
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicators-list")

    navigate(page, lambda: page.click("#new-indicator"))
    page.fill("#id_code", "start_share")
    page.fill("#id_name", "Share of people who start a job")
    page.select_option("#id_kind", "formula")
    page.select_option("#id_value_type", "percentage")
    page.fill("#id_decimals", "1")

    page.locator("#id_formula").press_sequentially("job_starts / enroled * 100", delay=20)
    problem = page.locator('#formula-check-result[data-ok="no"]')
    problem.wait_for()
    assert "unknown indicator 'enroled'" in problem.inner_text()
    _shot(shoot, page, "setup-indicator-formula-error")

    page.fill("#id_formula", "")
    page.locator("#id_formula").press_sequentially("job_starts / enrolled * 100", delay=20)
    accepted = page.locator('#formula-check-result[data-ok="yes"]')
    accepted.wait_for()
    assert "Job starts, People enrolled" in accepted.inner_text()
    assert "the denominator enrolled may be 0" in accepted.inner_text()
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicator-formula-ok")

    navigate(page, lambda: page.click("#save-indicator"))
    assert page.locator("#row-start_share").count() == 1
    created = Indicator.objects.get(initiative=cast.alpha, code="start_share")
    assert created.kind == Indicator.FORMULA and created.formula == "job_starts / enrolled * 100"
    mine = next(i for i in dump_definition(cast.alpha)["indicators"] if i["code"] == "start_share")
    assert mine["decimals"] == 1 and mine["value_type"] == "percentage"

    # the other pages: edit (with the composite fields), the change of rules, delete
    page.goto(f"{base}/i/alpha/setup/indicators/caseload/edit/")
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicator-edit")
    page.select_option("#id_aggregation", "mean")
    navigate(page, lambda: page.click("#save-indicator"))
    page.locator("#rule-changes").wait_for()
    assert "sum → mean" in page.inner_text("#change-list")
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicator-rule-changes")
    navigate(page, lambda: page.click("#confirm-save"))
    page.locator("#rebuild-status").wait_for()
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicators-rebuild")

    page.goto(f"{base}/i/alpha/setup/indicators/start_share/delete/")
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicator-delete")
    context.close()


def test_a_composite_previews_its_latest_figures_in_the_browser(
    transactional_db, cast, live_server, browser, shoot, import_csv
):
    from commonmeasure.reporting.models import Submission
    from commonmeasure.rollups import engine

    result = import_csv(
        cast.alpha,
        "organisation,indicator,period,value,comment\n"
        "org-a,job_starts,2024-01,4,\norg-b,job_starts,2024-01,10,\n"
        "org-a,caseload,2024-01,30,\norg-b,caseload,2024-01,20,\n",
    )
    assert not result.errors
    Submission.objects.filter(initiative=cast.alpha).update(status=Submission.APPROVED)
    engine.rebuild(cast.alpha, check=False)
    context = axe.new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    base = live_server.url
    _log_in(page, base, "backbone")
    page.goto(f"{base}/i/alpha/setup/indicators/new/")
    page.select_option("#id_kind", "composite")
    page.select_option("#id_components-0-indicator", "job_starts")
    page.fill("#id_components-0-weight", "2")
    page.select_option("#id_components-1-indicator", "caseload")
    page.select_option("#id_components-1-direction", "negative")
    page.click("#preview-composite")
    page.locator("#composite-preview-result table").first.wait_for()
    text = page.inner_text("#composite-preview")
    assert "2024-01" in text and "Organisation B" in text
    assert not axe.violations(page), axe.describe(axe.violations(page))
    page.locator("#composite-fields").scroll_into_view_if_needed()
    _shot(shoot, page, "setup-indicator-composite-preview")
    context.close()


def test_a_stale_save_shows_the_other_admins_values_beside_mine(
    transactional_db, cast, live_server, browser, shoot
):
    from commonmeasure.setup import indicators
    from commonmeasure.setup.services import version_of

    context = axe.new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    base = live_server.url
    _log_in(page, base, "backbone")
    page.goto(f"{base}/i/alpha/setup/indicators/wage/edit/")
    page.fill("#id_name", "Hourly pay (mine)")
    definition = dump_definition(cast.alpha)
    theirs = dict(next(i for i in definition["indicators"] if i["code"] == "wage"))
    theirs.update(name="Hourly pay (theirs)", unit="pounds")
    indicators.save(
        cast.alpha,
        "wage",
        theirs,
        by=cast.backbone,
        version=version_of(definition, "indicators/wage"),
    )
    navigate(page, lambda: page.click("#save-indicator"))
    table = page.inner_text("#stale-differences")
    assert "Hourly pay (mine)" in table and "Hourly pay (theirs)" in table
    assert not axe.violations(page), axe.describe(axe.violations(page))
    _shot(shoot, page, "setup-indicator-stale")
    navigate(page, lambda: page.click("#save-indicator"))
    assert Indicator.objects.get(initiative=cast.alpha, code="wage").name == "Hourly pay (mine)"
    context.close()
