"""Helpers for the impact bond tests: the 12-project INDIGO sample and ways to alter a copy."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

SAMPLE = Path(__file__).parent.parent / "fixtures" / "indigo"


def copy_sample(tmp_path: Path, name: str = "bundle") -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("README.md"))
    return target


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(out.getvalue().encode("utf-8"))


def set_cell(path: Path, match: dict[str, str], column: str, value: str) -> None:
    """Set ``column`` to ``value`` in the rows whose cells equal ``match``; the column is added
    (blank elsewhere) after the last column if the file does not have it."""
    header, rows = read_rows(path)
    if column not in header:
        header.append(column)
        rows = [r + [""] for r in rows]
    at = header.index(column)
    hit = 0
    for r in rows:
        if all(r[header.index(k)] == v for k, v in match.items()):
            r[at] = value
            hit += 1
    assert hit, f"no row of {path.name} matches {match}"
    write_rows(path, header, rows)


def drop_column(path: Path, column: str) -> None:
    header, rows = read_rows(path)
    at = header.index(column)
    write_rows(path, header[:at] + header[at + 1 :], [r[:at] + r[at + 1 :] for r in rows])


def empty_database() -> None:
    from commonmeasure.impactbonds import models as m

    m.Project.objects.all().delete()
    m.Organisation.objects.all().delete()
    m.Fund.objects.all().delete()
    assert not m.DeliveryLocation.objects.exists() and not m.OrganisationRow.objects.exists()


def export_files(tmp_path: Path, name: str, include_private: bool = False) -> dict[str, bytes]:
    from commonmeasure.impactbonds.exporting import export_bundle

    target = tmp_path / name
    export_bundle(target, include_private=include_private)
    return {p.name: p.read_bytes() for p in sorted(target.iterdir())}
