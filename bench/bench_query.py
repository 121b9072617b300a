"""Benchmark: queries over 1,000,000 stored, approved values.

    .venv/bin/python bench/bench_query.py [--rows 1000000] [--repeat 7]

Generates the benchmark initiative's values (bench/generate.py), imports them into a fresh
file-based SQLite database (WAL) with the real import and --approve (which also brings the
rollups up to date), then times `commonmeasure rollups rebuild` once and
commonmeasure.measures.selectors.query, the function behind `commonmeasure query` and the
API, for several indicators and groupings. Each query case runs in a process of its own,
REPEAT times on fresh Initiative and Indicator objects; the table shows the median, and the
first (cold) run in the notes. "values read" is how many stored values the raw aggregation has
to look at (those of its indicator, and of the weight indicator for a weighted mean, at the
requested or a finer level, in approved reports).

Each case is timed twice in the same run: query() as it is, reading the rollups (the measured
row, with the target), and query(from_rollups=False), aggregating the stored values (the
baseline); the two must give the same figures. Further baselines: the first case's figures
from one plain SQL GROUP BY (checked too), and a full scan of all stored values.

Target (issue 2): each query under 100 ms. Exit status 1 if one is missed or an answer differs.
See docs/reference/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Measure, Workspace, all_passed, machine, print_table, run_child  # noqa: E402

TARGET_SECONDS = 0.100

# (label, indicator, by, period type)
CASES = [
    ("enrolled by quarter", "enrolled", "period", "quarter"),
    ("enrolled by gender", "enrolled", "gender", ""),
    ("enrolled by organisation", "enrolled", "organisation", ""),
    ("enrolled by month", "enrolled", "period", "month"),
    ("satisfaction (mean) by year", "satisfaction", "period", "year"),
    ("start_rate (weighted mean) by quarter", "start_rate", "period", "quarter"),
    ("caseload (last) by financial year", "caseload", "period", "financial-year"),
    ("sustained_jobs by quarter, from finer values", "sustained_jobs", "period", "quarter"),
    ("sustained_jobs by gender, from finer values", "sustained_jobs", "gender", ""),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark queries over stored values.")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="values stored (default 1,000,000)"
    )
    parser.add_argument("--months", type=int, default=48, help="months of data (default 48)")
    parser.add_argument(
        "--repeat", type=int, default=7, help="runs of each query; the median is shown"
    )
    parser.add_argument("--keep", type=Path, help="make the scratch folder here and keep it")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    print(
        f"generating {args.rows:,} values and a migrated SQLite template database ...", flush=True
    )
    ws = Workspace(args.rows, args.months, args.keep)
    try:
        db = ws.fresh_db("query")
        print("importing them with --approve ...", flush=True)
        report, _peak = run_child("import", db, str(ws.csv), "--approve")
        print(f"  imported {report['rows']:,} values in {report['seconds']:.1f} s", flush=True)
        measures: list[Measure] = []
        answers: dict[str, list] = {}
        report, peak = run_child("rebuild", db)
        rebuilt = Measure("commonmeasure rollups rebuild", report["rows"], report["seconds"], peak)
        rebuilt.cpu = report["cpu"]
        print(f"  rollups rebuilt in {report['seconds']:.1f} s", flush=True)
        same = True
        for label, indicator, by, period_type in CASES:
            report, peak = run_child("query", db, indicator, by, period_type, str(args.repeat))
            measures.append(_measure(label, report, peak, target=True))
            answers[label] = report["result"]
            raw, raw_peak = run_child(
                "query", db, indicator, by, period_type, str(args.repeat), "--raw"
            )
            measures.append(
                _measure(f"{label}, from stored values (baseline)", raw, raw_peak, target=False)
            )
            agree = _same(answers[label], raw["result"])
            same &= agree
            measures[-2].note += f"; same figures as from stored values: {'yes' if agree else 'NO'}"
            print(
                f"  {label}: {measures[-2].seconds * 1000:.1f} ms from rollups, "
                f"{measures[-1].seconds * 1000:.1f} ms from stored values",
                flush=True,
            )
        for label, name in [
            ("SQL GROUP BY, enrolled by quarter (baseline)", "quarter_sum"),
            ("SQL full scan of every value (baseline)", "scan_all"),
        ]:
            report, peak = run_child("sql", db, name, str(args.repeat))
            measures.append(_measure(label, report, peak, target=False))
            answers[label] = report["result"]
        agree = _same(answers[CASES[0][0]], answers["SQL GROUP BY, enrolled by quarter (baseline)"])
        same &= agree
        measures[-2].note += f"; same figures as query(): {'yes' if agree else 'NO'}"
        measures.append(rebuilt)
        print_table(
            f"Queries over {report.get('stored', args.rows):,} stored values in SQLite (WAL), median of {args.repeat} runs",
            measures,
            rows_label="values read",
        )
        print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    finally:
        ws.close()
    return 0 if all_passed(measures) and same else 1


def _measure(label: str, report: dict, peak: float, target: bool) -> Measure:
    times = report["times"]
    m = Measure(label, report["rows"], statistics.median(times), peak)
    m.note = f"first run {times[0] * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms"
    if target:
        m.target = f"< {TARGET_SECONDS * 1000:.0f} ms"
        m.passed = m.seconds < TARGET_SECONDS
    return m


def _same(rows: list[dict], baseline: list[dict]) -> bool:
    got = {r["key"]: r["value"] for r in rows}
    want = {r["key"]: r["value"] for r in baseline}
    return got.keys() == want.keys() and all(
        abs(got[k] - want[k]) <= 1e-6 * max(1, abs(want[k])) for k in want
    )


if __name__ == "__main__":
    raise SystemExit(main())
