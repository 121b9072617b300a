"""Small builders for contract tests: the DWP Innovation Fund round 2 rate card, and files."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from commonmeasure.domain.payments import Achievement, Metric, RateCard

# DWP Innovation Fund, round 2: prices for one provider (GBP) and the cap per participant.
DWP_PRICES = {
    "improved_behaviour": "1300",
    "attendance": "1400",
    "improved_attitude": "700",
    "entry_level_qualification": "900",
    "basic_skills": "900",
    "level_1_qualification": "1100",
    "level_2_qualification": "3300",
    "level_3_qualification": "5100",
    "entry_to_employment": "3500",
    "sustained_employment": "2000",
}
DWP_CAP_PER_PARTICIPANT = "11700"

DWP_CONTRACT = {
    "currency": "GBP",
    "start": "2012-04-01",
    "end": "2015-03-31",
    "cap_per_participant": DWP_CAP_PER_PARTICIPANT,
    "payers": [{"id": "DWP", "share": "0.8"}, {"id": "LA", "share": "0.2"}],
    "metrics": [{"id": m, "price": p} for m, p in DWP_PRICES.items()],
}


def rate_card(**overrides) -> RateCard:
    """A small contract: prices a=100, b=250, c=40 GBP, 2024, no caps unless given."""
    terms = {
        "currency": "GBP",
        "start": date(2024, 1, 1),
        "end": date(2024, 12, 31),
        "metrics": (
            Metric("a", Decimal("100")),
            Metric("b", Decimal("250")),
            Metric("c", Decimal("40")),
        ),
    }
    terms.update(overrides)
    return RateCard(**terms)


def ach(participant: str, metric: str, day: str, validated: bool = True, row: int | None = None):
    return Achievement(participant, metric, date.fromisoformat(day), validated, row)


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=2))
    return path


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n")
    return path
