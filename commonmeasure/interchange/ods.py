"""A streaming reader of OpenDocument spreadsheets (ODS: LibreOffice's and Google Sheets' own
format, and what Numbers and Excel save as "OpenDocument"), on the standard library's expat.

It returns what the XLSX reader (xlsx_fast.py) returns for the same cells: numbers as int or
float, text, True/False, dates as datetime, a formula as its text beginning with "="
(``cells.Formula``, never calculated), a percentage as ``cells.Percent`` (the fraction).
Repeated rows and columns (how ODS stores identical neighbours and the empty rest of a sheet)
are expanded only where they hold a value; cell comments (annotations) are not part of a
cell's text. The sheet's XML is parsed as it is decompressed, a row at a time.

See docs/reference/values-file.md, "Files from other programs".
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from xml.parsers import expat

from commonmeasure.domain.translation import gettext

from .cells import Formula, Percent
from .errors import FileProblem

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0|"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0|"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0|"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0|"
MAX_REPEAT = 16_384  # more copies of a filled cell or row than a sheet has columns: refused
FEED = 1 << 20


def is_ods(zf: zipfile.ZipFile) -> bool:
    try:
        return zf.read("mimetype").strip() == ODS_MIMETYPE
    except KeyError:
        return False


def has_sheet(zf: zipfile.ZipFile, title: str) -> bool:
    """True if content.xml names a sheet ``title`` (a byte scan, no parsing)."""
    needle = f'table:name="{title}"'.encode()
    tail = b""
    with zf.open("content.xml") as part:
        while chunk := part.read(FEED):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def cell_ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col + 1)}{row}"


def iter_sheet_rows(
    zf: zipfile.ZipFile,
    wanted: Callable[[str, bool], bool],
    name: str,
    counter: dict,
    limit: int | None = None,
) -> Iterator[tuple[str, int, list]]:
    """(sheet title, row number, cell values) of each row holding a value, in the sheets that
    ``wanted(title, visible)`` accepts; stops after ``limit`` such sheets."""
    hidden_styles: set[str] = set()
    ready: list[tuple[str, int, list]] = []
    st = {
        "style": None,  # the automatic table style being read
        "sheet": None,  # title of the sheet being read, if wanted
        "read": 0,  # wanted sheets begun
        "row": 0,
        "row_repeat": 1,
        "col": 0,
        "cell": None,  # (value or None, repeat) of the cell being read
        "text": None,  # pieces of the cell's text, or None outside text
        "paragraphs": 0,
        "skip": 0,  # depth inside an annotation
    }
    values: list = []

    def start(tag, attrs):
        if st["skip"]:
            st["skip"] += 1
            return
        if tag == _STYLE + "style":
            st["style"] = attrs.get(_STYLE + "name")
        elif tag == _STYLE + "table-properties":
            if attrs.get(_TABLE + "display") == "false" and st["style"]:
                hidden_styles.add(st["style"])
        elif tag == _TABLE + "table":
            title = attrs.get(_TABLE + "name", "")
            visible = attrs.get(_TABLE + "style-name") not in hidden_styles
            st["sheet"] = title if wanted(title, visible) else None
            st["read"] += st["sheet"] is not None
            st["row"] = 0
        elif st["sheet"] is None:
            return
        elif tag == _TABLE + "table-row":
            st["row_repeat"] = _repeat(attrs.get(_TABLE + "number-rows-repeated"))
            st["col"] = 0
            values.clear()
        elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            if (
                _repeat(attrs.get(_TABLE + "number-columns-spanned")) > 1
                or _repeat(attrs.get(_TABLE + "number-rows-spanned")) > 1
            ):
                raise FileProblem(
                    gettext(
                        "%(name)s: sheet %(st)r has merged cells (%(cell_ref)s); unmerge them so that every value sits in its own cell, and import the file again"
                    )
                    % {
                        "name": name,
                        "st": st["sheet"],
                        "cell_ref": cell_ref(st["row"] + 1, st["col"]),
                    }
                )
            st["cell"] = [_value(attrs), _repeat(attrs.get(_TABLE + "number-columns-repeated"))]
            st["text"] = [] if st["cell"][0] is _TEXT_VALUE else None
            st["paragraphs"] = 0
        elif tag == _OFFICE + "annotation":
            st["skip"] = 1
        elif st["text"] is not None:
            if tag == _TEXT + "p" or tag == _TEXT + "h":
                if st["paragraphs"]:
                    st["text"].append("\n")
                st["paragraphs"] += 1
            elif tag == _TEXT + "s":
                st["text"].append(" " * _repeat(attrs.get(_TEXT + "c")))
            elif tag == _TEXT + "tab":
                st["text"].append("\t")
            elif tag == _TEXT + "line-break":
                st["text"].append("\n")

    def end(tag):
        if st["skip"]:
            st["skip"] -= 1
            return
        if tag == _STYLE + "style":
            st["style"] = None
        elif tag == _TABLE + "table":
            done = st["sheet"] is not None and st["read"] == limit
            st["sheet"] = None
            if done:
                raise _Done
        elif st["sheet"] is None:
            return
        elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            value, repeat = st["cell"]
            if value is _TEXT_VALUE:
                value = "".join(st["text"])
            st["text"] = None
            if value is not None and value != "":
                if repeat > MAX_REPEAT:
                    raise FileProblem(
                        gettext(
                            "%(name)s: sheet %(st)r repeats a cell %(repeat)s times in row %(value)s; it cannot be read"
                        )
                        % {
                            "name": name,
                            "st": st["sheet"],
                            "repeat": repeat,
                            "value": st["row"] + 1,
                        },
                        row=st["row"] + 1,
                    )
                if len(values) < st["col"]:
                    values.extend([None] * (st["col"] - len(values)))
                values.extend([value] * repeat)
            st["col"] += repeat
        elif tag == _TABLE + "table-row":
            repeat = st["row_repeat"]
            if values:
                if repeat > MAX_REPEAT:
                    raise FileProblem(
                        gettext(
                            "%(name)s: sheet %(st)r repeats row %(value)s %(repeat)s times; it cannot be read"
                        )
                        % {
                            "name": name,
                            "st": st["sheet"],
                            "value": st["row"] + 1,
                            "repeat": repeat,
                        },
                        row=st["row"] + 1,
                    )
                for _ in range(repeat):
                    st["row"] += 1
                    ready.append((st["sheet"], st["row"], list(values)))
            else:
                st["row"] += repeat
            counter["rows"] = st["row"]

    def text(data):
        if st["text"] is not None and not st["skip"] and st["paragraphs"]:
            st["text"].append(data)

    parser = expat.ParserCreate(namespace_separator="|")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with zf.open("content.xml") as part:
        try:
            while True:
                chunk = part.read(FEED)
                parser.Parse(chunk, not chunk)
                yield from ready
                ready.clear()
                if not chunk:
                    return
        except _Done:
            yield from ready


class _Done(Exception):
    """The last wanted sheet has been read."""


_TEXT_VALUE = object()  # the cell's value is its text


def _repeat(text: str | None) -> int:
    if not text:
        return 1
    try:
        return max(int(text), 1)
    except ValueError:
        return 1


def _value(attrs: dict):
    formula = attrs.get(_TABLE + "formula")
    if formula:
        body = formula.split(":", 1)[1] if formula[:4] in ("of:=", "oooc") else formula
        return Formula(body if body.startswith("=") else "=" + body)
    kind = attrs.get(_OFFICE + "value-type")
    if kind is None:
        return None
    if kind in ("float", "currency"):
        raw = attrs.get(_OFFICE + "value", "")
        return _number(raw)
    if kind == "percentage":
        number = _number(attrs.get(_OFFICE + "value", ""))
        return None if number is None else Percent(number)
    if kind == "date":
        raw = attrs.get(_OFFICE + "date-value", "")
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return _TEXT_VALUE
    if kind == "boolean":
        return attrs.get(_OFFICE + "boolean-value", "").lower() == "true"
    return _TEXT_VALUE  # string, time: as shown


def _number(raw: str):
    if not raw:
        return None
    try:
        return float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
    except ValueError:
        return None
