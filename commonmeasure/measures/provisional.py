"""Provisional periods: a period still being reported is never drawn as a collapse.

The rule (docs/reference/periods.md, "Provisional periods"): a reporting period is **complete**
for an indicator when organisations with an approved figure for it make up at least
``COMPLETE_SHARE`` of the organisations expected to report; otherwise it is **provisional**.
A longer period (a quarter, a year) is complete only if every reporting period in it is, so a
year still under way is provisional. Charts fade and dash provisional periods, tables say so,
the API, the CLI and CSV files carry a ``provisional`` flag, public pages and embeds leave them
out unless asked, and benchmarks open on the latest complete period.

The headline cards (``insights.headlines``) pick their period by the same share.
"""

from __future__ import annotations

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.presenters import reporting_organisation_count
from commonmeasure.rollups import reads

COMPLETE_SHARE = 0.75  # three quarters of the organisations expected to report


def reporting_counts(initiative: Initiative, indicator: Indicator) -> dict[str, int]:
    """{reporting period: organisations with an approved figure}, as the headlines count them:
    from the rollups for a reported indicator whose rollups are current, else the approved
    reports of the period."""
    if indicator.kind == Indicator.REPORTED and indicator.id in reads.current_ids(
        initiative, [indicator]
    ):
        rows = reads.totals_for(initiative, {indicator.id})[indicator.id]
        return {period: count for period, value, count in rows if value is not None}
    counts: dict[str, int] = {}
    for period in Submission.objects.filter(
        initiative=initiative, status=Submission.APPROVED
    ).values_list("period", flat=True):
        counts[period] = counts.get(period, 0) + 1
    return counts


def provisional_periods(
    initiative: Initiative, indicator: Indicator, codes, period_type: str | None = None
) -> set[str]:
    """The codes among ``codes`` (periods of ``period_type``) that are provisional."""
    period_type = period_type or initiative.period_type
    counts = reporting_counts(initiative, indicator)
    expected = max(reporting_organisation_count(initiative), 1)
    fy = initiative.fy_first_month
    out = set()
    for code in codes:
        try:
            p = periods.parse(code, period_type, fy)
        except periods.PeriodError:
            continue
        inside = {
            periods.containing(
                periods.month(*periods.index_to_year_month(m)), initiative.period_type, fy
            ).code
            for m in p.months
        }
        if any(counts.get(c, 0) / expected < COMPLETE_SHARE for c in inside):
            out.add(code)
    return out


def latest_complete(codes: list[str], provisional: set[str]) -> str | None:
    """The latest of ``codes`` (in time order) that is complete; else the latest; None if none."""
    complete = [c for c in codes if c not in provisional]
    return (complete or codes or [None])[-1]
