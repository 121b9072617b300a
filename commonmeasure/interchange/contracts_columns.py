"""Reading a plain achievements CSV file as columns, without a Python object per cell.

Most achievements files are plain: UTF-8, commas, no quotes, no blank lines, every row as wide
as the header. ``read_plain_achievements`` reads such a file with NumPy: it finds every comma
and line break at once, checks that each line has exactly the header's number of cells, and
turns each column into integer codes by hashing every cell's bytes. Each *distinct* participant,
metric, date and ``validated`` value is then decoded and checked once, by the same rules as the
row-by-row reader (``contracts._read_achievements``); every cell is compared byte for byte with
the value its code stands for, so a hash collision cannot merge two values.

Anything else - quotes, another separator, a blank or short line, a bad cell, a participant id
with spaces around it, a cell longer than 64 bytes - returns None, and the row-by-row reader
reads the file and names every problem by row and column. Both readers give the same
achievements; the tests check it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from commonmeasure.domain.payments_arrays import AchievementArrays

COMMA, NEWLINE = ord(","), ord("\n")
MAX_CELL = 64
_MIX = np.uint64(0x9E3779B97F4A7C15)
# _KEEP[i]: a mask keeping the first i bytes of a little-endian 8-byte word.
_KEEP = np.array([(1 << (8 * i)) - 1 for i in range(9)], dtype=np.uint64)


class _Column:
    """One column's cells as (start, end) byte offsets into the file's body."""

    def __init__(self, words8: np.ndarray, start: np.ndarray, end: np.ndarray, body: bytes):
        self.words8 = words8
        self.start = start
        self.end = end
        self.body = body

    def factorize(self) -> tuple[np.ndarray, list[str]] | None:
        """(code of each cell, the distinct values as text), or None if a cell is too long, or
        (never seen in practice) two distinct values share a hash. An empty cell is a value."""
        length = self.end - self.start
        if length.size == 0 or int(length.max()) > MAX_CELL:
            return None
        if int(length.max()) == 0:  # every cell empty
            self.first = np.zeros(1, dtype=np.int64)
            return np.zeros(length.size, dtype=np.int64), [""]
        shortest = int(length.min())
        steps = []
        for k in range(0, int(length.max()), 8):
            at = self.start + k
            if k:  # shorter cells read past the end of the data: zeroed below
                np.minimum(at, len(self.words8) - 1, out=at)
            word = self.words8[at, 0]
            if shortest < k + 8:  # zero the bytes past the end of shorter cells
                word &= _KEEP[np.clip(length - k, 0, 8)]
            steps.append(word)
        if len(steps) == 1:
            # Eight bytes or fewer: the bytes themselves are the key (a cell holds no NUL
            # byte, so the zero padding cannot make two cells equal).
            code, first = _codes(steps[0])
        else:
            h = length.astype(np.uint64) * _MIX
            for word in steps:
                h = (h ^ word) * _MIX
            code, first = _codes(h)
            if not np.array_equal(length[first][code], length):
                return None
            for word in steps:
                if not np.array_equal(word[first][code], word):
                    return None
        self.first = first
        starts, ends = self.start[first].tolist(), self.end[first].tolist()
        body = self.body
        try:  # one decode for all the distinct values: a cell holds no line break
            values = b"\n".join([body[s:e] for s, e in zip(starts, ends, strict=True)]).decode(
                "utf-8"
            )
        except UnicodeDecodeError:
            return None
        return code, values.split("\n")

    def padded(self, buf: np.ndarray, values: list[str]) -> bool:
        """True if some distinct value begins or ends with a space or other blank, so that it
        would be stripped; values beginning or ending with a non-ASCII character are checked
        as text."""
        edges = np.concatenate([buf[self.start[self.first]], buf[self.end[self.first] - 1]])
        blank = np.zeros(256, dtype=bool)
        blank[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
        if blank[edges].any():
            return True
        wide = np.flatnonzero((edges >= 128).reshape(2, -1).any(axis=0))
        return any(values[i] != values[i].strip() for i in wide.tolist())


def _codes(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A code for each distinct hash, and one cell (any) of each code. Columns with few
    distinct values (metrics, dates, flags) are coded by binary search among the values of a
    sample, which needs no sort of the whole column; others by a full sort."""
    sample = np.unique(h[:: max(1, h.size // 4096)])
    if sample.size < 2048:
        code = np.minimum(np.searchsorted(sample, h), sample.size - 1)
        missing = sample[code] != h
        if missing.any():
            sample = np.union1d(sample, np.unique(h[missing]))
            code = np.searchsorted(sample, h)
        first = np.empty(sample.size, dtype=np.int64)
        first[code] = np.arange(h.size)  # the last cell of each code: any one will do
        return code, first
    # A full sort, not a stable one (np.unique with return_index sorts stably, twice as
    # slowly): the codes come out the same, in the order of the sorted hashes, and any cell of
    # each code will do.
    order = np.argsort(h)
    ordered = h[order]
    new = np.empty(h.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    code = np.empty(h.size, dtype=np.int64)
    code[order] = np.cumsum(new) - 1
    return code, order[new]


def read_plain_achievements(
    path: str | Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    metric_ids: dict[str, str],
    yes: frozenset[str],
    parse_date,
) -> AchievementArrays | None:
    """The achievements of a plain CSV file, or None if it is not plain or has any problem
    (including in its header, whose columns must be ``required`` and some of ``optional``)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    begin = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"PK\x03\x04") or b'"' in data or b"\x00" in data:
        return None
    crlf = b"\r" in data  # then every line must end \r\n, and \r appear nowhere else
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    header_end = data.find(b"\n", begin)
    if header_end < 0:
        return None
    try:
        header = data[begin:header_end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    labels = [c.strip().lower() for c in header.split(",")]
    columns = {label: i for i, label in enumerate(labels)}
    if len(columns) != len(labels) or not set(required) <= set(labels) <= set(required + optional):
        return None
    width = len(labels)
    end = len(data)
    while end > header_end and data[end - 1] in b"\r\n":  # blank lines at the end
        end -= 1
    if end <= header_end + 1:
        return None
    body = data[:end] + (b"\r\n" if crlf else b"\n") + b"\0" * 8  # the one copy
    del data
    buf = np.frombuffer(body, dtype=np.uint8)
    first = header_end + 1
    text = buf[begin : len(body) - 8]
    is_sep = text == COMMA
    is_sep |= text == NEWLINE
    seps = np.flatnonzero(is_sep)
    del is_sep
    if seps.size % width:
        return None
    seps = seps.astype(np.int32) if len(body) < 2**31 - 16 else seps  # half the memory traffic
    seps += begin
    grid = seps.reshape(-1, width)[1:]  # the header's own separators are the first row
    if not (np.all(buf[grid[:, :-1]] == COMMA) and np.all(buf[grid[:, -1]] == NEWLINE)):
        return None
    del seps
    if crlf:  # the last cell of each line ends before its \r
        lines = len(grid) + 1  # the header's too
        if np.count_nonzero(buf == ord("\r")) != lines or buf[header_end - 1] != ord("\r"):
            return None
        if not np.all(buf[grid[:, -1] - 1] == ord("\r")):
            return None
        grid[:, -1] -= 1
    starts = np.empty_like(grid)
    starts.reshape(-1)[0] = first
    starts.reshape(-1)[1:] = grid.reshape(-1)[:-1] + 1
    if crlf:
        starts[1:, 0] += 1  # past the \r\n of the line before
    words8 = sliding_window_view(buf, 8).view("<u8")  # 8 bytes from every offset, no copy
    n = len(grid)

    def column(label: str) -> _Column:
        i = columns[label]
        return _Column(words8, starts[:, i], grid[:, i], body)

    cells = column("participant")
    found = cells.factorize()
    if found is None or "" in found[1] or cells.padded(buf, found[1]):
        return None
    participant, participants = found

    found = column("metric").factorize()
    if found is None:
        return None
    code, values = found
    ids = list(dict.fromkeys(metric_ids.values()))
    index = {m: i for i, m in enumerate(ids)}
    mapped = [metric_ids.get(v) or metric_ids.get(v.strip()) for v in values]
    if None in mapped:
        return None
    metric = np.array([index[m] for m in mapped], dtype=np.int64)[code]

    found = column("date").factorize()
    if found is None:
        return None
    code, values = found
    days = [parse_date(v, {}) for v in values]
    if None in days:
        return None
    day = np.array([d.toordinal() for d in days], dtype=np.int64)[code]

    validated = None
    if "validated" in columns:
        found = column("validated").factorize()
        if found is None:
            return None
        code, values = found
        validated = np.array([v.strip().lower() in yes for v in values], dtype=bool)[code]
    return AchievementArrays(
        participants, participant, ids, metric, day, validated, range(2, n + 2)
    )
