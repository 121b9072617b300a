"""Answer queries of approved data from the rollups (behind measures/selectors.query).

``aggregate`` returns ``{key: value}`` as the raw aggregation would (organisation keys are ids),
or None when the rollups cannot answer the question, e.g. a ``within`` period that cuts across
the periods asked for; the caller then aggregates the stored values.
"""

from __future__ import annotations

from collections import defaultdict

from commonmeasure.domain import aggregation, periods
from commonmeasure.initiatives.models import Indicator, Initiative

from .engine import signature
from .models import ALL, LIKE_BEFORE, LIKE_NOW, OrganisationRollup, Rollup, RollupState

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


def _rules_key(initiative: Initiative, indicator: Indicator) -> tuple:
    return (
        indicator.aggregation,
        indicator.time_aggregation,
        indicator.weight_indicator_id,
        initiative.fy_first_month,
        initiative.period_type,
    )


def _current(initiative: Initiative, indicator: Indicator) -> bool:
    """Whether the indicator's rollups were made with its present rules.

    The answer is kept on the indicator object for as long as its rules and the initiative's
    periods stay what they were (a page asks several times per indicator).
    """
    known = getattr(indicator, "_rollups_current", None)
    if known is not None and known[0] == _rules_key(initiative, indicator):
        return known[1]
    return indicator.id in current_ids(initiative, [indicator])


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


def organisation_totals(
    initiative: Initiative,
    indicator: Indicator,
    period_type: str,
    period_codes: list[str],
    organisation_ids: list[int] | None,
) -> dict[str, dict[int, float]] | None:
    """{period: {organisation id: total}} of a summed indicator for these periods of
    ``period_type``, in one read (for the de-duplicated community figure, measures/areas.py);
    None when its rollups are not current."""
    if indicator.aggregation != aggregation.SUM or not _current(initiative, indicator):
        return None
    rows = OrganisationRollup.objects.filter(
        indicator_id=indicator.id,
        period_type=period_type,
        period__in=period_codes,
        dimension="",
        category="",
    )
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for org_id, period, value in rows.values_list("organisation_id", "period", "value"):
        if value is not None:
            out[period][org_id] = value
    return out


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


# --- many indicators at once (dashboards) ------------------------------------------------------


def current_ids(initiative: Initiative, indicators: list[Indicator]) -> set[int]:
    """Ids of the reported indicators among ``indicators`` whose rollups are current, in one
    query (a yes is kept on the indicator, for _current)."""
    reported = [i for i in indicators if i.kind == Indicator.REPORTED]
    stored = dict(
        RollupState.objects.filter(indicator_id__in=[i.id for i in reported]).values_list(
            "indicator_id", "signature"
        )
    )
    by_id = {i.id: i for i in indicators}
    out = set()
    for ind in reported:
        weight = None
        if ind.weight_indicator_id is not None:
            w = by_id.get(ind.weight_indicator_id) or ind.weight_indicator
            weight = (w.aggregation, w.time_aggregation)
        expected = signature(initiative, ind.aggregation, ind.time_aggregation, weight)
        if stored.get(ind.id) == expected:
            out.add(ind.id)
            # Only a yes is kept: rebuilding can turn a no into a yes, never a yes into a no.
            ind._rollups_current = (_rules_key(initiative, ind), True)
    return out


def totals_for(initiative: Initiative, ids: set[int]) -> dict[int, list[tuple]]:
    """{indicator id: [(period, value, organisations)]} of totals per reporting period, for
    indicators whose rollups are current (see current_ids), in one query."""
    from django.db import connection

    out: dict[int, list[tuple]] = {i: [] for i in ids}
    if not ids:
        return out
    # Plain SQL: thousands of rows per dashboard, and the ORM's per-row conversions cost more
    # than the read (the columns need none).
    t = connection.ops.quote_name(Rollup._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT indicator_id, period, value, {connection.ops.quote_name('count')} FROM {t}"
        f" WHERE indicator_id IN ({marks})"
        " AND period_type = %s AND dimension = '' AND category = ''"
        " ORDER BY indicator_id, period_start"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sorted(ids), initiative.period_type])
        for iid, period, value, count in cursor.fetchall():
            out[iid].append((period, value, count))
    return out


def _just_before(initiative: Initiative, code: str) -> str | None:
    """The code of the reporting period just before ``code`` (None if ``code`` is not one)."""
    try:
        p = initiative.parse_period(code)
    except periods.PeriodError:
        return None
    return periods.containing(
        _month(p.start - 1), initiative.period_type, initiative.fy_first_month
    ).code


def like_for_like_many(
    initiative: Initiative, indicators: list[Indicator], latest: str, previous: str
) -> dict[int, tuple[float | None, float | None, int]]:
    """like_for_like for several indicators with the same two periods. Only for indicators whose
    rollups are current.

    When ``previous`` is the reporting period just before ``latest``, the stored like-for-like
    pairs answer in one indexed read; otherwise one grouped join of the organisations' rollups
    (sum, mean, min and max; weighted means one by one)."""
    if previous == _just_before(initiative, latest):
        return _stored_pairs(indicators, latest)
    return _joined_pairs(initiative, indicators, latest, previous)


def _stored_pairs(
    indicators: list[Indicator], latest: str
) -> dict[int, tuple[float | None, float | None, int]]:
    out: dict[int, tuple[float | None, float | None, int]] = {
        i.id: (None, None, 0) for i in indicators
    }
    found: dict[int, dict[str, tuple[float | None, int]]] = defaultdict(dict)
    for ptype in (LIKE_NOW, LIKE_BEFORE):  # one indexed range each (the unique index)
        for iid, value, count in Rollup.objects.filter(
            indicator_id__in=sorted(out),
            period_type=ptype,
            period=latest,
            dimension="",
            category="",
        ).values_list("indicator_id", "value", "count"):
            found[iid][ptype] = (value, count)
    for iid, sides in found.items():
        now, before = sides.get(LIKE_NOW), sides.get(LIKE_BEFORE)
        if now is not None and before is not None:
            out[iid] = (now[0], before[0], now[1])
    return out


def _joined_pairs(
    initiative: Initiative, indicators: list[Indicator], latest: str, previous: str
) -> dict[int, tuple[float | None, float | None, int]]:
    from django.db import connection

    out: dict[int, tuple[float | None, float | None, int]] = {}
    simple = [i for i in indicators if i.aggregation != aggregation.WEIGHTED_MEAN]
    for ind in indicators:
        if ind.aggregation == aggregation.WEIGHTED_MEAN:
            found = like_for_like(initiative, ind, latest, previous)
            out[ind.id] = found if found is not None else (None, None, 0)
    if not simple:
        return out
    t = connection.ops.quote_name(OrganisationRollup._meta.db_table)
    marks = ", ".join(["%s"] * len(simple))
    sql = (
        f"SELECT a.indicator_id, COUNT(*), SUM(a.value), SUM(b.value), MIN(a.value),"
        f" MIN(b.value), MAX(a.value), MAX(b.value) FROM {t} a JOIN {t} b"
        " ON b.indicator_id = a.indicator_id AND b.period_type = a.period_type"
        " AND b.period = %s AND b.dimension = '' AND b.category = ''"
        " AND b.organisation_id = a.organisation_id"
        f" WHERE a.indicator_id IN ({marks}) AND a.period_type = %s AND a.period = %s"
        " AND a.dimension = '' AND a.category = '' GROUP BY a.indicator_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [previous, *[i.id for i in simple], initiative.period_type, latest])
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    for ind in simple:
        row = found.get(ind.id)
        if row is None:
            out[ind.id] = (None, None, 0)
            continue
        n, sum_now, sum_before, min_now, min_before, max_now, max_before = row
        rule = ind.aggregation
        if rule == aggregation.SUM:
            out[ind.id] = (sum_now, sum_before, n)
        elif rule == aggregation.MEAN:
            out[ind.id] = (sum_now / n, sum_before / n, n)
        elif rule == aggregation.MIN:
            out[ind.id] = (min_now, min_before, n)
        else:
            out[ind.id] = (max_now, max_before, n)
    return out
