"""Two people editing one report never silently overwrite each other; imports make open grids stale."""

from __future__ import annotations

import pytest

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting import audit, services
from commonmeasure.reporting.models import DataValue, Submission


def _cells(cast, value):
    return [services.CellInput(cast.alpha.indicators.get(code="enrolled"), {}, str(value))]


def test_the_second_of_two_saves_from_the_same_version_is_refused(cast):
    alice, backbone = access_for(cast.alice, cast.alpha), access_for(cast.backbone, cast.alpha)
    sub = services.get_or_create_submission(alice, cast.org_a, "2024-02")
    opened = sub.version  # both open the grid at this version
    services.save_values(alice, sub, _cells(cast, 10), expected_version=opened, user=cast.alice)
    with pytest.raises(services.StaleVersion) as stale:
        services.save_values(
            backbone, sub, _cells(cast, 99), expected_version=opened, user=cast.backbone
        )
    assert stale.value.current.version == opened + 1
    assert DataValue.objects.get().value == 10
    assert len(audit.history(sub)) == 1  # the refused save recorded nothing: one creation


def test_an_import_that_changes_values_makes_an_open_grid_stale(cast, import_csv):
    alice = access_for(cast.alice, cast.alpha)
    sub = services.get_or_create_submission(alice, cast.org_a, "2024-02")
    opened = sub.version
    assert import_csv(
        cast.alpha, "organisation,indicator,period,value\norg-a,enrolled,2024-02,5\n"
    ).ok
    assert Submission.objects.get(pk=sub.pk).version == opened + 1
    with pytest.raises(services.StaleVersion):
        services.save_values(alice, sub, _cells(cast, 10), expected_version=opened, user=cast.alice)
    assert DataValue.objects.get().value == 5


def test_an_import_that_changes_nothing_leaves_the_version_alone(cast, import_csv):
    text = "organisation,indicator,period,value\norg-a,enrolled,2024-02,5\n"
    assert import_csv(cast.alpha, text).ok
    version = Submission.objects.get().version
    assert import_csv(cast.alpha, text).unchanged == 1
    assert Submission.objects.get().version == version


def test_a_dry_run_leaves_the_version_alone(cast, import_csv):
    assert import_csv(
        cast.alpha, "organisation,indicator,period,value\norg-a,enrolled,2024-02,5\n"
    ).ok
    version = Submission.objects.get().version
    assert import_csv(
        cast.alpha, "organisation,indicator,period,value\norg-a,enrolled,2024-02,6\n", dry_run=True
    ).ok
    assert Submission.objects.get().version == version
