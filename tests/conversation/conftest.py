"""Fixtures for the comment, feed and notification tests: the standard cast, a client per user,
and reports of organisations A and B for 2024-03 with one value each."""

from __future__ import annotations

import pytest

PERIOD = "2024-03"


def make_report(user, initiative, organisation, period=PERIOD, value="10", indicator="enrolled"):
    """A draft report saved by ``user`` with a total for one indicator."""
    from commonmeasure.initiatives.access import access_for
    from commonmeasure.reporting import services

    access = access_for(user, initiative)
    sub = services.get_or_create_submission(access, organisation, period)
    services.save_values(
        access,
        sub,
        [services.CellInput(initiative.indicators.get(code=indicator), {}, value)],
        expected_version=sub.version,
        user=user,
    )
    sub.refresh_from_db()
    return sub


@pytest.fixture
def report_a(cast):
    return make_report(cast.alice, cast.alpha, cast.org_a)


@pytest.fixture
def report_b(cast):
    return make_report(cast.bob, cast.alpha, cast.org_b)


def submit(user, sub):
    from commonmeasure.initiatives.access import access_for
    from commonmeasure.reporting import services

    return services.submit(access_for(user, sub.initiative), sub, user)


def approve(user, sub):
    from commonmeasure.initiatives.access import access_for
    from commonmeasure.reporting import services

    return services.approve(access_for(user, sub.initiative), sub, user)


def give_email(*users):
    for u in users:
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])


def comment(user, initiative, spec, text):
    from commonmeasure.conversation.services import post_comment
    from commonmeasure.initiatives.access import access_for

    return post_comment(access_for(user, initiative), user, spec, text)


@pytest.fixture
def contract(cast):
    from commonmeasure.contracts.services import save_contract
    from commonmeasure.impactbonds.models import Project

    project = Project.objects.create(
        indigo_id="CM-TEST-0101",
        kind=Project.MANAGED,
        initiative=cast.alpha,
        name="Alpha Jobs Bond",
        stage="Implementation",
    )
    return save_contract(
        project,
        {
            "currency": "GBP",
            "start": "2024-01-01",
            "end": "2024-12-31",
            "payers": [{"id": "Council", "share": "1"}],
            "metrics": [{"id": "job_start", "price": "2000"}],
        },
    )
