"""The audit trail: every change to a value, by whom, when, through which channel, old and new."""

from __future__ import annotations

import csv
import importlib
import io
import json

from openpyxl import load_workbook

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting import audit, services
from commonmeasure.reporting.models import DataValue, Submission, ValueChange


def _cell(cast, code, raw, comment="", cats=None):
    return services.CellInput(cast.alpha.indicators.get(code=code), cats or {}, str(raw), comment)


def _save(cast, *cells, user=None):
    user = user or cast.alice
    access = access_for(user, cast.alpha)
    sub = services.get_or_create_submission(access, cast.org_a, "2024-02")
    return services.save_values(access, sub, list(cells), expected_version=sub.version, user=user)


def changes():
    """Every event of every report's history, oldest first; at the same moment creations come
    first, then by indicator and breakdown."""
    events = [e for sub in Submission.objects.all() for e in audit.history(sub)]
    events.sort(
        key=lambda e: (
            e.change.changed_at,
            e.change.old_value is not None,
            e.indicator_code,
            e.breakdown,
        )
    )
    return [
        (
            e.indicator_code,
            e.change.old_value,
            e.change.new_value,
            e.change.comment,
            e.change.channel,
            e.user,
        )
        for e in events
    ]


def test_saving_in_the_grid_records_new_changed_and_deleted_values(cast):
    _save(cast, _cell(cast, "enrolled", 10), _cell(cast, "caseload", 4))
    _save(cast, _cell(cast, "enrolled", 12, "recount"), _cell(cast, "caseload", ""))
    _save(cast, _cell(cast, "enrolled", 12, "recount"))  # unchanged: nothing recorded
    assert changes() == [
        ("caseload", None, 4.0, "", "web", "alice"),
        ("enrolled", None, 10.0, "", "web", "alice"),
        ("caseload", 4.0, None, "", "web", "alice"),
        ("enrolled", 10.0, 12.0, "recount", "web", "alice"),
    ]


def test_an_import_records_every_change_in_bulk_with_its_channel(cast, import_csv):
    assert import_csv(
        cast.alpha,
        "organisation,indicator,period,value,gender\norg-a,enrolled,2024-02,10,\norg-a,enrolled,2024-02,6,female\n",
        user=cast.backbone,
    ).ok
    assert import_csv(
        cast.alpha,
        "organisation,indicator,period,value,comment\norg-a,enrolled,2024-02,11,typo fixed\n",
        user=cast.backbone,
    ).ok
    assert changes() == [
        ("enrolled", None, 10.0, "", "file", "backbone"),
        ("enrolled", None, 6.0, "", "file", "backbone"),
        ("enrolled", 10.0, 11.0, "typo fixed", "file", "backbone"),
    ]


def test_a_dry_run_and_a_failed_import_record_nothing(cast, import_csv):
    assert import_csv(
        cast.alpha, "organisation,indicator,period,value\norg-a,enrolled,2024-02,10\n", dry_run=True
    ).ok
    assert not import_csv(
        cast.alpha,
        "organisation,indicator,period,value\norg-a,enrolled,2024-02,10\norg-a,enrolled,2024-02,x\n",
    ).ok
    assert changes() == []


def test_values_sent_through_the_api_are_recorded_as_api(cast, client_for):
    client = client_for(cast.alice)
    body = {
        "values": [
            {"organisation": "org-a", "indicator": "enrolled", "period": "2024-02", "value": 3}
        ]
    }
    response = client.post(
        "/api/v1/initiatives/alpha/values", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert changes() == [("enrolled", None, 3.0, "", "api", "alice")]


def test_history_per_report_is_newest_first_and_per_value_is_filtered(cast):
    _save(cast, _cell(cast, "enrolled", 10), _cell(cast, "enrolled", 6, cats={"gender": "female"}))
    _save(cast, _cell(cast, "enrolled", 11))
    sub = Submission.objects.get(organisation=cast.org_a, period="2024-02")
    entries = audit.history(sub)
    assert [(e.indicator_code, e.breakdown, e.change.new_value) for e in entries] == [
        ("enrolled", "", 11.0),
        ("enrolled", "gender=female", 6.0),
        ("enrolled", "", 10.0),
    ]
    only_total = audit.history(sub, "enrolled", "")
    assert [e.change.new_value for e in only_total] == [11.0, 10.0]


def test_exports_prefix_cells_that_would_become_formulas(cast):
    _save(
        cast,
        _cell(cast, "enrolled", 10, '=HYPERLINK("http://x")'),
        _cell(cast, "caseload", 3, "@SUM(A1)"),
    )
    sub = Submission.objects.get(organisation=cast.org_a, period="2024-02")
    entries = audit.history(sub)
    rows = list(csv.reader(io.StringIO(audit.export_csv(sub, entries).decode("utf-8-sig"))))
    assert rows[0] == list(audit.COLUMNS)
    comments = sorted(r[-1] for r in rows[1:])
    assert comments == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    ws = load_workbook(io.BytesIO(audit.export_xlsx(sub, entries))).active
    cells = [ws.cell(row=r, column=10).value for r in range(2, 4)]
    assert sorted(cells) == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert ws.cell(row=2, column=3).value == "web"


def test_a_new_value_is_recorded_on_its_row_without_a_change_row(cast, import_csv):
    assert import_csv(
        cast.alpha,
        "organisation,indicator,period,value,comment\norg-a,enrolled,2024-02,10,first count\n",
        user=cast.backbone,
    ).ok
    value = DataValue.objects.get()
    assert (value.created_channel, value.created_by, value.created_at) == (
        "file",
        cast.backbone,
        value.updated_at,
    )
    assert (value.created_value, value.created_comment) == (None, None)  # not changed yet
    assert ValueChange.objects.count() == 0


def test_the_first_value_and_comment_stay_in_the_history_after_changes(cast, import_csv):
    head = "organisation,indicator,period,value,comment\n"
    assert import_csv(cast.alpha, head + "org-a,enrolled,2024-02,10,first\n").ok
    assert import_csv(cast.alpha, head + "org-a,enrolled,2024-02,11,second\n").ok
    _save(cast, _cell(cast, "enrolled", 12, "third"))
    value = DataValue.objects.get()
    assert (value.value, value.created_value, value.created_comment) == (12.0, 10.0, "first")
    assert changes() == [
        ("enrolled", None, 10.0, "first", "file", ""),
        ("enrolled", 10.0, 11.0, "second", "file", ""),
        ("enrolled", 11.0, 12.0, "third", "web", "alice"),
    ]


def test_a_deleted_value_keeps_its_creation_in_the_history_and_may_come_back(cast):
    _save(cast, _cell(cast, "enrolled", 10, "estimate"))
    _save(cast, _cell(cast, "enrolled", 12))
    _save(cast, _cell(cast, "enrolled", ""))
    _save(cast, _cell(cast, "enrolled", 5), user=cast.backbone)
    assert changes() == [
        ("enrolled", None, 10.0, "estimate", "web", "alice"),
        ("enrolled", 10.0, 12.0, "", "web", "alice"),
        ("enrolled", 12.0, None, "", "web", "alice"),
        ("enrolled", None, 5.0, "", "web", "backbone"),
    ]
    sub = Submission.objects.get(organisation=cast.org_a, period="2024-02")
    rows = list(
        csv.reader(io.StringIO(audit.export_csv(sub, audit.history(sub)).decode("utf-8-sig")))
    )
    assert [r[7:9] for r in rows[1:]] == [["", "5.0"], ["12.0", ""], ["10.0", "12.0"], ["", "10.0"]]


def test_creation_rows_written_before_are_folded_into_the_values_with_the_same_history(cast):
    """The data migration 0006: old creation rows move onto the values; the history is unchanged."""
    from django.apps import apps

    fold = importlib.import_module(
        "commonmeasure.reporting.migrations.0006_fold_creations_into_values"
    ).fold
    _save(cast, _cell(cast, "enrolled", 10, "estimate"), _cell(cast, "caseload", 4))
    _save(cast, _cell(cast, "enrolled", 12), _cell(cast, "caseload", ""))
    _save(cast, _cell(cast, "caseload", 3))
    before = changes()
    # As the audit trail was written before: every creation a row of ValueChange ("srvy" for surveys).
    for value in DataValue.objects.all():
        audit.creation_change(value).save()
    DataValue.objects.update(
        created_at=None,
        created_by=None,
        created_channel="",
        created_value=None,
        created_comment=None,
    )
    ValueChange.objects.filter(indicator__code="caseload").update(channel="srvy")
    fold(apps, None)
    assert ValueChange.objects.filter(channel="srvy").count() == 0
    assert ValueChange.objects.filter(old_value__isnull=True).count() == 1  # the deleted caseload
    assert [c[:4] for c in changes()] == [c[:4] for c in before]
    enrolled = DataValue.objects.get(indicator__code="enrolled")
    assert (enrolled.created_value, enrolled.created_comment, enrolled.created_by) == (
        10.0,
        "estimate",
        cast.alice,
    )
