"""Read a table from CSV, XLSX or ODS as a header and rows of text cells, streaming.

Every format yields ``(row_number, cells)`` where row 1 is the header and cells are strings
(or numbers, dates and booleans, from a workbook). Formulas are never evaluated: a cell holding
a formula is read as its formula text, typed ``cells.Formula``, which every import refuses,
naming its row and column; a number shown as a percentage is typed ``cells.Percent``.

CSV: UTF-8 (with or without a byte order mark), else Windows-1252 (noted in ``Table.notes``);
the separator (comma, semicolon or tab) is taken from the header line; with semicolons, a
decimal comma in the value column is read as a decimal point (and noted, if one was). XLSX and
ODS: the zip's sizes are checked before anything is decompressed (zip bombs), merged cells are
refused, hidden sheets ignored, the workbook's date system (1900 or 1904) honoured.
See docs/reference/values-file.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from commonmeasure.domain.translation import gettext, gettext_noop

from . import ods, xlsx_fast
from .cells import neutralised
from .errors import FileProblem

XLSX_MAGIC = b"PK\x03\x04"
# A workbook is refused before it is decompressed if its parts would grow past these: real
# workbooks compress about 5-20 times; a zip bomb, thousands of times.
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3
MAX_XLSX_RATIO = 200
RATIO_CHECKED_FROM = 1024**2  # parts smaller than this are not checked for their ratio
DELIMITERS = (",", ";", "\t")
_DECIMAL_COMMA_RE = re.compile(r"^\s*[+-]?\d*,\d+\s*$")


@dataclass
class Table:
    name: str
    header: list[str]
    rows: Iterator[tuple[int, list]]
    size: int  # bytes, for progress
    position: callable  # () -> bytes read so far (CSV) or rows read (XLSX)
    notes: list[str] = field(default_factory=list)  # how the file was read, e.g. its encoding


def open_table(
    path: str | Path, display_name: str | None = None, decimal_comma: tuple[str, ...] = ("value",)
) -> Table:
    """The table of a CSV, XLSX or ODS file. ``decimal_comma``: the columns (header names, in
    lower case) where, in a CSV file separated by semicolons, "12,5" is read as 12.5."""
    path = Path(path)
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProblem(
            gettext("%(name)s: cannot be read (%(strerror)s)")
            % {"name": name, "strerror": exc.strerror}
        ) from exc
    if size == 0:
        raise FileProblem(gettext("%(name)s: the file is empty") % {"name": name})
    with path.open("rb") as fh:
        head = fh.read(8192)
    suffix = path.suffix.lower()
    if head.startswith(XLSX_MAGIC) or suffix in (".xlsx", ".xlsm", ".ods"):
        if not head.startswith(XLSX_MAGIC):
            kind = (
                gettext("an ODS spreadsheet") if suffix == ".ods" else gettext("an XLSX workbook")
            )
            raise FileProblem(
                gettext("%(name)s: is named %(suffix)s but is not %(kind)s")
                % {"name": name, "suffix": suffix, "kind": kind}
            )
        return _require_rows(_open_xlsx(path, name, size))
    if b"\x00" in head:
        raise FileProblem(
            gettext("%(name)s: is neither a CSV text file nor an XLSX or ODS spreadsheet")
            % {"name": name}
        )
    return _require_rows(_open_csv(path, name, size, decimal_comma))


def _require_rows(table: Table) -> Table:
    """A file with a header and no rows is as empty as one without a header."""
    for row_number, cells in table.rows:
        if any(str(c).strip() for c in cells):
            table.rows = itertools.chain([(row_number, cells)], table.rows)
            return table
    raise FileProblem(
        gettext("%(name)s: the file has a header but no rows of values") % {"name": table.name}
    )


def _open_csv(path: Path, name: str, size: int, number_columns=("value",)) -> Table:
    notes = []
    encoding = "utf-8-sig"
    if _first_bad_byte(path) is not None:
        bad = _first_cp1252_gap(path)
        if bad is not None:
            line, byte = bad
            raise FileProblem(
                gettext(
                    "%(name)s: is neither UTF-8 nor Windows-1252 text (byte 0x%(byte)02x on line %(line)s). Save the file as 'CSV UTF-8' and import it again."
                )
                % {"name": name, "byte": byte, "line": line},
                row=line,
            )
        encoding = "cp1252"
        notes.append(gettext("The file is not UTF-8; it was read as Windows-1252."))
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
    delimiter = _sniff_delimiter(path, encoding)
    if delimiter != ",":
        notes.append(
            gettext("Columns are separated by semicolons.")
            if delimiter == ";"
            else gettext("Columns are separated by tabs.")
        )
    reader = csv.reader(text, strict=True, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raw.close()
        raise FileProblem(gettext("%(name)s: the file is empty") % {"name": name}) from None
    except UnicodeDecodeError as exc:
        raw.close()
        raise _encoding_problem(path, name, exc, 1) from None
    except csv.Error as exc:
        raw.close()
        raise FileProblem(
            gettext("%(name)s: the header cannot be read as CSV (%(exc)s)")
            % {"name": name, "exc": exc},
            row=1,
        ) from None
    if not any(cell.strip() for cell in header):
        raw.close()
        raise FileProblem(
            gettext("%(name)s: the first row must be a header") % {"name": name}, row=1
        )
    # With semicolons, "12,5" in a number column is 12.5; with commas it cannot occur unquoted.
    decimal_comma = (
        [i for i, h in enumerate(header) if h.strip().lower() in number_columns]
        if delimiter == ";"
        else []
    )
    where = (
        gettext("the value column")
        if tuple(number_columns) == ("value",)
        else gettext("the columns %(columns)s") % {"columns": ", ".join(number_columns)}
    )
    comma_note = gettext("Decimal commas in %(where)s were read as decimal points.") % {
        "where": where
    }

    def rows() -> Iterator[tuple[int, list]]:
        row_number = 1  # the row last read: a problem is in the row after it
        try:
            if not decimal_comma:  # the usual case, kept to the bare loop (a million rows)
                for cells in reader:
                    row_number += 1
                    yield row_number, cells
                return
            for cells in reader:
                row_number += 1
                for i in decimal_comma:
                    if i < len(cells) and "," in cells[i] and _DECIMAL_COMMA_RE.match(cells[i]):
                        cells[i] = cells[i].replace(",", ".")
                        if comma_note not in notes:  # said only if a decimal comma was read
                            notes.append(comma_note)
                yield row_number, cells
        except UnicodeDecodeError as exc:
            raise _encoding_problem(path, name, exc, row_number + 1) from None
        except csv.Error as exc:
            raise FileProblem(
                gettext(
                    "%(name)s: row %(value)s cannot be read as CSV (%(exc)s); the file may be truncated"
                )
                % {"name": name, "value": row_number + 1, "exc": exc},
                row=row_number + 1,
            ) from None
        finally:
            raw.close()

    def position() -> (
        int
    ):  # bytes read so far; the whole file once the rows are read and it is closed
        return size if raw.closed else raw.tell()

    return Table(name, header, rows(), size, position, notes)


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """The separator used most often outside quotes on the header line; a comma on a tie."""
    with path.open("rb") as fh:
        line = fh.readline(65536).decode(encoding, errors="replace")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first (the comma) on a tie
    return best if counts[best] else ","


_CP1252_GAPS = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")  # the bytes Windows-1252 leaves undefined


def _first_cp1252_gap(path: Path) -> tuple[int, int] | None:
    """(line, byte) of the first byte Windows-1252 cannot decode, or None."""
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            found = _CP1252_GAPS.search(chunk)
            if found:
                return line + chunk.count(b"\n", 0, found.start()), chunk[found.start()]
            line += chunk.count(b"\n")
    return None


def _encoding_problem(path: Path, name: str, exc: UnicodeDecodeError, row: int) -> FileProblem:
    """Text is decoded in blocks, so the error names the line of the first bad byte, found again."""
    found = _first_bad_byte(path)
    line, bad = found if found else (row, exc.object[exc.start : exc.start + 1][0])
    return FileProblem(
        gettext(
            "%(name)s: is not UTF-8 text (byte 0x%(bad)02x on line %(line)s). Save the file as 'CSV UTF-8' and import it again."
        )
        % {"name": name, "bad": bad, "line": line},
        row=line,
    )


def _first_bad_byte(path: Path) -> tuple[int, int] | None:
    """(line number counted from 1, byte) of the first byte that is not UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                offset = max(
                    exc.start - (len(exc.object) - len(chunk)), 0
                )  # exc.object may hold a partial character from the last block
                return line + chunk.count(b"\n", 0, offset), exc.object[exc.start]
            line += chunk.count(b"\n")
    return None


# What a damaged or truncated workbook raises while it is read (zlib, zip, XML parser, openpyxl).
BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    OSError,
    ValueError,
    SyntaxError,
)


def _open_xlsx(path: Path, name: str, size: int) -> Table:
    """The first visible sheet of an XLSX or ODS workbook."""
    from xml.parsers.expat import ExpatError

    broken = (*BROKEN_WORKBOOK, ExpatError, IndexError)
    fh = path.open("rb")  # a file object, so that a workbook is read whatever its name ends with
    zf = None

    def close() -> None:
        if zf is not None:
            zf.close()
        fh.close()

    kind = gettext_noop("XLSX workbook")  # translated where it is shown
    counter = {"rows": 0}
    try:
        zf = zipfile.ZipFile(fh)
        check_zip_sizes(zf, name)
        bad = zf.testzip()
        if bad is not None:
            raise FileProblem(
                gettext("%(name)s: the workbook is damaged (%(bad)s is corrupt)")
                % {"name": name, "bad": bad}
            )
        if ods.is_ods(zf):
            kind = gettext_noop("ODS spreadsheet")
            found = {}

            def first_visible(title: str, visible: bool) -> bool:
                if visible and not found:
                    found["title"] = title
                    return True
                return False

            it = (
                (n, values)
                for _t, n, values in ods.iter_sheet_rows(zf, first_visible, name, counter, 1)
            )
            title = lambda: found.get("title", "")  # noqa: E731 (known once the sheet starts)
        else:
            sheets = [s for s in xlsx_fast.sheets(zf) if s.state == "visible"]
            if not sheets:
                raise FileProblem(
                    gettext("%(name)s: the workbook has no visible sheet") % {"name": name}
                )
            sheet = sheets[0]
            refuse_merged_cells_in(zf, sheet.path, sheet.title, name)
            it = xlsx_reader(zf, sheet.path, counter)
            title = lambda: sheet.title  # noqa: E731
    except FileProblem:
        close()
        raise
    except broken as exc:
        close()
        raise FileProblem(
            gettext("%(name)s: is not a readable %(kind)s (%(exc)s); it may be truncated")
            % {"name": name, "kind": gettext(kind), "exc": exc}
        ) from None
    try:
        header_number, header_row = next(it)
    except StopIteration:
        close()
        if kind == "ODS spreadsheet" and not title():
            raise FileProblem(
                gettext("%(name)s: the spreadsheet has no visible sheet") % {"name": name}
            ) from None
        raise FileProblem(
            gettext("%(name)s: sheet %(title)r is empty") % {"name": name, "title": title()}
        ) from None
    except FileProblem:
        close()
        raise
    except broken as exc:
        close()
        raise FileProblem(
            gettext("%(name)s: is not a readable %(kind)s (%(exc)s); it may be truncated")
            % {"name": name, "kind": gettext(kind), "exc": exc}
        ) from None
    if header_number != 1:
        close()
        raise FileProblem(
            gettext("%(name)s: the first row of sheet %(title)r must be a header")
            % {"name": name, "title": title()},
            row=1,
        )
    header = ["" if c is None else str(c) for c in header_row]
    while header and header[-1] == "":
        header.pop()
    if not header:
        close()
        raise FileProblem(
            gettext("%(name)s: the first row of sheet %(title)r must be a header")
            % {"name": name, "title": title()},
            row=1,
        )
    width = len(header)

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for row_number, values in it:
                cells = ["" if v is None else v for v in values]
                if len(cells) < width:  # a row stops at its last filled cell
                    cells += [""] * (width - len(cells))
                if all(c == "" for c in cells):
                    continue
                yield row_number, cells
        except broken as exc:
            raise FileProblem(
                gettext("%(name)s: the workbook cannot be read past row %(counter)s (%(exc)s)")
                % {"name": name, "counter": counter["rows"], "exc": exc}
            ) from None
        finally:
            close()

    return Table(name, header, rows(), size, lambda: counter["rows"])


def xlsx_reader(zf: zipfile.ZipFile, sheet_path: str, counter: dict):
    """The rows of one sheet of an open XLSX workbook, in the workbook's own date system."""
    strings = xlsx_fast.shared_strings(zf)
    dates, percents = xlsx_fast.number_styles(zf)
    return xlsx_fast.iter_rows(
        zf, sheet_path, strings, dates, counter, percents, xlsx_fast.epoch(zf)
    )


def check_zip_sizes(zf: zipfile.ZipFile, name: str, what: str = gettext_noop("workbook")) -> None:
    """Refuse a zip whose parts would decompress to far more than a workbook (or any other
    zip this system reads: ``what`` names it in the message) ever does."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size >= RATIO_CHECKED_FROM and info.file_size > MAX_XLSX_RATIO * max(
            info.compress_size, 1
        ):
            raise FileProblem(
                gettext(
                    "%(name)s: is not a %(what)s that can be read safely: its part %(filename)s would grow %(value)s times when unpacked (a zip bomb?)"
                )
                % {
                    "name": name,
                    "what": gettext(what),
                    "filename": info.filename,
                    "value": info.file_size // max(info.compress_size, 1),
                }
            )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise FileProblem(
            gettext(
                "%(name)s: is not a %(what)s that can be read safely: it would unpack to %(value)s MB, more than %(value2)s MB"
            )
            % {
                "name": name,
                "what": gettext(what),
                "value": total // 1024**2,
                "value2": MAX_XLSX_UNCOMPRESSED // 1024**2,
            }
        )


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def refuse_merged_cells(wb, ws, name: str) -> None:
    """As refuse_merged_cells_in, for a sheet openpyxl opened read-only."""
    path = getattr(
        ws, "_worksheet_path", None
    )  # openpyxl's read-only sheets keep their part name here
    archive = getattr(wb, "_archive", None)
    if path and archive is not None:
        refuse_merged_cells_in(archive, path, ws.title, name)


def refuse_merged_cells_in(zf: zipfile.ZipFile, path: str, title: str, name: str) -> None:
    """Merged cells hide which row a value belongs to, so a sheet with any is refused.

    The sheet's XML is scanned as it is decompressed (merged ranges are listed after the rows).
    """
    tail = b""
    with zf.open(path) as part:
        while chunk := part.read(1 << 20):
            block = tail + chunk
            found = _MERGE_RE.search(block)
            if found:
                ref = found.group(1).decode()
                raise FileProblem(
                    gettext(
                        "%(name)s: sheet %(title)r has merged cells (%(ref)s); unmerge them so that every value sits in its own cell, and import the file again"
                    )
                    % {"name": name, "title": title, "ref": ref}
                )
            tail = block[-200:]


def write_csv(fh: IO[str], header: list[str], rows) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(c) for c in row])


def _safe_cell(value):
    """Keep a cell from turning into a formula in someone's spreadsheet (numbers stay numbers)."""
    return neutralised(value, numbers_too=False)
