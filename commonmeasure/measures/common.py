"""Small helpers shared by the measures modules."""

from __future__ import annotations


def clean(value: float | None) -> float | int | None:
    """How a query's figures are rounded (``measures.selectors.query`` and every measure):
    6 decimals, whole numbers as int."""
    if value is None:
        return None
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) and abs(rounded) < 2**53 else rounded


def rows(result: dict) -> list[dict]:
    """{key: value} as query() output: [{"key", "value"}] sorted by key."""
    return [
        {"key": k, "value": clean(v)} for k, v in sorted(result.items(), key=lambda kv: str(kv[0]))
    ]
