"""The grid's actions are one service each (reporting/services.py): ``save_report`` makes the
report if there is none and saves it in one transaction, ``unlock_report`` makes it and unlocks
it; a refused save or unlock leaves no report behind."""

from __future__ import annotations

import pytest

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting import services
from commonmeasure.reporting.models import DataValue, Submission


def _cells(cast, raw):
    return [services.CellInput(cast.alpha.indicators.get(code="enrolled"), {}, raw)]


def _reports(cast, period):
    return Submission.objects.filter(initiative=cast.alpha, organisation=cast.org_a, period=period)


def test_save_report_makes_the_report_and_saves_its_values(cast):
    alice = access_for(cast.alice, cast.alpha)
    result = services.save_report(
        alice, cast.org_a, "2024-02", _cells(cast, "12"), expected_version=1, user=cast.alice
    )
    assert not result.errors
    report = _reports(cast, "2024-02").get()
    assert result.submission.pk == report.pk
    assert list(DataValue.objects.filter(submission=report).values_list("value", flat=True)) == [
        12.0
    ]


def test_a_refused_save_leaves_no_empty_report(cast):
    alice = access_for(cast.alice, cast.alpha)
    result = services.save_report(
        alice, cast.org_a, "2024-02", _cells(cast, "twelve"), expected_version=1, user=cast.alice
    )
    assert result.errors
    assert not _reports(cast, "2024-02").exists()


def test_a_save_the_viewer_may_not_make_leaves_no_report(cast):
    bob = access_for(cast.bob, cast.alpha)  # reports for org-b, not org-a
    with pytest.raises(services.PermissionDenied):
        services.save_report(
            bob, cast.org_a, "2024-02", _cells(cast, "12"), expected_version=1, user=cast.bob
        )
    assert not _reports(cast, "2024-02").exists()


def test_unlock_report_makes_and_unlocks_a_report_not_started(cast):
    backbone = access_for(cast.backbone, cast.alpha)
    report = services.unlock_report(backbone, cast.org_a, "2024-02", cast.backbone)
    assert report.unlocked_by == cast.backbone and report.unlocked_at is not None
    assert _reports(cast, "2024-02").get().pk == report.pk


def test_only_the_backbone_unlocks_and_a_refusal_makes_no_report(cast):
    alice = access_for(cast.alice, cast.alpha)
    with pytest.raises(services.PermissionDenied, match="backbone"):
        services.unlock_report(alice, cast.org_a, "2024-02", cast.alice)
    assert not _reports(cast, "2024-02").exists()
