"""Completeness counts the right things (reporting.quality.expected_participations and
expected_indicators): the backbone organisation only once it reports, and entered indicators
only; the initiative page, the dashboard, the data-quality page, the reports page, the calendar
and the reminders all count the same."""

from __future__ import annotations

import datetime
import re

import pytest

from commonmeasure.initiatives.models import Indicator, Organisation, Participation
from commonmeasure.reporting import quality, reminders
from commonmeasure.reporting.models import Submission

from .conftest import table_rows

QUALITY = "/i/alpha/quality/?period=2024-02"


@pytest.fixture
def with_backbone(data):
    """alpha with a backbone organisation (which has not reported) and a formula indicator."""
    org = Organisation.objects.create(code="alpha-bb", name="Alpha Backbone")
    Participation.objects.create(initiative=data.alpha, organisation=org, is_backbone=True)
    Indicator.objects.create(
        initiative=data.alpha,
        code="start_share",
        name="Share starting a job",
        value_type=Indicator.PERCENTAGE,
        kind=Indicator.FORMULA,
        formula="job_starts / enrolled * 100",
        aggregation="weighted_mean",
        weight_indicator=data.alpha.indicators.get(code="enrolled"),
        sort_order=99,
    )
    data.backbone_org = org
    return data


def counts_on_pages(client) -> dict[str, str]:
    """How many organisations each page says are expected to report."""
    home = client.get("/i/alpha/").content.decode()
    dashboard = client.get("/i/alpha/dashboard/").content.decode()
    quality_page = client.get(QUALITY).content.decode()
    reports = client.get("/i/alpha/reports/?period=2024-02").content.decode()
    per_period = {r[0]: r[1] for r in table_rows(quality_page, "per-period")}
    return {
        "initiative": re.search(r"of (\d+) organisations", home).group(1),
        "dashboard": re.search(r"how many of the (\d+) organisations", dashboard).group(1),
        "quality": per_period["2024-02"].split(" of ")[1],
        "reports": re.search(r'summary-count">(\d+)</span> organisations', reports).group(1),
    }


def test_a_backbone_that_does_not_report_is_not_counted_anywhere(with_backbone, client_for):
    counts = counts_on_pages(client_for("backbone"))
    assert counts == {"initiative": "2", "dashboard": "2", "quality": "2", "reports": "2"}
    html = client_for("backbone").get(QUALITY).content.decode()
    assert "Alpha Backbone" not in html  # neither "not started" nor in the grid of reports


def test_a_backbone_that_reports_is_counted_everywhere(with_backbone, client_for, import_csv):
    text = "organisation,indicator,period,value\nalpha-bb,enrolled,2024-02,3\n"
    assert import_csv(with_backbone.alpha, text).ok
    counts = counts_on_pages(client_for("backbone"))
    assert counts == {"initiative": "3", "dashboard": "3", "quality": "3", "reports": "3"}


def test_formula_and_composite_indicators_are_not_expected_in_a_report(with_backbone, import_csv):
    entered = [i.code for i in with_backbone.alpha.indicators.all() if i.kind == Indicator.REPORTED]
    text = "organisation,indicator,period,value\n" + "".join(
        f"org-a,{code},2024-03,{1 if code != 'wage' else 9.5}\n" for code in entered
    )
    assert import_csv(with_backbone.alpha, text).ok
    cells = quality.completeness(with_backbone.alpha, [with_backbone.alpha.parse_period("2024-03")])
    a = next(c for c in cells if c.organisation.code == "org-a")
    assert (a.reported, a.expected, a.completeness) == (len(entered), len(entered), 1.0)
    assert {c.organisation.code for c in cells} == {"org-a", "org-b"}


def test_the_data_quality_page_counts_entered_indicators_only(with_backbone, client_for):
    html = client_for("backbone").get(QUALITY).content.decode()
    missing = table_rows(html, "missing")
    assert [r[0] for r in missing] == ["Organisation A", "Organisation B"]
    assert missing[0][2] == "1 of 6"  # six entered indicators; the formula is worked out


def test_the_reminders_leave_out_a_backbone_that_does_not_report(with_backbone):
    from commonmeasure.initiatives.users import add_user

    alpha = with_backbone.alpha
    alpha.deadline_days, alpha.reminder_days_before = 10, 3
    alpha.save()
    add_user(
        "bb-staff",
        email="staff@alpha-bb.example.org",
        initiative_code="alpha",
        role="reporter",
        organisation_code="alpha-bb",
    )
    planned = reminders.send_reminders(datetime.date(2024, 3, 8), dry_run=True)
    assert {(p.organisation.code, p.period) for p in planned} == {
        ("org-a", "2024-02"),
        ("org-b", "2024-02"),
    }
    Submission.objects.filter(period="2024-02").update(status=Submission.SUBMITTED)
    assert reminders.send_reminders(datetime.date(2024, 3, 8), dry_run=True) == []


def test_the_calendar_lists_only_the_organisations_expected_to_report(with_backbone, client_for):
    html = client_for("backbone").get("/i/alpha/calendar/").content.decode()
    assert "Organisation A" in html and "Alpha Backbone" not in html
