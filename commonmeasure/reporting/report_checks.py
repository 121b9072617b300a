"""Every check of one stored report: its validation rules (rules.py), then the breakdowns that
disagree with their totals (breakdowns.py). The grid, submit and approve all ask here."""

from __future__ import annotations

from . import breakdowns
from .rules import RuleOutcome, RuleSet, totals


def check_submission(submission, rules: RuleSet | None = None) -> list[RuleOutcome]:
    """Every rule's outcome for one stored report, then the breakdowns that disagree with their
    totals (breakdowns.py), which count as failed rules of their indicator's severity."""
    rules = rules if rules is not None else RuleSet.for_initiative(submission.initiative_id)
    out = rules.check(totals([submission.id])[submission.id]) if rules else []
    return out + breakdowns.check_submission(submission)
