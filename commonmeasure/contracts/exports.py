"""The payment statement of a managed contract as an XLSX workbook and a PDF document.

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

from commonmeasure.domain.money import minor_unit
from commonmeasure.domain.payments import RateCard, Statement

from .models import ManagedContract
from .services import PayerRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KIND_LABELS = {
    "once_only": "Once only",
    "cap_count": "Count cap",
    "cap_per_participant": "Cap per participant",
    "cap_total": "Contract cap",
}


def safe_text(value):
    """Text that a spreadsheet shows as text: a leading = + - @ (or tab) gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def money_text(amount: Decimal, currency: str) -> str:
    places = minor_unit(currency)
    return f"{amount:,.{places}f} {currency}"


@dataclass
class StatementDocument:
    contract: ManagedContract
    terms: RateCard
    statement: Statement
    payers: list[PayerRow]
    generated: date

    @property
    def title(self) -> str:
        return f"Payment statement: {self.contract}"


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
    summary.title = "Summary"
    lines = [
        ["Payment statement", str(doc.contract)],
        ["Project", doc.contract.project.indigo_id],
        ["Currency", s.currency],
        ["Contract dates", f"{doc.terms.start.isoformat()} to {doc.terms.end.isoformat()}"],
        ["Generated", doc.generated.isoformat()],
        [],
        ["Total due", s.total],
        ["Before caps", s.gross],
        ["Removed by the rules", s.total - s.gross],
        ["Paid so far", sum((p.paid for p in doc.payers), Decimal(0))],
        ["Outstanding", sum((p.outstanding for p in doc.payers), Decimal(0))],
        [],
        ["Achievements recorded", s.detail.get("rows", 0)],
        ["Not validated (not paid)", s.excluded.get("unvalidated", 0)],
        ["Outside the contract dates (not paid)", s.excluded.get("outside_dates", 0)],
        ["Repeats of once-only outcomes (not paid)", s.excluded.get("duplicate_once_only", 0)],
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
        "By payer",
        ["Payer", "Share", "Due", "Paid", "Outstanding"],
        [[p.payer or "All payers", p.share, p.due, p.paid, p.outstanding] for p in doc.payers],
        (3, 4, 5),
    )
    sheet(
        "By period",
        ["Period", "Due"],
        [[code, amount] for code, amount in s.by_period.items()],
        (2,),
    )
    gross = s.detail.get("gross_by_metric", {})
    sheet(
        "By metric",
        ["Metric", "Price", "Before the rules", "Adjustments", "Due"],
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
        "Adjustments",
        [
            "Rule",
            "Metric",
            "Participant",
            "Amount",
            "Achievements",
            "First achievement",
            "Explanation",
        ],
        [
            [
                KIND_LABELS.get(a.kind, a.kind),
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


def statement_pdf(doc: StatementDocument) -> bytes:
    from fpdf import FPDF

    s = doc.statement
    cur = s.currency

    def m(amount: Decimal) -> str:
        return money_text(amount, cur)

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_compression(False)  # the figures stay searchable as plain text
    pdf.set_title(doc.title)
    pdf.set_subject(f"Total due {m(s.total)}")
    pdf.set_creator("Common Measure")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.alias_nb_pages()

    def footer():
        pdf.set_y(-12)
        pdf.set_font("Helvetica", size=8)
        pdf.set_text_color(110, 118, 126)
        pdf.cell(
            0,
            5,
            _pdf(
                f"{doc.title} - generated {doc.generated.isoformat()} - page {pdf.page_no()} of {{nb}}"
            ),
            align="C",
        )
        pdf.set_text_color(28, 39, 49)

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_text_color(28, 39, 49)
    pdf.set_font("Helvetica", "B", 16)
    _para(pdf, 0, 8, _pdf(doc.title))
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(90, 100, 110)
    _para(
        pdf,
        0,
        5,
        _pdf(
            f"{doc.contract.project.indigo_id} - {cur} - contract dates {doc.terms.start.isoformat()} to "
            f"{doc.terms.end.isoformat()} - generated {doc.generated.isoformat()}"
        ),
    )
    pdf.set_text_color(28, 39, 49)
    pdf.ln(3)

    paid = sum((p.paid for p in doc.payers), Decimal(0))
    _table(
        pdf,
        ["", ""],
        [
            ["Total due", m(s.total)],
            ["Before caps", m(s.gross)],
            ["Removed by the rules", m(s.total - s.gross)],
            ["Paid so far", m(paid)],
            ["Outstanding", m(s.total - paid)],
        ],
        [70, 60],
        header=False,
        bold_first=True,
    )
    e = s.excluded
    pdf.set_font("Helvetica", size=8.5)
    _para(
        pdf,
        0,
        4.5,
        _pdf(
            f"{s.detail.get('rows', 0):,} achievements recorded. Not paid: {e.get('unvalidated', 0):,} not validated, "
            f"{e.get('outside_dates', 0):,} outside the contract dates, {e.get('duplicate_once_only', 0):,} repeats of once-only outcomes."
        ),
    )
    _heading(pdf, "Each payer's share")
    _table(
        pdf,
        ["Payer", "Share", "Due", "Paid", "Outstanding"],
        [
            [
                p.payer or "All payers",
                f"{p.share * 100:.4g}%",
                m(p.due),
                m(p.paid),
                m(p.outstanding),
            ]
            for p in doc.payers
        ],
        [40, 20, 42, 42, 42],
    )
    gross = s.detail.get("gross_by_metric", {})
    _heading(pdf, "By metric")
    _table(
        pdf,
        ["Metric", "Price", "Before the rules", "Due"],
        [
            [x.id, m(x.price), m(Decimal(gross.get(x.id, 0))), m(s.by_metric[x.id])]
            for x in doc.terms.metrics
        ],
        [64, 36, 43, 43],
    )
    _heading(pdf, "By period")
    _table(pdf, ["Period", "Due"], [[code, m(v)] for code, v in s.by_period.items()], [40, 50])
    _heading(pdf, f"Adjustments ({len(s.adjustments):,})")
    if not s.adjustments:
        pdf.set_font("Helvetica", size=9)
        _para(pdf, 0, 5, "None: no cap or rule changed what is due.")
    for a in s.adjustments:
        pdf.set_font("Helvetica", "B", 9)
        who = f", participant {a.participant}" if a.participant else ""
        _para(
            pdf,
            0,
            4.8,
            _pdf(f"{KIND_LABELS.get(a.kind, a.kind)}: {m(a.amount)} on {a.metric}{who}"),
        )
        pdf.set_font("Helvetica", size=8.5)
        pdf.set_text_color(80, 90, 100)
        noun = "achievement" if a.count == 1 else "achievements"
        _para(pdf, 0, 4.4, _pdf(f"{a.rule}. {a.count:,} {noun}, the first #{a.row}."))
        pdf.set_text_color(28, 39, 49)
        pdf.ln(1.2)
    return bytes(pdf.output())


def _pdf(text: str) -> str:
    return str(text).encode("cp1252", errors="replace").decode("cp1252")


def _heading(pdf, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11.5)
    pdf.set_text_color(18, 52, 77)
    pdf.cell(0, 7, _pdf(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(28, 39, 49)


def _table(pdf, labels, rows, widths, header: bool = True, bold_first: bool = False) -> None:
    line = 6
    if header:
        pdf.set_font("Helvetica", "B", 8.5)
        pdf.set_fill_color(231, 240, 247)
        for i, (h, w) in enumerate(zip(labels, widths, strict=True)):
            pdf.cell(w, line, _pdf(h), border="B", fill=True, align="L" if i == 0 else "R")
        pdf.ln(line)
    for row in rows:
        if pdf.will_page_break(line):
            pdf.add_page()
        for i, (v, w) in enumerate(zip(row, widths, strict=True)):
            pdf.set_font("Helvetica", "B" if (bold_first and i == 0) else "", 9)
            pdf.cell(w, line, _pdf(v), border="B", align="L" if i == 0 else "R")
        pdf.ln(line)


def _para(pdf, width: float, height: float, text: str) -> None:
    """A paragraph across the page; the next one starts at the left margin below it."""
    pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT")
