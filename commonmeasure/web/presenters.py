"""Plain helpers that turn stored data into what the pages show: formatted numbers, statuses,
recent periods and headline progress. No rule about who may see what lives here: callers pass
in what ``commonmeasure.initiatives.access`` allowed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy

from commonmeasure.domain import periods
from commonmeasure.domain.translation import localise_number
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.measures.areas import deduplicates
from commonmeasure.measures.common import clean
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.quality import expected_organisation_count
from commonmeasure.reporting.selectors import community_totals, query
from commonmeasure.rollups import reads

NOT_STARTED = "not_started"
STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    Submission.DRAFT: gettext_lazy("Draft"),
    Submission.SUBMITTED: gettext_lazy("Submitted"),
    Submission.APPROVED: gettext_lazy("Approved"),
    Submission.RETURNED: gettext_lazy("Returned"),
}
PERIOD_TYPE_LABELS = {
    periods.MONTH: gettext_lazy("Month"),
    periods.QUARTER: gettext_lazy("Quarter"),
    periods.YEAR: gettext_lazy("Calendar year"),
    periods.FINANCIAL_YEAR: gettext_lazy("Financial year"),
}
ALL_STATUSES = (Submission.DRAFT, Submission.SUBMITTED, Submission.APPROVED, Submission.RETURNED)


def format_value(value, indicator: Indicator | None = None, *, unit: bool = False) -> str:
    """A value as people read it: thousands separators, the indicator's decimals, a % sign, with
    the viewer's language's separators ("1,234.5" in English, "1 234,5" in French)."""
    if value is None:
        return "–"
    decimals = (
        indicator.decimals if indicator is not None else (0 if float(value).is_integer() else 2)
    )
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    text = localise_number(text)
    if indicator is not None and indicator.value_type == Indicator.PERCENTAGE:
        return text + "%"
    if unit and indicator is not None and indicator.unit and indicator.unit != "%":
        return f"{text} {indicator.unit}"
    return text


def plain_number(value: float | None) -> str:
    """A stored value as typed into a grid cell: no separators, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def allowed_period_types(initiative: Initiative) -> list[str]:
    """Period types at least as long as the initiative's reporting frequency."""
    return [
        t for t in periods.PERIOD_TYPES if periods.is_coarser_or_equal(t, initiative.period_type)
    ]


def current_period(initiative: Initiative) -> periods.Period:
    return initiative.current_period()


def reporting_period(initiative: Initiative) -> periods.Period:
    """The period reports are due for now: the last complete one."""
    return previous_period(current_period(initiative), initiative.fy_first_month)


def previous_period(p: periods.Period, fy_first_month: int) -> periods.Period:
    y, m = periods.index_to_year_month(p.start - 1)
    return periods.containing(periods.month(y, m), p.type, fy_first_month)


def recent_periods(
    initiative: Initiative, count: int = 12, end: periods.Period | None = None
) -> list[periods.Period]:
    """The ``count`` reporting periods up to ``end`` (default: the current one), newest first."""
    p = end or current_period(initiative)
    out = [p]
    while len(out) < count:
        p = previous_period(p, initiative.fy_first_month)
        out.append(p)
    return out


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status.capitalize()))


COVERAGE_FOR_HEADLINE = 0.75


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


def reporting_organisation_count(initiative: Initiative) -> int:
    """Organisations expected to report: the one rule of reporting.quality."""
    return expected_organisation_count(initiative)


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


def submission_statuses(
    initiative: Initiative, organisation_id: int, period_codes: list[str]
) -> dict[str, str]:
    found = dict(
        Submission.objects.filter(
            initiative=initiative, organisation_id=organisation_id, period__in=period_codes
        ).values_list("period", "status")
    )
    return {code: found.get(code, NOT_STARTED) for code in period_codes}
