"""Every page type of the demo, for each role that sees it, has no critical or serious
violation of the WCAG 2.0/2.1 A and AA rules that axe-core checks: charts and maps drawn, the
grid in its error state, a survey on a phone-sized viewport and the public embed included.

The figures per page go to test-artifacts/axe/ROLE.json; docs/explanation/accessibility.md
quotes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commonmeasure.demo import DEMO_PASSWORD, load_demo, organisations
from commonmeasure.domain import periods

from . import axe

pytestmark = pytest.mark.e2e

REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
END = periods.month(2024, 12)  # the demo's last month: 13 months are enough to draw every page
CODE = "youth-jobs"


def _demo():
    """The demo initiative (13 months of it), published with one published indicator, with a
    survey, a co-design ballot, an activity and a comment thread for the pages that show them."""
    from commonmeasure.backbone.models import Activity
    from commonmeasure.contracts.models import ManagedContract
    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.voice.models import Ballot, Link, Question, Survey

    load_demo(end=END, months=13)
    initiative = Initiative.objects.get(code=CODE)
    initiative.is_published = True
    initiative.save()
    indicator = initiative.indicators.get(code="enrolled")
    indicator.is_published = True
    indicator.save()
    orgs = organisations()
    reporter_org = initiative.participations.get(organisation__code=orgs[0][0]).organisation
    survey = Survey.objects.create(initiative=initiative, title="How did we do?", intro="Quick.")
    for n, (kind, text, choices) in enumerate(
        [
            ("nps", "How likely are you to recommend us to a friend?", []),
            ("likert", "How satisfied are you with the support?", []),
            ("multi", "What helped most?", ["Advice", "Training", "Company"]),
            ("text", "Anything else you want to tell us?", []),
        ]
    ):
        Question.objects.create(
            survey=survey, kind=kind, text=text, choices=choices, sort_order=n + 1
        )
    link = Link.objects.create(survey=survey, organisation=reporter_org)
    ballot = Ballot.objects.create(
        initiative=initiative,
        title="Which outcome matters most?",
        candidates=[{"code": "c1", "label": "A job"}, {"code": "c2", "label": "Confidence"}],
    )
    activity = Activity.objects.create(
        initiative=initiative, organisation=reporter_org, name="Job clubs", goals=["G1"]
    )
    contract = ManagedContract.objects.filter(project__initiative=initiative).first()
    # The demo's backbone admin may administer the impact bond database and create
    # initiatives here, for the administration and new-initiative pages.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    get_user_model().objects.get(username="backbone").user_permissions.add(
        Permission.objects.get(codename="add_initiative"),
        Permission.objects.get(codename="administer_database"),
    )
    return {
        "org": orgs[0][0],
        "viewer_org": orgs[2][0],
        "survey": survey,
        "link": link,
        "ballot": ballot,
        "activity": activity,
        "contract": contract.pk if contract else None,
    }


def _pages(role: str, d: dict) -> list[tuple[str, str]]:
    """(name, path) of every page type ``role`` sees."""
    i, org, end = f"/i/{CODE}", d["org"], END.code
    previous = periods.month(2024, 11).code
    public = [
        ("impact bonds: home and map", "/impact-bonds/"),
        ("impact bonds: directory", "/impact-bonds/projects/"),
        ("impact bonds: project", "/impact-bonds/projects/INDIGO-POJ-0001/"),
        ("impact bonds: organisations", "/impact-bonds/organisations/"),
        ("impact bonds: organisation", "/impact-bonds/organisations/INDIGO-ORG-0009/"),
        ("impact bonds: fund", "/impact-bonds/funds/INDIGO-FUND-0003/"),
        ("impact bonds: compare", "/impact-bonds/compare/?p=INDIGO-POJ-0001&p=INDIGO-POJ-0002"),
        ("public indicator (the embed)", f"/public/{CODE}/enrolled/"),
        ("co-design ballot", f"/v/{d['ballot'].token}/"),
    ]
    if role == "public":
        return [("log-in", "/login/"), ("home", "/"), *public]
    shared = [
        ("home", "/"),
        ("initiative", f"{i}/"),
        ("indicator", f"{i}/indicators/enrolled/"),
        ("dashboard", f"{i}/dashboard/"),
        ("explorer", f"{i}/explore/?indicator=enrolled&rows=period&cols=gender"),
        ("benchmarking", f"{i}/benchmarks/enrolled/?period={previous}"),
        ("activities", f"{i}/activities/"),
        ("activity feed", f"{i}/activity/"),
        ("notifications", "/notifications/"),
        ("notification settings", "/notifications/settings/"),
        ("indicator comments", f"{i}/indicators/enrolled/comments/"),
    ]
    if role == "viewer":
        vorg = d["viewer_org"]
        return [
            *shared,
            ("organisation", f"{i}/orgs/{vorg}/"),
            ("organisation dashboard", f"{i}/orgs/{vorg}/dashboard/"),
        ]
    own = [
        ("organisation", f"{i}/orgs/{org}/"),
        ("organisation dashboard", f"{i}/orgs/{org}/dashboard/"),
        ("grid", f"{i}/orgs/{org}/report/{end}/"),
        ("report comments", f"{i}/orgs/{org}/report/{end}/comments/"),
        ("report history", f"{i}/orgs/{org}/report/{previous}/history/"),
        ("upload", f"{i}/orgs/{org}/upload/"),
        ("activity form", f"{i}/activities/{d['activity'].pk}/"),
    ]
    if role == "reporter":
        return [*shared, *own]
    s = d["survey"].pk
    backbone = [
        ("reports", f"{i}/reports/"),
        ("data quality", f"{i}/quality/"),
        ("explain a figure", f"{i}/explain/?indicator=enrolled&by=period&key={previous}"),
        ("new activity", f"{i}/activities/new/?organisation={org}"),
        ("calendar", f"{i}/calendar/"),
        ("members", f"{i}/members/"),
        ("invite", f"{i}/members/invite/"),
        ("settings", f"{i}/settings/"),
        ("naming", f"{i}/orgs/{org}/naming/"),
        ("surveys", f"{i}/surveys/"),
        ("new survey", f"{i}/surveys/new/"),
        ("survey", f"{i}/surveys/{s}/"),
        ("survey bursts", f"{i}/surveys/{s}/bursts/"),
        ("you said, we did", f"{i}/surveys/{s}/links/{d['link'].pk}/you-said/"),
        ("new co-design ballot", f"{i}/co-design/new/"),
        ("co-design results", f"{i}/co-design/{d['ballot'].pk}/"),
        ("survey print", f"/s/{d['link'].token}/print/"),
        ("contracts", "/contracts/"),
        # set-up: structure (setup/views_structure.py, views_grids.py, views_rules.py)
        ("set-up dimensions", f"{i}/setup/dimensions/"),
        ("set-up organisations", f"{i}/setup/organisations/"),
        ("set-up organisation", f"{i}/setup/organisations/{org}/"),
        ("set-up areas", f"{i}/setup/areas/"),
        ("set-up area", f"{i}/setup/areas/northside/"),
        ("set-up targets", f"{i}/setup/targets/"),
        ("set-up overlap adjustments", f"{i}/setup/overlaps/"),
        ("set-up rules", f"{i}/setup/rules/"),
        ("new initiative", "/setup/new/"),
        ("new initiative from a file", "/setup/new/file/"),
        ("replace the set-up from a file", f"{i}/setup/file/"),
        ("impact bonds: administration", "/impact-bonds/manage/"),
        ("impact bonds: data quality report", "/impact-bonds/manage/quality/"),
        ("impact bonds: field status", "/impact-bonds/manage/projects/INDIGO-POJ-0001/fields/"),
    ]
    if d["contract"]:
        c = d["contract"]
        backbone += [
            ("contract", f"/contracts/{c}/"),
            ("contract scenario", f"/contracts/{c}/scenario/"),
            ("contract comments", f"/contracts/{c}/comments/"),
        ]
    # The indicator dictionary's set-up pages.
    backbone += [
        ("set-up: indicators", f"{i}/setup/indicators/"),
        ("set-up: new indicator", f"{i}/setup/indicators/new/"),
        ("set-up: edit an indicator", f"{i}/setup/indicators/enrolled/edit/"),
        ("set-up: delete an indicator", f"{i}/setup/indicators/enrolled/delete/"),
    ]
    return [*shared, *own, *backbone]


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")


def _check(page, name: str, found: dict, report: dict) -> None:
    axe.wait_for_charts(page)
    for chart in page.locator(".chart.chart-ready").all():
        # Drawn, a chart is still a figure labelled with its text alternative.
        if chart.get_attribute("role") != "figure" or not chart.get_attribute("aria-label"):
            found[f"{name}: a chart"] = f"{chart.get_attribute('data-spec-id')} lost its label"
    violations = axe.violations(page)
    report[name] = {**axe.counts(violations), "rules": {v["id"]: v["nodes"] for v in violations}}
    if violations:
        found[name] = axe.describe(violations)


def _visit(page, base: str, name: str, path: str, found: dict, report: dict) -> None:
    response = page.goto(base + path)
    if response is None or response.status != 200:
        found[name] = f"{path} answered {response.status if response else 'nothing'}"
        return
    _check(page, name, found, report)


def _write(role: str, report: dict) -> None:
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{role}.json").write_text(json.dumps(report, indent=1, sort_keys=True))


@pytest.mark.parametrize("role", ["public", "reporter", "viewer", "backbone"])
def test_every_page_a_role_sees_has_no_serious_accessibility_violation(
    role, transactional_db, live_server, browser, settings
):
    settings.CM_SURVEY_MIN_FILL_SECONDS = 0
    d = _demo()
    base = live_server.url
    found: dict[str, str] = {}
    report: dict[str, dict] = {}
    context = axe.new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        if role != "public":
            _log_in(page, base, role)
        for name, path in _pages(role, d):
            _visit(page, base, name, path, found, report)
        if role == "reporter":
            # The grid in its error state: a save the server refused, its messages shown.
            page.goto(f"{base}/i/{CODE}/orgs/{d['org']}/report/{END.code}/")
            page.fill("input[name='v:enrolled:']", "twelve")
            with page.expect_navigation():
                page.click("button[name=action][value=save]")
            page.wait_for_selector(".cell-msg.error")
            _check(page, "grid with errors", found, report)
        if role == "public":
            phone = axe.new_context(browser, **PHONE)
            try:
                small = phone.new_page()
                small.set_default_timeout(30_000)
                _visit(small, base, "survey on a phone", f"/s/{d['link'].token}/", found, report)
                _visit(
                    small,
                    base,
                    "public indicator on a phone",
                    f"/public/{CODE}/enrolled/",
                    found,
                    report,
                )
            finally:
                phone.close()
    finally:
        context.close()
        _write(role, report)
    assert not found, "\n".join(f"{name}: {text}" for name, text in found.items())
