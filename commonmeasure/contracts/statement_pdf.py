"""The payment statement of a managed contract as a PDF document, in any script.

Impact bonds run in Japan, Korea, Colombia, Portugal and elsewhere: organisation names, payer
names, metric ids and notes print as written. The text is set in fonts embedded in the PDF
(subset to the characters used), read from Debian's font packages, never from whatever a
machine happens to have: DejaVu Sans (fonts-dejavu-core) for Latin, Greek, Cyrillic, Arabic
and Hebrew; and, only when the statement holds such text, Droid Sans Fallback
(fonts-droid-fallback) for Chinese and Japanese and Nanum Gothic (fonts-nanum) for Korean.
Joined and right-to-left scripts (Arabic) are shaped with HarfBuzz (uharfbuzz). Tables are laid
out with fpdf2's own table support. See docs/reference/contract-pages.md, "Statements".
"""

from __future__ import annotations

import logging
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .statement_text import KIND_LABELS, amount_text, money_text

FONT_ROOT = Path("/usr/share/fonts/truetype")
MAIN = ("DejaVu", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core")
FALLBACKS = (  # (family, file, Debian package, does a character need it)
    ("Nanum", "nanum/NanumGothic.ttf", "fonts-nanum", lambda o: _hangul(o)),
    ("Droid", "droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback", lambda o: o >= 0x2E80),
)
INK, MUTED, HEAD_INK, HEAD_FILL = (28, 39, 49), (90, 100, 110), (18, 52, 77), (231, 240, 247)


class MissingFont(RuntimeError):
    """A font the statement needs is not installed."""


def _hangul(o: int) -> bool:
    return 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F or 0xAC00 <= o <= 0xD7AF


def font_path(relative: str, package: str) -> Path:
    path = FONT_ROOT / relative
    if not path.is_file():
        raise MissingFont(
            _(
                "The PDF statement needs the font %(path)s: install Debian's %(package)s "
                "package (`make test` and .ci/run install it)"
            )
            % {"path": path, "package": package}
        )
    return path


@cache
def _quiet_font_subsetting() -> None:
    # fontTools says which hinting tables it drops from each subset; nothing to act on.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def new_document(texts: list[str]):
    """An A4 FPDF with the main font and whichever fallback fonts ``texts`` need."""
    from fpdf import FPDF

    _quiet_font_subsetting()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    family, regular, bold, package = MAIN
    pdf.add_font(family, "", font_path(regular, package))
    pdf.add_font(family, "B", font_path(bold, package))
    used = {ord(c) for text in texts for c in str(text) if ord(c) > 0x2000}
    fallbacks = []
    for name, relative, package, needs in FALLBACKS:
        if any(needs(o) for o in used):
            pdf.add_font(name, "", font_path(relative, package))
            fallbacks.append(name)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_text_shaping(True)
    return pdf


def statement_pdf(doc) -> bytes:
    """The statement (a contracts.exports.StatementDocument) as PDF bytes."""

    s = doc.statement
    cur = s.currency

    def m(amount: Decimal) -> str:
        return money_text(amount, cur)

    def whole(n) -> str:
        return amount_text(n, 0)

    texts = [
        doc.title,
        *(p.payer for p in doc.payers),
        *(x.id for x in doc.terms.metrics),
        *(f"{a.rule} {a.metric} {a.participant}" for a in s.adjustments),
    ]
    pdf = new_document(texts)
    font = MAIN[0]
    pdf.set_title(doc.title)
    pdf.set_subject(_("Total due %(amount)s") % {"amount": m(s.total)})
    pdf.set_creator("Common Measure")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.alias_nb_pages()

    def footer():
        pdf.set_y(-12)
        pdf.set_font(font, size=8)
        pdf.set_text_color(110, 118, 126)
        pdf.cell(
            0,
            5,
            _("%(title)s - generated %(date)s - page %(page)s of %(pages)s")
            % {
                "title": doc.title,
                "date": doc.generated.isoformat(),
                "page": pdf.page_no(),
                "pages": "{nb}",
            },
            align="C",
        )
        pdf.set_text_color(*INK)

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(font, "B", 16)
    _para(pdf, 8, doc.title)
    pdf.set_font(font, size=9)
    pdf.set_text_color(*MUTED)
    _para(
        pdf,
        5,
        _("%(project)s - %(currency)s - contract dates %(start)s to %(end)s - generated %(date)s")
        % {
            "project": doc.contract.project.indigo_id,
            "currency": cur,
            "start": doc.terms.start.isoformat(),
            "end": doc.terms.end.isoformat(),
            "date": doc.generated.isoformat(),
        },
    )
    pdf.set_text_color(*INK)
    pdf.ln(3)

    paid = sum((p.paid for p in doc.payers), Decimal(0))
    _table(
        pdf,
        None,
        [
            [_("Total due"), m(s.total)],
            [_("Before caps"), m(s.gross)],
            [_("Removed by the rules"), m(s.total - s.gross)],
            [_("Paid so far"), m(paid)],
            [_("Outstanding"), m(s.total - paid)],
        ],
        (70, 60),
        bold_first=True,
    )
    e = s.excluded
    pdf.set_font(font, size=8.5)
    _para(
        pdf,
        4.5,
        _(
            "%(rows)s achievements recorded. Not paid: %(unvalidated)s not validated, "
            "%(outside)s outside the contract dates, %(repeats)s repeats of once-only outcomes."
        )
        % {
            "rows": whole(s.detail.get("rows", 0)),
            "unvalidated": whole(e.get("unvalidated", 0)),
            "outside": whole(e.get("outside_dates", 0)),
            "repeats": whole(e.get("duplicate_once_only", 0)),
        },
    )
    _heading(pdf, _("Each payer's share"))
    _table(
        pdf,
        [_("Payer"), _("Share"), _("Due"), _("Paid"), _("Outstanding")],
        [
            [
                p.payer or _("All payers"),
                _share(p.share),
                m(p.due),
                m(p.paid),
                m(p.outstanding),
            ]
            for p in doc.payers
        ],
        (40, 20, 42, 42, 42),
    )
    gross = s.detail.get("gross_by_metric", {})
    _heading(pdf, _("By metric"))
    _table(
        pdf,
        [_("Metric"), _("Price"), _("Before the rules"), _("Due")],
        [
            [x.id, m(x.price), m(Decimal(gross.get(x.id, 0))), m(s.by_metric[x.id])]
            for x in doc.terms.metrics
        ],
        (64, 36, 43, 43),
    )
    _heading(pdf, _("By period"))
    _table(
        pdf, [_("Period"), _("Due")], [[code, m(v)] for code, v in s.by_period.items()], (40, 50)
    )
    _heading(pdf, _("Adjustments (%(n)s)") % {"n": whole(len(s.adjustments))})
    if not s.adjustments:
        pdf.set_font(font, size=9)
        _para(pdf, 5, _("None: no cap or rule changed what is due."))
    for a in s.adjustments:
        pdf.set_font(font, "B", 9)
        said = {
            "rule": KIND_LABELS.get(a.kind, a.kind),
            "amount": m(a.amount),
            "metric": a.metric,
            "participant": a.participant,
        }
        if a.participant:
            line = _("%(rule)s: %(amount)s on %(metric)s, participant %(participant)s") % said
        else:
            line = _("%(rule)s: %(amount)s on %(metric)s") % said
        _para(pdf, 4.8, line)
        pdf.set_font(font, size=8.5)
        pdf.set_text_color(80, 90, 100)
        counted = ngettext(
            "%(rule)s. %(n)s achievement, the first #%(row)s.",
            "%(rule)s. %(n)s achievements, the first #%(row)s.",
            a.count,
        ) % {"rule": a.rule, "n": whole(a.count), "row": a.row}
        _para(pdf, 4.4, counted)
        pdf.set_text_color(*INK)
        pdf.ln(1.2)
    return bytes(pdf.output())


def _share(share) -> str:
    """A payer's share as a percentage with up to four significant figures: 33.33%."""
    value = Decimal(f"{share * 100:.4g}")
    places = max(0, -value.as_tuple().exponent)
    return amount_text(value, places) + "%"


def _heading(pdf, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(MAIN[0], "B", 11.5)
    pdf.set_text_color(*HEAD_INK)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _table(pdf, labels, rows, widths, bold_first: bool = False) -> None:
    """A table with fpdf2's own layout: long names wrap within their column, rows that would
    cross the page's end move to the next page with the heading repeated."""
    from fpdf.fonts import FontFace

    align = ("LEFT", *("RIGHT",) * (len(widths) - 1))
    pdf.set_font(MAIN[0], size=9)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=align,
        borders_layout="HORIZONTAL_LINES",
        first_row_as_headings=labels is not None,
        headings_style=FontFace(emphasis="BOLD", size_pt=8.5, fill_color=HEAD_FILL),
        line_height=5,
        padding=(0.6, 1),
    ) as table:
        if labels is not None:
            header = table.row()
            for label in labels:
                header.cell(label)
        for values in rows:
            row = table.row()
            for i, value in enumerate(values):
                style = FontFace(emphasis="BOLD") if bold_first and i == 0 else None
                row.cell(str(value), style=style)
    pdf.ln(1)


def _para(pdf, height: float, text: str) -> None:
    """A paragraph across the page; the next one starts at the left margin below it."""
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
