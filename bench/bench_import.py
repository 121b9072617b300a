"""Benchmark: import values from CSV with full validation into SQLite.

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--repeat 3]

Generates a long-layout CSV (bench/generate.py), migrates a fresh file-based SQLite database
(WAL, as the default settings configure it) in a temporary folder, and measures, each case in
a process of its own and on its own fresh copy of the database:

    csv.reader only        baseline: reading and splitting the file, nothing else
    bare executemany       baseline: the same rows, already resolved to ids in memory (their
                           reports made beforehand by one bulk insert), inserted by one sqlite3
                           executemany into a plain table with the same columns (no index, key
                           or constraint) in one transaction, with the import's connection
                           settings: one row a statement, and 90 rows a statement as the import
                           writes them (and, with --default-cache, once more with SQLite's
                           default page cache)
    import_table dry run   the real import with every check, rolled back at the end
    import_table           the real import, what `commonmeasure import values` runs: every
                           check, then written in chunks inside one transaction and committed
    import_table, approve  the same with --approve: the reports approved and the rollups
                           brought up to date in the same transaction

Target (issue 2): import_table at least 100,000 values/s with a peak under 500 MB.
Exit status 1 if a target is missed. See docs/reference/performance.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    Measure,
    Workspace,
    all_passed,
    machine,
    median_measure,
    print_table,
    run_child,
)

TARGET_RATE = 100_000
TARGET_MB = 500


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the values import.")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="values in the file (default 1,000,000)"
    )
    parser.add_argument("--months", type=int, default=48, help="months of data (default 48)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each case; the median is shown"
    )
    parser.add_argument("--keep", type=Path, help="make the scratch folder here and keep it")
    parser.add_argument(
        "--default-cache",
        action="store_true",
        help="also time the bare executemany with SQLite's default 2 MB page cache (slow at 1,000,000)",
    )
    parser.add_argument(
        "--only",
        help="run only these cases, comma-separated: csv, bare, dry, import, approve",
    )
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    print(
        f"generating {args.rows:,} values and a migrated SQLite template database ...", flush=True
    )
    ws = Workspace(args.rows, args.months, args.keep)
    try:
        cases = [
            ("csv", "csv.reader only (baseline)", "csv", [], None),
            ("bare", "bare executemany (baseline)", "bare", [], None),
            ("bare", "bare executemany, 90-row statements (baseline)", "bare", ["--multi"], None),
            *(
                [("bare", "bare executemany, default cache", "bare", ["--default-cache"], None)]
                if args.default_cache
                else []
            ),
            ("dry", "import_table, dry run", "import", ["--dry-run"], None),
            ("import", "import_table (import values)", "import", [], "target"),
            ("approve", "import_table --approve", "import", ["--approve"], None),
        ]
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            cases = [c for c in cases if c[0] in wanted]
        cases = [c[1:] for c in cases]
        measures = []
        for label, case, flags, target in cases:
            runs = []
            for n in range(args.repeat):
                db = ws.fresh_db(f"{case}-{n}")
                report, peak = run_child(case, db, str(ws.csv), *flags)
                if report["rows"] != args.rows:
                    raise SystemExit(
                        f"{label}: handled {report['rows']:,} rows, expected {args.rows:,}"
                    )
                m = Measure(label, report["rows"], report["seconds"], peak, cpu=report.get("cpu"))
                if target:
                    m.target = f">= {TARGET_RATE:,}/s, < {TARGET_MB} MB"
                    m.passed = m.rate >= TARGET_RATE and peak < TARGET_MB
                runs.append(m)
                db.unlink(missing_ok=True)
            measures.append(median_measure(runs))
            print(f"  {label}: {measures[-1].seconds:.2f} s", flush=True)
        by_case = {label: m for (label, *_rest), m in zip(cases, measures, strict=True)}
        bare = by_case.get("bare executemany (baseline)")
        real = by_case.get("import_table (import values)")
        if bare and real:
            real.note = (
                real.note + "; " if real.note else ""
            ) + f"{real.seconds / bare.seconds:.1f}x the bare executemany time"
        approved = by_case.get("import_table --approve")
        if approved and real:
            approved.note = f"{approved.seconds / real.seconds:.2f}x the import_table time"
        print_table(
            f"Import of {args.rows:,} values from CSV into SQLite (WAL), median of {args.repeat}",
            measures,
        )
        print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    finally:
        ws.close()
    return 0 if all_passed(measures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
