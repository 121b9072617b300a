"""The audit trail: every change to a value, by whom, when, through which channel, old and new."""

from __future__ import annotations

import csv
import io
import json

from django.test import Client
from openpyxl import load_workbook

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting import audit, services
from commonmeasure.reporting.models import Submission, ValueChange


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


def test_values_sent_through_the_api_are_recorded_as_api(cast):
    client = Client()
    client.force_login(cast.alice)
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
