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
from django.utils.translation import gettext as _

from commonmeasure.domain import outliers as od
from commonmeasure.domain import periods
from commonmeasure.initiatives.labels import breakdown_names
from commonmeasure.initiatives.models import Indicator

from .models import DataValue, Disaggregation, FlagReview, Submission


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


def _reviews(submission_ids: list[int]) -> dict[tuple[int, int, str], FlagReview]:
    """{(submission id, indicator id, breakdown key): the latest review of that value's flag}."""
    out: dict[tuple[int, int, str], FlagReview] = {}
    for start in range(0, len(submission_ids), 500):
        for review in (
            FlagReview.objects.filter(submission_id__in=submission_ids[start : start + 500])
            .select_related("reviewed_by", "disaggregation")
            .order_by("id")
        ):
            key = review.disaggregation.key if review.disaggregation_id else ""
            out[(review.submission_id, review.indicator_id, key)] = review
    return out


def _flags(submissions: list[Submission]):
    """{submission id: {(indicator id, key): (value, reason, review or None)}} for reports of one
    period; the review is the one that dismissed the flag of this very value."""
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
    out: dict[int, dict] = {s.id: {} for s in submissions}
    org_of = {s.id: s.organisation_id for s in submissions}
    indicators = {
        i.id: (i.min_value, i.max_value, i.outlier_tuning())
        for i in Indicator.objects.filter(initiative_id=first.initiative_id)
    }
    reviews = _reviews(list(org_of))
    for sid, iid, key, value in DataValue.objects.filter(
        submission_id__in=list(org_of)
    ).values_list("submission_id", "indicator_id", "disaggregation__key", "value"):
        lo, hi, tuning = indicators[iid]
        key = key or ""
        reason = od.flag(value, past.get((org_of[sid], iid, key), ()), lo, hi, tuning, key)
        if reason:
            review = reviews.get((sid, iid, key))
            out[sid][(iid, key)] = (
                value,
                reason,
                review if review and review.value == value else None,
            )
    return out


def flags_for(submissions: list[Submission]) -> dict[int, dict[tuple[int, str], str]]:
    """{submission id: {(indicator id, breakdown key): reason}} for reports of one period: the
    flags still to look at (a dismissed flag is left out while its value stays the same)."""
    return {
        sid: {k: reason for k, (_v, reason, review) in found.items() if review is None}
        for sid, found in _flags(submissions).items()
    }


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
    review: FlagReview | None = None  # set when the flag was dismissed
    breakdown: str = ""  # the breakdown in words ("" for the total)


def outliers(initiative, period_code: str) -> list[Flag]:
    """Every flagged value of every organisation's report for one period, dismissed or not."""
    subs = list(
        Submission.objects.filter(initiative=initiative, period=period_code).select_related(
            "organisation"
        )
    )
    found = _flags(subs)
    indicators = {i.id: i for i in initiative.indicators.all()}
    words = breakdown_names(initiative)
    out = []
    for sub in subs:
        for (iid, key), (value, reason, review) in found[sub.id].items():
            out.append(Flag(sub, indicators[iid], key, value, reason, review, words(key)))
    out.sort(
        key=lambda f: (
            f.review is not None,
            f.submission.organisation.name,
            f.indicator.sort_order,
            f.indicator.code,
            f.key,
        )
    )
    return out


def reviews_of(submission: Submission, indicator_code: str | None = None, key: str | None = None):
    """The flag reviews of a report (of one value when ``indicator_code`` and ``key`` are
    given), newest first, each with its breakdown in words: part of the report's history."""
    found = FlagReview.objects.filter(submission=submission).select_related(
        "indicator", "reviewed_by", "disaggregation"
    )
    if indicator_code is not None:
        found = found.filter(indicator__code=indicator_code)
    words = breakdown_names(submission.initiative)
    out = []
    for review in found.order_by("-reviewed_at", "-id"):
        review_key = review.disaggregation.key if review.disaggregation_id else ""
        if key is not None and review_key != key:
            continue
        out.append({"review": review, "breakdown": words(review_key)})
    return out


class CannotDismiss(ValueError):
    """The flag is not there to dismiss (the value changed, or is not flagged), or no reason."""


def dismiss_flag(submission: Submission, indicator, key: str, value: float, comment: str, by):
    """Explain and dismiss the outlier flag of one value: the value ``value`` (what the page
    showed: if it changed since, the new value is checked afresh and this is refused) is right,
    for the reason ``comment``. Recorded in the audit trail; nothing about the value changes."""
    comment = (comment or "").strip()
    if not comment:
        raise CannotDismiss(
            _("Say why the value is right: the comment is kept in the audit trail.")
        )
    if len(comment) > 2000:
        raise CannotDismiss(_("The comment is too long (at most 2,000 characters)."))
    current = _flags([submission])[submission.id].get((indicator.id, key))
    if current is None:
        name = (
            indicator.name
            if not key
            else f"{indicator.name} ({breakdown_names(submission.initiative)(key)})"
        )
        raise CannotDismiss(
            _("%(name)s is not flagged any more: reload the page.") % {"name": name}
        )
    stored, reason, review = current
    if stored != value:
        raise CannotDismiss(
            _(
                "%(name)s changed since the page was loaded (it is now %(value)s): "
                "reload the page and check the new value."
            )
            % {"name": indicator.name, "value": f"{stored:g}"}
        )
    if review is not None:
        return review
    disaggregation = Disaggregation.objects.filter(
        initiative=submission.initiative, key=key
    ).first()
    if disaggregation is None:  # a flagged value has one; only a racing deletion removes it
        raise CannotDismiss(
            _("%(name)s is not stored any more: reload the page.") % {"name": indicator.name}
        )
    return FlagReview.objects.create(
        initiative=submission.initiative,
        submission=submission,
        indicator=indicator,
        disaggregation=disaggregation,
        value=value,
        reason=reason,
        comment=comment,
        reviewed_at=timezone.now(),
        reviewed_by=by,
    )


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
