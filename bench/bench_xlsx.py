"""Benchmark: import values from XLSX (long layout) with full validation into SQLite.

    .venv/bin/python bench/bench_xlsx.py [--sizes 25000,50000,100000] [--repeat 1]

Writes long-layout workbooks of each size (numbers stored as numbers, as a spreadsheet
program saves them), migrates a fresh SQLite database (WAL) in a temporary folder, and
measures, each case in a process of its own on its own fresh copy of the database:

    openpyxl read-only rows   baseline: openpyxl's read-only iteration of the sheet, nothing else
                              (smallest file only unless --all-baselines: it is slow)
    streaming reader rows     baseline: the import's own XLSX reader (interchange/xlsx_fast.py)
                              through tabular.open_table, nothing else
    python-calamine rows      the alternative reader (Rust's calamine), every row of the sheet
                              as Python values, nothing else; with --calamine (pip install
                              -e '.[bench]'); see docs/explanation/decisions.md
    import values (XLSX)      the real import, what `commonmeasure import values` and the upload
                              page run (reporting.uploads.import_file): the zip and merged-cell
                              checks, every row checked, written in chunks, committed

Peak MB is the child process's peak resident set size (bench/common.py). Target (issue 3):
100,000 rows at 20,000 rows/s or more, with memory flat as the file grows (the peak for the
largest file at most 1.25 times the peak for the smallest), checked for the import and for the
reader alone. Exit status 1 if a target is missed.
See docs/reference/performance-xlsx.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

TARGET_RATE = 20_000
TARGET_ROWS = 100_000
FLAT = 1.25  # largest file's peak / smallest file's peak


def write_xlsx(path: Path, total: int, months: int) -> None:
    import generate
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Values")
    ws.append(generate.HEADER)
    for org, code, period, value, gender, age, comment in generate.rows(total, months):
        number = float(value) if "." in value else int(value)
        ws.append([org, code, period, number, gender or None, age or None, comment or None])
    wb.save(path)


# -- child process ----------------------------------------------------------------------------


def child(case: str, path: str) -> dict:
    import django

    django.setup()
    if case == "setup":
        from django.core.management import call_command

        from commonmeasure.interchange.definition import read_definition
        from commonmeasure.reporting.initiative_file import load_definition

        call_command("migrate", verbosity=0)
        load_definition(read_definition(path))
        return {}
    start, cpu = time.perf_counter(), time.process_time()
    if case == "read":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=False)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(min_row=2, values_only=True))
        wb.close()
        return {"rows": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}
    if case == "fast":
        from commonmeasure.interchange.tabular import open_table

        n = sum(1 for _ in open_table(path).rows)
        return {"rows": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}
    if case == "calamine":
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(path)
        n = sum(1 for _ in wb.get_sheet_by_index(0).iter_rows()) - 1  # less the header
        wb.close()
        return {"rows": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}
    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.reporting.uploads import import_file

    outcome = import_file(Initiative.objects.get(code="bench"), Path(path))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = outcome.result
    if result.errors:
        raise SystemExit(f"import failed: {result.errors[:3]}")
    return {
        "rows": result.imported + result.updated + result.unchanged,
        "seconds": seconds,
        "cpu": cpu,
    }


def run(case: str, db: Path, path: Path) -> tuple[dict, float]:
    from common import child_env

    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", case, str(path)]
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=err, env=child_env(db), cwd=BENCH.parent
    )
    out = proc.stdout.read()
    proc.stdout.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        err.seek(0)
        sys.stderr.write(err.read().decode(errors="replace"))
        raise SystemExit(f"benchmark case {case!r} failed")
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the XLSX values import.")
    parser.add_argument(
        "--sizes", default="25000,50000,100000", help="rows per file, comma-separated"
    )
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each case; the median is shown"
    )
    parser.add_argument("--all-baselines", action="store_true", help="time openpyxl at every size")
    parser.add_argument("--calamine", action="store_true", help="time python-calamine's reader too")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0

    import shutil

    import generate
    from common import Measure, machine, median_measure, print_table

    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(f"machine: {machine()}")
    folder = Path(tempfile.mkdtemp(prefix="cm-bench-xlsx-"))
    try:
        definition = folder / "bench.yaml"
        generate.write_definition(definition, max(sizes), args.months)
        template = folder / "template.sqlite3"
        run("setup", template, definition)
        import sqlite3

        con = sqlite3.connect(template)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        measures, imports, readers = [], [], []
        for size in sizes:
            xlsx = folder / f"values-{size}.xlsx"
            print(f"writing {size:,} rows to {xlsx.name} ...", flush=True)
            write_xlsx(xlsx, size, args.months)
            cases = [
                ("streaming reader rows (baseline)", "fast"),
                ("import values (XLSX)", "import"),
            ]
            if size == sizes[0] or args.all_baselines:
                cases.insert(0, ("openpyxl read-only rows (baseline)", "read"))
            if args.calamine:
                cases.insert(-1, ("python-calamine rows (alternative)", "calamine"))
            for label, case in cases:
                runs = []
                for n in range(args.repeat):
                    db = folder / f"{case}-{size}-{n}.sqlite3"
                    shutil.copyfile(template, db)
                    report, peak = run(case, db, xlsx)
                    if report["rows"] != size:
                        raise SystemExit(
                            f"{label}: handled {report['rows']:,} rows, expected {size:,}"
                        )
                    runs.append(
                        Measure(
                            f"{label}, {size:,}", size, report["seconds"], peak, cpu=report["cpu"]
                        )
                    )
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                m = median_measure(runs)
                if case == "fast":
                    readers.append(m)
                if case == "import":
                    imports.append(m)
                    if size >= TARGET_ROWS:
                        m.target = f">= {TARGET_RATE:,}/s"
                        m.passed = m.rate >= TARGET_RATE
                measures.append(m)
                print(f"  {m.case}: {m.seconds:.2f} s, peak {m.peak_mb:.0f} MB", flush=True)
            xlsx.unlink()
        for label, series in (("import", imports), ("reader", readers)):
            growth = series[-1].peak_mb / series[0].peak_mb
            flat = Measure(
                f"{label} peak growth {sizes[0]:,} -> {sizes[-1]:,} rows",
                sizes[-1],
                series[-1].seconds,
                series[-1].peak_mb,
            )
            flat.target, flat.passed = f"<= {FLAT}x", growth <= FLAT
            flat.note = (
                f"peak {series[0].peak_mb:.0f} MB -> {series[-1].peak_mb:.0f} MB ({growth:.2f}x)"
            )
            measures.append(flat)
        for m in imports:
            m.note = (
                m.note + "; " if m.note else ""
            ) + f"{m.rows / m.cpu:,.0f} rows per CPU second"
        print_table(
            f"Import of long-layout XLSX into SQLite (WAL), median of {args.repeat}", measures
        )
        print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if all(m.passed is not False for m in measures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
