"""Headline cards of the initiative dashboard and rows of the organisation dashboard
(docs/reference/dashboards.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.disclosure.cells import community_values
from commonmeasure.disclosure.people import NotAvailable
from commonmeasure.domain import benchmarking, expressions, targets
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.insights.headlines import headlines
from commonmeasure.measures import targets as measured
from commonmeasure.measures.selectors import QueryError
from commonmeasure.reporting.models import DataValue, Submission
from commonmeasure.reporting.presenters import format_value
from commonmeasure.rollups.models import Rollup

from .figures import SUPPRESSED, Viewer, disclose, peer_view

NO_TARGETS = gettext_lazy("no targets declared")


def show(value, indicator) -> str:
    if value is SUPPRESSED:
        return _("suppressed")
    return format_value(value, indicator)


def progress(
    initiative, indicator, period_code: str, value, known_targets=None, **scope
) -> tuple[dict | None, str]:
    """(% of target and status, or None; why not) from measures.targets.

    ``known_targets``: the initiative-wide targets already read (measures.targets.initiative_targets),
    for pages with many cards."""
    if known_targets is not None and not scope:
        if not known_targets:
            return None, str(NO_TARGETS)
        target = known_targets.get((indicator.id, period_code))
        if target is not None:
            return {**measured.progress_for(target, indicator, value), "to_date": False}, ""
    # The target that applies: this period's, or the year's (so far, prorated) for a month.
    found = measured.applying(initiative, indicator, period_code, value, **scope)
    if not found or found.get("target") is None:
        return None, str(NO_TARGETS) if not initiative.targets.exists() else _(
            "no target for this period"
        )
    return found, ""


def reporting_sets(
    initiative: Initiative,
    period_code: str,
    statuses: tuple[str, ...] = (Submission.SUBMITTED, Submission.APPROVED),
) -> dict[int, set[int]]:
    """{indicator id: organisation ids with a submitted or approved total in the period}."""
    out: dict[int, set[int]] = {}
    for iid, org_id in (
        DataValue.objects.filter(
            submission__initiative=initiative,
            submission__period=period_code,
            submission__status__in=statuses,
        )
        .filter(disaggregation__key="")
        .values_list("indicator_id", "submission__organisation_id")
        .distinct()
    ):
        out.setdefault(iid, set()).add(org_id)
    return out


def reported_count(indicator: Indicator, sets: dict[int, set[int]], by_code: dict) -> int | None:
    """Organisations that reported the indicator (for a formula: every indicator it names)."""
    if indicator.kind == Indicator.REPORTED:
        return len(sets.get(indicator.id, ()))
    if indicator.kind == Indicator.FORMULA:
        try:
            codes = expressions.names(indicator.formula)
        except expressions.ExpressionError:
            return None
        groups = [sets.get(by_code[c].id, set()) for c in codes if c in by_code]
        return len(set.intersection(*groups)) if groups else None
    return None


@dataclass
class Card:
    indicator: Indicator
    period: str | None = None
    value: object = None  # number, None or SUPPRESSED
    value_text: str = "–"
    series: list | None = None
    direction: str | None = None  # up, down, flat
    better: bool | None = None
    change_text: str = ""
    previous: str | None = None
    progress: dict | None = None
    progress_note: str = ""
    reported: int | None = None
    expected: int = 0
    problem: str = ""

    @property
    def completeness(self) -> float | None:
        if self.reported is None or not self.expected:
            return None
        return 100.0 * self.reported / self.expected

    @property
    def verdict(self) -> str:
        return "neutral" if self.better is None else ("good" if self.better else "bad")


def cards(
    initiative: Initiative, viewer: Viewer, expected: int, fallback_period: str
) -> list[Card]:
    # Retired indicators are no longer reported: their history stays on their own pages.
    indicators = list(
        initiative.indicators.filter(is_retired=False).select_related("weight_indicator")
    )
    by_code = {i.code: i for i in indicators}
    sets_cache: dict[str, dict] = {}
    counts_cache: dict[str, dict] = {}
    known_targets = measured.initiative_targets(initiative)  # every initiative-wide target at once
    out = []
    try:  # all at once (one read of the approvals); one by one only if one of them fails
        heads = {h.indicator.id: h for h in headlines(initiative, indicators)}
    except QueryError:
        heads = {}
    for indicator in indicators:
        card = Card(indicator, expected=expected)
        out.append(card)
        try:
            head = heads.get(indicator.id) or headlines(initiative, [indicator])[0]
        except QueryError as problem:
            card.problem = str(problem)
            card.period = fallback_period
        else:
            _fill(initiative, indicator, viewer, card, head, known_targets)
        code = card.period or fallback_period
        if indicator.kind == Indicator.REPORTED:
            card.reported = _reported_counts(initiative, code, counts_cache).get(indicator.id, 0)
        else:
            if code not in sets_cache:
                sets_cache[code] = reporting_sets(initiative, code)
            card.reported = reported_count(indicator, sets_cache[code], by_code)
        card.period = code
    return out


def _reported_counts(initiative: Initiative, period_code: str, cache: dict) -> dict[int, int]:
    """{indicator id: organisations with a submitted or approved total in the period}, read
    from the rollups (approved reports, totals worked out from finer values included) plus the
    few reports waiting for review, instead of every value of the period."""
    if period_code in cache:
        return cache[period_code]
    counts = dict(
        Rollup.objects.filter(
            indicator__initiative=initiative,
            period_type=initiative.period_type,
            period=period_code,
            dimension="",
            category="",
        ).values_list("indicator_id", "count")
    )
    for iid, orgs in reporting_sets(initiative, period_code, (Submission.SUBMITTED,)).items():
        counts[iid] = counts.get(iid, 0) + len(orgs)
    cache[period_code] = counts
    return counts


def _fill(initiative, indicator, viewer, card: Card, head, known_targets=None) -> None:
    series = {row["key"]: row["value"] for row in head.series}
    try:
        shown = community_values(initiative, indicator, viewer, series)
    except (NotAvailable, QueryError):
        shown = disclose(series, {}, viewer, total_shown=False)  # people unknown: hidden
    card.series = [{"key": k, "value": v} for k, v in shown.items() if v is not SUPPRESSED]
    if head.latest is None:
        return
    card.period = head.latest["key"]
    card.value = shown.get(card.period)
    card.value_text = show(card.value, indicator)
    if card.value is SUPPRESSED or card.value is None:
        card.progress_note = _("no value shown")
        return
    if head.change is not None and head.previous_value is not None:
        move = targets.movement(
            head.previous_value, head.previous_value + head.change, indicator.polarity
        )
        card.direction, card.better = move.direction, move.better
        card.previous = head.previous_key
        card.change_text = format_value(abs(head.change), indicator)
    card.progress, card.progress_note = progress(
        initiative, indicator, card.period, card.value, known_targets
    )


@dataclass
class OrgRow:
    indicator: Indicator
    value: float | None = None
    summary: benchmarking.PeerSummary | None = None
    position: benchmarking.Position | None = None
    peers: int = 0
    problem: str = ""


def organisation_rows(initiative, viewer: Viewer, org_code: str, period_type, within) -> list:
    rows = []
    for indicator in initiative.indicators.select_related("weight_indicator"):
        row = OrgRow(indicator)
        rows.append(row)
        try:
            view = peer_view(initiative, indicator, viewer, period_type, within)
        except NotAvailable as problem:
            row.problem = str(problem)
            continue
        row.value = view.values.get(org_code)
        row.summary = view.summary
        row.peers = len([k for k in view.distribution if k != org_code])
        row.position = view.position(org_code, indicator.polarity)
    return rows
