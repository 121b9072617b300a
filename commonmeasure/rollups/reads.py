"""Answer queries of approved data from the rollups (behind reporting/selectors.query).

``aggregate`` returns ``{key: value}`` as the raw aggregation would (organisation keys are ids),
or None when the rollups cannot answer the question, e.g. a ``within`` period that cuts across
the periods asked for; the caller then aggregates the stored values.
"""

from __future__ import annotations

from collections import defaultdict

from commonmeasure.domain import aggregation, periods
from commonmeasure.initiatives.models import Indicator, Initiative

from .models import ALL, OrganisationRollup, Rollup, RollupState

BY_PERIOD, BY_ORGANISATION = "period", "organisation"


def _aligned(within: periods.Period, period_type: str, fy: int) -> bool:
    """Whether ``within`` starts and ends on boundaries of ``period_type`` periods."""
    first = periods.containing(_month(within.start), period_type, fy)
    last = periods.containing(_month(within.end - 1), period_type, fy)
    return first.start == within.start and last.end == within.end


def _month(index: int) -> periods.Period:
    y, m = periods.index_to_year_month(index)
    return periods.month(y, m)


def _bucket(initiative: Initiative, within: periods.Period | None) -> tuple[str, str] | None:
    """The (period type, code) of rollup rows covering ``within`` (the whole range if None)."""
    if within is None:
        return ALL, ""
    base = initiative.period_type
    if not periods.is_coarser_or_equal(within.type, base):
        return None
    if within.type == periods.FINANCIAL_YEAR and within.start % 12 != (
        initiative.fy_first_month - 1
    ):
        return None  # a financial year of another start month
    return within.type, within.code


def _current(initiative: Initiative, indicator: Indicator) -> bool:
    """Whether the indicator's rollups were made with its present rules.

    The answer is kept on the indicator object for as long as its rules and the initiative's
    periods stay what they were (a page asks several times per indicator).
    """
    rules = (
        indicator.aggregation,
        indicator.time_aggregation,
        indicator.weight_indicator_id,
        initiative.fy_first_month,
        initiative.period_type,
    )
    known = getattr(indicator, "_rollups_current", None)
    if known is not None and known[0] == rules:
        return known[1]
    answer = _check_current(initiative, indicator)
    # Only a yes is kept: rebuilding can turn a no into a yes, never a yes into a no.
    if answer:
        indicator._rollups_current = (rules, answer)
    return answer


def _check_current(initiative: Initiative, indicator: Indicator) -> bool:
    from .engine import signature

    weight = None
    if indicator.weight_indicator_id is not None:
        w = indicator.weight_indicator
        weight = (w.aggregation, w.time_aggregation)
    expected = signature(
        indicator.aggregation, indicator.time_aggregation, weight, initiative.fy_first_month
    )
    stored = (
        RollupState.objects.filter(indicator_id=indicator.id)
        .values_list("signature", flat=True)
        .first()
    )
    return stored == f"{expected}|{initiative.period_type}"


def aggregate(
    initiative: Initiative,
    indicator: Indicator,
    by: str,
    period_type: str,
    dimension: str | None,
    within: periods.Period | None,
    organisation_ids: list[int] | None,
) -> dict | None:
    if organisation_ids is not None and not organisation_ids:
        return {}
    if not _current(initiative, indicator):
        return None
    fy = initiative.fy_first_month
    # Rows are found through their indicator (which belongs to one initiative): filtering on the
    # initiative too would tempt the database into the initiative index, a far longer scan.
    scope: dict = {}
    if by == BY_PERIOD:
        if within is not None and not _aligned(within, period_type, fy):
            return None
        rows_filter = {**scope, "period_type": period_type, "dimension": "", "category": ""}
        if within is not None:
            rows_filter.update(period_start__gte=within.start, period_start__lt=within.end)
    else:
        bucket = _bucket(initiative, within)
        if bucket is None:
            return None
        rows_filter = {**scope, "period_type": bucket[0], "period": bucket[1]}
        if dimension:
            rows_filter["dimension"] = dimension
        else:
            rows_filter.update(dimension="", category="")
    if organisation_ids is None and by != BY_ORGANISATION:
        out = {}
        for period, category, value in Rollup.objects.filter(
            indicator_id=indicator.id, **rows_filter
        ).values_list("period", "category", "value"):
            out[period if by == BY_PERIOD else category] = value
        return out
    return _from_organisations(indicator, by, rows_filter, organisation_ids)


def _from_organisations(
    indicator: Indicator, by: str, rows_filter: dict, organisation_ids: list[int] | None
) -> dict:
    """Combine organisations' rollups here: for a subset of organisations, or by organisation."""
    rule = indicator.aggregation
    wanted = [indicator.id]
    if rule == aggregation.WEIGHTED_MEAN:
        wanted.append(indicator.weight_indicator_id)
    rows = OrganisationRollup.objects.filter(indicator_id__in=wanted, **rows_filter)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    values: dict[tuple, float] = {}
    weights: dict[tuple, float] = {}
    for iid, org_id, period, category, value in rows.values_list(
        "indicator_id", "organisation_id", "period", "category", "value"
    ):
        (values if iid == indicator.id else weights)[(org_id, period, category)] = value
        if iid == indicator.id and iid == indicator.weight_indicator_id:
            weights[(org_id, period, category)] = value
    per_key: dict[object, list[tuple[float, float | None]]] = defaultdict(list)
    for (org_id, period, category), v in sorted(values.items()):
        key = period if by == BY_PERIOD else org_id if by == BY_ORGANISATION else category
        per_key[key].append((v, weights.get((org_id, period, category))))
    out = {}
    for key, pairs in per_key.items():
        ws = [w for _, w in pairs] if rule == aggregation.WEIGHTED_MEAN else None
        out[key] = aggregation.combine_across([v for v, _ in pairs], rule, ws)
    return out


def totals_with_counts(initiative: Initiative, indicator: Indicator) -> list[tuple] | None:
    """[(period, value, organisations)] of the indicator's totals per reporting period, or None
    when its rollups are not current (the caller then aggregates the stored values)."""
    if indicator.kind != Indicator.REPORTED or not _current(initiative, indicator):
        return None
    return list(
        Rollup.objects.filter(
            indicator_id=indicator.id,
            period_type=initiative.period_type,
            dimension="",
            category="",
        )
        .order_by("period_start")
        .values_list("period", "value", "count")
    )


def like_for_like(
    initiative: Initiative, indicator: Indicator, latest: str, previous: str
) -> tuple[float | None, float | None, int] | None:
    """(value in ``latest``, value in ``previous``, organisations compared): the indicator's
    totals over only the organisations with a value in both periods. None when its rollups are
    not current. The pairs are matched in the database, one indexed look-up each."""
    if indicator.kind != Indicator.REPORTED or not _current(initiative, indicator):
        return None
    from django.db import connection

    t = connection.ops.quote_name(OrganisationRollup._meta.db_table)
    rule = indicator.aggregation
    weighted = rule == aggregation.WEIGHTED_MEAN

    def same(alias: str, ind: str, period: str) -> str:
        return (
            f"{alias}.indicator_id = {ind} AND {alias}.period_type = a.period_type"
            f" AND {alias}.period = {period} AND {alias}.dimension = ''"
            f" AND {alias}.category = '' AND {alias}.organisation_id = a.organisation_id"
        )

    sql = f"SELECT a.value, b.value{', wa.value, wb.value' if weighted else ''} FROM {t} a"
    sql += f" JOIN {t} b ON {same('b', 'a.indicator_id', '%s')}"
    params: list = [previous]
    if weighted:
        sql += f" LEFT JOIN {t} wa ON {same('wa', '%s', 'a.period')}"
        sql += f" LEFT JOIN {t} wb ON {same('wb', '%s', 'b.period')}"
        params += [indicator.weight_indicator_id, indicator.weight_indicator_id]
    sql += (
        " WHERE a.indicator_id = %s AND a.period_type = %s"
        " AND a.period = %s AND a.dimension = '' AND a.category = '' ORDER BY a.organisation_id"
    )
    params += [indicator.id, initiative.period_type, latest]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None, None, 0
    now = aggregation.combine_across(
        [r[0] for r in rows], rule, [r[2] for r in rows] if weighted else None
    )
    before = aggregation.combine_across(
        [r[1] for r in rows], rule, [r[3] for r in rows] if weighted else None
    )
    return now, before, len(rows)
