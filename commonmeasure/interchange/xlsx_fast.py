"""A streaming reader of one XLSX worksheet's cell values, on the standard library's expat.

openpyxl's read-only mode parses each cell through ElementTree and, for a sheet without a
recorded size, reads the whole sheet once more before the first row: about 6,000 rows a second
here, well under the 20,000 the values import needs. This reader parses the sheet's XML with
expat as it is decompressed and keeps one row at a time, so memory stays flat.

It returns what openpyxl's read-only mode with ``data_only=False`` returns: numbers as int or
float, text, True/False, dates (cells with a date format) as datetime in the workbook's own
date system (1900, or 1904 where ``<workbookPr date1904="1"/>``), and a formula as its text
beginning with "=" (never evaluated), typed ``cells.Formula``; a number shown as a percentage
is typed ``cells.Percent`` (see cells.py).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from .cells import Formula, Percent

NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_COL_RE = re.compile(r"[A-Z]+")
FEED = 1 << 16


@dataclass
class SheetInfo:
    title: str
    state: str  # visible, hidden, veryHidden
    path: str  # e.g. xl/worksheets/sheet1.xml


def _parse(data: bytes, start=None, end=None, text=None) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    parser.Parse(data, True)


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def sheets(zf: zipfile.ZipFile) -> list[SheetInfo]:
    """The workbook's sheets in order, with their visibility and part names."""
    targets: dict[str, str] = {}

    def rel(name, attrs):
        if _local(name) == "Relationship":
            targets[attrs.get("Id")] = attrs.get("Target", "")

    _parse(zf.read("xl/_rels/workbook.xml.rels"), rel)
    found: list[SheetInfo] = []

    def sheet(name, attrs):
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            found.append(SheetInfo(attrs.get("name", ""), attrs.get("state", "visible"), path))

    _parse(zf.read("xl/workbook.xml"), sheet)
    return found


def shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        data = zf.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "skip": 0}

    def start(name, attrs):
        tag = _local(name)
        if tag == "si":
            parts.clear()
        elif tag in ("rPh", "phoneticPr"):  # phonetic guides are not part of the text
            state["skip"] += 1
        elif tag == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name):
        tag = _local(name)
        if tag == "si":
            strings.append("".join(parts))
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            parts.append(data)

    _parse(data, start, end, text)
    return strings


def date_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format is a date or time."""
    return number_styles(zf)[0]


def number_styles(zf: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """(indexes of the cell styles showing a date or time, those showing a percentage)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    try:
        data = zf.read("xl/styles.xml")
    except KeyError:
        return set(), set()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    state = {"in_xfs": False}

    def start(name, attrs):
        tag = _local(name)
        if tag == "numFmt":
            custom[int(attrs.get("numFmtId", 0))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            state["in_xfs"] = True
        elif tag == "xf" and state["in_xfs"]:
            xf_formats.append(int(attrs.get("numFmtId", 0)))

    def end(name):
        if _local(name) == "cellXfs":
            state["in_xfs"] = False

    _parse(data, start, end)
    dates, percents = set(), set()
    for index, fmt_id in enumerate(xf_formats):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
        if is_date_format(code):
            dates.add(index)
        elif _is_percent_format(code):
            percents.add(index)
    return dates, percents


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent_format(code: str) -> bool:
    """A number format that multiplies by 100 and shows "%" (outside quoted text)."""
    return "%" in _QUOTED.sub("", code.split(";")[0])


def epoch(zf: zipfile.ZipFile):
    """The workbook's date system: 1899-12-30 (Windows, the default) or 1904-01-01 (old Mac
    Excel, and LibreOffice documents whose null date is 1904)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    found = {"1904": False}

    def start(name, attrs):
        if _local(name) == "workbookPr":
            found["1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    _parse(zf.read("xl/workbook.xml"), start)
    return CALENDAR_MAC_1904 if found["1904"] else CALENDAR_WINDOWS_1900


def column_index(ref: str) -> int:
    """0-based column of a cell reference such as "C7"."""
    letters = _COL_RE.match(ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


_ROW_RE = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR_RE = re.compile(rb'\b([rst])="([^"]*)"')
_ROW_NUMBER_RE = re.compile(rb'\br="(\d+)"')
_V_RE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_F_RE = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_T_RE = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")


# One pass over a block: a row's start or end, a cell in the form every common writer uses
# (reference, style, type, then a value or an inline string), or any other cell, read slowly.
_TOKEN_RE = re.compile(
    rb"(<(?:\w+:)?row\b[^>]*>)"
    rb"|(</(?:\w+:)?row>)"
    rb'|<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)</c>'
    rb"|(<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>))",
    re.S,
)


def iter_rows(
    zf: zipfile.ZipFile,
    path: str,
    strings: list[str],
    dates: set[int],
    counter: dict,
    percents: set[int] = frozenset(),
    date_system=None,
) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of each row that has cells, as the sheet's XML is decompressed.

    The rows are found with one regular expression over the decompressed text, a block at a
    time (each block cut after its last complete row): the XML of a sheet's rows is regular,
    and this is several times faster than calling back into Python for every element. The
    workbook's other parts go through a real XML parser (expat).
    """
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900
    from openpyxl.utils.datetime import from_excel as excel_date

    base = date_system or CALENDAR_WINDOWS_1900

    def from_excel(number):
        return excel_date(number, base)

    columns: dict[bytes, int] = {}
    tail = b""
    row_number = 0
    row: list = []
    next_col = 0
    with zf.open(path) as part:
        while True:
            chunk = part.read(1 << 20)
            block = tail + chunk
            if chunk:
                cut = block.rfind(b"row>")
                if cut < 0:
                    tail = block
                    continue
                cut += 4
                block, tail = block[:cut], block[cut:]
            for row_start, row_end, letters, style, t, v, text, other in _TOKEN_RE.findall(block):
                if letters:
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = column_index(letters.decode())
                    if t == b"s":
                        value = strings[int(v)]
                    elif t == b"inlineStr":
                        value = _text(text) if text else None
                    elif not t or t == b"n":
                        if not v:
                            value = None
                        else:
                            value = float(v) if (b"." in v or b"E" in v or b"e" in v) else int(v)
                            if style and (dates or percents):
                                if int(style) in dates:
                                    value = from_excel(value)
                                elif int(style) in percents:
                                    value = Percent(value)
                    else:
                        value = _cell_value(
                            b"<v>" + v + b"</v>", t, int(style or 0), strings, dates, from_excel
                        )
                    next_col = col + 1
                elif other:
                    col, value = _any_cell(other, next_col, strings, dates, from_excel)
                    if type(value) is float or type(value) is int:
                        if percents and _style_of(other) in percents:
                            value = Percent(value)
                    next_col = col + 1
                elif row_end:
                    if row:
                        yield row_number, row
                    row = []
                    continue
                else:
                    found = _ROW_NUMBER_RE.search(row_start)
                    row_number = int(found.group(1)) if found else row_number + 1
                    counter["rows"] = row_number
                    next_col = 0
                    if row_start.endswith(b"/>"):
                        row = []
                    continue
                if value is None:
                    continue
                if col == len(row):
                    row.append(value)
                else:
                    if col > len(row):
                        row.extend([None] * (col + 1 - len(row)))
                    row[col] = value
            if not chunk:
                return


_STYLE_RE = re.compile(rb'\bs="(\d+)"')


def _style_of(xml: bytes) -> int:
    found = _STYLE_RE.search(xml[: xml.find(b">")])
    return int(found.group(1)) if found else 0


def _any_cell(xml: bytes, next_col: int, strings, dates, from_excel) -> tuple[int, object]:
    cell = _CELL_RE.match(xml)
    inner = cell.group(2) if cell else None
    ref = t = None
    style = 0
    for key, value in _ATTR_RE.findall(cell.group(1) if cell else b""):
        if key == b"r":
            ref = value
        elif key == b"t":
            t = value
        else:
            style = int(value)
    col = column_index(ref.decode()) if ref else next_col
    if not inner:
        return col, None
    return col, _cell_value(inner, t, style, strings, dates, from_excel)


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _cell_value(inner: bytes, t, style: int, strings, dates, from_excel):
    if b"<f" in inner or b":f" in inner:
        f = _F_RE.search(inner)
        if f is not None:
            return Formula("=" + _text(f.group(1)) if f.group(1) else "=(a shared formula)")
    if t == b"inlineStr":
        return "".join(_text(m.group(1) or b"") for m in _T_RE.finditer(inner))
    v = _V_RE.search(inner)
    if v is None:
        return None
    raw = v.group(1)
    if t is None or t == b"n":
        if not raw:
            return None
        number = float(raw) if (b"." in raw or b"E" in raw or b"e" in raw) else int(raw)
        return from_excel(number) if style in dates else number
    if t == b"s":
        return strings[int(raw)]
    if t == b"b":
        return raw == b"1"
    if t == b"d":
        from datetime import datetime

        return datetime.fromisoformat(_text(raw).rstrip("Z"))
    return _text(raw)  # str (a formula's text result), e (an error such as #DIV/0!)
