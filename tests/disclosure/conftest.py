"""Fixtures for the disclosure tests (docs/reference/disclosure.md): the standard cast, an
anonymous visitor, and figures chosen so that a leak is easy to spot on any surface.

The threshold is raised to 1,000 people so that the figures can be distinctive numbers:
organisation B's January total (777 people enrolled, all female) is below it, and its February
total (4,321) is not. A reports 2,000 and 3,000. Nobody but B and the backbone may ever see 777;
nobody but B, the backbone and (when B is named) the others may see 4,321 beside B's name.
"""

from __future__ import annotations

import re

import pytest

VIEWERS = ("alice", "bob", "carol", "backbone", "outsider", "anonymous")
THRESHOLD = 1000
SMALL = 777  # B, January: below the threshold
B_FEBRUARY = 4321  # B, February: above the threshold, B's own figure

VALUES = """organisation,indicator,period,value,gender
org-a,enrolled,2024-01,2000,
org-b,enrolled,2024-01,777,
org-b,enrolled,2024-01,777,female
org-a,enrolled,2024-02,3000,
org-b,enrolled,2024-02,4321,
org-a,job_starts,2024-01,1200,
org-b,job_starts,2024-01,300,
org-a,job_starts,2024-02,1500,
org-b,job_starts,2024-02,2100,
"""


@pytest.fixture
def figures(cast, import_csv):
    """The cast with the figures above approved, and the threshold at 1,000 people."""
    cast.alpha.small_number_threshold = THRESHOLD
    cast.alpha.save(update_fields=["small_number_threshold"])
    result = import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone)
    assert result.errors == [], result.errors
    from commonmeasure.initiatives.models import Indicator

    Indicator.objects.create(  # a rate: its cells are based on their denominator's people
        initiative=cast.alpha,
        code="start_pct",
        name="Job starts per 100 enrolled",
        kind=Indicator.FORMULA,
        formula="job_starts / enrolled * 100",
        value_type=Indicator.RATE,
        aggregation="mean",
        sort_order=99,
    )
    return cast


def numbers_in(text: str) -> set[float]:
    """Every number written in a text (1,234 and 1234.0 alike), for spotting a figure. Digits
    inside a word are not a number: a page's random CSP nonce or CSRF token ("q8777Zk") would
    otherwise now and then "show" a figure nobody wrote."""
    found = set()
    for token in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?!\w)", text):
        try:
            found.add(float(token.replace(",", "")))
        except ValueError:
            pass
    return found
