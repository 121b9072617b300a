"""Sets of row ids as ranges: a run of consecutive ids is one cheap indexed read or update,
where a list of thousands of ids makes many statements, each built id by id."""

from __future__ import annotations


def runs(ids: list[int], at_least: int = 50) -> tuple[list[tuple[int, int]], list[int]]:
    """Sorted, distinct ``ids`` split into runs of at least ``at_least`` consecutive ids,
    (first, last) each, and the ids in no such run, in order."""
    found: list[tuple[int, int]] = []
    scattered: list[int] = []
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[i - 1] + 1:
            if i - start >= at_least:
                found.append((ids[start], ids[i - 1]))
            else:
                scattered.extend(ids[start:i])
            start = i
    return found, scattered
