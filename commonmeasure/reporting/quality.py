"""Data quality: outlier flags, completeness and timeliness (docs/reference/data-quality.md).

Reads only; nobody's values change here. Callers check who may see what through
``commonmeasure.initiatives.access``: flags and completeness include unapproved reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commonmeasure.domain import outliers as od
from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Indicator

from .models import DataValue, Submission


def _history(initiative_id: int, organisation_ids, before_start: date) -> dict[int, list[int]]:
    """{organisation id: ids of its last HISTORY_PERIODS approved reports before ``before_start``}."""
    out: dict[int, list[int]] = defaultdict(list)
    for sid, org_id in (
        Submission.objects.filter(
            initiative_id=initiative_id,
            organisation_id__in=list(organisation_ids),
            status=Submission.APPROVED,
            period_start__lt=before_start,
        )
        .order_by("organisation_id", "-period_start")
        .values_list("id", "organisation_id")
    ):
        if len(out[org_id]) < od.HISTORY_PERIODS:
            out[org_id].append(sid)
    return out


def flags_for(submissions: list[Submission]) -> dict[int, dict[tuple[int, str], str]]:
    """{submission id: {(indicator id, breakdown key): reason}} for reports of one period."""
    if not submissions:
        return {}
    first = submissions[0]
    history_ids = _history(
        first.initiative_id, {s.organisation_id for s in submissions}, first.period_start
    )
    sub_of = {sid: org for org, sids in history_ids.items() for sid in sids}
    past: dict[tuple[int, int, str], list[float]] = defaultdict(list)
    all_ids = sorted(sub_of)
    for start in range(0, len(all_ids), 500):
        for sid, iid, key, value in DataValue.objects.filter(
            submission_id__in=all_ids[start : start + 500]
        ).values_list("submission_id", "indicator_id", "disaggregation__key", "value"):
            past[(sub_of[sid], iid, key)].append(value)
    out: dict[int, dict[tuple[int, str], str]] = {s.id: {} for s in submissions}
    org_of = {s.id: s.organisation_id for s in submissions}
    for sid, iid, key, value, lo, hi in DataValue.objects.filter(
        submission_id__in=list(org_of)
    ).values_list(
        "submission_id",
        "indicator_id",
        "disaggregation__key",
        "value",
        "indicator__min_value",
        "indicator__max_value",
    ):
        reason = od.flag(value, past.get((org_of[sid], iid, key), ()), lo, hi)
        if reason:
            out[sid][(iid, key)] = reason
    return out


def flags_for_submission(submission: Submission | None) -> dict[tuple[int, str], str]:
    if submission is None:
        return {}
    return flags_for([submission])[submission.id]


@dataclass
class Flag:
    submission: Submission
    indicator: object
    key: str
    value: float
    reason: str


def outliers(initiative, period_code: str) -> list[Flag]:
    """Every flagged value of every organisation's report for one period."""
    subs = list(
        Submission.objects.filter(initiative=initiative, period=period_code).select_related(
            "organisation"
        )
    )
    found = flags_for(subs)
    indicators = {i.id: i for i in initiative.indicators.all()}
    values = {
        (sid, iid, key): value
        for sid, iid, key, value in DataValue.objects.filter(submission__in=subs).values_list(
            "submission_id", "indicator_id", "disaggregation__key", "value"
        )
    }
    out = []
    for sub in subs:
        for (iid, key), reason in sorted(
            found[sub.id].items(), key=lambda kv: (indicators[kv[0][0]].sort_order, kv[0][1])
        ):
            out.append(Flag(sub, indicators[iid], key, values[(sub.id, iid, key)], reason))
    out.sort(
        key=lambda f: (
            f.submission.organisation.name,
            f.indicator.sort_order,
            f.indicator.code,
            f.key,
        )
    )
    return out


# ---------------------------------------------------------------------------------------------
# Completeness and timeliness

REPORTED = (Submission.SUBMITTED, Submission.APPROVED)


def expected_participations(initiative):
    """The participations of the organisations expected to report: every participant except the
    backbone organisation, which counts only once it reports (has a report with a value in the
    initiative). Every page that counts reporters, the data-quality page, the calendar and the
    reminders ask this (docs/reference/data-quality.md, "Who and what is expected")."""
    reports = Submission.objects.filter(
        initiative=initiative, organisation_id=OuterRef("organisation_id"), values__isnull=False
    )
    return initiative.participations.filter(Q(is_backbone=False) | Exists(reports))


def expected_organisation_count(initiative) -> int:
    return expected_participations(initiative).count()


def expected_indicators(initiative) -> list[Indicator]:
    """The indicators whose values are expected in a report: those entered (kind reported);
    formula and composite indicators are worked out, never entered."""
    return list(
        initiative.indicators.filter(kind=Indicator.REPORTED).order_by("sort_order", "code")
    )


@dataclass
class Cell:
    """One organisation's report for one period."""

    organisation: object
    period: str
    status: str  # not_started, draft, submitted, approved, returned
    expected: int
    reported: int
    deadline: date | None
    submitted_at: object | None
    on_time: bool | None  # None: not yet due, or no deadline

    @property
    def completeness(self) -> float:
        return self.reported / self.expected if self.expected else 1.0

    @property
    def has_reported(self) -> bool:
        return self.status in REPORTED


def due_periods(initiative, count: int = 12, today: date | None = None) -> list[periods.Period]:
    """The last ``count`` periods that have ended, newest first."""
    p = initiative.current_period(today)
    out = []
    while len(out) < count:
        y, m = periods.index_to_year_month(p.start - 1)
        p = periods.containing(periods.month(y, m), p.type, initiative.fy_first_month)
        out.append(p)
    return out


def completeness(
    initiative, period_list: list[periods.Period], today: date | None = None
) -> list[Cell]:
    """Expected against reported values and on-time status, per organisation and period.

    Organisations: those expected to report (``expected_participations``). Expected: one total
    per entered indicator (``expected_indicators``). Reported: totals of those indicators stored
    in the report (breakdowns are not counted; see docs/reference/data-quality.md).
    """
    today = today or timezone.localdate()
    orgs = [
        p.organisation
        for p in expected_participations(initiative)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    entered = {i.id for i in expected_indicators(initiative)}
    expected = len(entered)
    codes = [p.code for p in period_list]
    subs = {
        (s.organisation_id, s.period): s
        for s in Submission.objects.filter(initiative=initiative, period__in=codes)
    }
    reported: dict[int, int] = defaultdict(int)
    ids = [s.id for s in subs.values()]
    totals = set(initiative.disaggregations.filter(key="").values_list("id", flat=True))
    for start in range(0, len(ids), 500):
        for sid, did, iid in DataValue.objects.filter(
            submission_id__in=ids[start : start + 500]
        ).values_list("submission_id", "disaggregation_id", "indicator_id"):
            if did in totals and iid in entered:
                reported[sid] += 1
    out = []
    for p in period_list:
        deadline = initiative.deadline_for(p)
        for org in orgs:
            sub = subs.get((org.id, p.code))
            status = sub.status if sub else "not_started"
            submitted_at = sub.submitted_at if sub else None
            on_time = None
            if deadline is not None:
                if submitted_at is not None:
                    on_time = timezone.localdate(submitted_at) <= deadline
                elif today > deadline:
                    on_time = False
            out.append(
                Cell(
                    org,
                    p.code,
                    status,
                    expected,
                    reported[sub.id] if sub else 0,
                    deadline,
                    submitted_at,
                    on_time,
                )
            )
    return out


def on_time_rate(cells: list[Cell]) -> float | None:
    """Share of due reports submitted by their deadline; None when nothing is due yet."""
    due = [c for c in cells if c.on_time is not None]
    if not due:
        return None
    return sum(1 for c in due if c.on_time) / len(due)


def not_reported(cells: list[Cell]) -> list[Cell]:
    """Reports not yet submitted (not started, draft or returned), latest period first."""
    return [c for c in cells if not c.has_reported]
