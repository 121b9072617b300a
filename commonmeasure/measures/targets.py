"""Targets by scope and period, % of target and red/amber/green status, and the data of a
turn-the-curve chart (history, baseline forecast, target line).

The rules are in docs/reference/targets.md; the arithmetic is ``commonmeasure.domain.targets``.
A target's scope is the initiative (no organisation, no area), one organisation, or one area;
its period is any period code (2025, 2025-26, 2025-Q1, 2025-03).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure.domain import periods
from commonmeasure.domain import targets as domain
from commonmeasure.initiatives.models import Area, Indicator, Initiative, Organisation, Target
from commonmeasure.measures.selectors import query

from .common import clean


def _org(initiative: Initiative, organisation) -> Organisation | None:
    if organisation is None or isinstance(organisation, Organisation):
        return organisation
    return Organisation.objects.filter(
        code=organisation, participations__initiative=initiative
    ).first()


def _area(initiative: Initiative, area) -> Area | None:
    if area is None or isinstance(area, Area):
        return area
    return Area.objects.filter(initiative=initiative, code=area).first()


def _scoped(initiative: Initiative, indicator: Indicator, organisation=None, area=None):
    if organisation is not None and area is not None:
        raise ValueError(_("a target is for an organisation or an area, not both"))
    org, place = _org(initiative, organisation), _area(initiative, area)
    if (organisation is not None and org is None) or (area is not None and place is None):
        return Target.objects.none()
    return Target.objects.filter(
        initiative=initiative,
        indicator=indicator,
        organisation=org,
        area=place,
    )


def target_for(
    initiative: Initiative,
    indicator: Indicator,
    period_code: str,
    *,
    organisation=None,
    area=None,
) -> Target | None:
    """The target for exactly this period and scope (organisation or area: instance or code;
    neither: the initiative), or None."""
    return _scoped(initiative, indicator, organisation, area).filter(period=period_code).first()


def progress(
    initiative: Initiative,
    indicator: Indicator,
    period_code: str,
    value: float | None,
    *,
    organisation=None,
    area=None,
) -> dict | None:
    """``{"target", "percent", "status", "reason"}`` for a value against its target, or None
    when there is no target for that scope and period. ``status`` is green, amber, red or None
    (no value)."""
    target = target_for(initiative, indicator, period_code, organisation=organisation, area=area)
    if target is None:
        return None
    return progress_for(target, indicator, value)


def initiative_targets(initiative: Initiative) -> dict[tuple[int, str], Target]:
    """{(indicator id, period): target} of every initiative-wide target, in one query (for pages
    that show many indicators)."""
    return {
        (t.indicator_id, t.period): t
        for t in Target.objects.filter(initiative=initiative, organisation=None, area=None)
    }


def progress_for(target: Target, indicator: Indicator, value: float | None) -> dict:
    """progress() for a target already looked up."""
    result = domain.target_status(value, target.value, indicator.polarity)
    return {
        "target": clean(target.value),
        "percent": None if result.percent is None else round(result.percent, 1),
        "status": result.status,
        "reason": result.reason,
    }


def _parse(initiative: Initiative, code: str) -> periods.Period:
    """Any period code; for a financial-yearly initiative 2011-12 is a financial year."""
    if initiative.period_type == periods.FINANCIAL_YEAR:
        try:
            return initiative.parse_period(code)
        except periods.PeriodError:
            pass
    return periods.parse(code, None, initiative.fy_first_month)


def _period_type_for(initiative: Initiative, scoped, period_type: str | None) -> str:
    if period_type:
        return period_type
    latest = None
    for code in scoped.values_list("period", flat=True):
        try:
            p = _parse(initiative, code)
        except periods.PeriodError:
            continue
        if latest is None or p.start > latest.start:
            latest = p
    chosen = latest.type if latest is not None else initiative.period_type
    if not periods.is_coarser_or_equal(chosen, initiative.period_type):
        chosen = initiative.period_type
    return chosen


def _history(initiative, indicator, period_type, org, place) -> dict[str, float | None]:
    if place is None:
        ids = [org.id] if org is not None else None
        return {
            r["key"]: r["value"]
            for r in query(initiative, indicator, "period", period_type, organisation_ids=ids)
        }
    subtree, frontier = {place.id}, [place.id]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        subtree.update(frontier)
    ids = list(
        initiative.participations.filter(area_id__in=subtree).values_list(
            "organisation_id", flat=True
        )
    )
    history = {}
    for row in query(initiative, indicator, "period", period_type, organisation_ids=ids):
        p = periods.parse(row["key"], period_type, initiative.fy_first_month)
        values = {
            r["key"]: r["value"]
            for r in query(initiative, indicator, "area", period_type, within=p)
        }
        history[row["key"]] = values.get(place.code)
    return history


def turn_the_curve(
    initiative: Initiative,
    indicator: Indicator,
    *,
    organisation=None,
    area=None,
    period_type: str | None = None,
) -> dict:
    """The data of a turn-the-curve chart for one scope (approved data only).

    ``{"indicator", "scope", "scope_code", "period_type",
       "history": [{"period", "value"}],
       "baseline": {"from", "to", "slope", "intercept"} or None,
       "forecast": [{"period", "value"}],        # the baseline trend, baseline periods onwards
       "targets": [{"period", "value", "actual", "percent", "status"}],
       "reason": why there is no forecast, or None}``

    The period type defaults to that of the scope's latest target (or the reporting
    frequency). The baseline is that of the latest target that declares one; its periods are
    the periods of the chart's type from ``baseline_from`` to ``baseline_to``; the forecast runs
    to the last period with a value or a target.
    """
    org, place = _org(initiative, organisation), _area(initiative, area)
    if organisation is not None and org is None:
        raise ValueError(
            _("no organisation %(organisation)s in %(initiative)s")
            % {"organisation": repr(organisation), "initiative": initiative.code}
        )
    if area is not None and place is None:
        raise ValueError(
            _("no area %(area)s in %(initiative)s")
            % {"area": repr(area), "initiative": initiative.code}
        )
    scoped = _scoped(initiative, indicator, organisation, area)
    period_type = _period_type_for(initiative, scoped, period_type)
    fy = initiative.fy_first_month
    history = _history(initiative, indicator, period_type, org, place)
    scope = "organisation" if org is not None else "area" if place is not None else "initiative"
    out: dict = {
        "indicator": indicator.code,
        "scope": scope,
        "scope_code": org.code if org else place.code if place else initiative.code,
        "period_type": period_type,
        "history": [{"period": k, "value": v} for k, v in sorted(history.items())],
        "baseline": None,
        "forecast": [],
        "targets": [],
        "reason": None,
    }
    target_list = []
    for t in scoped:
        try:
            p = _parse(initiative, t.period)
        except periods.PeriodError:
            continue
        target_list.append((p, t))
    target_list.sort(key=lambda pt: pt[0].start)
    for p, t in target_list:
        actual = history.get(t.period) if p.type == period_type else None
        status = domain.target_status(actual, t.value, indicator.polarity)
        out["targets"].append(
            {
                "period": t.period,
                "value": clean(t.value),
                "actual": actual,
                "percent": None if status.percent is None else round(status.percent, 1),
                "status": status.status,
            }
        )
    with_baseline = [t for _, t in target_list if t.baseline_from and t.baseline_to]
    if not with_baseline:
        out["reason"] = _("no target declares baseline periods")
        return out
    t = with_baseline[-1]
    try:
        first = periods.containing(_parse(initiative, t.baseline_from), period_type, fy)
        last = periods.containing(_parse(initiative, t.baseline_to), period_type, fy)
        baseline = [p.code for p in periods.periods_between(first, last)]
        ends = [last] + [
            periods.containing(periods.parse(code, period_type, fy), period_type, fy)
            for code in history
        ]
        ends += [periods.containing(p, period_type, fy) for p, _ in target_list]
        end = max(ends, key=lambda p: p.start)
        after = [p.code for p in periods.periods_between(last, end)][1:]
        forecast = domain.baseline_forecast(history, baseline, after, period_type, fy)
    except (periods.PeriodError, domain.TargetError) as problem:
        out["reason"] = str(problem)
        return out
    out["baseline"] = {
        "from": baseline[0],
        "to": baseline[-1],
        "slope": clean(forecast.trend.slope),
        "intercept": clean(forecast.trend.intercept),
    }
    out["forecast"] = [
        {"period": code, "value": clean(value)}
        for code, value in sorted(forecast.values.items(), key=lambda kv: kv[0])
    ]
    return out


def _containing_target(initiative, indicator, period: periods.Period, org, place):
    """The scope's target of the shortest period that contains ``period`` and is longer than
    it (a year's target for a month), as (its period, the target), or None."""
    best = None
    for t in _scoped(initiative, indicator, org, place):
        try:
            p = _parse(initiative, t.period)
        except periods.PeriodError:
            continue
        if (
            p.start <= period.start
            and period.end <= p.end
            and (p.end - p.start) > (period.end - period.start)
        ):
            if best is None or (p.end - p.start) < (best[0].end - best[0].start):
                best = (p, t)
    return best


def applying(
    initiative: Initiative,
    indicator: Indicator,
    period_code: str,
    value: float | None,
    *,
    organisation=None,
    area=None,
) -> dict | None:
    """Progress against the target that applies to a figure of ``period_code`` (docs/reference/
    targets.md, "The target that applies"), or None when none does.

    - A target for exactly that period: ``progress()``, with ``"to_date": False``.
    - Else the target of a longer period that contains it (a yearly target for a monthly
      figure): the figure of that period so far (its first reporting period to
      ``period_code``, combined by the indicator's rules, approved data) against it. For a
      reported indicator summed over time the target is prorated: the expectation by now is the target
      × the share of the target's reporting periods that have passed, and the status compares
      the figure so far with that expectation; for a mean or last value, the figure so far
      is compared with the target itself.

    ``{"target", "percent", "status", "reason", "to_date", "target_period", "so_far",
       "expected", "elapsed", "periods", "percent_of_target"}``."""
    exact = progress(
        initiative, indicator, period_code, value, organisation=organisation, area=area
    )
    if exact is not None:
        return {**exact, "to_date": False, "target_period": period_code}
    org, place = _org(initiative, organisation), _area(initiative, area)
    if (organisation is not None and org is None) or (area is not None and place is None):
        return None
    try:
        period = _parse(initiative, period_code)
    except periods.PeriodError:
        return None
    found = _containing_target(initiative, indicator, period, org, place)
    if found is None:
        return None
    target_period, target = found
    so_far_range = periods.Period(
        start=target_period.start, end=period.end, type=target_period.type, code=target.period
    )
    so_far = _figure_over(initiative, indicator, so_far_range, org, place)
    step = max(1, period.end - period.start)  # months in one reporting period
    total = max(1, (target_period.end - target_period.start) // step)
    elapsed = min(total, max(1, (period.end - target_period.start) // step))
    # Prorated only for what adds up over time: a reported indicator summed over time (not a
    # rate worked out by a formula, a composite score, a mean or a last value).
    prorated = indicator.kind == Indicator.REPORTED and indicator.time_aggregation == "sum"
    expected = target.value * elapsed / total if prorated else target.value
    pace = domain.target_status(so_far, expected, indicator.polarity)
    whole = domain.target_status(so_far, target.value, indicator.polarity)
    return {
        "target": clean(target.value),
        "percent": None if pace.percent is None else round(pace.percent, 1),
        "status": pace.status,
        "reason": pace.reason,
        "to_date": True,
        "target_period": target.period,
        "so_far": clean(so_far) if so_far is not None else None,
        "expected": clean(expected),
        "prorated": prorated,
        "elapsed": elapsed,
        "periods": total,
        "percent_of_target": None if whole.percent is None else round(whole.percent, 1),
    }


def _figure_over(initiative, indicator, within: periods.Period, org, place) -> float | None:
    """The scope's figure over ``within`` (approved data), as the query gives it."""
    if place is not None:
        rows = query(initiative, indicator, "area", within.type, within=within)
        return next((r["value"] for r in rows if r["key"] == place.code), None)
    ids = [org.id] if org is not None else None
    rows = query(initiative, indicator, "period", within.type, within=within, organisation_ids=ids)
    return next((r["value"] for r in rows), None)
