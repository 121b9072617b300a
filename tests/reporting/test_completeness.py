"""Completeness, timeliness and the report deadline with the backbone's unlock."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting import quality, services
from commonmeasure.reporting.models import DataValue, Submission

TODAY = datetime.date(2024, 4, 20)


@pytest.fixture
def deadline(cast):
    cast.alpha.deadline_days = 10  # a month's report is due on the 10th of the next month
    cast.alpha.save()
    return cast


def _period(cast, code):
    return cast.alpha.parse_period(code)


def test_deadline_is_days_after_the_period_ends(deadline):
    assert deadline.alpha.deadline_for(_period(deadline, "2024-02")) == datetime.date(2024, 3, 10)
    deadline.alpha.deadline_days = None
    assert deadline.alpha.deadline_for(_period(deadline, "2024-02")) is None


def test_completeness_counts_expected_and_reported_totals(deadline, import_csv):
    assert import_csv(
        deadline.alpha,
        "organisation,indicator,period,value,gender\norg-a,enrolled,2024-03,10,\n"
        "org-a,enrolled,2024-03,6,female\norg-a,caseload,2024-03,4,\n",
    ).ok
    cells = {
        (c.organisation.code, c.period): c
        for c in quality.completeness(deadline.alpha, [_period(deadline, "2024-03")], TODAY)
    }
    a, b = cells[("org-a", "2024-03")], cells[("org-b", "2024-03")]
    assert (a.expected, a.reported, a.status) == (
        6,
        2,
        "draft",
    )  # six indicators; the breakdown is not counted
    assert (b.reported, b.status) == (0, "not_started")
    assert a.completeness == pytest.approx(2 / 6)


def test_on_time_rate_counts_reports_submitted_by_the_deadline(deadline):
    now = timezone.now()
    for org, period, submitted in (
        (deadline.org_a, "2024-02", datetime.datetime(2024, 3, 9, 12, tzinfo=datetime.UTC)),
        (deadline.org_b, "2024-02", datetime.datetime(2024, 3, 12, 12, tzinfo=datetime.UTC)),
        (deadline.org_a, "2024-03", datetime.datetime(2024, 4, 2, 12, tzinfo=datetime.UTC)),
    ):
        Submission.objects.create(
            initiative=deadline.alpha,
            organisation=org,
            period=period,
            status=Submission.SUBMITTED,
            period_start=_period(deadline, period).start_date,
            submitted_at=submitted,
        )
    cells = quality.completeness(
        deadline.alpha, [_period(deadline, "2024-03"), _period(deadline, "2024-02")], TODAY
    )
    on_time = {(c.organisation.code, c.period): c.on_time for c in cells}
    assert on_time == {
        ("org-a", "2024-03"): True,
        ("org-b", "2024-03"): False,
        ("org-a", "2024-02"): True,
        ("org-b", "2024-02"): False,
    }
    assert quality.on_time_rate(cells) == 0.5
    assert [(c.organisation.code, c.period) for c in quality.not_reported(cells)] == [
        ("org-b", "2024-03")
    ]
    assert now  # the clock is not needed: submitted_at decides


def test_without_a_deadline_nothing_is_late(cast):
    cells = quality.completeness(cast.alpha, [_period(cast, "2024-02")], TODAY)
    assert quality.on_time_rate(cells) is None


def test_reporter_cannot_edit_or_submit_after_the_deadline_until_unlocked(deadline):
    alice = access_for(deadline.alice, deadline.alpha)
    sub = services.get_or_create_submission(
        alice, deadline.org_a, "2024-02"
    )  # due 10 March 2024, long past
    cells = [services.CellInput(deadline.alpha.indicators.get(code="enrolled"), {}, "5")]
    with pytest.raises(services.WorkflowError, match="deadline"):
        services.save_values(alice, sub, cells, expected_version=sub.version, user=deadline.alice)
    assert not DataValue.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.unlock(alice, sub, deadline.alice)
    sub = services.unlock(access_for(deadline.backbone, deadline.alpha), sub, deadline.backbone)
    assert sub.unlocked_by == deadline.backbone and sub.unlocked_at is not None
    services.save_values(alice, sub, cells, expected_version=sub.version, user=deadline.alice)
    assert services.submit(alice, sub, deadline.alice).status == Submission.SUBMITTED
    assert services.is_late(Submission.objects.get(pk=sub.pk), deadline.alpha, "2024-02")


def test_the_backbone_may_edit_after_the_deadline(deadline):
    backbone = access_for(deadline.backbone, deadline.alpha)
    sub = services.get_or_create_submission(backbone, deadline.org_a, "2024-02")
    cells = [services.CellInput(deadline.alpha.indicators.get(code="enrolled"), {}, "5")]
    assert (
        services.save_values(
            backbone, sub, cells, expected_version=sub.version, user=deadline.backbone
        ).saved
        == 1
    )


def test_a_reporter_import_after_the_deadline_is_refused_with_the_row(deadline, import_csv):
    result = import_csv(
        deadline.alpha,
        "organisation,indicator,period,value\norg-a,enrolled,2024-02,5\n",
        organisations=[deadline.org_a.id],
        user=deadline.alice,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "value")]
    assert "ask the backbone to unlock it" in result.errors[0].message
    assert not DataValue.objects.exists()
