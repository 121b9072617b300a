"""Breakdowns agree with totals: the one check every write path calls (validation-rules.md,
"Breakdowns and totals"); the arithmetic is ``commonmeasure.domain.breakdowns``.

Checked indicators are reported, summed across organisations (aggregation ``sum``), broken
down by at least one dimension, and have ``breakdown_check`` error (the default) or warning.
The outcome of a check is a ``rules.RuleOutcome`` (code ``breakdown:<indicator>``), so that
the grid, the submit and the import treat it as they treat a failed validation rule.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

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


@dataclass
class Layout:
    """Where one checked indicator's sums go in an import's accumulator list:
    [sum, count] for the total (index 0) and for each breakdown, then the first row of the
    indicator in the report and the row of its total (0 when the file has none)."""

    number: int  # the indicator's number in this import
    spec: Spec
    dims: list[str] = field(default_factory=list)  # of each group, "" for the total
    expected: list[int] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    template: list = field(default_factory=list)

    def __post_init__(self) -> None:
        """Every set of the indicator's dimensions has its place, so the list never grows."""
        codes = sorted(self.spec.categories)
        for size in range(len(codes) + 1):
            for combo in itertools.combinations(codes, size):
                self.positions[",".join(combo)] = 2 * len(self.dims)
                self.dims.append(",".join(combo))
                self.expected.append(math.prod(self.spec.categories[d] for d in combo))
        # A plain list: the interpreter reads and writes list items by index on a fast path
        # (over twice as quick as an array's), and the import runs with the cyclic garbage
        # collector paused, so the one list per report and indicator costs it nothing.
        self.template = [0.0, 0.0] * len(self.dims) + [0.0, 0.0]

    def index(self, dims: str) -> int:
        return self.positions[dims]

    def order(self) -> list[int]:
        """Group positions in the order the domain check visits them."""
        keyed = [(len(d.split(",")), tuple(d.split(",")), j) for j, d in enumerate(self.dims) if j]
        return [j for _, _, j in sorted(keyed)]


class ImportCheck:
    """The check over an import (importing.import_table), without a second pass over the file.

    As rows are read, the values of checked indicators are summed per report and indicator in
    one list (``Layout``): the importer's loop adds each value at the position ``group`` gives
    it and counts it, keeps the first row and the total's row, and notes negative values. After
    the rows are written (``finish``), reports the import created are checked from these sums,
    and reports that existed before from their stored values, which now include the file's;
    only indicators the file changed are checked. A failure names the row of the total in the
    file (or the first row of the indicator in that report) and the column ``value``.
    """

    def __init__(self, initiative):
        self.initiative = initiative
        self.specs = specs(initiative)
        self.layouts: dict[int, Layout] = {}  # indicator id -> layout
        self.by_number: list[Layout] = []
        self.sums: dict[int, list] = {}  # report number << 32 | indicator number -> sums
        self.negative: dict[int, set[int]] = {}  # key of sums -> positions with a negative part
        self.slots: dict = {}  # set by the importer: report -> (slot, report number << 32)

    def group(self, indicator_id: int, categories: dict[str, str]):
        """(indicator number, position, template) for a row, or None when not checked."""
        spec = self.specs.get(indicator_id)
        if spec is None:
            return None
        layout = self.layouts.get(indicator_id)
        if layout is None:
            layout = self.layouts[indicator_id] = Layout(len(self.by_number), spec)
            self.by_number.append(layout)
        position = layout.index(",".join(sorted(categories)))
        return (layout.number, position, layout)

    def finish(self, add_error, add_warning) -> None:
        if not self.sums:
            return
        slots = {number >> 32: slot for slot, number in self.slots.values()}
        orders = [layout.order() for layout in self.by_number]
        older: dict[int, tuple[list, dict]] = {}  # submission id -> (slot, {indicator id: rows})
        for key, acc in self.sums.items():
            slot = slots[key >> 32]
            layout = self.by_number[key & 0xFFFFFFFF]
            row = int(acc[-1] or acc[-2])
            if not slot[5]:
                older.setdefault(slot[0], (slot, {}))[1][layout.spec.indicator_id] = row
                continue
            negative = self.negative.get(key, ())
            if _agrees(layout, orders[layout.number], acc, negative):
                continue
            total = acc[0] if acc[1] else None
            parts = [
                arithmetic.Breakdown(
                    tuple(layout.dims[j].split(",")),
                    acc[2 * j],
                    int(acc[2 * j + 1]),
                    layout.expected[j],
                    2 * j not in negative,
                )
                for j in range(1, len(layout.dims))
                if acc[2 * j + 1]
            ]
            self._report(layout.spec, row, arithmetic.check(total, parts), add_error, add_warning)
        if older:
            touched = {iid for _, rows in older.values() for iid in rows}
            values = stored(list(older), touched, dims_of(self.initiative.id))
            for sid, (_slot, rows) in older.items():
                by: dict[int, list] = {}
                for iid, dims, value in values[sid]:
                    if iid in rows:
                        by.setdefault(iid, []).append((dims, value))
                for iid in sorted(by, key=lambda i: self.specs[i].code):
                    spec = self.specs[iid]
                    problems = arithmetic.check(*arithmetic.group(by[iid], spec.categories))
                    self._report(spec, rows[iid], problems, add_error, add_warning)

    @staticmethod
    def _report(spec: Spec, row: int, problems, add_error, add_warning) -> None:
        add = add_error if spec.severity == Indicator.BREAKDOWN_ERROR else add_warning
        for problem in problems:
            add(
                row,
                "value",
                _(
                    "breakdown check (%(severity)s): %(indicator)s: %(reason)s; "
                    "the breakdown and the total must agree"
                )
                % {"severity": spec.severity, "indicator": spec.code, "reason": problem.reason},
            )


def _agrees(layout: Layout, order: list[int], acc: list, negative: Collection[int]) -> bool:
    """True when ``domain.breakdowns.check`` would find nothing, worked out from the sums
    without building its objects (most reports agree). The same comparisons, in its order."""
    same = arithmetic.same
    expected = layout.expected
    reference = acc[0] if acc[1] else None
    if reference is None:
        for j in order:
            if acc[2 * j + 1] >= expected[j]:
                reference = acc[2 * j]
                break
        else:
            return True
    for j in order:
        given = acc[2 * j + 1]
        if not given:
            continue
        total = acc[2 * j]
        if given >= expected[j]:
            if not same(total, reference):
                return False
        elif total > reference and 2 * j not in negative and not same(total, reference):
            return False
    return True
