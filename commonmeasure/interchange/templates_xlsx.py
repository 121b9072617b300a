"""Spreadsheet templates: one organisation's values for a period or a range of periods.

The XLSX template has a sheet to fill ("Values": one row per indicator and period, one column
per category combination), an "Instructions" sheet and a hidden "cm_template" sheet carrying
the template's version, initiative, organisation, periods and what each column means. Reading
a filled template turns it into the long layout that ``import_table`` checks, so the checks are
the same as for any values file; errors are then named by the template's own cells (C7).

The CSV template is the long layout itself, keys filled in, values empty, after one marker line.

See docs/reference/spreadsheet-template.md.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from commonmeasure.domain.translation import gettext

from . import ods, xlsx_fast
from .cells import FORMULA_STARTS
from .errors import FileProblem, RowError
from .tabular import (
    BROKEN_WORKBOOK,
    Table,
    check_zip_sizes,
    open_table,
    refuse_merged_cells_in,
    write_csv,
    xlsx_reader,
)

FORMAT = "commonmeasure-template"
VERSION = 1  # the version written; READERS lists every version that can be read
META_SHEET = "cm_template"
FILL_SHEET = "Values"
FIRST_ROW = 4  # rows 1-3: title, note, column headings
KEY_COLUMNS = ("Indicator", "Code", "Unit", "Period")  # A-D, locked
CSV_MARKER = f"# {FORMAT} version {VERSION}"
# The marker line as spreadsheet programs save it back: LibreOffice and Excel pad every row to
# the width of the widest ("...version 1,,,,,," or ";;;;;;"), some quote it.
_CSV_MARKER_RE = re.compile(
    rf'^\s*"?\s*#\s*{FORMAT}\s+version\s+([^\s,;\t"]*)\s*"?[\s,;\t"]*$', re.IGNORECASE
)
TEXT_STARTS = FORMULA_STARTS  # text a spreadsheet would otherwise take for a formula
LONG_HEADER = ("organisation", "indicator", "period")


@dataclass
class Column:
    key: dict[str, str]  # {dimension code: category code}; {} is the total
    label: str


@dataclass
class Line:
    indicator: object  # Indicator
    period: str


@dataclass
class TemplateSpec:
    initiative: object
    organisation: object
    periods: list[str]
    dimensions: list  # Dimension objects with .cats = [Category]
    columns: list[Column]
    lines: list[Line]
    existing: dict = field(default_factory=dict)  # (indicator id, period, key) -> (value, comment)


# -- building (what a template holds is read from the database by reporting/template_spec.py) --


def cell_key(cats: dict) -> str:
    """How a cell's categories are written in the template's metadata: ``age=25+;sex=f``."""
    return ";".join(f"{d}={c}" for d, c in sorted(cats.items()))


def applies(column: Column, indicator) -> bool:
    return set(column.key) <= {d.code for d in indicator.dimensions.all()}


def number_format(indicator) -> str:
    if indicator.value_type == "count":
        return "0"
    places = indicator.decimals or (
        1
        if indicator.value_type == "percentage"
        else 2
        if indicator.value_type == "currency"
        else 0
    )
    return (
        "#,##0" + ("." + "0" * places if places else "")
        if indicator.value_type == "currency"
        else "0" + ("." + "0" * places if places else "")
    )


def rule_text(indicator) -> str:
    vt = indicator.value_type
    if vt == "count":
        return gettext("A whole number, 0 or more.")
    if vt == "percentage":
        return gettext("A percentage from 0 to 100 (enter 45 for 45%).")
    if vt == "rate":
        return gettext("A number, 0 or more.")
    return gettext("A number.")


def _text(ws, row: int, col: int, value):
    """Write a cell; text beginning with = + - @ is marked as text (quotePrefix, what typing an
    apostrophe first does), so that it shows and reads back exactly as written."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith(TEXT_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_xlsx(spec: TemplateSpec, fh) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = FILL_SHEET
    first_value_col = len(KEY_COLUMNS) + 1
    comment_col = first_value_col + len(spec.columns)
    _text(
        ws,
        1,
        1,
        f"{spec.organisation.name} ({spec.organisation.code}) · {spec.initiative.name} · {_period_range(spec.periods)}",
    ).font = Font(bold=True, size=13)
    ws.cell(
        2,
        1,
        gettext(
            "Enter values in the white cells; grey cells do not apply to that indicator. The Instructions sheet says what each indicator means."
        ),
    ).font = Font(italic=True, color="555555")
    heading = Font(bold=True)
    grey = PatternFill("solid", fgColor="D9D9D9")
    head_fill = PatternFill("solid", fgColor="E8EEF7")
    for i, label in enumerate([*KEY_COLUMNS, *(c.label for c in spec.columns), "Comment"], start=1):
        cell = _text(ws, 3, i, label)
        cell.font, cell.fill = heading, head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    validations = {
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"),
        "percentage": DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100"
        ),
        "rate": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
        "other": DataValidation(
            type="decimal",
            operator="between",
            formula1="-1000000000000000",
            formula2="1000000000000000",
        ),
    }
    for vt, dv in validations.items():
        dv.showErrorMessage = True
        dv.errorTitle = gettext("Not a valid value")
        dv.error = {
            "count": gettext("Enter a whole number, 0 or more."),
            "percentage": gettext("Enter a percentage from 0 to 100."),
            "rate": gettext("Enter a number, 0 or more."),
        }.get(vt) or gettext("Enter a number.")
        ws.add_data_validation(dv)
    unlocked = Protection(locked=False)
    for r, line in enumerate(spec.lines, start=FIRST_ROW):
        ind = line.indicator
        for i, v in enumerate((ind.name, ind.code, ind.unit, line.period), start=1):
            _text(ws, r, i, v)
        dv = validations.get(ind.value_type, validations["other"])
        fmt = number_format(ind)
        comment = ""
        for j, col in enumerate(spec.columns, start=first_value_col):
            cell = ws.cell(r, j)
            if not applies(col, ind):
                cell.fill = grey
                continue
            cell.protection = unlocked
            cell.number_format = fmt
            dv.add(cell.coordinate)
            old = spec.existing.get((ind.id, line.period, cell_key(col.key)))
            if old is not None:
                cell.value = (
                    old[0] if old[0] != int(old[0]) or ind.value_type != "count" else int(old[0])
                )
                comment = comment or old[1]
        _text(ws, r, comment_col, comment or None).protection = unlocked
    widths = [34, 16, 10, 10] + [max(9, min(22, len(c.label) + 2)) for c in spec.columns] + [40]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[3].height = 45
    ws.freeze_panes = ws.cell(FIRST_ROW, first_value_col)
    ws.protection.sheet = True  # labels locked; the value and comment cells are unlocked
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    info = wb.create_sheet("Instructions")
    info.append([gettext("How to fill in this template")])
    info["A1"].font = Font(bold=True, size=13)
    for text in (
        gettext(
            "Organisation: %(organisation)s (%(organisation_code)s). Initiative: %(initiative)s (%(initiative_code)s)."
        )
        % {
            "organisation": spec.organisation.name,
            "organisation_code": spec.organisation.code,
            "initiative": spec.initiative.name,
            "initiative_code": spec.initiative.code,
        },
        gettext("Periods: %(periods)s.") % {"periods": ", ".join(spec.periods)},
        gettext(
            "Fill in the white cells of the '%(sheet)s' sheet. Leave a cell empty if you have no value; empty cells change nothing."
        )
        % {"sheet": FILL_SHEET},
        gettext(
            "Do not add, remove or reorder rows or columns, and do not merge cells. Formulas are not calculated: type the numbers."
        ),
        gettext(
            "Upload the file on the organisation's page (Upload values) or with: commonmeasure import values FILE --initiative %(code)s"
        )
        % {"code": spec.initiative.code},
        "",
    ):
        _text(info, info.max_row + 1, 1, text)
    info.append(
        [
            gettext("Code"),
            gettext("Indicator"),
            gettext("Unit"),
            gettext("Value type"),
            gettext("What to enter"),
            gettext("Definition"),
            gettext("Disaggregations"),
        ]
    )
    for c in info[info.max_row]:
        c.font = heading
    for ind in {line.indicator.code: line.indicator for line in spec.lines}.values():
        r = info.max_row + 1
        for i, x in enumerate(
            (
                ind.code,
                ind.name,
                ind.unit,
                ind.value_type,
                rule_text(ind),
                ind.definition,
                ", ".join(d.name for d in ind.dimensions.all()) or gettext("total only"),
            ),
            start=1,
        ):
            _text(info, r, i, x)
    for letter, w in zip("ABCDEFG", (16, 34, 10, 12, 34, 60, 24), strict=True):
        info.column_dimensions[letter].width = w
    info.protection.sheet = True

    meta = wb.create_sheet(META_SHEET)
    meta.append(["format", FORMAT])
    meta.append(["version", VERSION])
    meta.append(["initiative", spec.initiative.code])
    meta.append(["organisation", spec.organisation.code])
    meta.append(["periods", ",".join(spec.periods)])
    meta.append(["sheet", FILL_SHEET])
    meta.append(["first_row", FIRST_ROW])
    meta.append(["comment_column", get_column_letter(comment_col)])
    for j, col in enumerate(spec.columns, start=first_value_col):
        meta.append(["column", get_column_letter(j), cell_key(col.key), col.label])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.save(fh)


def write_csv_template(spec: TemplateSpec, fh) -> None:
    """The long layout, keys filled in; a row whose value is left empty is skipped on import."""
    fh.write(CSV_MARKER + "\n")
    dims = [d.code for d in spec.dimensions]
    header = [*LONG_HEADER, *dims, "value", "comment"]

    def rows():
        for line in spec.lines:
            ind = line.indicator
            for col in spec.columns:
                if not applies(col, ind):
                    continue
                old = spec.existing.get((ind.id, line.period, cell_key(col.key)))
                value = "" if old is None else (int(old[0]) if old[0] == int(old[0]) else old[0])
                yield [
                    spec.organisation.code,
                    ind.code,
                    line.period,
                    *(col.key.get(d, "") for d in dims),
                    value,
                    "" if old is None else old[1],
                ]

    write_csv(fh, header, rows())


def _period_range(codes: list[str]) -> str:
    return (
        codes[0]
        if len(codes) == 1
        else gettext("%(codes)s to %(codes2)s") % {"codes": codes[0], "codes2": codes[-1]}
    )


# -- reading ----------------------------------------------------------------------------------


@dataclass
class TemplateTable:
    """A filled template read as the long layout, and how to name its cells in errors."""

    table: Table
    initiative: str
    organisation: str
    version: int
    rows: array = field(default_factory=lambda: array("I"))  # long row - 2 -> sheet row
    cols: array = field(
        default_factory=lambda: array("H")
    )  # long row - 2 -> sheet column (1-based)
    comment_col: int = 0
    sheet: str = FILL_SHEET

    def cell_error(self, error: RowError) -> RowError:
        """An import error about long row n, named by the template's sheet, row and column."""
        from openpyxl.utils import get_column_letter

        if error.row is None or error.row < 2 or error.row - 2 >= len(self.rows):
            return error
        row, col = self.rows[error.row - 2], self.cols[error.row - 2]
        if error.column == "indicator":
            col = 2
        elif error.column == "period":
            col = 4
        elif error.column == "comment":
            col = self.comment_col
        letter = get_column_letter(col)
        return RowError(
            row,
            letter,
            gettext("sheet %(sheet)r, cell %(letter)s%(row)s: %(message)s")
            % {"sheet": self.sheet, "letter": letter, "row": row, "message": error.message},
        )


def is_xlsx_template(path: Path) -> bool:
    """True if the workbook (XLSX or ODS) has the template's metadata sheet, found without
    reading its cells."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip_sizes(zf, path.name)
            if ods.is_ods(zf):
                return ods.has_sheet(zf, META_SHEET)
            return f'name="{META_SHEET}"'.encode() in zf.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError, FileProblem):
        return False


def is_csv_template(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(len(CSV_MARKER) + 8).lstrip(b"\xef\xbb\xbf").lstrip(b' "')
        return head.startswith(f"# {FORMAT} version".encode())


class _Workbook:
    """The sheets of an XLSX or ODS template, read with the same readers as any values file
    (xlsx_fast.py, ods.py): formulas typed as such, dates in the workbook's own date system."""

    def __init__(self, fh, name: str):
        self.name = name
        self.zf = zipfile.ZipFile(fh)
        check_zip_sizes(self.zf, name)
        self.ods = ods.is_ods(self.zf)
        self.kind = "ODS spreadsheet" if self.ods else "XLSX workbook"
        if self.ods:
            self.sheetnames = None  # known as the content is read
        else:
            self.parts = {s.title: s.path for s in xlsx_fast.sheets(self.zf)}
            self.sheetnames = list(self.parts)

    def rows(self, title: str, counter: dict) -> Iterator[tuple[int, list]]:
        if self.ods:
            for _t, n, values in ods.iter_sheet_rows(
                self.zf, lambda t, _v: t == title, self.name, counter, 1
            ):
                yield n, values
            return
        refuse_merged_cells_in(self.zf, self.parts[title], title, self.name)
        yield from xlsx_reader(self.zf, self.parts[title], counter)

    def has(self, title: str) -> bool:
        return ods.has_sheet(self.zf, title) if self.ods else title in self.parts

    def close(self) -> None:
        self.zf.close()


def _unreadable(name: str, kind: str, exc) -> FileProblem:
    return FileProblem(
        gettext("%(name)s: is not a readable %(kind)s (%(exc)s); it may be truncated")
        % {"name": name, "kind": kind, "exc": exc}
    )


def open_xlsx_template(path: Path, display_name: str | None = None) -> TemplateTable:
    """A filled template, XLSX or ODS (the same template saved by LibreOffice or Google
    Sheets), read as the long layout."""
    from xml.parsers.expat import ExpatError

    name = display_name or path.name
    fh = path.open("rb")
    kind = "XLSX workbook"
    try:
        wb = _Workbook(fh, name)
        kind = wb.kind
        meta = _read_meta(wb, name)
    except FileProblem:
        fh.close()
        raise
    except (*BROKEN_WORKBOOK, ExpatError, IndexError) as exc:
        fh.close()
        raise _unreadable(name, kind, exc) from None
    try:
        version = meta.get("version")
        reader = READERS.get(version)
        if reader is None:
            newest = max(READERS)
            if isinstance(version, int) and version > newest:
                raise FileProblem(
                    gettext(
                        "%(name)s: is a version %(version)s template, newer than this installation reads (versions %(items)s); update Common Measure, or download a new template (version %(newest)s) and fill that in"
                    )
                    % {
                        "name": name,
                        "version": version,
                        "items": ", ".join(map(str, sorted(READERS))),
                        "newest": newest,
                    }
                )
            raise FileProblem(
                gettext(
                    "%(name)s: has template version %(version)r, which cannot be read; download a new template (version %(newest)s) and fill that in"
                )
                % {"name": name, "version": version, "newest": newest}
            )
        return reader(wb, fh, meta, name, path.stat().st_size)
    except (*BROKEN_WORKBOOK, ExpatError, IndexError) as exc:
        wb.close()
        fh.close()
        raise _unreadable(name, kind, exc) from None
    except BaseException:
        wb.close()
        fh.close()
        raise


def _read_meta(wb: _Workbook, name: str) -> dict:
    if not wb.has(META_SHEET):
        raise FileProblem(
            gettext("%(name)s: is not a Common Measure template (no %(META_SHEET)s sheet)")
            % {"name": name, "META_SHEET": META_SHEET}
        )
    meta: dict = {"columns": []}
    for _n, row in wb.rows(META_SHEET, {"rows": 0}):
        row = [*row, None, None, None, None]
        if row[0] is None:
            continue
        if row[0] == "column":
            meta["columns"].append((row[1], row[2] or "", row[3] or ""))
        else:
            meta[row[0]] = row[1]
    if meta.get("format") != FORMAT:
        raise FileProblem(
            gettext("%(name)s: is not a Common Measure template (format %(get)r)")
            % {"name": name, "get": meta.get("format")}
        )
    return meta


def _read_v1(wb: _Workbook, fh, meta: dict, name: str, size: int) -> TemplateTable:
    from xml.parsers.expat import ExpatError

    from openpyxl.utils import column_index_from_string, get_column_letter

    sheet = meta.get("sheet") or FILL_SHEET
    if not wb.has(sheet):
        raise FileProblem(
            gettext("%(name)s: the template's sheet %(sheet)r is missing")
            % {"name": name, "sheet": sheet}
        )
    first_row = int(meta.get("first_row") or FIRST_ROW)
    comment_col = column_index_from_string(meta["comment_column"])
    value_cols = []  # (sheet column index, {dimension: category})
    dim_codes: list[str] = []
    for letter, key, _label in meta["columns"]:
        cats = dict(part.split("=", 1) for part in key.split(";") if part)
        value_cols.append((column_index_from_string(letter), cats))
        dim_codes += [d for d in cats if d not in dim_codes]
    org = str(meta.get("organisation") or "")
    header = [*LONG_HEADER, *dim_codes, "value", "comment"]
    known = {1, 2, 3, 4, comment_col, *(c for c, _ in value_cols)}
    width = max(known)
    result = TemplateTable(
        Table(name, header, iter(()), size, lambda: 0),
        str(meta.get("initiative") or ""),
        org,
        1,
        comment_col=comment_col,
        sheet=sheet,
    )
    counter = {"rows": 0}
    sheet_rows = wb.rows(sheet, counter)  # opened here: merged cells are refused at once
    if not wb.ods:
        sheet_rows = itertools.chain([next(sheet_rows, (0, []))], sheet_rows)

    def rows() -> Iterator[tuple[int, list]]:
        n = 1
        try:
            for r, values in sheet_rows:
                if r < first_row:
                    continue
                values = list(values)
                values += [None] * (width - len(values))
                for i, v in enumerate(values, start=1):
                    if i not in known and v not in (None, ""):
                        raise FileProblem(
                            gettext(
                                "%(name)s: sheet %(sheet)r, cell %(get_column_letter)s%(r)s is outside the template's columns; values there would be lost, so the file is refused"
                            )
                            % {
                                "name": name,
                                "sheet": sheet,
                                "get_column_letter": get_column_letter(i),
                                "r": r,
                            },
                            row=r,
                            column=get_column_letter(i),
                        )
                comment = _cell(values[comment_col - 1])
                code, period = _cell(values[1]), _cell(values[3])
                for col, cats in value_cols:
                    value = values[col - 1]
                    if value is None:
                        continue
                    if value == "" or (type(value) is str and not value.strip()):
                        continue
                    n += 1
                    result.rows.append(r)
                    result.cols.append(col)
                    yield (
                        n,
                        [org, code, period, *(cats.get(d, "") for d in dim_codes), value, comment],
                    )
        except (*BROKEN_WORKBOOK, ExpatError, IndexError) as exc:
            raise FileProblem(
                gettext("%(name)s: the workbook cannot be read past row %(counter)s (%(exc)s)")
                % {"name": name, "counter": counter["rows"], "exc": exc}
            ) from None
        finally:
            wb.close()
            fh.close()

    result.table.rows = rows()
    result.table.position = lambda: counter["rows"]
    return result


def _cell(value) -> str | object:
    return "" if value is None else value


READERS = {1: _read_v1}  # template version -> reader; keep old readers so old templates import


def csv_template_version(line: bytes) -> int | str | None:
    """The version on a CSV template's marker line, whatever separators, spaces or quotes a
    spreadsheet program padded it with, in UTF-8 or Windows-1252; None if there is none."""
    text = line.decode("utf-8-sig", errors="replace").strip()
    found = _CSV_MARKER_RE.match(text)
    if found is None:
        return None
    word = found.group(1)
    return int(word) if word.isdigit() else word


def open_csv_template(path: Path, display_name: str | None = None) -> Table:
    """The CSV template: the long layout after its marker line; rows left without a value are skipped."""
    name = display_name or path.name
    with path.open("rb") as fh:
        first = fh.readline()
    version = csv_template_version(first)
    if version != VERSION:
        raise FileProblem(
            gettext(
                "%(name)s: has CSV template version %(version)r; this installation reads version %(VERSION)s: download a new template and fill that in"
            )
            % {"name": name, "version": version, "VERSION": VERSION},
            row=1,
        )
    fd, body_name = tempfile.mkstemp(suffix=".csv")
    body = Path(body_name)
    with os.fdopen(fd, "wb") as out, path.open("rb") as fh:
        fh.readline()
        shutil.copyfileobj(
            fh, out, 1 << 20
        )  # the file after its marker line, without holding it in memory
    try:
        table = open_table(body, name)
    finally:
        body.unlink()  # the reader keeps the file open, and an open file stays readable on POSIX
    return _long_rows(table, offset=1)


def marked_table(table: Table, name: str) -> Table | None:
    """The CSV template opened in a spreadsheet program and saved as a workbook (XLSX, ODS):
    its marker in cell A1, the long layout below; None for any other table."""
    first = table.header[0] if table.header else None
    if not isinstance(first, str) or not first.lstrip().startswith(("#", '"')):
        return None
    version = csv_template_version(first.encode())
    if version is None:
        return None
    if version != VERSION:
        table.rows.close()
        raise FileProblem(
            gettext(
                "%(name)s: has CSV template version %(version)r; this installation reads version %(VERSION)s: download a new template and fill that in"
            )
            % {"name": name, "version": version, "VERSION": VERSION},
            row=1,
        )
    _n, header = next(table.rows, (0, []))
    header = ["" if h is None else str(h) for h in header]
    while header and header[-1] == "":
        header.pop()
    if not header:
        table.rows.close()
        raise FileProblem(
            gettext("%(name)s: the template's column headings (row 2) are missing")
            % {"name": name},
            row=2,
        )
    table.header = header
    width = len(header)
    inner = table.rows
    table.rows = (  # a workbook's row stops at its last filled cell
        (n, cells + [""] * (width - len(cells)) if len(cells) < width else cells)
        for n, cells in inner
    )
    return _long_rows(table, offset=0)


def _long_rows(table: Table, offset: int) -> Table:
    """Rows left without a value are skipped; text the export neutralised reads as written."""
    try:
        i_val = [str(h).strip().lower() for h in table.header].index("value")
    except ValueError:
        return table
    inner = table.rows
    table.rows = (
        (n + offset, [_unprefixed(c) for c in cells])
        for n, cells in inner
        if i_val >= len(cells) or str(cells[i_val]).strip() != ""
    )
    return table


def _unprefixed(cell):
    """The text as written before the template's export put an apostrophe in front of it, so
    that a spreadsheet would not take it for a formula (tabular.write_csv)."""
    if type(cell) is str and cell[:1] == "'" and cell[1:2] and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def template_bytes(spec: TemplateSpec, fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        write_csv_template(spec, out)
        return out.getvalue().encode("utf-8")
    out = io.BytesIO()
    write_xlsx(spec, out)
    return out.getvalue()
