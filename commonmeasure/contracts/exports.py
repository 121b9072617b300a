"""The payment statement of a managed contract as an XLSX workbook and a PDF document
(the PDF in statement_pdf.py).

Both carry the same figures as the contract page: the totals, each payer's share with what was
paid and is outstanding, the statement by period and by metric, and every adjustment with the
rule that made it. Text cells that begin with = + - @ are prefixed with an apostrophe so that a
spreadsheet can never read them as formulas (participant ids and evidence come from uploads).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from commonmeasure.domain.money import minor_unit
from commonmeasure.domain.payments import RateCard, Statement
from commonmeasure.interchange.cells import neutralised

from .models import ManagedContract
from .services import PayerRow
from .statement_pdf import statement_pdf  # noqa: F401 (the PDF lives in its own module)
from .statement_text import KIND_LABELS, money_text  # noqa: F401 (both documents use them)


def safe_text(value):
    """Text that a spreadsheet shows as text: a leading = + - @ (or tab) gets an apostrophe."""
    return neutralised(value)


@dataclass
class StatementDocument:
    contract: ManagedContract
    terms: RateCard
    statement: Statement
    payers: list[PayerRow]
    generated: date

    @property
    def title(self) -> str:
        return _("Payment statement: %(contract)s") % {"contract": self.contract}


# -- XLSX ------------------------------------------------------------------------------------


def statement_xlsx(doc: StatementDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    s = doc.statement
    places = minor_unit(s.currency)
    number = "#,##0" + ("." + "0" * places if places else "")
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E7F0F7")
    wb = Workbook()

    def sheet(title: str, header: list[str], rows: list[list], money_cols: tuple[int, ...] = ()):
        ws = wb.create_sheet(title)
        ws.append([safe_text(h) for h in header])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = head_fill
        for row in rows:
            ws.append([safe_text(v) for v in row])
        for col in money_cols:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = number
        for i, width in enumerate(_widths(header, rows), start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = width
        ws.freeze_panes = "A2"
        return ws

    summary = wb.active
    summary.title = _("Summary")
    dates = {"start": doc.terms.start.isoformat(), "end": doc.terms.end.isoformat()}
    lines = [
        [_("Payment statement"), str(doc.contract)],
        [_("Project"), doc.contract.project.indigo_id],
        [_("Currency"), s.currency],
        [_("Contract dates"), _("%(start)s to %(end)s") % dates],
        [_("Generated"), doc.generated.isoformat()],
        [],
        [_("Total due"), s.total],
        [_("Before caps"), s.gross],
        [_("Removed by the rules"), s.total - s.gross],
        [_("Paid so far"), sum((p.paid for p in doc.payers), Decimal(0))],
        [_("Outstanding"), sum((p.outstanding for p in doc.payers), Decimal(0))],
        [],
        [_("Achievements recorded"), s.detail.get("rows", 0)],
        [_("Not validated (not paid)"), s.excluded.get("unvalidated", 0)],
        [_("Outside the contract dates (not paid)"), s.excluded.get("outside_dates", 0)],
        [_("Repeats of once-only outcomes (not paid)"), s.excluded.get("duplicate_once_only", 0)],
    ]
    for line in lines:
        summary.append([safe_text(v) for v in line])
    summary["A1"].font = Font(bold=True, size=14)
    summary["B1"].font = Font(bold=True, size=14)
    for row in (7, 8, 9, 10, 11):
        summary.cell(row, 2).number_format = number
        summary.cell(row, 1).font = bold
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 36
    summary["B1"].alignment = Alignment(wrap_text=False)

    sheet(
        _("By payer"),
        [_("Payer"), _("Share"), _("Due"), _("Paid"), _("Outstanding")],
        [[p.payer or _("All payers"), p.share, p.due, p.paid, p.outstanding] for p in doc.payers],
        (3, 4, 5),
    )
    sheet(
        _("By period"),
        [_("Period"), _("Due")],
        [[code, amount] for code, amount in s.by_period.items()],
        (2,),
    )
    gross = s.detail.get("gross_by_metric", {})
    sheet(
        _("By metric"),
        [_("Metric"), _("Price"), _("Before the rules"), _("Adjustments"), _("Due")],
        [
            [
                m.id,
                m.price,
                Decimal(gross.get(m.id, 0)),
                s.by_metric[m.id] - Decimal(gross.get(m.id, 0)),
                s.by_metric[m.id],
            ]
            for m in doc.terms.metrics
        ],
        (2, 3, 4, 5),
    )
    sheet(
        _("Adjustments"),
        [
            _("Rule"),
            _("Metric"),
            _("Participant"),
            _("Amount"),
            _("Achievements"),
            _("First achievement"),
            _("Explanation"),
        ],
        [
            [
                str(KIND_LABELS.get(a.kind, a.kind)),
                a.metric,
                a.participant or "",
                a.amount,
                a.count,
                a.row,
                a.rule,
            ]
            for a in s.adjustments
        ],
        (4,),
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _widths(header: list[str], rows: list[list]) -> list[int]:
    widths = [len(str(h)) for h in header]
    for row in rows[:500]:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], len(str(v)))
    return [min(max(w + 2, 10), 70) for w in widths]


# -- PDF -------------------------------------------------------------------------------------
