"""The audit trail of values: history per report and per value, and its export as CSV or XLSX.

Changes are recorded where values are written (``services.save_values``, ``importing.import_table``);
this module only reads them. Callers check ``Access.can_view_unapproved`` first: the history
shows values before they are approved. See docs/reference/audit-trail.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .models import Submission, ValueChange

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
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def history(
    submission: Submission, indicator_code: str | None = None, key: str | None = None
) -> list[Entry]:
    """Changes to a report, newest first; only one value's when ``indicator_code`` (and ``key``) are given."""
    qs = ValueChange.objects.filter(submission=submission)
    if indicator_code is not None:
        qs = qs.filter(indicator__code=indicator_code)
    rows = qs.select_related("indicator", "changed_by").order_by("-changed_at", "-id")
    combos = dict(submission.initiative.disaggregations.values_list("id", "key"))
    out = []
    for c in rows:
        breakdown = combos.get(c.disaggregation_id, "")
        if key is not None and breakdown != key:
            continue
        out.append(
            Entry(
                c,
                c.indicator.code,
                c.indicator.name,
                breakdown,
                c.changed_by.get_username() if c.changed_by else "",
            )
        )
    return out


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
    ws = wb.create_sheet("History")
    ws.append(list(COLUMNS))
    for e in entries:
        ws.append([safe_cell(v) for v in e.row(submission)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
