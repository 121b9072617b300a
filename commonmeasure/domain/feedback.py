"""Figures from service users' feedback and co-design ballots. Pure Python, no Django.

Documented in docs/reference/surveys.md and docs/reference/co-design.md.

- Net Promoter Score on a 0-10 scale: % promoters (9-10) minus % detractors (0-6); passives
  (7-8) count in the total only. 50 promoters, 25 passives and 25 detractors give 25.
- % satisfied on a 5-point Likert scale: the share of answers that are 4 or 5, times 100.
- Mean score: the arithmetic mean of the answers.
- Borda count: with n candidates, a ballot's first choice scores n-1, the second n-2, ... the
  last n-r for a ballot that ranks r candidates; candidates a ballot leaves out score 0.
- Top-choice share: the % of ballots that put the candidate first.

Every figure is None for no answers. Answers outside the scale raise FeedbackError.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from commonmeasure.domain.translation import gettext

NPS_RANGE = (0, 10)
LIKERT_RANGE = (1, 5)
PROMOTER_MIN, DETRACTOR_MAX = 9, 6
SATISFIED_MIN = 4


class FeedbackError(ValueError):
    """An answer that is not on the question's scale, or a ballot that cannot be counted."""


def _checked(scores: Iterable, low: int, high: int, scale: str) -> list[int]:
    out = []
    for s in scores:
        if (
            isinstance(s, bool)
            or not isinstance(s, int | float)
            or s != int(s)
            or not low <= s <= high
        ):
            raise FeedbackError(
                gettext("%(s)r is not a whole number from %(low)s to %(high)s (%(scale)s)")
                % {"s": s, "low": low, "high": high, "scale": scale}
            )
        out.append(int(s))
    return out


def nps(scores: Iterable) -> float | None:
    """Net Promoter Score, from -100 to 100, of 0-10 answers."""
    values = _checked(scores, *NPS_RANGE, "NPS")
    if not values:
        return None
    promoters = sum(1 for v in values if v >= PROMOTER_MIN)
    detractors = sum(1 for v in values if v <= DETRACTOR_MAX)
    return (promoters - detractors) * 100 / len(values)


def percent_satisfied(scores: Iterable) -> float | None:
    """% of 1-5 Likert answers that are 4 or 5."""
    values = _checked(scores, *LIKERT_RANGE, "5-point scale")
    if not values:
        return None
    return sum(1 for v in values if v >= SATISFIED_MIN) * 100 / len(values)


def mean_score(scores: Iterable) -> float | None:
    values = list(scores)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise FeedbackError(gettext("%(v)r is not a number") % {"v": v})
    if not values:
        return None
    return math.fsum(values) / len(values)


MEASURES = {"nps": nps, "satisfied": percent_satisfied, "mean": mean_score}


def measure(name: str, scores: Iterable) -> float | None:
    try:
        return MEASURES[name](scores)
    except KeyError:
        raise FeedbackError(
            gettext("unknown measure %(name)r; use one of %(items)s")
            % {"name": name, "items": ", ".join(MEASURES)}
        ) from None


@dataclass(frozen=True)
class CandidateResult:
    code: str
    borda: int
    first_choices: int
    top_share: float | None  # % of ballots, None with no ballots
    rank: int  # 1 = most points; ties share a rank


def borda(candidates: Sequence[str], ballots: Iterable[Sequence[str]]) -> list[CandidateResult]:
    """Borda count and top-choice share; results sorted by points, then first choices, then the
    candidates' own order. A ballot naming an unknown candidate or one twice is refused."""
    n = len(candidates)
    known = set(candidates)
    if len(known) != n:
        raise FeedbackError(gettext("candidate codes must be different from one another"))
    points = dict.fromkeys(candidates, 0)
    firsts = dict.fromkeys(candidates, 0)
    count = 0
    for i, ballot in enumerate(ballots, start=1):
        ballot = list(ballot)
        unknown = [c for c in ballot if c not in known]
        if unknown:
            raise FeedbackError(
                gettext("ballot %(i)s: %(unknown)r is not a candidate")
                % {"i": i, "unknown": unknown[0]}
            )
        if len(set(ballot)) != len(ballot):
            raise FeedbackError(gettext("ballot %(i)s: a candidate is ranked twice") % {"i": i})
        count += 1
        for position, code in enumerate(ballot):
            points[code] += n - 1 - position
        if ballot:
            firsts[ballot[0]] += 1
    order = {c: i for i, c in enumerate(candidates)}
    ranked = sorted(candidates, key=lambda c: (-points[c], -firsts[c], order[c]))
    out: list[CandidateResult] = []
    for i, code in enumerate(ranked):
        rank = i + 1
        if out and points[code] == out[-1].borda:
            rank = out[-1].rank
        share = firsts[code] * 100 / count if count else None
        out.append(CandidateResult(code, points[code], firsts[code], share, rank))
    return out
