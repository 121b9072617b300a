"""Compute rollups from approved values and rebuild them (incremental updates: incremental.py).

The rules are those of measures/selectors.py and docs/reference/aggregation.md, applied once
when data changes instead of at every read (docs/reference/rollups.md):

1. Each approved report gives its organisation's value per (indicator, dimension, category) for
   its period: the value at that level, or, where the report has none at that level, the finer
   values with the fewest dimensions combined by the indicator's cross-organisation rule (never
   for a weighted mean).
2. Those values are combined over time, by the indicator's time rule, into every longer period
   and into the whole range (period type ``all``).
3. The organisations' values for each key are combined by the indicator's cross-organisation
   rule. Sums are exact (decimal), so that adding and removing one organisation's contribution
   gives exactly what adding up all organisations again gives.
4. Like-for-like pairs: for each reporting period, the totals of the organisations with a total
   in both that period and the one just before, combined in each of the two periods (rows of
   period types ``like-now`` and ``like-before``), so that a dashboard reads a change instead of
   matching every organisation's two periods.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact

from django.db import connection, transaction
from django.utils.translation import gettext as _

from commonmeasure.domain import aggregation, periods
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.reporting.models import DataValue, Disaggregation, Submission

from . import figure_cache
from .models import ALL, LIKE_BEFORE, LIKE_NOW, OrganisationRollup, Rollup, RollupState

# Exact decimal arithmetic: every float is a finite decimal, and the trap makes sure no sum is
# ever rounded.
EXACT = Context(prec=4000, Emin=-999999, Emax=999999, traps=[Inexact])
ZERO = Decimal(0)
# Part of every indicator's signature: a new layout of the rollups makes them stale, so that
# ``setup`` rebuilds them (2: like-for-like pairs).
LAYOUT = 2

Key = tuple[int, str, str]  # (indicator id, dimension code or "", category code or "")


@dataclass
class Rules:
    initiative: Initiative
    base_type: str
    longer_types: list[str]
    across: dict[int, str]
    time: dict[int, str]
    weight: dict[int, int | None]
    combos: dict[int, tuple[tuple[str, ...], dict[str, str]]]
    _buckets: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    _neighbours: dict[tuple[str, int], str] = field(default_factory=dict)

    def neighbour(self, code: str, step: int) -> str:
        """The code of the reporting period just before (step -1) or after (+1) base ``code``."""
        hit = self._neighbours.get((code, step))
        if hit is None:
            p = self.initiative.parse_period(code)
            month = p.start - 1 if step < 0 else p.end
            y, m = periods.index_to_year_month(month)
            hit = periods.containing(
                periods.month(y, m), self.base_type, self.initiative.fy_first_month
            ).code
            self._neighbours[(code, step)] = hit
        return hit

    def bucket(self, code: str, period_type: str) -> tuple[str, int]:
        """(code, first month) of the period of ``period_type`` that holds base period ``code``."""
        hit = self._buckets.get((code, period_type))
        if hit is None:
            if period_type == ALL:
                hit = ("", 0)
            else:
                p = self.initiative.parse_period(code)
                if period_type != self.base_type:
                    p = periods.containing(p, period_type, self.initiative.fy_first_month)
                hit = (p.code, p.start)
            self._buckets[(code, period_type)] = hit
        return hit

    def start_of(self, period_type: str, code: str) -> int:
        if period_type == ALL:
            return 0
        return periods.parse(code, period_type, self.initiative.fy_first_month).start


def signature(
    initiative: Initiative, rule: str, time_rule: str, weight: tuple[str, str] | None
) -> str:
    """What an indicator's rollups depend on besides its values: its rules, its weight
    indicator's rules, and the initiative's reporting period and financial year."""
    w = f"{weight[0]}/{weight[1]}" if weight else "-"
    return (
        f"{rule}|{time_rule}|{w}|fy{initiative.fy_first_month}|{initiative.period_type}"
        f"|layout{LAYOUT}"
    )


def signatures(initiative: Initiative) -> dict[int, str]:
    """{indicator id: signature} of the initiative's reported indicators as they are now."""
    rows = list(
        Indicator.objects.filter(initiative=initiative, kind=Indicator.REPORTED).values_list(
            "id", "aggregation", "time_aggregation", "weight_indicator_id"
        )
    )
    by_id = {r[0]: r for r in rows}
    out = {}
    for iid, rule, trule, wid in rows:
        weight = by_id.get(wid)
        out[iid] = signature(initiative, rule, trule, (weight[1], weight[2]) if weight else None)
    return out


def up_to_date(initiative: Initiative) -> bool:
    stored = dict(
        RollupState.objects.filter(initiative=initiative).values_list("indicator_id", "signature")
    )
    return stored == signatures(initiative)


def rules_for(initiative: Initiative) -> Rules:
    base = initiative.period_type
    longer = [t for t in periods.PERIOD_TYPES if t != base and periods.is_coarser_or_equal(t, base)]
    across, time, weight = {}, {}, {}
    for iid, rule, trule, wid in Indicator.objects.filter(
        initiative=initiative, kind=Indicator.REPORTED
    ).values_list("id", "aggregation", "time_aggregation", "weight_indicator_id"):
        across[iid], time[iid], weight[iid] = rule, trule, wid
    combos = {
        cid: (tuple(sorted(cats)), cats)
        for cid, cats in Disaggregation.objects.filter(initiative=initiative).values_list(
            "id", "categories"
        )
    }
    return Rules(initiative, base, longer, across, time, weight, combos)


# --- step 1: one report's values ---------------------------------------------------------------


def report_values(rules: Rules, values: Iterable[tuple[int, int, float]]) -> dict[Key, float]:
    """One approved report's value per key, from its (indicator, combination, value) rows."""
    by_indicator: dict[int, list[tuple[tuple[str, ...], dict[str, str], float]]] = defaultdict(list)
    for iid, cid, value in values:
        if iid in rules.across:
            dims, cats = rules.combos[cid]
            by_indicator[iid].append((dims, cats, value))
    out: dict[Key, float] = {}
    for iid, items in by_indicator.items():
        rule = rules.across[iid]
        fallback = rule != aggregation.WEIGHTED_MEAN
        exact_total = [v for dims, _, v in items if not dims]
        if exact_total:
            out[(iid, "", "")] = exact_total[0]
        elif fallback:
            _stand_in(out, iid, "", items, rule)
        for dim in sorted({d for dims, _cats, _value in items for d in dims}):
            exact = [(cats[dim], v) for dims, cats, v in items if dims == (dim,)]
            if exact:
                for category, v in exact:
                    out[(iid, dim, category)] = v
            elif fallback:
                _stand_in(out, iid, dim, [it for it in items if dim in it[0]], rule)
    return out


def _stand_in(out: dict, iid: int, dim: str, items: list, rule: str) -> None:
    """Finer values standing in for a missing level: per key, the fewest dimensions win."""
    grouped: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for dims, cats, v in items:
        if dims:
            grouped[cats[dim] if dim else ""][",".join(dims)].append(v)
    for category, by_dims in grouped.items():
        best = min(by_dims, key=lambda d: (d.count(","), d))
        value = aggregation.combine_across(by_dims[best], rule)
        if value is not None:
            out[(iid, dim, category)] = value


# --- step 2: over time -------------------------------------------------------------------------


def over_time(
    rules: Rules, base: dict[str, dict[Key, float]], wanted: set[tuple[str, str]] | None = None
) -> dict[tuple[str, str], tuple[int, dict[Key, float]]]:
    """One organisation's values per (period type, period) for every longer period and ``all``.

    ``base``: {base period code: {key: value}}. ``wanted``: only these (type, code) buckets.
    """
    series: dict[tuple[str, str], dict[Key, list[tuple[int, float]]]] = {}
    starts: dict[tuple[str, str], int] = {}
    for code, values in base.items():
        start = rules.bucket(code, rules.base_type)[1]
        for ptype in (*rules.longer_types, ALL):
            bcode, bstart = rules.bucket(code, ptype)
            if wanted is not None and (ptype, bcode) not in wanted:
                continue
            slot = series.get((ptype, bcode))
            if slot is None:
                slot = series[(ptype, bcode)] = defaultdict(list)
                starts[(ptype, bcode)] = bstart
            for key, v in values.items():
                slot[key].append((start, v))
    out: dict[tuple[str, str], tuple[int, dict[Key, float]]] = {}
    for bucket, slot in series.items():
        combined = {}
        for key, items in slot.items():
            if len(items) == 1:
                combined[key] = items[0][1]
                continue
            items.sort()
            value = aggregation.combine_over_time([v for _, v in items], rules.time[key[0]])
            if value is not None:
                combined[key] = value
        out[bucket] = (starts[bucket], combined)
    return out


# --- step 3: across organisations --------------------------------------------------------------

Contribution = tuple[float, float | None, float | None]  # (value, value x weight, weight)


def contributions(rules: Rules, snapshot: dict[Key, float]) -> dict[Key, Contribution]:
    out = {}
    for key, v in snapshot.items():
        iid, dim, category = key
        if rules.across[iid] == aggregation.WEIGHTED_MEAN:
            wid = rules.weight[iid]
            w = snapshot.get((wid, dim, category)) if wid is not None else None
            out[key] = (v, v * w, w) if w is not None and w > 0 else (v, None, None)
        else:
            out[key] = (v, None, None)
    return out


def pairs(
    now: dict[Key, Contribution], before: dict[Key, Contribution]
) -> tuple[dict[Key, Contribution], dict[Key, Contribution]]:
    """An organisation's like-for-like contributions: its totals present in both periods."""
    keys = [k for k in now if not k[1] and k in before]
    return {k: now[k] for k in keys}, {k: before[k] for k in keys}


@dataclass
class Acc:
    """A Rollup row being worked on."""

    rule: str
    count: int = 0
    weighted: int = 0
    total: Decimal = ZERO
    weight_total: Decimal = ZERO
    low: float | None = None
    high: float | None = None
    stale_extremes: bool = False

    @classmethod
    def of(cls, rule: str, row: Rollup) -> Acc:
        return cls(
            rule,
            row.count,
            row.weighted,
            Decimal(row.total),
            Decimal(row.weight_total),
            row.low,
            row.high,
        )

    def add(self, c: Contribution) -> None:
        v, vw, w = c
        self.count += 1
        if self.rule == aggregation.WEIGHTED_MEAN:
            if vw is not None:
                self.weighted += 1
                self.total = EXACT.add(self.total, Decimal(vw))
                self.weight_total = EXACT.add(self.weight_total, Decimal(w))
        elif self.rule in (aggregation.MIN, aggregation.MAX):
            self.low = v if self.low is None else min(self.low, v)
            self.high = v if self.high is None else max(self.high, v)
        else:
            self.total = EXACT.add(self.total, Decimal(v))

    def remove(self, c: Contribution) -> None:
        v, vw, w = c
        self.count -= 1
        if self.rule == aggregation.WEIGHTED_MEAN:
            if vw is not None:
                self.weighted -= 1
                self.total = EXACT.subtract(self.total, Decimal(vw))
                self.weight_total = EXACT.subtract(self.weight_total, Decimal(w))
        elif self.rule in (aggregation.MIN, aggregation.MAX):
            if v == self.low or v == self.high:
                self.stale_extremes = True
        else:
            self.total = EXACT.subtract(self.total, Decimal(v))

    def value(self) -> float | None:
        if self.count == 0:
            return None
        rule = self.rule
        if rule == aggregation.SUM:
            return float(self.total)
        if rule == aggregation.MEAN:
            return float(self.total) / self.count
        if rule == aggregation.WEIGHTED_MEAN:
            if self.weighted == 0 or self.weight_total == 0:
                return None
            return float(self.total) / float(self.weight_total)
        return self.low if rule == aggregation.MIN else self.high


# --- writing -----------------------------------------------------------------------------------


def fill_rollup(row: Rollup, acc: Acc) -> Rollup:
    row.value = acc.value()
    row.count, row.weighted = acc.count, acc.weighted
    row.total, row.weight_total = str(acc.total), str(acc.weight_total)
    row.low, row.high = acc.low, acc.high
    return row


def report_rows(rules: Rules, submission_ids: list[int]) -> dict[int, dict[Key, float]]:
    """{submission id: its values per key} for approved reports."""
    grouped: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for start in range(0, len(submission_ids), 500):
        chunk = submission_ids[start : start + 500]
        for sid, iid, cid, v in DataValue.objects.filter(submission_id__in=chunk).values_list(
            "submission_id", "indicator_id", "disaggregation_id", "value"
        ):
            grouped[sid].append((iid, cid, v))
    return {sid: report_values(rules, items) for sid, items in grouped.items()}


def new_rollup(rules, ptype, code, start, key) -> Rollup:
    return Rollup(
        initiative_id=rules.initiative.id,
        indicator_id=key[0],
        period_type=ptype,
        period=code,
        period_start=start,
        dimension=key[1],
        category=key[2],
        total="0",
    )


# --- from scratch ------------------------------------------------------------------------------


@dataclass
class Rebuilt:
    organisation_rows: int
    rollup_rows: int
    differences: list[str]

    @property
    def written(self) -> int:
        return self.organisation_rows + self.rollup_rows


OrgTuple = tuple  # (indicator, organisation, type, period, start, dimension, category, value, sid)
ORG_COLUMNS = (
    "indicator_id",
    "organisation_id",
    "period_type",
    "period",
    "period_start",
    "dimension",
    "category",
    "value",
    "submission_id",
)


def _organisations(
    rules: Rules, accs: dict, only_approved_orgs: bool = True
) -> Iterable[tuple[int, list[OrgTuple], int]]:
    """Per organisation: (id, its rollup rows, approved reports), accumulating ``accs``.

    Organisations are done one at a time, so memory stays flat however many values there are.
    """
    reports: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for sid, org_id, code in (
        Submission.objects.filter(initiative=rules.initiative, status=Submission.APPROVED)
        .order_by("organisation_id", "period_start", "id")
        .values_list("id", "organisation_id", "period")
    ):
        reports[org_id].append((sid, code))
    for org_id, items in reports.items():
        values = report_rows(rules, [sid for sid, _ in items])
        rows: list[OrgTuple] = []
        base = {}
        given: dict[str, dict[Key, Contribution]] = {}
        for sid, code in items:
            v = values.get(sid)
            if not v:
                continue
            base[code] = v
            start = rules.bucket(code, rules.base_type)[1]
            for (iid, dim, cat), value in v.items():
                rows.append((iid, org_id, rules.base_type, code, start, dim, cat, value, sid))
            given[code] = contributions(rules, v)
            _add_all(rules, accs[(rules.base_type, code, start)], given[code])
        for code, now in given.items():
            before = given.get(rules.neighbour(code, -1))
            if before is not None:
                start = rules.bucket(code, rules.base_type)[1]
                paired_now, paired_before = pairs(now, before)
                _add_all(rules, accs[(LIKE_NOW, code, start)], paired_now)
                _add_all(rules, accs[(LIKE_BEFORE, code, start)], paired_before)
        for (ptype, code), (start, combined) in over_time(rules, base).items():
            for (iid, dim, cat), value in combined.items():
                rows.append((iid, org_id, ptype, code, start, dim, cat, value, None))
            _accumulate(rules, accs[(ptype, code, start)], combined)
        yield org_id, rows, len(items)


def _rollups_of(rules: Rules, accs: dict) -> list[Rollup]:
    return [
        fill_rollup(new_rollup(rules, ptype, code, start, key), acc)
        for (ptype, code, start), by_key in accs.items()
        for key, acc in by_key.items()
    ]


def compute(
    initiative: Initiative, progress: Callable[[int], None] | None = None
) -> tuple[list[OrganisationRollup], list[Rollup]]:
    """Every rollup of the initiative, computed from its approved values alone (in memory: for
    checks and tests; ``rebuild`` streams)."""
    rules = rules_for(initiative)
    accs: dict[tuple[str, str, int], dict[Key, Acc]] = defaultdict(dict)
    org_rows = []
    for _org_id, rows, n in _organisations(rules, accs):
        org_rows.extend(
            OrganisationRollup(
                initiative_id=initiative.id, **dict(zip(ORG_COLUMNS, r, strict=True))
            )
            for r in rows
        )
        if progress:
            progress(n)
    return org_rows, _rollups_of(rules, accs)


def _accumulate(rules: Rules, slot: dict[Key, Acc], snapshot: dict[Key, float]) -> None:
    _add_all(rules, slot, contributions(rules, snapshot))


def _add_all(rules: Rules, slot: dict[Key, Acc], given: dict[Key, Contribution]) -> None:
    for key, c in given.items():
        acc = slot.get(key)
        if acc is None:
            acc = slot[key] = Acc(rules.across[key[0]])
        acc.add(c)


def _org_key(r: OrganisationRollup) -> tuple:
    return (r.indicator_id, r.period_type, r.period, r.dimension, r.category, r.organisation_id)


def _rollup_key(r: Rollup) -> tuple:
    return (r.indicator_id, r.period_type, r.period, r.dimension, r.category)


def _same_float(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


def _namer(initiative: Initiative) -> Callable[[tuple], str]:
    codes = dict(Indicator.objects.filter(initiative=initiative).values_list("id", "code"))

    def name(key: tuple) -> str:
        iid, ptype, period, dim, category = key[:5]
        what = f"{dim}={category}" if dim else "total"
        org = f" organisation {key[5]}" if len(key) > 5 else ""
        return f"{codes.get(iid, iid)} {ptype} {period or '(all)'} {what}{org}"

    return name


def _org_differences(initiative: Initiative, stored_rows, fresh_rows) -> list[str]:
    name = _namer(initiative)
    stored = {_org_key(r): r.value for r in stored_rows}
    fresh = {_org_key(r): r.value for r in fresh_rows}
    out = []
    for key in sorted(stored.keys() | fresh.keys(), key=str):
        a, b = stored.get(key), fresh.get(key)
        if not _same_float(a, b):
            out.append(
                _("%(name)s: stored %(stored)s, computed %(computed)s")
                % {"name": name(key), "stored": a, "computed": b}
            )
    return out


def _rollup_differences(initiative: Initiative, rollups) -> list[str]:
    name = _namer(initiative)
    stored = {
        _rollup_key(r): (r.value, r.count, r.weighted)
        for r in Rollup.objects.filter(initiative=initiative)
    }
    fresh = {_rollup_key(r): (r.value, r.count, r.weighted) for r in rollups}
    out = []
    for key in sorted(stored.keys() | fresh.keys(), key=str):
        a, b = stored.get(key), fresh.get(key)
        if a is None or b is None or not _same_float(a[0], b[0]) or a[1:] != b[1:]:
            sa, sb = (
                _("nothing")
                if x is None
                else _("%(value)s from %(n)s organisations") % {"value": x[0], "n": x[1]}
                for x in (a, b)
            )
            out.append(
                _("%(name)s: stored %(stored)s, computed %(computed)s")
                % {"name": name(key), "stored": sa, "computed": sb}
            )
    return out


def differences(initiative: Initiative, org_rows, rollups) -> list[str]:
    """How the stored rollups differ from freshly computed ones (empty when identical)."""
    stored_org = list(OrganisationRollup.objects.filter(initiative=initiative))
    return _org_differences(initiative, stored_org, org_rows) + _rollup_differences(
        initiative, rollups
    )


def rebuild(
    initiative: Initiative, *, check: bool = True, progress: Callable[[int], None] | None = None
) -> Rebuilt:
    """Recompute the initiative's rollups from scratch and replace the stored ones, one
    organisation at a time; with ``check``, list how the stored ones differed."""
    rules = rules_for(initiative)
    accs: dict[tuple[str, str, int], dict[Key, Acc]] = defaultdict(dict)
    diffs: list[str] = []
    written = 0
    table = connection.ops.quote_name(OrganisationRollup._meta.db_table)
    insert = (
        f"INSERT INTO {table} (initiative_id, {', '.join(ORG_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * (len(ORG_COLUMNS) + 1))})"
    )
    copy_sql = None
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {table} (initiative_id, {', '.join(ORG_COLUMNS)}) FROM STDIN"
    with transaction.atomic():
        if check:  # compared organisation by organisation, then replaced
            stored_orgs = set(
                OrganisationRollup.objects.filter(initiative=initiative)
                .values_list("organisation_id", flat=True)
                .distinct()
            )
        else:
            # All at once, before anything is written: deleting organisation by organisation
            # searches a table growing with what this transaction writes, which PostgreSQL's
            # planner (with no statistics of those rows) may scan whole, each time.
            OrganisationRollup.objects.filter(initiative=initiative).delete()
            stored_orgs = set()
        with connection.cursor() as cursor:
            for org_id, rows, n in _organisations(rules, accs):
                if org_id in stored_orgs:
                    stored_orgs.discard(org_id)
                    mine = OrganisationRollup.objects.filter(
                        initiative=initiative, organisation_id=org_id
                    )
                    fresh = [
                        OrganisationRollup(
                            initiative_id=initiative.id, **dict(zip(ORG_COLUMNS, r, strict=True))
                        )
                        for r in rows
                    ]
                    diffs.extend(_org_differences(initiative, list(mine), fresh))
                    mine.delete()
                if copy_sql:  # PostgreSQL: COPY, several times quicker than row inserts
                    with cursor.copy(copy_sql) as copy:
                        for r in rows:
                            copy.write_row((initiative.id, *r))
                else:
                    for start in range(0, len(rows), 5000):
                        cursor.executemany(
                            insert, [(initiative.id, *r) for r in rows[start : start + 5000]]
                        )
                written += len(rows)
                if progress:
                    progress(n)
            for org_id in sorted(stored_orgs):  # rows of organisations with no approved report
                gone = OrganisationRollup.objects.filter(
                    initiative=initiative, organisation_id=org_id
                )
                if check:
                    diffs.extend(_org_differences(initiative, list(gone), []))
                gone.delete()
        rollups = _rollups_of(rules, accs)
        if check:
            diffs.extend(_rollup_differences(initiative, rollups))
        Rollup.objects.filter(initiative=initiative).delete()
        Rollup.objects.bulk_create(rollups, batch_size=2000)
        RollupState.objects.filter(initiative=initiative).delete()
        RollupState.objects.bulk_create(
            RollupState(initiative=initiative, indicator_id=iid, signature=sig)
            for iid, sig in signatures(initiative).items()
        )
        figure_cache.bump(initiative.pk)  # pages show the rebuilt figures on their next request
    return Rebuilt(written, len(rollups), diffs)
