"""The reporting calendar: periods, due dates (Initiative.deadline_for), each organisation's
status, and the .ics file of the due dates."""

from __future__ import annotations

import datetime
import re

import pytest

from commonmeasure.backbone import deadlines
from commonmeasure.reporting.models import Submission

TODAY = datetime.date(2025, 5, 10)


@pytest.fixture
def with_deadline(cast):
    cast.alpha.deadline_days = 15
    cast.alpha.save()
    return cast


def test_the_calendar_lists_three_ended_periods_and_three_from_now(with_deadline):
    rows = deadlines.calendar(with_deadline.alpha, None, TODAY)
    assert [r.period.code for r in rows] == [
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
    ]
    assert [r.due for r in rows[:3]] == [
        datetime.date(2025, 3, 15),  # 28 Feb + 15 days
        datetime.date(2025, 4, 15),
        datetime.date(2025, 5, 15),
    ]
    assert [r.state for r in rows] == ["past", "past", "open", "running", "running", "running"]


def test_quarterly_periods_follow_the_initiatives_frequency(cast):
    cast.beta.deadline_days = 30
    cast.beta.save()
    rows = deadlines.calendar(cast.beta, None, TODAY)
    assert [r.period.code for r in rows] == [
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
    ]
    assert rows[2].due == datetime.date(2025, 4, 30)


def test_each_organisations_status_and_lateness_is_shown(with_deadline):
    alpha = with_deadline.alpha
    Submission.objects.create(
        initiative=alpha,
        organisation=with_deadline.org_a,
        period="2025-03",
        period_start=datetime.date(2025, 3, 1),
        status=Submission.APPROVED,
        submitted_at=datetime.datetime(2025, 4, 2, tzinfo=datetime.UTC),
    )
    rows = {r.period.code: r for r in deadlines.calendar(alpha, None, TODAY)}
    march = {s["organisation"].code: s for s in rows["2025-03"].statuses}
    assert (march["org-a"]["status"], march["org-a"]["late"]) == ("approved", False)
    assert (march["org-b"]["status"], march["org-b"]["late"]) == ("not_started", True)
    april = {s["organisation"].code: s for s in rows["2025-04"].statuses}
    assert april["org-b"]["late"] is False  # due 15 May, not yet passed
    assert all(s["late"] is False for s in rows["2025-06"].statuses)


def test_a_reporter_sees_their_own_organisation_only_and_the_backbone_sees_all(
    with_deadline, client_for
):
    mine = client_for(with_deadline.alice).get("/i/alpha/calendar/").content.decode()
    assert 'data-organisation="org-a"' in mine and 'data-organisation="org-b"' not in mine
    every = client_for(with_deadline.backbone).get("/i/alpha/calendar/").content.decode()
    assert 'data-organisation="org-a"' in every and 'data-organisation="org-b"' in every
    assert "Each is due 15 days after its period ends." in every


def test_without_a_deadline_there_are_no_due_dates(cast, client_for):
    assert all(r.due is None for r in deadlines.calendar(cast.alpha, None, TODAY))
    text = deadlines.ics(cast.alpha, "example.org", today=TODAY)
    assert "BEGIN:VEVENT" not in text and text.endswith("END:VCALENDAR\r\n")
    assert (
        b"This initiative has no deadline"
        in client_for(cast.alice).get("/i/alpha/calendar/").content
    )


def test_the_ics_file_has_one_all_day_event_per_due_date(with_deadline):
    now = datetime.datetime(2025, 5, 10, 9, 30, tzinfo=datetime.UTC)
    text = deadlines.ics(
        with_deadline.alpha,
        "example.org",
        url="http://example.org/i/alpha/calendar/",
        now=now,
        today=TODAY,
    )
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Common Measure//Reporting calendar//EN",
    ]
    assert text.count("BEGIN:VEVENT") == deadlines.RECENT + deadlines.ICS_AHEAD == 15
    first = text.split("BEGIN:VEVENT\r\n")[1]
    assert "UID:alpha-2025-02-due@example.org\r\n" in first
    assert "DTSTAMP:20250510T093000Z\r\n" in first
    assert "DTSTART;VALUE=DATE:20250315\r\nDTEND;VALUE=DATE:20250316\r\n" in first
    assert "SUMMARY:Alpha Partnership: report for 2025-02 due\r\n" in first
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert (
        "DESCRIPTION:Reports for 2025-02 (01 Feb 2025 to 28 Feb 2025) are due by the end of this day. http://example.org/i/alpha/calendar/"
        in unfolded
    )
    starts = re.findall(r"DTSTART;VALUE=DATE:(\d{8})", text)
    assert starts[-1] == "20260515"  # 2026-04 ends 30 April, + 15 days


def test_text_is_escaped_in_the_ics_file(with_deadline):
    with_deadline.alpha.name = "Work, skills; and more\\"
    text = deadlines.ics(with_deadline.alpha, "h", today=TODAY).replace("\r\n ", "")
    assert "SUMMARY:Work\\, skills\\; and more\\\\: report for 2025-02 due" in text


def test_the_ics_download_is_a_calendar_file(with_deadline, client_for):
    response = client_for(with_deadline.bob).get("/i/alpha/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="alpha-deadlines.ics"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "@testserver" in body
