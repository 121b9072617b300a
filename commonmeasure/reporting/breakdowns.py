"""Breakdowns agree with totals: the one check every write path calls (validation-rules.md,
"Breakdowns and totals"); the arithmetic is ``commonmeasure.domain.breakdowns``.

Checked indicators are reported, summed across organisations (aggregation ``sum``), broken
down by at least one dimension, and have ``breakdown_check`` error (the default) or warning.
The outcome of a check is a ``rules.RuleOutcome`` (code ``breakdown:<indicator>``), so that
the grid, the submit and the import treat it as they treat a failed validation rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from commonmeasure.domain import breakdowns as arithmetic
from commonmeasure.domain import expressions as ex
from commonmeasure.initiatives.models import Indicator

from .models import DataValue, Disaggregation
from .rules import RuleOutcome

CODE_PREFIX = "breakdown:"


@dataclass(frozen=True)
class Spec:
    indicator_id: int
    code: str
    name: str
    severity: str  # error or warning
    categories: dict[str, int]  # dimension code -> number of categories


def specs(initiative) -> dict[int, Spec]:
    """The initiative's checked indicators, by id."""
    out = {}
    for ind in (
        Indicator.objects.filter(initiative=initiative, kind=Indicator.REPORTED, aggregation="sum")
        .exclude(breakdown_check=Indicator.BREAKDOWN_OFF)
        .prefetch_related("dimensions__categories")
    ):
        cats = {d.code: len(d.categories.all()) for d in ind.dimensions.all()}
        if cats:
            out[ind.id] = Spec(ind.id, ind.code, ind.name, ind.breakdown_check, cats)
    return out


def outcome(spec: Spec, problem: arithmetic.Disagreement) -> RuleOutcome:
    return RuleOutcome(
        f"{CODE_PREFIX}{spec.code}",
        spec.severity,
        f"The breakdown of {spec.code} ({spec.name}) must agree with its total",
        ex.FAILED,
        f"{spec.code}: {problem.reason}",
        (spec.code,),
    )


def check_values(
    checked: dict[int, Spec],
    values: Iterable[tuple[int, str, float]],
    only: Collection[int] | None = None,
) -> list[RuleOutcome]:
    """Failed checks over one report's values: (indicator id, dims, value), dims "" for the
    total. ``only``: the indicator ids to check (those a write changed)."""
    by: dict[int, list[tuple[str, float]]] = {}
    for iid, dims, value in values:
        if iid in checked and (only is None or iid in only):
            by.setdefault(iid, []).append((dims, value))
    out = []
    for iid in sorted(by, key=lambda i: checked[i].code):
        spec = checked[iid]
        total, parts = arithmetic.group(by[iid], spec.categories)
        out += [outcome(spec, p) for p in arithmetic.check(total, parts)]
    return out


def dims_of(initiative_id: int) -> dict[int, str]:
    return dict(
        Disaggregation.objects.filter(initiative_id=initiative_id).values_list("id", "dims")
    )


def stored(submission_ids: Collection[int], indicator_ids: Collection[int], dims: dict[int, str]):
    """{submission id: [(indicator id, dims, value)]} of the stored values of these indicators."""
    out: dict[int, list[tuple[int, str, float]]] = {sid: [] for sid in submission_ids}
    ids = sorted(submission_ids)
    for start in range(0, len(ids), 500):
        for sid, iid, did, value in DataValue.objects.filter(
            submission_id__in=ids[start : start + 500], indicator_id__in=list(indicator_ids)
        ).values_list("submission_id", "indicator_id", "disaggregation_id", "value"):
            out[sid].append((iid, dims.get(did, ""), value))
    return out


def check_submission(submission) -> list[RuleOutcome]:
    """Failed checks over every checked indicator of one stored report."""
    checked = specs(submission.initiative_id)
    if not checked:
        return []
    values = stored([submission.id], checked, dims_of(submission.initiative_id))
    return check_values(checked, values[submission.id])


class ImportCheck:
    """The check over an import (importing.import_table), without a second pass over the file.

    As rows are read, the values of checked indicators are summed per report and breakdown
    (``add``): [sum, count, smallest value, first row]. After the rows are written (``finish``),
    reports the import created are checked from these sums, and reports that existed before
    from their stored values, which now include the file's; only indicators the file changed
    are checked. A failure names the row of the total in the file (or of the first value of the
    breakdown) and the column ``value``.
    """

    def __init__(self, initiative):
        self.initiative = initiative
        self.specs = specs(initiative)
        self.groups: dict[tuple[int, str], int] = {}  # (indicator id, dims) -> group number
        self.group_keys: list[tuple[int, str]] = []
        self.sums: dict[int, list] = {}  # report number << 32 | group -> [sum, n, min, row]
        self.slots: dict = {}  # set by the importer: report -> (slot, report number << 32)

    def group(self, indicator_id: int, categories: dict[str, str]) -> int | None:
        """The group number of a row's (indicator, breakdown), or None when not checked."""
        if indicator_id not in self.specs:
            return None
        key = (indicator_id, ",".join(sorted(categories)))
        number = self.groups.get(key)
        if number is None:
            number = self.groups[key] = len(self.group_keys)
            self.group_keys.append(key)
        return number

    def finish(self, add_error, add_warning) -> None:
        if not self.sums:
            return
        by_report: dict[int, dict[int, list]] = {}
        for k, acc in self.sums.items():
            by_report.setdefault(k >> 32, {})[k & 0xFFFFFFFF] = acc
        slots = {number >> 32: slot for slot, number in self.slots.values()}
        older: dict[int, tuple[list, dict]] = {}  # submission id -> (slot, groups)
        for report, groups in by_report.items():
            slot = slots[report]
            if slot[5]:
                self._report(slot, groups, self._from_sums(groups), add_error, add_warning)
            else:
                older[slot[0]] = (slot, groups)
        if older:
            touched = {self.group_keys[g][0] for _, groups in older.values() for g in groups}
            values = stored(list(older), touched, dims_of(self.initiative.id))
            for sid, (slot, groups) in older.items():
                self._report(slot, groups, values[sid], add_error, add_warning)

    def _from_sums(self, groups: dict[int, list]) -> list[tuple[int, str, float]]:
        return [(*self.group_keys[g], acc) for g, acc in groups.items()]

    def _report(self, slot, groups, values, add_error, add_warning) -> None:
        """Check one report: ``values`` are (indicator id, dims, value) stored values, or
        (indicator id, dims, [sum, n, min, row]) sums of the file's rows."""
        touched = {self.group_keys[g][0] for g in groups}
        rows = {self.group_keys[g]: acc[3] for g, acc in groups.items()}
        by: dict[int, list] = {}
        for iid, dims, value in values:
            if iid in touched:
                by.setdefault(iid, []).append((dims, value))
        for iid in sorted(by, key=lambda i: self.specs[i].code):
            spec = self.specs[iid]
            total, parts = _parts(by[iid], spec.categories)
            for problem in arithmetic.check(total, parts):
                row = rows.get((iid, "")) or rows.get((iid, ",".join(problem.dims)))
                if row is None:
                    row = min(r for (i, _d), r in rows.items() if i == iid)
                add = add_error if spec.severity == Indicator.BREAKDOWN_ERROR else add_warning
                add(
                    row,
                    "value",
                    f"breakdown check ({spec.severity}): {spec.code}: {problem.reason}; "
                    "the breakdown and the total must agree",
                )


def _parts(values, categories):
    """(total, breakdowns) from stored values or from the import's sums."""
    if not values or not isinstance(values[0][1], list):
        return arithmetic.group(values, categories)
    total, parts = None, []
    for dims, (s, n, smallest, _row) in values:
        if not dims:
            total = s
            continue
        key = tuple(dims.split(","))
        if all(d in categories for d in key):
            expected = 1
            for d in key:
                expected *= categories[d]
            parts.append(arithmetic.Breakdown(key, s, n, expected, smallest >= 0))
    return total, parts
