"""Validation rules of an initiative, checked over one organisation's totals for one period.

A rule is ``left OP right`` (docs/reference/validation-rules.md); the expressions are read by
``commonmeasure.domain.expressions``, never by ``eval``. Rules are checked on entry (the grid),
on import (``import_table``) and on submit (``services.submit``): a failed error blocks an import
and a submission, a failed warning blocks a submission unless a comment explains it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonmeasure.domain import expressions as ex
from commonmeasure.initiatives.models import Indicator

from .models import DataValue, Disaggregation, Submission, ValidationRule

ERROR, WARNING = ValidationRule.ERROR, ValidationRule.WARNING


class RuleDefinitionError(ValueError):
    """A rule that cannot be used; the message names the rule and the column."""


@dataclass(frozen=True)
class RuleOutcome:
    code: str
    severity: str  # error or warning
    message: str  # the rule's own message
    status: str  # passed, failed, not applicable
    reason: str  # what was compared, or why it could not be
    indicators: tuple[str, ...]  # the indicator codes the rule uses

    @property
    def failed(self) -> bool:
        return self.status == ex.FAILED

    @property
    def is_error(self) -> bool:
        return self.failed and self.severity == ERROR

    @property
    def is_warning(self) -> bool:
        return self.failed and self.severity == WARNING

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "status": self.status,
            "reason": self.reason,
            "indicators": list(self.indicators),
        }


@dataclass(frozen=True)
class _Compiled:
    code: str
    severity: str
    message: str
    rule: ex.Rule
    fast: object  # values -> True / False / None
    names: tuple[str, ...]


def parse(code: str, left: str, op: str, right: str, known: Iterable[str] | None = None) -> ex.Rule:
    """The rule as a tree, checked against the indicator codes ``known``; RuleDefinitionError otherwise."""
    if op not in ex.COMPARISONS:
        raise RuleDefinitionError(
            _("rule %(code)s: unknown operator %(op)s; use one of %(known)s")
            % {"code": code, "op": repr(op), "known": " ".join(ex.COMPARISONS)}
        )
    sides = []
    for side, text in (("left", left), ("right", right)):
        try:
            node = ex.parse_expression(text)
            if known is not None:
                ex.check_names(node, set(known))
        except ex.ExpressionError as problem:
            message = (
                _("rule %(code)s, left side %(text)s: %(problem)s")
                if side == "left"
                else _("rule %(code)s, right side %(text)s: %(problem)s")
            )
            raise RuleDefinitionError(
                message % {"code": code, "text": repr(text), "problem": problem}
            ) from None
        sides.append(node)
    return ex.Rule(sides[0], op, sides[1])


class RuleSet:
    """An initiative's rules, compiled once; check() gives one outcome per rule."""

    def __init__(self, rules: Iterable[ValidationRule]):
        self.rules: list[_Compiled] = []
        for r in rules:
            rule = parse(r.code, r.left, r.op, r.right)
            self.rules.append(
                _Compiled(r.code, r.severity, r.message, rule, ex.compile_rule(rule), rule.names)
            )

    @classmethod
    def for_initiative(cls, initiative) -> RuleSet:
        return cls(
            ValidationRule.objects.filter(initiative=initiative).order_by("sort_order", "code")
        )

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def check(self, values: Mapping[str, float]) -> list[RuleOutcome]:
        """Every rule's outcome for one organisation and period: {indicator code: total}."""
        out = []
        for r in self.rules:
            ok = r.fast(values)
            if ok is True:
                out.append(RuleOutcome(r.code, r.severity, r.message, ex.PASSED, "", r.names))
            else:
                check = r.rule.check(values)
                out.append(
                    RuleOutcome(
                        r.code, r.severity, r.message, check.status, check.reason or "", r.names
                    )
                )
        return out

    def failures(self, values: Mapping[str, float]) -> list[RuleOutcome]:
        """Only the rules that fail; the fast path for many reports."""
        out = []
        for r in self.rules:
            if r.fast(values) is False:
                check = r.rule.check(values)
                out.append(
                    RuleOutcome(
                        r.code, r.severity, r.message, check.status, check.reason or "", r.names
                    )
                )
        return out

    def count_failures(self, rows: Iterable[Mapping[str, float]]) -> int:
        """How many (row, rule) pairs fail; used by the benchmark over many reports."""
        fasts = [r.fast for r in self.rules]
        failed = 0
        for row in rows:
            for f in fasts:
                if f(row) is False:
                    failed += 1
        return failed


def totals(submission_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    """{submission id: {indicator code: total value}} (the values without a breakdown), for
    reports of one initiative."""
    ids = list(submission_ids)
    out: dict[int, dict[str, float]] = {sid: {} for sid in ids}
    if not ids:
        return out
    # No joins per value: the total's combination and the indicator codes are looked up once.
    initiative_ids = set(
        Submission.objects.filter(id__in=ids[:1]).values_list("initiative_id", flat=True)
    )
    total_ids = set(
        Disaggregation.objects.filter(initiative_id__in=initiative_ids, key="").values_list(
            "id", flat=True
        )
    )
    codes = dict(
        Indicator.objects.filter(initiative_id__in=initiative_ids).values_list("id", "code")
    )
    # Filtered by report only, so that the database reads the reports' values through uniq_value;
    # a condition on the combination as well can make it scan every total of the initiative.
    for start in range(0, len(ids), 500):
        for sid, iid, did, value in DataValue.objects.filter(
            submission_id__in=ids[start : start + 500]
        ).values_list("submission_id", "indicator_id", "disaggregation_id", "value"):
            if did in total_ids:
                out[sid][codes[iid]] = value
    return out


def commented_totals(submission_id: int) -> set[str]:
    """Indicator codes whose total carries a comment in this report."""
    return set(
        DataValue.objects.filter(submission_id=submission_id, disaggregation__key="")
        .exclude(comment="")
        .values_list("indicator__code", flat=True)
    )


def blocking(outcomes: list[RuleOutcome], note: str, commented: set[str]) -> list[str]:
    """Why a report cannot be submitted: failed errors, and failed warnings nobody explained.

    A warning is explained by a comment on the total of any indicator the rule uses, or by the
    report's note for the backbone.
    """
    problems = []
    for o in outcomes:
        if o.is_error:
            problems.append(f"{o.message} ({o.reason})")
        elif o.is_warning and not note.strip() and not (commented & set(o.indicators)):
            problems.append(
                _(
                    "%(message)s (%(reason)s) — a warning: explain it in a comment on "
                    "%(indicators)s, or in the note for the backbone"
                )
                % {
                    "message": o.message,
                    "reason": o.reason,
                    "indicators": " or ".join(o.indicators),
                }
            )
    return problems
