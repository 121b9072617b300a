"""Benchmark: importing a whole INDIGO dataset (about 300 projects, 29 files).

    .venv/bin/python bench/bench_indigo.py [--copies 25] [--keep DIR]

Builds a bundle of copies x 12 projects by replicating the 12-project sample in
tests/fixtures/indigo with new ids (INDIGO-POJ-0001 becomes INDIGO-POJ-000001, -010001, ...;
organisations and funds likewise, references rewritten), then, in a fresh SQLite database:

  import        `import indigo` into the empty database (services.import_bundle)
  re-import     the same bundle again: nothing changes, nothing is written
  export        the public export (`export indigo`)
  baseline csv  the same files read with csv.reader only: the floor for reading
  baseline raw  csv.reader plus one executemany of every row, as JSON text, into one SQLite
                table in one transaction: the floor for reading and writing the same rows

Wall-clock seconds and the CPU seconds of this process (which do not count the database
server's work on PostgreSQL, but do not grow when other programs load the machine).
Target (issue 6): the import under 10 s. Seconds are wall-clock, best of --repeat runs.
docs/reference/performance-indigo.md has the figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "indigo"
sys.path.insert(0, str(ROOT))

ID = re.compile(r"INDIGO-(POJ|ORG|FUND)-(\d+)")


def generate(target: Path, copies: int) -> tuple[int, int]:
    """Write the replicated bundle; returns (projects, rows in all files)."""
    target.mkdir(parents=True, exist_ok=True)
    projects = rows_total = 0
    for path in sorted(SAMPLE.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            header, *rows = list(csv.reader(fh))
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for k in range(copies):
            for row in rows:
                writer.writerow(
                    [
                        ID.sub(lambda m, k=k: f"INDIGO-{m.group(1)}-{k:02d}{m.group(2)}", c)
                        for c in row
                    ]
                )
        rows_total += len(rows) * copies
        if path.name == "projects.csv":
            projects = len(rows) * copies
        (target / path.name).write_bytes(out.getvalue().encode("utf-8"))
    return projects, rows_total


def best(fn, repeat: int) -> tuple[tuple[float, float], object]:
    """((wall seconds, CPU seconds of this process) of the fastest run, its result)."""
    times, result = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times), result


def baseline_csv(bundle: Path) -> int:
    n = 0
    for path in sorted(bundle.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            n += sum(1 for _ in csv.reader(fh)) - 1
    return n


def baseline_raw(bundle: Path, db: Path) -> int:
    if db.exists():
        db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE row (file TEXT, position INTEGER, cells TEXT)")
    n = 0
    with conn:
        for path in sorted(bundle.glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as fh:
                header, *rows = list(csv.reader(fh))
            conn.executemany(
                "INSERT INTO row VALUES (?, ?, ?)",
                (
                    (path.stem, i, json.dumps(list(zip(header, r, strict=True))))
                    for i, r in enumerate(rows)
                ),
            )
            n += len(rows)
    conn.close()
    return n


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=25,
        help="copies of the 12-project sample (25 -> 300 projects)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of the baselines and the re-import; the best counts",
    )
    parser.add_argument("--keep", help="write the bundle and database here and keep them")
    parser.add_argument(
        "--database-url",
        help="measure on this database (e.g. PostgreSQL) instead of a fresh SQLite "
        "file; its impact bond tables are emptied first",
    )
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cm-bench-indigo-"))
    bundle = work / "bundle"
    if bundle.exists():
        shutil.rmtree(bundle)
    projects, rows = generate(bundle, args.copies)
    db = work / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    # As in production: DEBUG off (Django then keeps no log of the queries).
    url = args.database_url or f"sqlite:///{db}"
    os.environ.update({"DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    from commonmeasure.impactbonds.exporting import export_bundle
    from commonmeasure.impactbonds.models import Fund, Organisation, Project
    from commonmeasure.impactbonds.services import import_bundle

    for model in (Project, Organisation, Fund):
        model.objects.all().delete()

    first, report = best(lambda: import_bundle(bundle), 1)
    assert Project.objects.count() == projects
    again, second = best(lambda: import_bundle(bundle), args.repeat)
    assert not second.changed, "re-importing the same bundle changed something"
    exported, _ = best(lambda: export_bundle(work / "export"), args.repeat)
    csv_only, n = best(lambda: baseline_csv(bundle), args.repeat)
    raw, _ = best(lambda: baseline_raw(bundle, work / "baseline.sqlite3"), args.repeat)
    assert n == rows

    size = sum(p.stat().st_size for p in bundle.glob("*.csv")) / 1e6
    print(
        f"INDIGO bundle: {projects} projects, {len(list(bundle.glob('*.csv')))} files, {rows:,} rows, {size:.1f} MB; "
        f"{connection.vendor}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
    )
    print()
    print("| case | seconds | CPU seconds | rows/s | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for case, (seconds, cpu), target in [
        ("import into an empty database", first, f"< 10 s: {'met' if first[0] < 10 else 'MISSED'}"),
        ("re-import, nothing changed", again, ""),
        ("public export", exported, ""),
        ("baseline: csv.reader only", csv_only, ""),
        ("baseline: csv.reader + one executemany of JSON rows", raw, ""),
    ]:
        print(f"| {case} | {seconds:.2f} | {cpu:.2f} | {rows / seconds:,.0f} | {target} |")
    print()
    print(
        f"problems reported: {len(report.problems)} (the sample's own messy values, times {args.copies})"
    )
    if not args.keep:
        shutil.rmtree(work)
    return 0 if first[0] < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
