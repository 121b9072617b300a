"""GO Lab's INDIGO CSV bundle ("all data by type"): read it from a folder or a zip, write it back.

A bundle is ``projects.csv``, ``organisations.csv``, ``funds.csv`` and one
``<record>_<component>.csv`` per list of the INDIGO data standard. ``indigo_layout.json`` (built
by indigo_layout_build.py from the standard's schemas) gives every file's columns in order, the
status columns only a full bundle carries, and each field's priority.

Reading keeps every cell as text. A file whose layout is wrong (unreadable, not UTF-8, missing a
required column, a column named twice) makes the whole bundle fail with ``BundleLayoutError``;
anything smaller is a ``Problem`` naming the file, row and column, and the import goes on.
Rows are numbered as a spreadsheet shows them: the header is row 1, even when a cell above holds
several lines. docs/reference/indigo.md describes the format and the public/private rules.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from commonmeasure.domain.translation import gettext, gettext_noop

from .cells import neutralised
from .errors import FileProblem
from .indigo_values import PUBLIC, STATUSES
from .tabular import check_zip_sizes

MAIN_FILES = ("projects", "organisations", "funds")
ROW_STATUS_COLUMNS = ("Status", "(Status)")
STATUS_SUFFIX = " - (Status)"
NOT_PUBLIC = "hidden"


@cache
def layout() -> dict[str, dict]:
    """File key (e.g. 'projects_results') -> {record, id_column, owner_column, priority, columns}."""
    path = Path(__file__).with_name("indigo_layout.json")
    return json.loads(path.read_text(encoding="utf-8"))["files"]


def columns(key: str, include_private: bool) -> list[str]:
    return [c["name"] for c in layout()[key]["columns"] if include_private or not c["status"]]


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = (
            [self.file]
            + ([f"row {self.row}"] if self.row else [])
            + ([f"column {self.column!r}"] if self.column else [])
        )
        shown = f" ({self.value[:60]!r})" if self.value else ""
        return f"{', '.join(where)}: {self.message}{shown}"


class BundleLayoutError(Exception):
    """The bundle cannot be imported at all; nothing is written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class CsvFile:
    key: str  # 'projects_results'
    name: str  # 'projects_results.csv' as found in the bundle
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells as long as the header)


@dataclass
class Bundle:
    source: str
    files: dict[str, CsvFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    empty_rows: int = 0
    ignored_files: list[str] = field(default_factory=list)


def _bundle_members(path: Path) -> dict[str, bytes]:
    """CSV file name -> bytes, from a folder or a zip; the bundle may sit in one sub-folder."""
    found: dict[str, tuple[int, bytes]] = {}

    def add(member: PurePosixPath, read) -> None:
        if member.suffix.lower() != ".csv" or member.name.startswith(("._", "~$")):
            return
        depth = len(member.parts)
        if member.name not in found or depth < found[member.name][0]:
            found[member.name] = (depth, read())

    if path.is_dir():
        for p in sorted(path.rglob("*.csv")):
            rel = PurePosixPath(p.relative_to(path).as_posix())
            if len(rel.parts) <= 2:
                add(rel, p.read_bytes)
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            # The same guard as for workbooks: sizes are checked before anything is unpacked.
            try:
                check_zip_sizes(zf, path.name, what=gettext_noop("bundle"))
            except FileProblem as problem:
                raise BundleLayoutError(
                    [Problem(path.name, None, None, str(problem).removeprefix(f"{path.name}: "))]
                ) from None
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                rel = PurePosixPath(info.filename)
                if not info.is_dir() and len(rel.parts) <= 2:
                    add(rel, lambda info=info: zf.read(info))
    elif path.exists():
        raise BundleLayoutError(
            [Problem(path.name, None, None, gettext("is neither a folder nor a zip file"))]
        )
    else:
        raise BundleLayoutError([Problem(str(path), None, None, gettext("does not exist"))])
    return {name: data for name, (_, data) in found.items()}


def _parse_csv(key: str, name: str, data: bytes, required: list[str], bundle: Bundle) -> CsvFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleLayoutError(
            [
                Problem(
                    name,
                    None,
                    None,
                    gettext("is not UTF-8 text (byte %(start)s)") % {"start": exc.start},
                )
            ]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise BundleLayoutError([Problem(name, 1, None, gettext("has no header row"))])
        header = [h.strip() for h in header]
        layout_problems = [
            Problem(name, 1, h, gettext("column appears more than once"))
            for h in {h for h in header if header.count(h) > 1}
        ]
        layout_problems += [
            Problem(name, 1, None, gettext("column %(value)s has no name") % {"value": i + 1})
            for i, h in enumerate(header)
            if not h
        ]
        layout_problems += [
            Problem(name, 1, c, gettext("required column missing"))
            for c in required
            if c not in header
        ]
        if layout_problems:
            raise BundleLayoutError(layout_problems)
        rows = []
        row_number = 1
        for cells in reader:
            row_number += 1
            if not any(c.strip() for c in cells):
                bundle.empty_rows += 1
                continue
            if len(cells) > len(header):
                extra = [c for c in cells[len(header) :] if c.strip()]
                if extra:
                    bundle.problems.append(
                        Problem(
                            name,
                            row_number,
                            None,
                            gettext("%(count)s cell(s) beyond the last column were dropped")
                            % {"count": len(extra)},
                            extra[0],
                        )
                    )
                cells = cells[: len(header)]
            elif len(cells) < len(header):
                cells = cells + [""] * (len(header) - len(cells))
            rows.append((row_number, cells))
    except csv.Error as exc:
        raise BundleLayoutError(
            [
                Problem(
                    name,
                    row_number + 1 if "row_number" in locals() else None,
                    None,
                    gettext("is not readable CSV (%(exc)s)") % {"exc": exc},
                )
            ]
        ) from None
    return CsvFile(key, name, header, rows)


def read_bundle(path: str | Path, required: dict[str, list[str]]) -> Bundle:
    """Read every CSV of the bundle. ``required`` gives, per file key, the columns without which
    the file's layout is wrong (its id column is always required). projects.csv must be there."""
    path = Path(path)
    members = _bundle_members(path)
    bundle = Bundle(source=str(path))
    known = layout()
    by_lower = {name.lower(): name for name in members}
    if "projects.csv" not in by_lower:
        raise BundleLayoutError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    gettext("has no projects.csv: this is not an INDIGO bundle"),
                )
            ]
        )
    problems: list[Problem] = []
    for key, spec in known.items():
        name = by_lower.get(f"{key}.csv")
        if name is None:
            continue
        needed = [spec["id_column"], *[c for c in required.get(key, []) if c != spec["id_column"]]]
        try:
            bundle.files[key] = _parse_csv(key, name, members[name], needed, bundle)
        except BundleLayoutError as exc:
            problems.extend(exc.problems)
    if problems:
        raise BundleLayoutError(problems)
    for name in sorted(members):
        if name.lower()[:-4] not in known:
            bundle.ignored_files.append(name)
            bundle.problems.append(
                Problem(name, None, None, gettext("is not a file of the INDIGO bundle; ignored"))
            )
    return bundle


# -- public and private ----------------------------------------------------------------------


def row_status(cells: dict[str, str]) -> str:
    """The status of a whole row or record: its 'Status' column, PUBLIC when blank or absent,
    PRIVATE when unreadable (so that nothing unclear is ever published)."""
    for column in ROW_STATUS_COLUMNS:
        value = cells.get(column, "").strip().upper()
        if value:
            return value if value in STATUSES else "PRIVATE"
    return PUBLIC


def public_cells(pairs: list[list[str]]) -> list[list[str]]:
    """The cells with every field whose status is PRIVATE or DISPUTED blanked. A status column
    'X - (Status)' covers the columns 'X - (Value)', 'X - (Source ID's)' and the like. The
    status columns themselves stay; ``drop_status_columns`` removes them for writing."""
    hidden = []
    for column, value in pairs:
        if column.endswith(STATUS_SUFFIX) and value.strip() and value.strip().upper() != PUBLIC:
            hidden.append(column[: -len("(Status)")])
    if not hidden:
        return pairs
    return [
        [
            c,
            ""
            if any(c.startswith(prefix) for prefix in hidden) and not c.endswith(STATUS_SUFFIX)
            else v,
        ]
        for c, v in pairs
    ]


def is_status_column(column: str) -> bool:
    return column in ROW_STATUS_COLUMNS or column.endswith(STATUS_SUFFIX)


# -- writing ---------------------------------------------------------------------------------


def csv_bytes(header: list[str], rows: list[list[str]], safe: bool = False) -> bytes:
    """CSV as GO Lab writes it: comma, minimal quoting, CRLF after each row, UTF-8 without BOM.

    ``safe``: for people who open the files in a spreadsheet program, a cell beginning with
    = + - @, a tab or a carriage return gets an apostrophe first, so that it cannot run as a
    formula (the files are then no longer GO Lab's byte for byte)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    if safe:
        rows = ([neutralised(c) for c in row] for row in rows)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_bundle(target: str | Path, files: dict[str, bytes]) -> Path:
    """Write file key -> CSV bytes to a folder, or to a zip when ``target`` ends in .zip."""
    target = Path(target)
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for key, data in files.items():
                info = zipfile.ZipInfo(f"{key}.csv", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return target
    target.mkdir(parents=True, exist_ok=True)
    for key, data in files.items():
        (target / f"{key}.csv").write_bytes(data)
    return target
