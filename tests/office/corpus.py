"""The corpus of files saved by real office software, made in the test run with LibreOffice.

Sources are written with the project's own code (its templates) and openpyxl (the long
layout and contract files as a person would type them), each with one habit of the programs
people use: dates as real date cells, numbers stored as text, percentages typed with %, empty
formatted rows and columns, hidden and extra sheets, headers with trailing spaces or other
capitals, the 1904 date system, decimal commas. LibreOffice then saves every source as XLSX,
ODS and CSV (commas and UTF-8; semicolons and Windows-1252), one ``soffice`` run per target
converting every source at once, with a private profile so that parallel runs do not clash.
The converted files are kept for the test session (a temporary folder).

Tests that need LibreOffice fail, not skip, when CM_REQUIRE_E2E=1 (as in .ci/run).
See docs/reference/values-file.md, "Files from other programs".
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

# LibreOffice's CSV filter: separator, quote, character set (76 UTF-8, 1 Windows-1252), first
# line, column formats, language, quoted text, detect numbers, save as shown.
TARGETS = {
    "lo.xlsx": ("xlsx:Calc MS Excel 2007 XML", ".xlsx"),
    "lo.ods": ("ods:calc8", ".ods"),
    "lo-comma-utf8.csv": ("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", ".csv"),
    "lo-semicolon-cp1252.csv": (
        "csv:Text - txt - csv (StarCalc):59,34,1,1,,0,false,true,true",
        ".csv",
    ),
}


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice (soffice) is missing: install Debian's libreoffice-calc-nogui"
        if os.environ.get("CM_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _command(sources, target: str, outdir: Path, profile: Path, infilter=None) -> list[str]:
    outdir.mkdir(parents=True, exist_ok=True)
    return [
        soffice(),
        "--headless",
        "--norestore",
        f"-env:UserInstallation={profile.as_uri()}",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, sources),
    ]


def run_all(commands: list[list[str]]) -> None:
    """Run soffice commands one after the other (they share a profile; a fresh profile costs
    seconds to make, and two instances at once are no faster on a small machine)."""
    for command in commands:
        # LibreOffice now and then aborts at start-up on a loaded machine (signal 6, a
        # WrappedTargetRuntimeException) and converts the same files at the next try: up to
        # three tries, and the last failure is reported whole.
        for _attempt in range(3):
            done = subprocess.run(command, capture_output=True, timeout=600, check=False)
            if done.returncode == 0:
                break
        else:
            raise RuntimeError(
                f"soffice failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
            )


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    source: str  # which source it was made from, e.g. "values-dates"
    saved_as: str  # "openpyxl" (the source itself), "source.csv", or a key of TARGETS


def build(folder: Path, sources: dict[str, Path], csv_sources: dict[str, Path]) -> list[CorpusFile]:
    """Every source as it is, and as LibreOffice saves it in each target format.

    ``sources`` are workbooks; ``csv_sources`` CSV files, opened as CSV (UTF-8, commas) and
    saved as ODS first, then from that like the workbooks (so one run per target converts
    every file)."""
    files = [CorpusFile(path, name, "openpyxl") for name, path in sources.items()]
    files += [CorpusFile(path, name, "source.csv") for name, path in csv_sources.items()]
    opened = folder / "opened-csv"
    if csv_sources:
        run_all(
            [
                _command(
                    csv_sources.values(),
                    "ods:calc8",
                    opened,
                    folder / "profile-csv",
                    "CSV:44,34,76,1",
                )
            ]
        )
    books = {**sources, **{name: opened / (p.stem + ".ods") for name, p in csv_sources.items()}}
    run_all(
        [
            _command(books.values(), target, folder / key, folder / "profile")
            for key, (target, _suffix) in TARGETS.items()
        ]
    )
    for key, (_target, suffix) in TARGETS.items():
        for name, path in books.items():
            made = folder / key / (path.stem + suffix)
            if key == "lo.ods" and name in csv_sources:
                made = path  # the CSV opened and saved as ODS
            assert made.is_file(), f"LibreOffice did not write {made}"
            files.append(CorpusFile(made, name, key))
    return files


def date_cell(ws, ref: str, year: int, month: int, day: int = 1, fmt: str = "yyyy-mm"):
    ws[ref] = datetime(year, month, day)  # noqa: DTZ001 (a spreadsheet date has no time zone)
    ws[ref].number_format = fmt


def text_cell(ws, ref: str, text: str):
    """Text a spreadsheet would take for a formula, typed with an apostrophe first."""
    ws[ref] = text
    ws[ref].data_type = "s"
    ws[ref].quotePrefix = True
