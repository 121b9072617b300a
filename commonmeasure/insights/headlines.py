"""Headline progress per indicator: the cards on the initiative home and the dashboard
(docs/reference/web-pages.md), read from the rollups where they can answer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.measures.areas import deduplicates
from commonmeasure.measures.common import clean
from commonmeasure.measures.provisional import COMPLETE_SHARE
from commonmeasure.measures.selectors import community_totals, query
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.presenters import reporting_organisation_count
from commonmeasure.rollups import reads

# The headline period is complete by the rule of provisional periods (measures/provisional.py).
COVERAGE_FOR_HEADLINE = COMPLETE_SHARE


@dataclass
class Headline:
    indicator: Indicator
    latest: dict | None  # {"key": period code, "value": community value}
    previous_key: str | None
    change: float | None  # like for like: organisations approved in both periods
    previous_value: float | None  # the previous period's value for those same organisations
    series: list[dict]
    reporting: int  # organisations with approved data in the latest period
    compared: int  # organisations in the like-for-like comparison

    @property
    def change_percent(self) -> float | None:
        if self.change is None or not self.previous_value:
            return None
        return 100.0 * self.change / abs(self.previous_value)

    @property
    def direction(self) -> str:
        change = self.change
        if change is None:
            return "none"
        if abs(change) < 10 ** -(self.indicator.decimals + 1):
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def verdict(self) -> str:
        """good, bad or neutral, by the indicator's polarity."""
        direction = self.direction
        if direction in ("flat", "none"):
            return "neutral"
        better = "up" if self.indicator.polarity == "higher" else "down"
        return "good" if direction == better else "bad"


def headlines(
    initiative: Initiative, indicators: list[Indicator], spark_points: int = 12
) -> list[Headline]:
    """Headline progress per indicator (docs/reference/web-pages.md).

    The headline period is the latest one whose approved reports cover at least three quarters of
    the reporting organisations (else the latest with approved data), so that a month still
    being reported does not look like a fall. The change from the period before is like for like:
    it compares only the organisations with a value in both periods.

    Reported indicators are read from the rollups (their totals carry the number of
    organisations); formula and composite indicators from query() and the approved reports.
    """
    expected = max(reporting_organisation_count(initiative), 1)
    approved_counts: dict[str, int] | None = None
    current = reads.current_ids(initiative, indicators)
    totals = reads.totals_for(initiative, current)
    # The like-for-like changes of indicators read from the rollups, asked for together per
    # pair of periods once every series is known.
    pending: dict[tuple[str, str], list[Indicator]] = {}
    out = []
    for indicator in indicators:
        rows = totals.get(indicator.id) if indicator.id in current else None
        if rows is None:
            if approved_counts is None:
                approved_counts = dict(
                    Submission.objects.filter(initiative=initiative, status=Submission.APPROVED)
                    .values("period")
                    .annotate(n=Count("id"))
                    .values_list("period", "n")
                )
            series = [r for r in query(initiative, indicator, "period") if r["value"] is not None]
            counts = {r["key"]: approved_counts.get(r["key"], 0) for r in series}
        else:
            series = [{"key": p, "value": clean(v)} for p, v, _n in rows if v is not None]
            counts = {p: n for p, v, n in rows if v is not None}
            if deduplicates(indicator):  # the de-duplicated figure, as query() gives it
                plain = {r["key"]: r["value"] for r in series}
                deduped = community_totals(initiative, indicator, initiative.period_type, plain)
                series = [{"key": k, "value": clean(deduped[k])} for k in plain]
        covered = [
            i
            for i, row in enumerate(series)
            if counts.get(row["key"], 0) / expected >= COVERAGE_FOR_HEADLINE
        ]
        last = covered[-1] if covered else len(series) - 1
        series = series[: last + 1]
        latest = series[-1] if series else None
        previous_key = change = previous_value = None
        compared = 0
        if len(series) > 1:
            previous_key = series[-2]["key"]
            if indicator.id in current and not deduplicates(indicator):
                pending.setdefault((latest["key"], previous_key), []).append(indicator)
            else:
                now, before, compared = _like_for_like(
                    initiative, indicator, latest["key"], previous_key
                )
                if now is not None and before is not None:
                    change, previous_value = now - before, before
        reporting = counts.get(latest["key"], 0) if latest else 0
        out.append(
            Headline(
                indicator,
                latest,
                previous_key,
                change,
                previous_value,
                series[-spark_points:],
                reporting,
                compared,
            )
        )
    by_id = {h.indicator.id: h for h in out}
    for (latest_key, previous_key), group in pending.items():
        changes = reads.like_for_like_many(initiative, group, latest_key, previous_key)
        for indicator in group:
            now, before, compared = changes.get(indicator.id, (None, None, 0))
            head = by_id[indicator.id]
            head.compared = compared
            if now is not None and before is not None:
                head.change, head.previous_value = now - before, before
    return out


def _like_for_like(initiative, indicator, latest: str, previous: str):
    """(now, before, organisations compared) over organisations approved in both periods, for
    indicators the rollups cannot answer (formula and composite ones, or rules just changed);
    the others are asked together in headlines()."""
    both = None
    for code in (latest, previous):
        orgs = set(
            Submission.objects.filter(
                initiative=initiative, status=Submission.APPROVED, period=code
            ).values_list("organisation_id", flat=True)
        )
        both = orgs if both is None else both & orgs
    common = sorted(both or ())
    if not common:
        return None, None, 0
    first, last = initiative.parse_period(previous), initiative.parse_period(latest)
    span = periods.Period(first.start, last.end, first.type, f"{previous}..{latest}")
    same = {
        r["key"]: r["value"]
        for r in query(initiative, indicator, "period", within=span, organisation_ids=common)
    }
    return same.get(latest), same.get(previous), len(common)
