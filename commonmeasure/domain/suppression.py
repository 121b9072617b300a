"""Keeping people and organisations from being identified in shared figures.

Documented in docs/reference/benchmarking.md ("Small numbers" and "Anonymised peers"):

- A cell based on fewer than ``threshold`` people (5 unless the initiative sets another number)
  is suppressed everywhere except for the organisation it belongs to.
- When one cell of a group with a visible total is suppressed, the smallest other cell is
  suppressed too, so that the hidden one cannot be worked out by subtraction.
- Other organisations are shown as "Organisation 1", "Organisation 2", ... unless they have
  opted in to be named; the numbering is fixed for a given salt, so it is the same on every page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import TypeVar

from commonmeasure.domain.translation import gettext

DEFAULT_THRESHOLD = 5
ANONYMOUS_LABEL = "Organisation {n}"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SuppressionError(ValueError):
    """A threshold or labelling request that cannot be applied."""


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise SuppressionError(
            gettext("the suppression threshold must be a whole number of people, not %(threshold)r")
            % {"threshold": threshold}
        )


def is_suppressed(
    people: float | None, threshold: int = DEFAULT_THRESHOLD, own: bool = False
) -> bool:
    """Whether a cell based on ``people`` people is hidden from this viewer.

    ``own``: the viewer is the organisation the cell belongs to, which always sees it.
    ``people`` None means the cell is not a count of people (e.g. money), so it is not hidden.
    """
    _check_threshold(threshold)
    return not own and people is not None and people < threshold


def suppress(
    value: V, people: float | None, threshold: int = DEFAULT_THRESHOLD, own: bool = False
) -> V | None:
    """The value, or None when the cell is suppressed for this viewer."""
    return None if is_suppressed(people, threshold, own) else value


def suppress_cells(
    cells: Mapping[K, tuple[V, float | None]],
    threshold: int = DEFAULT_THRESHOLD,
    total_shown: bool = True,
) -> dict[K, V | None]:
    """Suppress the small cells of one group (e.g. the categories of one dimension).

    ``cells`` maps each cell to (value, people). A cell with fewer than ``threshold`` people is
    suppressed (primary suppression). If exactly one cell is suppressed and the group's total
    is shown, the smallest other cell (fewest people, then first in order) is suppressed too
    (complementary suppression); with two or more hidden cells no single one can be derived.
    """
    _check_threshold(threshold)
    hidden = {key for key, (_, people) in cells.items() if is_suppressed(people, threshold)}
    if total_shown and len(hidden) == 1:
        others = [
            (people, i, key)
            for i, (key, (_, people)) in enumerate(cells.items())
            if key not in hidden
        ]
        counted = [item for item in others if item[0] is not None]
        if counted:
            hidden.add(min(counted, key=lambda item: (item[0], item[1]))[2])
    return {key: None if key in hidden else value for key, (value, _) in cells.items()}


def _order_key(salt: str, organisation: Hashable) -> str:
    return hashlib.sha256(f"{salt}\x00{organisation}".encode()).hexdigest()


def peer_labels(
    organisations: Iterable[K],
    names: Mapping[K, str],
    named: Collection[K] = (),
    viewer: K | None = None,
    salt: str = "",
) -> dict[K, str]:
    """The label each organisation is shown under in a peer comparison.

    The viewer's own organisation and those in ``named`` (opted in to be named) are shown by
    name; the others are "Organisation 1" ... "Organisation m", numbered in an order fixed by
    ``salt`` (e.g. the initiative's code) and each organisation's identifier, so the numbers
    do not follow the identifiers, names or values. Pass every organisation of the initiative,
    not only those on one page, and an organisation keeps its number on every page.
    """
    orgs = list(dict.fromkeys(organisations))
    out: dict[K, str] = {}
    anonymous = []
    for org in orgs:
        if org == viewer or org in named:
            if org not in names:
                raise SuppressionError(
                    gettext("organisation %(org)r is to be named but has no name") % {"org": org}
                )
            out[org] = names[org]
        else:
            anonymous.append(org)
    for n, org in enumerate(sorted(anonymous, key=lambda o: _order_key(salt, o)), start=1):
        out[org] = ANONYMOUS_LABEL.format(n=n)
    return {org: out[org] for org in orgs}
