"""Reads: aggregate approved values by the indicator's own rules.

See docs/reference/aggregation.md for the rules, including how a value is chosen when an
organisation reported at a finer disaggregation than the query asks for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from commonmeasure.domain import aggregation, periods
from commonmeasure.initiatives.models import Indicator, Initiative

from .models import DataValue, Disaggregation, Submission

BY_PERIOD, BY_ORGANISATION = "period", "organisation"


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    organisation_id: int
    period: periods.Period
    key: str | None  # the category, for a query by dimension
    value: float


def _combos(initiative: Initiative, dimension: str | None) -> tuple[list[int], dict[int, dict]]:
    """(ids of combinations at exactly the requested level, {id: categories} of finer ones)."""
    exact, finer = [], {}
    for cid, dims, cats in Disaggregation.objects.filter(initiative=initiative).values_list("id", "dims", "categories"):
        dim_set = set(dims.split(",")) if dims else set()
        if dimension is None:
            (exact.append(cid) if not dim_set else finer.__setitem__(cid, cats))
        elif dimension in dim_set:
            (exact.append(cid) if dim_set == {dimension} else finer.__setitem__(cid, cats))
    return exact, finer


def fetch_rows(
    initiative: Initiative,
    indicator: Indicator,
    dimension: str | None = None,
    *,
    statuses: tuple[str, ...] = (Submission.APPROVED,),
    organisation_ids: list[int] | None = None,
    within: periods.Period | None = None,
) -> list[Row]:
    """Values at the requested level: the total (``dimension`` None) or one category per row.

    Where an organisation has no value at that level for a period but has finer ones, the finer
    values are combined by the indicator's cross-organisation rule (not for weighted means).
    """
    exact, finer = _combos(initiative, dimension)
    exact_cats = dict(Disaggregation.objects.filter(id__in=exact).values_list("id", "categories")) if dimension else {}
    v = connection.ops.quote_name(DataValue._meta.db_table)
    s = connection.ops.quote_name(Submission._meta.db_table)
    status_sql = ", ".join(["%s"] * len(statuses))
    where = [f"v.indicator_id = %s", f"s.status IN ({status_sql})", "s.initiative_id = %s"]
    params: list = [indicator.id, *statuses, initiative.id]
    if organisation_ids is not None:
        if not organisation_ids:
            return []
        where.append(f"s.organisation_id IN ({', '.join(['%s'] * len(organisation_ids))})")
        params.extend(organisation_ids)
    if within is not None:
        where.append("s.period_start >= %s AND s.period_start < %s")
        params.extend([within.start_date, within.end_date])
    base = f"SELECT s.organisation_id, s.period, v.disaggregation_id, v.value FROM {v} v JOIN {s} s ON s.id = v.submission_id WHERE " + " AND ".join(where)
    rows: list[Row] = []
    parse = initiative.parse_period
    with connection.cursor() as cursor:
        if exact:
            cursor.execute(base + f" AND v.disaggregation_id IN ({', '.join(['%s'] * len(exact))})", params + exact)
            for org_id, period_code, did, value in cursor.fetchall():
                key = exact_cats[did][dimension] if dimension else None
                rows.append(Row(org_id, parse(period_code), key, value))
        if finer and indicator.aggregation != aggregation.WEIGHTED_MEAN:
            finer_ids = list(finer)
            exact_list = ", ".join(["%s"] * len(exact)) if exact else "NULL"
            sql = (
                base
                + f" AND v.disaggregation_id IN ({', '.join(['%s'] * len(finer_ids))})"
                + f" AND NOT EXISTS (SELECT 1 FROM {v} e WHERE e.submission_id = v.submission_id"
                + f" AND e.indicator_id = v.indicator_id AND e.disaggregation_id IN ({exact_list}))"
            )
            cursor.execute(sql, params + finer_ids + exact)
            grouped: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
            for org_id, period_code, did, value in cursor.fetchall():
                cats = finer[did]
                key = cats.get(dimension) if dimension else None
                # Use the combination with the fewest dimensions each (organisation, period) has.
                grouped[(org_id, period_code, key)][",".join(sorted(cats))].append(value)
            for (org_id, period_code, key), by_dims in grouped.items():
                dims_used = min(by_dims, key=lambda d: (d.count(","), d))
                combined = aggregation.combine_across(by_dims[dims_used], indicator.aggregation)
                if combined is not None:
                    rows.append(Row(org_id, parse(period_code), key, combined))
    return rows


def query(
    initiative: Initiative,
    indicator: Indicator,
    by: str,
    period_type: str | None = None,
    *,
    within: periods.Period | None = None,
    statuses: tuple[str, ...] = (Submission.APPROVED,),
    organisation_ids: list[int] | None = None,
) -> list[dict]:
    """Aggregate an indicator's values by period, organisation or a dimension.

    Returns ``[{"key": ..., "value": ...}]`` sorted by key.
    """
    period_type = period_type or initiative.period_type
    if period_type not in periods.PERIOD_TYPES:
        raise QueryError(f"unknown period type {period_type!r}; use one of {', '.join(periods.PERIOD_TYPES)}")
    if by == BY_PERIOD and not periods.is_coarser_or_equal(period_type, initiative.period_type):
        raise QueryError(
            f"cannot show {initiative.reporting_frequency} data by {period_type}: choose a period type at least as long"
        )
    dimension = None
    if by not in (BY_PERIOD, BY_ORGANISATION):
        allowed = set(indicator.dimensions.values_list("code", flat=True))
        if by not in allowed:
            known = ", ".join(["period", "organisation", *sorted(allowed)])
            raise QueryError(f"indicator {indicator.code} cannot be shown by {by!r}; use one of {known}")
        dimension = by
    observations = _observations(initiative, indicator, by, period_type, dimension, within, statuses, organisation_ids)
    weights = None
    if indicator.aggregation == aggregation.WEIGHTED_MEAN:
        if indicator.weight_indicator_id is None:
            raise QueryError(f"indicator {indicator.code} is a weighted mean but names no weight indicator")
        weight_obs = _observations(
            initiative, indicator.weight_indicator, by, period_type, dimension, within, statuses, organisation_ids
        )
        weights = aggregation.unit_bucket_values(weight_obs, indicator.weight_indicator.time_aggregation)
    result = aggregation.aggregate(observations, indicator.time_aggregation, indicator.aggregation, weights)
    if by == BY_ORGANISATION:
        codes = dict(initiative.organisations.values_list("id", "code"))
        result = {codes.get(k, str(k)): v for k, v in result.items()}
    return [{"key": k, "value": _clean(v)} for k, v in sorted(result.items(), key=lambda kv: str(kv[0]))]


def _observations(initiative, indicator, by, period_type, dimension, within, statuses, organisation_ids):
    rows = fetch_rows(
        initiative, indicator, dimension, statuses=statuses, organisation_ids=organisation_ids, within=within
    )
    fy = initiative.fy_first_month
    out = []
    if by == BY_PERIOD:
        cache: dict[periods.Period, str] = {}
        for r in rows:
            code = cache.get(r.period)
            if code is None:
                code = cache[r.period] = periods.containing(r.period, period_type, fy).code
            out.append((r.organisation_id, code, code, r.period.start, r.value))
    elif by == BY_ORGANISATION:
        for r in rows:
            out.append((r.organisation_id, None, r.organisation_id, r.period.start, r.value))
    else:
        for r in rows:
            out.append((r.organisation_id, None, r.key, r.period.start, r.value))
    return out


def _clean(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) and abs(rounded) < 2**53 else rounded
