"""Reads: aggregate approved values by the indicator's own rules.

See docs/reference/aggregation.md for the rules, including how a value is chosen when an
organisation reported at a finer disaggregation than the query asks for.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from commonmeasure.domain import aggregation, periods
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.reporting.models import DataValue, Disaggregation, Submission
from commonmeasure.rollups import reads

from . import areas, derived
from .common import clean
from .query_spec import BY_AREA, BY_ORGANISATION, BY_PERIOD, QueryError, QuerySpec

# The query's parameters and its error live with QuerySpec; they are part of this module's API.
__all__ = [
    "BY_AREA",
    "BY_ORGANISATION",
    "BY_PERIOD",
    "QueryError",
    "QuerySpec",
    "area_tree",
    "community_total",
    "community_totals",
    "derived_detail",
    "fetch_rows",
    "query",
    "run",
]


@dataclass(frozen=True)
class Row:
    organisation_id: int
    period: periods.Period
    key: str | None  # the category, for a query by dimension
    value: float


def _combos(initiative: Initiative, dimension: str | None) -> tuple[list[int], dict[int, dict]]:
    """(ids of combinations at exactly the requested level, {id: categories} of finer ones)."""
    exact, finer = [], {}
    for cid, dims, cats in Disaggregation.objects.filter(initiative=initiative).values_list(
        "id", "dims", "categories"
    ):
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
    exact_cats = (
        dict(Disaggregation.objects.filter(id__in=exact).values_list("id", "categories"))
        if dimension
        else {}
    )
    v = connection.ops.quote_name(DataValue._meta.db_table)
    s = connection.ops.quote_name(Submission._meta.db_table)
    status_sql = ", ".join(["%s"] * len(statuses))
    where = ["v.indicator_id = %s", f"s.status IN ({status_sql})", "s.initiative_id = %s"]
    params: list = [indicator.id, *statuses, initiative.id]
    if organisation_ids is not None:
        if not organisation_ids:
            return []
        where.append(f"s.organisation_id IN ({', '.join(['%s'] * len(organisation_ids))})")
        params.extend(organisation_ids)
    if within is not None:
        where.append("s.period_start >= %s AND s.period_start < %s")
        params.extend([within.start_date, within.end_date])
    base = (
        f"SELECT s.organisation_id, s.period, v.disaggregation_id, v.value FROM {v} v JOIN {s} s ON s.id = v.submission_id WHERE "
        + " AND ".join(where)
    )
    rows: list[Row] = []
    parse = initiative.parse_period
    with connection.cursor() as cursor:
        if exact:
            cursor.execute(
                base + f" AND v.disaggregation_id IN ({', '.join(['%s'] * len(exact))})",
                params + exact,
            )
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


def query(initiative: Initiative, indicator: Indicator, by: str, period_type=None, **options):
    """Aggregate an indicator's values by period, organisation, a dimension or an area.

    Returns ``[{"key": ..., "value": ...}]`` sorted by key. ``options`` are the other fields of
    QuerySpec (``within``, ``statuses``, ``organisation_ids``, ``from_rollups``). Approved data
    is read from the rollups (commonmeasure/rollups), which give the same figures as
    aggregating the stored values (``from_rollups=False``), only sooner.
    """
    return run(QuerySpec(initiative, indicator, by, period_type, **options))


def derived_detail(
    initiative: Initiative, indicator: Indicator, by: str, period_type=None, **options
):
    """A formula or composite indicator's figures with their components (measures/derived.py)."""
    return derived.derived_detail(QuerySpec(initiative, indicator, by, period_type, **options), run)


def community_total(initiative: Initiative, indicator: Indicator, period_type=None, **options):
    """How a de-duplicated indicator's initiative figure is made (measures/areas.py)."""
    spec = QuerySpec(initiative, indicator, BY_ORGANISATION, period_type, **options)
    return areas.community_total(spec, run)


def community_totals(
    initiative: Initiative, indicator: Indicator, period_type: str, plain: dict, **options
) -> dict:
    """{period: de-duplicated initiative figure} for the plain by-period sums (measures/areas.py)."""
    spec = QuerySpec(initiative, indicator, BY_PERIOD, period_type, **options)
    return areas.community_totals(spec, plain, run)


def area_tree(
    initiative: Initiative, indicator: Indicator, period_type=None, within=None, **options
):
    """The area hierarchy with values, for pages (measures/areas.py)."""
    spec = QuerySpec(initiative, indicator, BY_AREA, period_type, within, **options)
    return areas.area_tree(spec, run)


def run(spec: QuerySpec) -> list[dict]:
    """Answer a query: the one dispatch. Formula and composite indicators are computed from
    their components' answers (measures/derived.py), areas from their organisations' answers
    (measures/areas.py); both are handed this function to ask with."""
    initiative, indicator, by = spec.initiative, spec.indicator, spec.by
    period_type = spec.period_type or initiative.period_type
    if period_type not in periods.PERIOD_TYPES:
        raise QueryError(
            _("unknown period type %(type)s; use one of %(known)s")
            % {"type": repr(period_type), "known": ", ".join(periods.PERIOD_TYPES)}
        )
    if by == BY_PERIOD and not periods.is_coarser_or_equal(period_type, initiative.period_type):
        raise QueryError(
            _("cannot show %(frequency)s data by %(type)s: choose a period type at least as long")
            % {"frequency": initiative.reporting_frequency, "type": period_type}
        )
    spec = spec.replace(period_type=period_type)
    if indicator.kind != Indicator.REPORTED:
        # Formula and composite indicators are computed from their components' aggregates.
        return derived.derived_query(spec, run)
    if by == BY_AREA or by.startswith(BY_AREA + ":"):
        # Up the area hierarchy, de-duplicated where providers overlap (docs/reference/areas.md).
        return areas.area_query(spec, run)
    within, statuses, organisation_ids = spec.within, spec.statuses, spec.organisation_ids
    dimension = None
    if by not in (BY_PERIOD, BY_ORGANISATION):
        allowed = set(indicator.dimensions.values_list("code", flat=True))
        if by not in allowed:
            known = ", ".join(["period", "organisation", *sorted(allowed)])
            raise QueryError(
                _("indicator %(indicator)s cannot be shown by %(by)s; use one of %(known)s")
                % {"indicator": indicator.code, "by": repr(by), "known": known}
            )
        dimension = by
    if indicator.aggregation == aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id is None:
        raise QueryError(
            _("indicator %(indicator)s is a weighted mean but names no weight indicator")
            % {"indicator": indicator.code}
        )
    if spec.from_rollups and statuses == (Submission.APPROVED,):
        found = reads.aggregate(
            initiative, indicator, by, period_type, dimension, within, organisation_ids
        )
        if found is not None:
            return _finish(initiative, by, _community(spec, found))
    observations = _observations(
        initiative, indicator, by, period_type, dimension, within, statuses, organisation_ids
    )
    weights = None
    if indicator.aggregation == aggregation.WEIGHTED_MEAN:
        weight_obs = _observations(
            initiative,
            indicator.weight_indicator,
            by,
            period_type,
            dimension,
            within,
            statuses,
            organisation_ids,
        )
        weights = aggregation.unit_bucket_values(
            weight_obs, indicator.weight_indicator.time_aggregation
        )
    result = aggregation.aggregate(
        observations, indicator.time_aggregation, indicator.aggregation, weights
    )
    return _finish(initiative, by, _community(spec, result))


def _community(spec: QuerySpec, result: dict) -> dict:
    """By period, an indicator whose providers overlap in areas gives the de-duplicated
    initiative figure: the top areas plus the organisations placed in no area
    (docs/reference/areas.md, "The initiative's figure")."""
    if spec.by != BY_PERIOD or not areas.deduplicates(spec.indicator):
        return result
    return areas.community_totals(spec, result, run)


def _finish(initiative: Initiative, by: str, result: dict) -> list[dict]:
    if by == BY_ORGANISATION:
        codes = dict(initiative.organisations.values_list("id", "code"))
        result = {codes.get(k, str(k)): v for k, v in result.items()}
    return [
        {"key": k, "value": clean(v)} for k, v in sorted(result.items(), key=lambda kv: str(kv[0]))
    ]


def _levels(
    initiative: Initiative, dimension: str | None
) -> tuple[dict[int, str | None], dict[int, tuple[str, str | None]]]:
    """({id: key} of combinations at exactly the requested level, {id: (dims, key)} of finer ones).

    The key is the combination's category of ``dimension``, or None for a query of totals.
    """
    exact: dict[int, str | None] = {}
    finer: dict[int, tuple[str, str | None]] = {}
    for cid, dims, cats in Disaggregation.objects.filter(initiative=initiative).values_list(
        "id", "dims", "categories"
    ):
        dim_set = set(dims.split(",")) if dims else set()
        if dimension is None:
            if dim_set:
                finer[cid] = (",".join(sorted(cats)), None)
            else:
                exact[cid] = None
        elif dimension in dim_set:
            if dim_set == {dimension}:
                exact[cid] = cats[dimension]
            else:
                finer[cid] = (",".join(sorted(cats)), cats.get(dimension))
    return exact, finer


def _observations(
    initiative, indicator, by, period_type, dimension, within, statuses, organisation_ids
):
    """Observations for aggregation.aggregate: (organisation, time bucket, key, order, value).

    Reads the same values as fetch_rows, with the same rules, but lets the database do the
    bulk of the work so that few Python objects are made:

    - values at the requested level come straight from the covering index; for a query by
      organisation or dimension with a sum or mean over time they are summed and counted per
      organisation (and category) in the database;
    - finer values standing in for a missing total are read only for approved reports that
      have no value at the requested level, grouped per organisation, period, combination of
      dimensions and key, and the combination with the fewest dimensions is combined by the
      cross-organisation rule;
    - each organisation's values per time bucket and key are then combined over time here
      (sum, mean, or the latest period's value), so aggregate() receives one value per bucket,
      which it passes through unchanged, and combines the organisations.
    """
    if organisation_ids is not None and not organisation_ids:
        return []
    exact, finer = _levels(initiative, dimension)
    if indicator.aggregation == aggregation.WEIGHTED_MEAN:
        finer = {}  # finer values never stand in for a weighted mean
    if not exact and not finer:
        return []
    v = connection.ops.quote_name(DataValue._meta.db_table)
    s = connection.ops.quote_name(Submission._meta.db_table)
    status_in = f"IN ({', '.join(['%s'] * len(statuses))})"
    scope = [f"s.status {status_in}", "s.initiative_id = %s"]
    scope_params: list = [*statuses, initiative.id]
    if organisation_ids is not None:
        scope.append(f"s.organisation_id IN ({', '.join(['%s'] * len(organisation_ids))})")
        scope_params.extend(organisation_ids)
    if within is not None:
        scope.append("s.period_start >= %s AND s.period_start < %s")
        scope_params.extend([within.start_date, within.end_date])
    time_rule = indicator.time_aggregation
    by_period = by == BY_PERIOD
    # The database adds up only whole numbers (counts), which its double-precision SUM adds
    # exactly; other values are added here with math.fsum, as docs/reference/aggregation.md says.
    whole = indicator.value_type == Indicator.COUNT
    grouped = whole and not by_period and time_rule in (aggregation.SUM, aggregation.MEAN)
    ids = list(exact)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        exact_rows: list[tuple] = []
        if exact:
            key_col = ", v.disaggregation_id" if dimension else ""
            if grouped:
                select = f"s.organisation_id{key_col}, SUM(v.value), COUNT(*)"
                group = " GROUP BY 1, 2" if dimension else " GROUP BY 1"
            else:
                select, group = (
                    f"s.organisation_id, s.period{key_col}, v.value, v.submission_id",
                    "",
                )
            cursor.execute(
                f"SELECT {select} FROM {v} v JOIN {s} s ON s.id = v.submission_id"
                f" WHERE v.indicator_id = %s AND v.disaggregation_id IN ({marks}) AND {' AND '.join(scope)}{group}",
                [indicator.id, *ids, *scope_params],
            )
            exact_rows = cursor.fetchall()
            if finer and not grouped:
                # When every report in scope has a value at the requested level, no finer value
                # can stand in, and the finer values need not be read at all.
                cursor.execute(
                    f"SELECT COUNT(*) FROM {s} s WHERE {' AND '.join(scope)}", scope_params
                )
                if cursor.fetchone()[0] == len({row[-1] for row in exact_rows}):
                    finer = {}
        finer_rows: list[tuple] = []
        if finer:
            fids = list(finer)
            whens = " ".join(["WHEN %s THEN %s"] * len(fids))
            select, group = (
                f"s.organisation_id, s.period, CASE v.disaggregation_id {whens} END",
                "1, 2, 3",
            )
            case_params = [x for cid in fids for x in (cid, finer[cid][0])]
            if dimension:
                select += f", CASE v.disaggregation_id {whens} END"
                case_params += [x for cid in fids for x in (cid, finer[cid][1])]
                group += ", 4"
            # Only reports in scope that have no value at the requested level.
            lacking = f"SELECT s.id FROM {s} s WHERE {' AND '.join(scope)}"
            lacking_params = list(scope_params)
            if exact:
                lacking += f" EXCEPT SELECT e.submission_id FROM {v} e WHERE e.indicator_id = %s AND e.disaggregation_id IN ({marks})"
                lacking_params += [indicator.id, *ids]
            sums = ", SUM(v.value), COUNT(*), MIN(v.value), MAX(v.value)" if whole else ", v.value"
            cursor.execute(
                f"SELECT {select}{sums}"
                f" FROM {v} v JOIN {s} s ON s.id = v.submission_id"
                f" WHERE v.submission_id IN ({lacking}) AND v.indicator_id = %s"
                f" AND v.disaggregation_id IN ({', '.join(['%s'] * len(fids))})"
                + (f" GROUP BY {group}" if whole else ""),
                [*case_params, *lacking_params, indicator.id, *fids],
            )
            finer_rows = (
                cursor.fetchall()
                if dimension
                else [(*r[:3], None, *r[3:]) for r in cursor.fetchall()]
            )
            if not whole:
                # One row per value: group them here into the same (sum, count, min, max) shape.
                lists: dict[tuple, list[float]] = defaultdict(list)
                for org_id, code, dims, key, value in finer_rows:
                    lists[(org_id, code, dims, key)].append(value)
                finer_rows = [
                    (*k, math.fsum(vs), len(vs), min(vs), max(vs)) for k, vs in lists.items()
                ]

    # Finer values: per organisation, period and key, the combination with the fewest dimensions.
    standing_in: dict[tuple, tuple] = {}
    for org_id, code, dims, key, total, count, low, high in finer_rows:
        rank = (dims.count(","), dims)
        best = standing_in.get((org_id, code, key))
        if best is None or rank < best[0]:
            standing_in[(org_id, code, key)] = (rank, total, count, low, high)
    rule = indicator.aggregation
    derived = []
    for (org_id, code, key), (_rank, total, count, low, high) in standing_in.items():
        if rule == aggregation.SUM:
            value = total
        elif rule == aggregation.MEAN:
            value = total / count
        elif rule == aggregation.MIN:
            value = low
        else:
            value = high
        derived.append((org_id, code, key, value))

    # Each organisation's values per (time bucket, key), combined over time.
    fy = initiative.fy_first_month
    parse = initiative.parse_period
    when: dict[str, tuple[str | None, int]] = {}  # period code -> (time bucket, first month)

    def place(code: str) -> tuple[str | None, int]:
        hit = when.get(code)
        if hit is None:
            p = parse(code)
            hit = when[code] = (
                periods.containing(p, period_type, fy).code if by_period else None,
                p.start,
            )
        return hit

    last = time_rule == aggregation.LAST
    acc: dict[tuple, list] = {}  # (org, bucket, key) -> [values or (first month, value)s, count]
    if grouped:
        for row in exact_rows:
            key = exact[row[1]] if dimension else None
            acc[(row[0], None, key)] = [[row[-2]], row[-1]]
        values = ((org_id, code, key, value) for org_id, code, key, value in derived)
    else:
        if dimension:
            values = [
                (org_id, code, exact[did], value) for org_id, code, did, value, _sid in exact_rows
            ]
        else:
            values = [(org_id, code, None, value) for org_id, code, value, _sid in exact_rows]
        values.extend(derived)
    for org_id, code, key, value in values:
        tb, start = when.get(code) or place(code)
        entry = acc.get((org_id, tb, key))
        if entry is None:
            acc[(org_id, tb, key)] = [[(start, value) if last else value], 1]
        else:
            entry[0].append((start, value) if last else value)
            entry[1] += 1
    out = []
    for (org_id, tb, key), (items, count) in acc.items():
        if last:
            value = max(items)[1] if len(items) > 1 else items[0][1]
        elif time_rule == aggregation.MEAN:
            value = math.fsum(items) / count
        else:
            value = math.fsum(items)
        out.append(
            (org_id, tb, tb if by_period else (org_id if by == BY_ORGANISATION else key), 0, value)
        )
    return out
