"""Write the impact bond database back as an INDIGO CSV bundle.

The public export (the default) holds only what may be published:
- projects, organisations, funds and rows whose status is PUBLIC;
- every field marked PRIVATE or DISPUTED blanked (a 'X - (Status)' column covers 'X - (Value)',
  'X - (Source ID's)' and so on);
- no status columns, and no columns outside the INDIGO layout (their privacy is unknown).

The full export (``include_private=True``) writes every record and row with its cells as
imported, the status columns of the INDIGO standard, and any extra columns the imported files
had, after the standard ones. Either export, imported into an empty database and exported again
the same way, gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from commonmeasure.interchange.indigo import (
    columns,
    csv_bytes,
    is_status_column,
    layout,
    public_cells,
    write_bundle,
)

from . import models as m
from .components import RECORD_SPECS, component_specs


@dataclass
class ExportReport:
    target: str
    include_private: bool
    rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"target": self.target, "include_private": self.include_private, "rows": self.rows}


def _table(
    key: str, records: list[list[list[str]]], include_private: bool, safe: bool = False
) -> tuple[bytes, int]:
    """CSV bytes for one file from rows of [column, text] pairs."""
    header = columns(key, include_private)
    known = {c["name"] for c in layout()[key]["columns"]}
    extras: list[str] = []
    rows = []
    for pairs in records:
        if not include_private:
            pairs = [[c, v] for c, v in public_cells(pairs) if not is_status_column(c)]
        cells = dict(pairs)
        if include_private:
            for c, _ in pairs:
                if c not in known and c not in extras:
                    extras.append(c)
        rows.append(cells)
    full_header = header + extras
    table = [[cells.get(c, "") for c in full_header] for cells in rows]
    return csv_bytes(full_header, table, safe), len(rows)


def bundle_files(include_private: bool = False, safe: bool = False) -> dict[str, bytes]:
    """File key -> CSV bytes, in the layout's order."""
    return _collect(include_private, {}, {}, safe)


def _collect(
    include_private: bool, files: dict, counts: dict, safe: bool = False
) -> dict[str, bytes]:
    visible: dict[
        str, dict[int, str]
    ] = {}  # record file -> pk -> INDIGO id, of the records exported
    for spec in RECORD_SPECS:
        qs = spec.model.objects.order_by("indigo_id")
        if not include_private:
            qs = qs.filter(status=m.Status.PUBLIC)
        rows = list(qs.values_list("pk", "indigo_id", "cells"))
        visible[spec.key] = {pk: iid for pk, iid, _ in rows}
        files[spec.key], counts[spec.key] = _table(
            spec.key, [cells for _, _, cells in rows], include_private, safe
        )
    for spec in component_specs():
        owners = visible[layout()[spec.key]["record"]]
        qs = spec.model.objects.all()
        if spec.generic:
            qs = qs.filter(component=spec.key)
        if not include_private:
            qs = qs.filter(status=m.Status.PUBLIC)
        rows = [
            (owners[o], pos, cells)
            for o, pos, cells in qs.values_list(f"{spec.owner}_id", "position", "cells")
            if o in owners
        ]
        rows.sort(key=lambda r: (r[0], r[1]))
        files[spec.key], counts[spec.key] = _table(
            spec.key, [cells for _, _, cells in rows], include_private, safe
        )
    # The layout's order, so that a bundle always lists its files the same way.
    return {key: files[key] for key in layout() if key in files}


def export_bundle(
    target: str | Path, *, include_private: bool = False, safe_for_spreadsheets: bool = False
) -> ExportReport:
    """Write the bundle to a folder, or to a zip when ``target`` ends in .zip.

    ``safe_for_spreadsheets``: cells that a spreadsheet would run as formulas get an apostrophe
    first (cells.neutralised); without it the files are GO Lab's byte for byte."""
    report = ExportReport(target=str(target), include_private=include_private)
    files = _collect(include_private, {}, report.rows, safe_for_spreadsheets)
    write_bundle(target, files)
    return report
