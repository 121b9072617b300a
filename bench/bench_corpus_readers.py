"""Benchmark: the import's own readers against python-calamine on the office corpus.

    .venv/bin/python bench/bench_corpus_readers.py      (needs LibreOffice and '.[bench]')

Makes the corpus of tests/office (the values and contract files, saved by LibreOffice as XLSX
and ODS; templates need a database and are left out), adds the hand-made workbooks of
tests/fixtures/office, and reads every workbook with both: the
project's (interchange/tabular.open_table: xlsx_fast.py, ods.py) and python-calamine. Prints the
time of each and every cell where calamine gives something else than what the person typed
(what the project's reader gives, which the corpus tests check). See decisions.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ours(path: Path) -> list[list]:
    from commonmeasure.interchange.tabular import open_table

    table = open_table(path)
    return [list(table.header)] + [cells for _n, cells in table.rows]


def calamine(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    visible = [s for s in wb.sheets_metadata if str(s.visible).endswith("Visible")]
    rows = wb.get_sheet_by_name(visible[0].name).to_python(skip_empty_area=False)
    wb.close()
    return [r for r in rows if any(c not in ("", None) for c in r)]


def same(a, b) -> bool:
    if isinstance(a, datetime) and isinstance(b, date | datetime):
        return a.date() == (b.date() if isinstance(b, datetime) else b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b) and type(a).__name__ not in ("Percent",)
    return a == b or (a in ("", None) and b in ("", None))


def main() -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from tests.office.corpus import CorpusFile, build
    from tests.office.sources import (
        CONTRACT_VARIANTS,
        VALUES_VARIANTS,
        contract_workbooks,
        values_workbook,
    )

    folder = Path(tempfile.mkdtemp(prefix="cm-corpus-bench-"))
    src = folder / "sources"
    src.mkdir()
    sources = {f"values-{v}": values_workbook(src / f"values-{v}.xlsx", v) for v in VALUES_VARIANTS}
    for variant in CONTRACT_VARIANTS:
        sources.update(contract_workbooks(src, variant))
    files = [f for f in build(folder, sources, {}) if f.path.suffix in (".xlsx", ".ods")]
    files += [  # the hand-made workbooks: Excel's, Google Sheets' and Numbers' habits
        CorpusFile(p, p.stem, "hand-made")
        for p in sorted((ROOT / "tests" / "fixtures" / "office").glob("*.xlsx"))
    ]
    totals = {"ours": 0.0, "calamine": 0.0}
    wrong: list[str] = []
    for f in files:
        t = time.perf_counter()
        expected = ours(f.path)
        totals["ours"] += time.perf_counter() - t
        t = time.perf_counter()
        got = calamine(f.path)
        totals["calamine"] += time.perf_counter() - t
        for r, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
            for c, (x, y) in enumerate(zip(want, have, strict=False)):
                if not same(x, y):
                    wrong.append(
                        f"{f.source} ({f.saved_as}) row {r} col {c + 1}: {x!r} read as {y!r}"
                    )
    print(f"{len(files)} workbooks (XLSX and ODS) of the corpus")
    print(f"  project's readers: {totals['ours'] * 1000:.0f} ms")
    print(f"  python-calamine:   {totals['calamine'] * 1000:.0f} ms")
    print(f"cells python-calamine reads otherwise than typed: {len(wrong)}")
    for line in wrong[:40]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
