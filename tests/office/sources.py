"""The sources of the corpus (corpus.py): what a person typed, in each program's habits, and
what the readers must give back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from .corpus import date_cell, text_cell

HEADER = ["organisation", "indicator", "period", "gender", "value", "comment"]
# (indicator, (year, month), gender, value, comment): what the person typed, in every source.
TYPED = [
    ("caseload", (2024, 1), "", 25, "Café — ½ naïve"),
    ("enrolled", (2024, 1), "female", 6, ""),
    ("satisfaction", (2024, 1), "", 21.4, ""),
    ("start_rate", (2024, 1), "", 45, "+3 since March"),
    ("wage", (2024, 2), "", 12.5, "=not a formula"),
]
# What the values import must store: (organisation, indicator, period, categories, value, comment).
STORED = sorted(
    (
        "org-a",
        ind,
        f"{y:04d}-{m:02d}",
        f"gender={g}" if g else "",
        float(v),
        c,
    )
    for ind, (y, m), g, v, c in TYPED
)

VALUES_VARIANTS = (
    "plain",  # periods as text, numbers as numbers
    "dates",  # periods as real date cells shown yyyy-mm
    "dates-mmm",  # periods as date cells shown "Jan 2024" (CSV then holds "Jan 2024")
    "text-numbers",  # numbers stored as text
    "percent",  # the percentage typed as 21.4%
    "padded",  # formatted empty rows and columns after the table
    "sheets",  # a hidden sheet first and an extra sheet after
    "headers",  # headers with trailing spaces and other capitals
    "date1904",  # the 1904 date system, periods as date cells
    "decimal-comma",  # numbers shown with a decimal comma (a German number format)
)


def values_workbook(path: Path, variant: str) -> Path:
    wb = Workbook()
    if variant == "date1904":
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Values"
    if variant == "sheets":
        old = ws
        old.title = "Old values"
        old.append(["stale", "rows"])
        old.sheet_state = "hidden"
        ws = wb.create_sheet("Values")
        wb.active = 1
    header = list(HEADER)
    if variant == "headers":
        header = ["Organisation ", "INDICATOR", "Period", "Gender ", " Value", "Comment"]
    ws.append(header)
    for r, (ind, (y, m), g, v, c) in enumerate(TYPED, start=2):
        ws.cell(r, 1, "org-a")
        ws.cell(r, 2, ind)
        if variant in ("dates", "date1904"):
            date_cell(ws, f"C{r}", y, m)
        elif variant == "dates-mmm":
            date_cell(ws, f"C{r}", y, m, fmt="mmm yyyy")
        else:
            ws.cell(r, 3, f"{y:04d}-{m:02d}")
        ws.cell(r, 4, g or None)
        if variant == "text-numbers":
            ws.cell(r, 5, str(v))
        elif variant == "percent" and ind == "satisfaction":
            ws.cell(r, 5, 0.214).number_format = "0.0%"
        else:
            ws.cell(r, 5, v)
            if variant == "decimal-comma":
                ws.cell(r, 5).number_format = "[$-407]General"
        if c.startswith(("=", "+", "-", "@")):
            text_cell(ws, f"F{r}", c)
        elif c:
            ws.cell(r, 6, c)
    if variant == "padded":
        fill = PatternFill("solid", fgColor="FFF2CC")
        for r in range(1, len(TYPED) + 12):
            for col in range(1, 10):
                ws.cell(r, col).fill = fill
    if variant == "sheets":
        wb.create_sheet("Notes").append(["A note", "not read"])
    wb.save(path)
    return path


def expected_values(variant: str, saved_as: str) -> tuple[str, object]:
    """("stored", STORED), or ("refused", (column, words in the message)) for a file that
    cannot be read as typed."""
    csv = saved_as.endswith(".csv")
    if csv and variant == "dates-mmm":
        return "refused", ("period", "is not a period code")
    if csv and variant == "sheets":  # LibreOffice writes the first sheet, the hidden one
        return "refused", (None, "has a header but no rows of values")
    if saved_as == "lo-comma-utf8.csv" and variant == "decimal-comma":
        return "refused", ("value", "is not a number")  # "12,5" with comma separators
    return "stored", STORED


# -- contract files ---------------------------------------------------------------------------

ACHIEVEMENTS = [  # participant, metric, date, validated
    ("P1", "attendance", (2013, 1, 2), "yes"),
    ("P2", "basic_skills", (2013, 3, 5), "yes"),
    ("101", "attendance", (2013, 4, 1), "no"),
]
READ_ACHIEVEMENTS = [
    (p, m, date(*d), v == "yes", row) for row, (p, m, d, v) in enumerate(ACHIEVEMENTS, start=2)
]
CASHFLOWS = [  # date, amount, investor
    ((2015, 6, 1), Decimal("-270000"), "Fundação Ñandú"),
    ((2016, 6, 1), Decimal("1250.5"), "Bridges"),
]
CONTRACT_VARIANTS = ("plain", "date1904", "text-dates", "decimal-comma")


def contract_workbooks(folder: Path, variant: str) -> dict[str, Path]:
    made = {}
    for kind, header, rows in (
        ("achievements", ["participant", "metric", "date", "validated"], ACHIEVEMENTS),
        ("cashflows", ["date", "amount", "investor"], CASHFLOWS),
    ):
        wb = Workbook()
        if variant == "date1904":
            wb.epoch = CALENDAR_MAC_1904
        ws = wb.active
        ws.append(header)
        at = header.index("date") + 1
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if c == at:
                    if variant == "text-dates":
                        y, m, d = value
                        ws.cell(r, c, f"{y:04d}-{m:02d}-{d:02d}")
                    else:
                        date_cell(ws, ws.cell(r, c).coordinate, *value, fmt="yyyy-mm-dd")
                elif isinstance(value, Decimal):
                    ws.cell(r, c, float(value))
                    if variant == "decimal-comma":
                        ws.cell(r, c).number_format = "[$-407]General"
                elif c == 1 and value.isdigit():
                    ws.cell(r, c, int(value))  # a numeric participant id
                else:
                    ws.cell(r, c, value)
        path = folder / f"{kind}-{variant}.xlsx"
        wb.save(path)
        made[f"{kind}-{variant}"] = path
    return made


def expected_contract(kind: str, variant: str, saved_as: str):
    if kind == "cashflows" and variant == "decimal-comma" and saved_as == "lo-comma-utf8.csv":
        return "refused", ("amount", "is not a number")  # "1250,5" with comma separators
    return "read", READ_ACHIEVEMENTS if kind == "achievements" else CASHFLOWS


# -- templates --------------------------------------------------------------------------------

PERIODS = ["2024-01", "2024-02"]
PREFILLED = [  # stored before the template is downloaded: (indicator, period, gender, value, comment)
    ("caseload", "2024-01", "", 25, "=sum of the two lists"),
    ("job_starts", "2024-01", "", 3, "@Ana to check"),
]
FILLED = [  # what the person types into the template
    ("enrolled", "2024-01", "", 10, ""),
    ("enrolled", "2024-01", "female", 6, ""),
    ("satisfaction", "2024-01", "", 21.4, ""),
    ("wage", "2024-02", "", 12.5, "- paid hourly"),
]


def _stored(rows) -> list[tuple]:
    return [
        ("org-a", ind, period, f"gender={g}" if g else "", float(v), c)
        for ind, period, g, v, c in rows
    ]


TEMPLATE_STORED = sorted(_stored(PREFILLED) + _stored(FILLED))


def prefilled_csv() -> str:
    lines = ["organisation,indicator,period,gender,value,comment"]
    lines += [f'org-a,{i},{p},{g},{v},"{c}"' for i, p, g, v, c in PREFILLED]
    return "\n".join(lines) + "\n"


def store_prefilled(initiative) -> None:
    import tempfile

    from commonmeasure.interchange.tabular import open_table
    from commonmeasure.reporting.importing import import_table

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:
        fh.write(prefilled_csv())
    try:
        result = import_table(initiative, open_table(fh.name), today=date(2024, 12, 31))
        assert result.errors == [], result.errors
    finally:
        Path(fh.name).unlink()


def make_templates(folder: Path) -> tuple[Path, Path]:
    """The XLSX and CSV templates the project writes for org-a, filled in as a person would:
    the XLSX in a spreadsheet (a percentage typed with %, a comment typed with an apostrophe),
    the CSV in a text editor."""
    from openpyxl import load_workbook

    from commonmeasure.initiatives.models import Initiative, Organisation
    from commonmeasure.interchange.templates_xlsx import template_bytes
    from commonmeasure.reporting.template_spec import build_spec

    alpha = Initiative.objects.get(code="alpha")
    spec = build_spec(alpha, Organisation.objects.get(code="org-a"), PERIODS)
    xlsx = folder / "template.xlsx"
    xlsx.write_bytes(template_bytes(spec, "xlsx"))
    csv = folder / "template-csv.csv"
    csv.write_bytes(template_bytes(spec, "csv"))
    wb = load_workbook(xlsx)
    ws = wb["Values"]
    labels = {c.value: c.column for c in ws[3]}
    rows = {(ws.cell(r, 2).value, ws.cell(r, 4).value): r for r in range(4, ws.max_row + 1)}
    for ind, period, g, v, c in FILLED:
        r = rows[(ind, period)]
        col = labels["Gender: Female" if g == "female" else "Total"]
        if ind == "satisfaction":
            ws.cell(r, col, v / 100).number_format = "0.0%"  # typed "21.4%"
        else:
            ws.cell(r, col, v)
        if c:
            cell = ws.cell(r, labels["Comment"], c)
            cell.data_type, cell.quotePrefix = "s", True
    wb.save(xlsx)
    lines = csv.read_text(encoding="utf-8").splitlines()
    for ind, period, g, v, c in FILLED:
        key = f"org-a,{ind},{period},{g},,"
        at = next(i for i, line in enumerate(lines) if line.startswith(key))
        typed = "21.4%" if ind == "satisfaction" else str(v)
        lines[at] = f"{key}{typed},{c}"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return xlsx, csv
