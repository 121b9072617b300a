"""The activity matrix: organisations x goals, with gaps and overlaps.

Plain Python, no Django: it takes plain values and returns plain values.

Rules (docs/reference/backbone-tools.md, "The activity matrix"):
- A cell counts the organisation's activities that serve the goal (an activity serving two goals
  counts once in each goal's column).
- A goal's **organisations** is how many organisations have at least one activity serving it.
- A **gap** is a goal that no organisation's activity serves (0 organisations).
- An **overlap** is a goal served by OVERLAP_THRESHOLD (3) or more organisations: worth
  coordinating, not necessarily a problem.
- Goal codes an activity names that are no longer among the initiative's goals are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

OVERLAP_THRESHOLD = 3


@dataclass
class Matrix:
    goals: list[tuple[str, str]]  # (code, name), in the initiative's order
    organisations: list[tuple[str, str]]  # (code, name)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (org, goal) -> activities

    def count(self, org_code: str, goal_code: str) -> int:
        return self.counts.get((org_code, goal_code), 0)

    def organisations_serving(self, goal_code: str) -> int:
        return sum(1 for org, _ in self.organisations if self.count(org, goal_code) > 0)

    def activities_for_goal(self, goal_code: str) -> int:
        return sum(self.count(org, goal_code) for org, _ in self.organisations)

    def activities_of(self, org_code: str) -> int:
        return sum(self.count(org_code, goal) for goal, _ in self.goals)

    @property
    def gaps(self) -> list[str]:
        return [g for g, _ in self.goals if self.organisations_serving(g) == 0]

    @property
    def overlaps(self) -> list[str]:
        return [g for g, _ in self.goals if self.organisations_serving(g) >= OVERLAP_THRESHOLD]

    def state(self, goal_code: str) -> str:
        """gap, overlap or "" for a goal."""
        served = self.organisations_serving(goal_code)
        if served == 0:
            return "gap"
        return "overlap" if served >= OVERLAP_THRESHOLD else ""

    def rows(self) -> list[dict]:
        """One dict per (organisation, goal) cell, for the chart and the exports."""
        out = []
        for org, org_name in self.organisations:
            for goal, goal_name in self.goals:
                out.append(
                    {
                        "organisation": org,
                        "organisation_name": org_name,
                        "goal": goal,
                        "goal_name": goal_name,
                        "activities": self.count(org, goal),
                        "state": self.state(goal),
                    }
                )
        return out


def build(
    goals: Iterable[tuple[str, str]],
    organisations: Iterable[tuple[str, str]],
    activities: Iterable[tuple[str, Iterable[str]]],
) -> Matrix:
    """``activities``: (organisation code, goal codes) per activity."""
    matrix = Matrix(goals=list(goals), organisations=list(organisations))
    known_goals = {g for g, _ in matrix.goals}
    known_orgs = {o for o, _ in matrix.organisations}
    for org, goal_codes in activities:
        if org not in known_orgs:
            continue
        for goal in set(goal_codes):
            if goal in known_goals:
                matrix.counts[(org, goal)] = matrix.counts.get((org, goal), 0) + 1
    return matrix
