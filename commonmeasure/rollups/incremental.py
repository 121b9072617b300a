"""Update the rollups incrementally when approved reports change (docs/reference/rollups.md,
"When they change"): the organisation's rows for the periods a report touches, then each
affected cross-organisation row and like-for-like pair by difference. The rules are in
engine.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max, Min

from commonmeasure.domain.ids import runs as ids_as_runs
from commonmeasure.initiatives.models import Initiative
from commonmeasure.reporting.models import Submission

from . import engine
from .engine import (
    Acc,
    Key,
    Rules,
    contributions,
    fill_rollup,
    new_rollup,
    over_time,
    pairs,
    report_rows,
    rules_for,
    up_to_date,
)
from .models import ALL, LIKE_BEFORE, LIKE_NOW, OrganisationRollup, Rollup

# Above this many reports changed at once, recomputing everything is quicker than updating.
REBUILD_ABOVE = 400


def _org_row(rules, org_id, ptype, code, start, key, value, submission_id=None):
    return OrganisationRollup(
        initiative_id=rules.initiative.id,
        indicator_id=key[0],
        organisation_id=org_id,
        period_type=ptype,
        period=code,
        period_start=start,
        dimension=key[1],
        category=key[2],
        value=value,
        submission_id=submission_id,
    )


def refresh(initiative: Initiative, submission_ids: Iterable[int]) -> int:
    """Bring the rollups up to date after these reports changed; returns rows touched.

    Runs inside the caller's transaction (the signal is sent inside it), so a crash leaves the
    values and their rollups as they were.
    """
    ids = sorted(set(submission_ids))
    if not ids:
        return 0
    subs = []
    having_rows: set[int] = set()
    wanted = set(ids)
    runs, scattered = ids_as_runs(ids)
    for lo, hi in runs:  # a run of consecutive ids (an import's new reports): one range each
        subs.extend(
            s
            for s in Submission.objects.filter(
                initiative=initiative, id__gte=lo, id__lte=hi
            ).values_list("id", "organisation_id", "period", "status")
            if s[0] in wanted
        )
        having_rows.update(
            OrganisationRollup.objects.filter(submission_id__gte=lo, submission_id__lte=hi)
            .values_list("submission_id", flat=True)
            .distinct()
        )
    for start in range(0, len(scattered), 500):
        chunk = scattered[start : start + 500]
        subs.extend(
            Submission.objects.filter(id__in=chunk, initiative=initiative).values_list(
                "id", "organisation_id", "period", "status"
            )
        )
        having_rows.update(
            OrganisationRollup.objects.filter(submission_id__in=chunk)
            .values_list("submission_id", flat=True)
            .distinct()
        )
    having_rows &= wanted
    relevant = [s for s in subs if s[3] == Submission.APPROVED or s[0] in having_rows]
    if not relevant:
        return 0
    if len(relevant) > REBUILD_ABOVE or not up_to_date(initiative):
        return engine.rebuild(initiative, check=False).written
    rules = rules_for(initiative)
    approved = [s[0] for s in relevant if s[3] == Submission.APPROVED]
    new_reports = report_rows(rules, approved)
    by_org: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for sid, org_id, code, status in relevant:
        by_org[org_id].append((sid, code, status))
    changes: dict[tuple[str, str, int], dict[Key, list]] = defaultdict(lambda: defaultdict(list))
    touched = 0
    for org_id, reports in by_org.items():
        touched += _refresh_organisation(rules, org_id, reports, new_reports, changes)
    touched += _apply(rules, changes)
    return touched


class _Stored:
    """A stored OrganisationRollup row, as much of it as an update needs (model instances of
    every row of an organisation would cost more than the rest of the update)."""

    __slots__ = ("pk", "value", "submission_id")

    def __init__(self, pk: int, value: float, submission_id: int | None):
        self.pk, self.value, self.submission_id = pk, value, submission_id


def _refresh_organisation(rules, org_id, reports, new_reports, changes) -> int:
    base_type = rules.base_type
    stored = OrganisationRollup.objects.filter(
        initiative_id=rules.initiative.id, organisation_id=org_id
    ).values_list(
        "pk",
        "period_type",
        "period",
        "indicator_id",
        "dimension",
        "category",
        "value",
        "submission_id",
    )
    old: dict[tuple[str, str], dict[Key, _Stored]] = defaultdict(dict)
    base: dict[str, dict[Key, float]] = defaultdict(dict)
    for pk, ptype, code, iid, dim, category, value, sid in stored.iterator(chunk_size=10000):
        old[(ptype, code)][(iid, dim, category)] = _Stored(pk, value, sid)
        if ptype == base_type:
            base[code][(iid, dim, category)] = value
    wanted: set[tuple[str, str]] = set()
    new: dict[tuple[str, str], tuple[int, dict[Key, float], int | None]] = {}
    # The organisation's reporting-period values before this change, where they change.
    was = {code: base.get(code) for _sid, code, _status in reports}
    for sid, code, status in reports:
        values = new_reports.get(sid, {}) if status == Submission.APPROVED else {}
        if values:
            base[code] = values
        else:
            base.pop(code, None)
        new[(base_type, code)] = (rules.bucket(code, base_type)[1], values, sid)
        for ptype in (*rules.longer_types, ALL):
            wanted.add((ptype, rules.bucket(code, ptype)[0]))
    computed = over_time(rules, {c: v for c, v in base.items() if v}, wanted)
    for bucket in wanted:
        start, values = computed.get(bucket, (rules.start_of(*bucket), {}))
        new[bucket] = (start, values, None)
    creates, updates, deletes = [], [], []
    for (ptype, code), (start, values, sid) in new.items():
        before = old.get((ptype, code), {})
        old_snapshot = {k: r.value for k, r in before.items()}
        if old_snapshot == values and all(r.submission_id == sid for r in before.values()):
            continue
        for key, row in before.items():
            if key not in values:
                deletes.append(row.pk)
            elif row.value != values[key] or row.submission_id != sid:
                row.value, row.submission_id = values[key], sid
                updates.append(row)
        for key, v in values.items():
            if key not in before:
                creates.append(_org_row(rules, org_id, ptype, code, start, key, v, sid))
        if old_snapshot != values:
            olds = contributions(rules, old_snapshot)
            news = contributions(rules, values)
            slot = changes[(ptype, code, start)]
            for key in olds.keys() | news.keys():
                if olds.get(key) != news.get(key):
                    slot[key].append((org_id, olds.get(key), news.get(key)))
    _pair_changes(rules, org_id, was, base, changes)
    for start in range(0, len(deletes), 500):
        OrganisationRollup.objects.filter(pk__in=deletes[start : start + 500]).delete()
    _update(OrganisationRollup, ["value", "submission_id"], updates)
    OrganisationRollup.objects.bulk_create(creates, batch_size=500)
    return len(creates) + len(updates) + len(deletes)


def _pair_changes(rules: Rules, org_id: int, was: dict, base: dict, changes) -> None:
    """The organisation's changed contributions to the like-for-like pairs of the periods whose
    values changed and of the periods just after them. ``was``: the changed periods' values
    before; ``base``: every reporting period's values now."""
    before_change = lambda code: was[code] if code in was else base.get(code)  # noqa: E731
    now_change = base.get
    for code in {c for w in was for c in (w, rules.neighbour(w, 1))}:
        previous = rules.neighbour(code, -1)
        sides = []
        for values_in in (before_change, now_change):
            now, then = values_in(code), values_in(previous)
            if now and then:
                sides.append(pairs(contributions(rules, now), contributions(rules, then)))
            else:
                sides.append(({}, {}))
        (old_now, old_before), (new_now, new_before) = sides
        start = rules.bucket(code, rules.base_type)[1]
        for ptype, olds, news in (
            (LIKE_NOW, old_now, new_now),
            (LIKE_BEFORE, old_before, new_before),
        ):
            for key in olds.keys() | news.keys():
                if olds.get(key) != news.get(key):
                    changes[(ptype, code, start)][key].append(
                        (org_id, olds.get(key), news.get(key))
                    )


def _extremes(rules: Rules, ptype: str, code: str, key: Key) -> tuple[float | None, float | None]:
    """The least and greatest organisation values of one rollup row, from the organisations'
    rollups (for like-for-like pairs: of the organisations with a total in both periods)."""
    iid, dim, category = key
    if ptype not in (LIKE_NOW, LIKE_BEFORE):
        found = OrganisationRollup.objects.filter(
            indicator_id=iid, period_type=ptype, period=code, dimension=dim, category=category
        ).aggregate(low=Min("value"), high=Max("value"))
        return found["low"], found["high"]
    t = connection.ops.quote_name(OrganisationRollup._meta.db_table)
    side = "a" if ptype == LIKE_NOW else "b"
    sql = (
        f"SELECT MIN({side}.value), MAX({side}.value) FROM {t} a JOIN {t} b"
        " ON b.indicator_id = a.indicator_id AND b.period_type = a.period_type"
        " AND b.period = %s AND b.dimension = a.dimension AND b.category = a.category"
        " AND b.organisation_id = a.organisation_id"
        " WHERE a.indicator_id = %s AND a.period_type = %s AND a.period = %s"
        " AND a.dimension = %s AND a.category = %s"
    )
    params = [rules.neighbour(code, -1), iid, rules.base_type, code, dim, category]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        low, high = cursor.fetchone()
    return low, high


def _apply(rules: Rules, changes) -> int:
    """Add and remove organisations' contributions to the cross-organisation rows."""
    touched = 0
    for (ptype, code, start), by_key in changes.items():
        rows = {
            (r.indicator_id, r.dimension, r.category): r
            for r in Rollup.objects.filter(  # by indicator: the unique index
                period_type=ptype,
                period=code,
                indicator_id__in={k[0] for k in by_key},
            )
        }
        creates, updates, deletes = [], [], []
        for key, items in by_key.items():
            rule = rules.across[key[0]]
            row = rows.get(key)
            acc = Acc.of(rule, row) if row is not None else Acc(rule)
            for _org, before, after in items:
                if before is not None:
                    acc.remove(before)
                if after is not None:
                    acc.add(after)
            if acc.stale_extremes and acc.count:
                acc.low, acc.high = _extremes(rules, ptype, code, key)
            if acc.count == 0:
                if row is not None:
                    deletes.append(row.pk)
            elif row is None:
                creates.append(fill_rollup(new_rollup(rules, ptype, code, start, key), acc))
            else:
                updates.append(fill_rollup(row, acc))
        Rollup.objects.filter(pk__in=deletes).delete()
        _update(
            Rollup, ["value", "count", "weighted", "total", "weight_total", "low", "high"], updates
        )
        Rollup.objects.bulk_create(creates, batch_size=500)
        touched += len(creates) + len(updates) + len(deletes)
    return touched


def _update(model, fields: list[str], rows: list) -> None:
    """UPDATE rows by primary key with one prepared statement (bulk_update's CASE expressions
    grow with the batch and are far slower)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s",
            [[getattr(r, f) for f in fields] + [r.pk] for r in rows],
        )
