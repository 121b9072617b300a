"""Fixtures for the dashboards, benchmarking, explorer and public pages: the standard cast,
signed-in clients, and approved values small enough to test suppression."""

from __future__ import annotations

import pytest

from tests.html import publish, spec_from, table_rows  # noqa: F401  (used by the tests)

USERS = ("alice", "bob", "carol", "backbone", "outsider")

# January 2024, approved. A: 30 enrolled, 12 job starts; B: 4 enrolled (below the threshold of
# 5), 1 job start. February 2024, approved: A 20 / 8, B 10 / 6.
VALUES = """organisation,indicator,period,value,gender
org-a,enrolled,2024-01,30,
org-b,enrolled,2024-01,4,
org-a,enrolled,2024-01,18,female
org-a,enrolled,2024-01,12,male
org-b,enrolled,2024-01,4,female
org-a,job_starts,2024-01,12,
org-b,job_starts,2024-01,1,
org-a,enrolled,2024-02,20,
org-b,enrolled,2024-02,10,
org-a,job_starts,2024-02,8,
org-b,job_starts,2024-02,6,
org-a,satisfaction,2024-01,80,
org-b,satisfaction,2024-01,60,
"""
# A draft nobody but A and the backbone may see.
DRAFTS = """organisation,indicator,period,value
org-a,enrolled,2024-03,777777
"""


@pytest.fixture
def data(cast, import_csv):
    result = import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone)
    assert result.errors == [], result.errors
    result = import_csv(cast.alpha, DRAFTS, name="drafts.csv")
    assert result.errors == [], result.errors
    return cast


@pytest.fixture
def rate(cast):
    """A formula indicator: job starts per 100 people enrolled."""
    from commonmeasure.initiatives.models import Indicator

    return Indicator.objects.create(
        initiative=cast.alpha,
        code="start_pct",
        name="Job starts per 100 enrolled",
        kind=Indicator.FORMULA,
        formula="job_starts / enrolled * 100",
        value_type=Indicator.RATE,
        aggregation="mean",
        sort_order=99,
    )


@pytest.fixture
def dora(data, client_for):
    """A third organisation of alpha, D, that reports nothing, and its reporter dora: a member
    with no cell of her own among A's and B's, so she sees what any peer sees."""
    from commonmeasure.initiatives.models import Organisation, Participation
    from commonmeasure.initiatives.users import add_user

    org = Organisation.objects.create(code="org-d", name="Organisation D")
    Participation.objects.create(initiative=data.alpha, organisation=org)
    add_user("dora", initiative_code="alpha", role="reporter", organisation_code="org-d")
    return client_for("dora")
