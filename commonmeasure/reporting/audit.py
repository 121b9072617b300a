"""The audit trail of values: history per report and per value, and its export as CSV or XLSX.

A value's creation is recorded on its row (DataValue.created_*), its changes and deletion in
ValueChange, where values are written (``services.save_values``, ``importing.import_table``);
this module reads both as one list of events, and copies a creation into ValueChange when the
value is about to be deleted (``creation_change``). Callers check ``Access.can_view_unapproved`` first: the history
shows values before they are approved. See docs/reference/audit-trail.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonmeasure.interchange.cells import neutralised

from .models import DataValue, Submission, ValueChange

COLUMNS = (
    "changed_at",
    "changed_by",
    "channel",
    "organisation",
    "period",
    "indicator",
    "breakdown",
    "old_value",
    "new_value",
    "comment",
)


@dataclass
class Entry:
    change: ValueChange
    indicator_code: str
    indicator_name: str
    breakdown: str  # "" for the total
    user: str

    def row(self, submission: Submission) -> list:
        c = self.change
        return [
            c.changed_at.isoformat(timespec="seconds"),
            self.user,
            c.channel,
            submission.organisation.code,
            submission.period,
            self.indicator_code,
            self.breakdown,
            "" if c.old_value is None else c.old_value,
            "" if c.new_value is None else c.new_value,
            c.comment,
        ]


def creation_change(value: DataValue) -> ValueChange | None:
    """The creation event of a stored value, as a ValueChange (not saved); None if unrecorded."""
    if value.created_at is None:
        return None
    return ValueChange(
        initiative_id=value.initiative_id,
        submission_id=value.submission_id,
        indicator_id=value.indicator_id,
        disaggregation_id=value.disaggregation_id,
        old_value=None,
        new_value=value.value if value.created_value is None else value.created_value,
        comment=value.comment if value.created_comment is None else value.created_comment,
        channel=value.created_channel,
        changed_at=value.created_at,
        changed_by_id=value.created_by_id,
    )


def history(
    submission: Submission, indicator_code: str | None = None, key: str | None = None
) -> list[Entry]:
    """Changes to a report, newest first; only one value's when ``indicator_code`` (and ``key``) are given.

    The events are the creations recorded on the stored values and the rows of ValueChange
    (changes, deletions, and creations of values since deleted). At the same moment a creation
    comes before a change.
    """
    combos = dict(submission.initiative.disaggregations.values_list("id", "key"))
    wanted = None if key is None else {did for did, k in combos.items() if k == key}
    changes = ValueChange.objects.filter(submission=submission)
    values = DataValue.objects.filter(submission=submission, created_at__isnull=False)
    if indicator_code is not None:
        changes = changes.filter(indicator__code=indicator_code)
        values = values.filter(indicator__code=indicator_code)
    if wanted is not None:
        changes = changes.filter(disaggregation_id__in=wanted)
        values = values.filter(disaggregation_id__in=wanted)
    events: list[tuple[tuple, ValueChange]] = []
    for c in changes.select_related("indicator", "changed_by"):
        events.append(((c.changed_at, 0 if c.old_value is None else 1, 0, c.id), c))
    for v in values.select_related("indicator", "created_by"):
        c = creation_change(v)
        c.indicator, c.changed_by = v.indicator, v.created_by
        events.append(((c.changed_at, 0, 1, v.id), c))
    events.sort(key=lambda e: e[0], reverse=True)
    return [
        Entry(
            c,
            c.indicator.code,
            c.indicator.name,
            combos.get(c.disaggregation_id, ""),
            c.changed_by.get_username() if c.changed_by else "",
        )
        for _order, c in events
    ]


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return neutralised(value)


def export_csv(submission: Submission, entries: list[Entry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([safe_cell(v) for v in e.row(submission)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(submission: Submission, entries: list[Entry]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("History"))
    ws.append(list(COLUMNS))
    for e in entries:
        ws.append([safe_cell(v) for v in e.row(submission)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
