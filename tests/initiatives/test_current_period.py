"""`Initiative.current_period`: the one home of "this reporting period", which the pages,
reminders, surveys, the data-quality report and the deadlines all ask."""

from __future__ import annotations

import datetime

import pytest

from commonmeasure.initiatives.models import Initiative


@pytest.mark.parametrize(
    ("frequency", "fy_first_month", "day", "expected"),
    [
        ("monthly", 1, datetime.date(2024, 3, 15), "2024-03"),
        ("quarterly", 1, datetime.date(2024, 5, 31), "2024-Q2"),
        ("yearly", 1, datetime.date(2024, 12, 31), "2024"),
        ("financial-yearly", 4, datetime.date(2024, 3, 31), "2023-24"),
        ("financial-yearly", 4, datetime.date(2024, 4, 1), "2024-25"),
    ],
)
def test_the_current_period_holds_the_day(frequency, fy_first_month, day, expected):
    initiative = Initiative(
        code="x", name="X", reporting_frequency=frequency, fy_first_month=fy_first_month
    )
    assert initiative.current_period(day).code == expected


def test_without_a_day_it_is_todays_period(settings):
    from django.utils import timezone

    initiative = Initiative(code="x", name="X", reporting_frequency="monthly", fy_first_month=1)
    assert initiative.current_period().code == timezone.localdate().strftime("%Y-%m")


def test_every_surface_asks_the_initiative():
    """No module works the current period out for itself any more."""
    from pathlib import Path

    import commonmeasure

    root = Path(commonmeasure.__file__).parent
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "periods.current_period(" in p.read_text(encoding="utf-8")
    ]
    assert found == ["initiatives/models.py"]
