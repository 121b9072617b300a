"""Read a table from CSV or XLSX as a header and rows of text cells, streaming.

Both formats yield ``(row_number, cells)`` where row 1 is the header and cells are strings
(or numbers, from XLSX). Formulas are never evaluated: a cell holding a formula is read as
its formula text, which then fails validation as a number.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import FileProblem

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    name: str
    header: list[str]
    rows: Iterator[tuple[int, list]]
    size: int  # bytes, for progress
    position: callable  # () -> bytes read so far (CSV) or rows read (XLSX)


def open_table(path: str | Path, display_name: str | None = None) -> Table:
    path = Path(path)
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProblem(f"{name}: cannot be read ({exc.strerror})") from exc
    if size == 0:
        raise FileProblem(f"{name}: the file is empty")
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if head.startswith(XLSX_MAGIC) or suffix in (".xlsx", ".xlsm"):
        if not head.startswith(XLSX_MAGIC):
            raise FileProblem(f"{name}: is named .xlsx but is not an XLSX workbook")
        return _require_rows(_open_xlsx(path, name, size))
    return _require_rows(_open_csv(path, name, size))


def _require_rows(table: Table) -> Table:
    """A file with a header and no rows is as empty as one without a header."""
    for row_number, cells in table.rows:
        if any(str(c).strip() for c in cells):
            table.rows = itertools.chain([(row_number, cells)], table.rows)
            return table
    raise FileProblem(f"{table.name}: the file has a header but no rows of values")


def _open_csv(path: Path, name: str, size: int) -> Table:
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raw.close()
        raise FileProblem(f"{name}: the file is empty") from None
    except UnicodeDecodeError as exc:
        raw.close()
        raise _encoding_problem(path, name, exc, 1) from None
    except csv.Error as exc:
        raw.close()
        raise FileProblem(f"{name}: the header cannot be read as CSV ({exc})", row=1) from None
    if not any(cell.strip() for cell in header):
        raw.close()
        raise FileProblem(f"{name}: the first row must be a header", row=1)

    def rows() -> Iterator[tuple[int, list]]:
        try:
            row_number = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as exc:
                    raise _encoding_problem(path, name, exc, row_number + 1) from None
                except csv.Error as exc:
                    raise FileProblem(
                        f"{name}: row {row_number + 1} cannot be read as CSV ({exc}); the file may be truncated",
                        row=row_number + 1,
                    ) from None
                row_number += 1
                yield row_number, cells
        finally:
            raw.close()

    def position() -> int:  # bytes read so far; the whole file once the rows are read and it is closed
        return size if raw.closed else raw.tell()

    return Table(name, header, rows(), size, position)


def _encoding_problem(path: Path, name: str, exc: UnicodeDecodeError, row: int) -> FileProblem:
    """Text is decoded in blocks, so the error names the line of the first bad byte, found again."""
    found = _first_bad_byte(path)
    line, bad = found if found else (row, exc.object[exc.start : exc.start + 1][0])
    return FileProblem(
        f"{name}: is not UTF-8 text (byte 0x{bad:02x} on line {line}). "
        "Save the file as 'CSV UTF-8' and import it again.",
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
                offset = max(exc.start - (len(exc.object) - len(chunk)), 0)  # exc.object may hold a partial character from the last block
                return line + chunk.count(b"\n", 0, offset), exc.object[exc.start]
            line += chunk.count(b"\n")
    return None


# What a damaged or truncated workbook raises while it is read (zlib, zip, XML parser, openpyxl).
_BROKEN_WORKBOOK = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, SyntaxError)


def _open_xlsx(path: Path, name: str, size: int) -> Table:
    from openpyxl import load_workbook

    fh = path.open("rb")  # a file object, so that a workbook is read whatever its name ends with

    def close() -> None:
        wb.close()
        fh.close()

    try:
        with zipfile.ZipFile(fh) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise FileProblem(f"{name}: the workbook is damaged ({bad} is corrupt)")
        fh.seek(0)
        wb = load_workbook(fh, read_only=True, data_only=False)
    except FileProblem:
        fh.close()
        raise
    except _BROKEN_WORKBOOK as exc:
        fh.close()
        raise FileProblem(f"{name}: is not a readable XLSX workbook ({exc}); it may be truncated") from None
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if not sheets:
        close()
        raise FileProblem(f"{name}: the workbook has no visible sheet")
    ws = sheets[0]
    it = ws.iter_rows(values_only=True)
    counter = {"rows": 0}
    try:
        header_row = next(it)
    except StopIteration:
        close()
        raise FileProblem(f"{name}: sheet {ws.title!r} is empty") from None
    header = ["" if c is None else str(c) for c in header_row]
    while header and header[-1] == "":
        header.pop()
    if not header:
        close()
        raise FileProblem(f"{name}: the first row of sheet {ws.title!r} must be a header", row=1)

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for row_number, values in enumerate(it, start=2):
                counter["rows"] = row_number
                cells = ["" if v is None else v for v in values]
                if all(c == "" for c in cells):
                    continue
                yield row_number, cells
        except _BROKEN_WORKBOOK as exc:
            raise FileProblem(f"{name}: the workbook cannot be read past row {counter['rows']} ({exc})") from None
        finally:
            close()

    return Table(name, header, rows(), size, lambda: counter["rows"])


def write_csv(fh: IO[str], header: list[str], rows) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(c) for c in row])


def _safe_cell(value):
    """Keep a cell from turning into a formula in someone's spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
