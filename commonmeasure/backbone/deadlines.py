"""The reporting calendar: recent and coming periods, their due dates and each organisation's
status, and an iCalendar (.ics, RFC 5545) file of the due dates, written here as plain text
(docs/reference/backbone-tools.md, "Reporting calendar").

- Periods follow the initiative's reporting frequency. The page shows the RECENT periods that
  have ended (newest first) and the current period and the COMING - 1 after it.
- A period's due date is Initiative.deadline_for: the period's last day + deadline_days (the
  same rule as reports and reminders). Without deadline_days there is no due date and the .ics
  file has no events.
- The .ics file holds one all-day event per period from RECENT periods ago to ICS_AHEAD
  periods ahead, on the due date, with a stable UID so that calendars update rather than
  duplicate events when it is downloaded again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Initiative
from commonmeasure.reporting import services as reporting
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.quality import expected_participations

RECENT = 3
COMING = 3
ICS_AHEAD = 12
NOT_STARTED = "not_started"


def _step(p: periods.Period, fy_first_month: int, forward: bool) -> periods.Period:
    index = p.end if forward else p.start - 1
    y, m = periods.index_to_year_month(index)
    return periods.containing(periods.month(y, m), p.type, fy_first_month)


def period_list(initiative: Initiative, back: int, ahead: int, today=None) -> list[periods.Period]:
    """``back`` ended periods and the current one plus ``ahead - 1`` after it, oldest first."""
    current = initiative.current_period(today)
    earlier, p = [], current
    for _ in range(back):
        p = _step(p, initiative.fy_first_month, forward=False)
        earlier.append(p)
    later, p = [current], current
    for _ in range(ahead - 1):
        p = _step(p, initiative.fy_first_month, forward=True)
        later.append(p)
    return list(reversed(earlier)) + later


@dataclass
class Row:
    period: periods.Period
    due: datetime.date | None
    state: str  # past (due date passed), open (due in the future), running (not ended yet)
    statuses: list[dict]  # {"organisation", "status", "late"}


def calendar(initiative: Initiative, organisation_ids: list[int] | None, today=None) -> list[Row]:
    """Rows for the page; statuses only for ``organisation_ids`` (None: every organisation)."""
    today = today or timezone.localdate()
    plist = period_list(initiative, RECENT, COMING, today)
    parts = (
        expected_participations(initiative)  # the backbone only if it reports
        .select_related("organisation")
        .order_by("organisation__name", "organisation__code")
    )
    orgs = [p.organisation for p in parts]
    if organisation_ids is not None:
        orgs = [o for o in orgs if o.id in organisation_ids]
    subs = {
        (s.organisation_id, s.period): s
        for s in Submission.objects.filter(
            initiative=initiative,
            period__in=[p.code for p in plist],
            organisation__in=orgs,
        )
    }
    rows = []
    for p in plist:
        due = initiative.deadline_for(p)
        if p.end_date > today:
            state = "running"
        elif due is not None and due < today:
            state = "past"
        else:
            state = "open"
        statuses = []
        for org in orgs:
            sub = subs.get((org.id, p.code))
            late = p.end_date <= today and reporting.is_late(sub, initiative, p.code, today)
            statuses.append(
                {
                    "organisation": org,
                    "status": sub.status if sub else NOT_STARTED,
                    "late": late,
                }
            )
        rows.append(Row(p, due, state, statuses))
    return rows


# -- iCalendar ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += b
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def ics(initiative: Initiative, host: str, url: str = "", now=None, today=None) -> str:
    """The due dates as an iCalendar file (CRLF line endings)."""
    now = now or timezone.now()
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Common Measure//Reporting calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:"
        + _escape(gettext("%(initiative)s reporting deadlines") % {"initiative": initiative.name}),
    ]
    for p in period_list(initiative, RECENT, ICS_AHEAD, today):
        due = initiative.deadline_for(p)
        if due is None:
            continue
        last = p.end_date - datetime.timedelta(days=1)
        description = gettext(
            "Reports for %(period)s (%(start)s to %(end)s) are due by the end of this day."
        ) % {
            "period": p.code,
            "start": f"{p.start_date:%d} {date_format(p.start_date, 'M Y')}",
            "end": f"{last:%d} {date_format(last, 'M Y')}",
        }
        if url:
            description += f" {url}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{initiative.code}-{p.code}-due@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + datetime.timedelta(days=1):%Y%m%d}",
            "SUMMARY:"
            + _escape(
                gettext("%(initiative)s: report for %(period)s due")
                % {"initiative": initiative.name, "period": p.code}
            ),
            f"DESCRIPTION:{_escape(description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
