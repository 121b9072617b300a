"""Benchmark: the initiative dashboard over 10,000,000 stored values (issue 4).

    .venv/bin/python bench/bench_dashboard.py [--organisations 2000] [--runs 30] [--approvals 5]
        [--database-url postgresql://USER@127.0.0.1:PORT/DB] [--keep DIR]

Data (bench/generate_big.py, deterministic): 2,000 organisations x 40 indicators x 60 months,
totals plus one dimension for a third of the indicators, 10,080,000 values, written straight
into the tables (executemany on SQLite, COPY on PostgreSQL). All reports approved but a few of
the last month, left "submitted". Then, each step in a process of its own (peak RSS reported):

1. rollups: ``commonmeasure.rollups.engine.rebuild(initiative, check=False)``, timed;
2. dashboard data: what ``insights.views.dashboard`` computes (access, viewer, expected count,
   ``insights.dashboard.cards``), RUNS times; and the page itself through Django's test
   Client, logged in as a backbone admin, RUNS times. p50 and p95 of each;
3. baselines, same run: pandas groupby and DuckDB over the raw approved values (loaded from the
   database once; load times reported apart), computing every indicator's headline series
   (value per month across organisations, by its rule); both checked against the rollups;
4. approval to dashboard: ``reporting.services.approve`` of a submitted report (which refreshes
   the rollups), then the dashboard data again, asserting the headline changed; APPROVALS times.

pandas and DuckDB are benchmark-only (the ``bench`` extra): ``.venv/bin/pip install -e '.[bench]'``.
Without them the baselines are skipped with a message.

PostgreSQL: pass ``--database-url`` of an EMPTY database (it is migrated and filled);
docs/reference/performance-dashboard.md shows how to start a throwaway cluster.

Targets: dashboard data p95 < 100 ms; approval to dashboard < 1 s. Exit status 1 if missed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_env, machine, run_child  # noqa: E402

DASHBOARD_P95 = 0.100
APPROVAL_P95 = 1.0
SCRIPT = "dashboard_child.py"


def pct(times: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``times``."""
    ordered = sorted(times)
    rank = max(1, -(-len(ordered) * q // 1))  # ceiling
    return ordered[int(rank) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the initiative dashboard.")
    parser.add_argument("--organisations", type=int, default=2000, help="default 2,000")
    parser.add_argument("--months", type=int, default=60, help="default 60")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each case (>= 30)")
    parser.add_argument("--approvals", type=int, default=5, help="reports approved, one by one")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--keep", type=Path, help="make the scratch folder here and keep it")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="a scratch folder kept by --keep (with --database-url: the database it names): "
        "time the dashboard, baselines and approvals again without generating or rebuilding",
    )
    parser.add_argument(
        "--memory-limit-mb",
        type=int,
        default=16000,
        help="address-space limit of the rebuild process, so it fails instead of exhausting "
        "the machine (default 16,000; 0: none)",
    )
    args = parser.parse_args(argv)

    scratch = args.reuse or Path(tempfile.mkdtemp(prefix="cm-dash-", dir=args.keep))
    url = args.database_url or f"sqlite:///{scratch / 'dash.sqlite3'}"
    env = database_env(url, scratch)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite (WAL)"
    print(f"machine: {machine()}")
    print(f"database: {engine}", flush=True)
    failed = False
    try:

        def child(case: str, *more: str, extra: dict | None = None) -> tuple[dict, float]:
            return run_child(case, scratch, *more, script=SCRIPT, env={**env, **(extra or {})})

        if args.reuse:
            counted = child("size")[0]
            label = f"{counted['values']:,} values ({counted['organisations']:,} organisations)"
            failed = _timings(
                args, child, engine, label, [f"reused database: {counted['bytes'] / 1e6:,.0f} MB"]
            )
            print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
            return 1 if failed else 0
        made, peak = child("generate", str(args.organisations), str(args.months))
        print(
            f"generated {made['values']:,} values: {made['organisations']:,} organisations x "
            f"{made['months']} months, {made['reports']:,} reports ({made['submitted']} left "
            f"submitted); setup {made['setup_seconds']:.1f} s, values {made['values_seconds']:.1f} s "
            f"({made['values'] / made['values_seconds']:,.0f}/s), peak {peak:,.0f} MB",
            flush=True,
        )
        raw_size = child("size")[0]["bytes"]
        print(f"database size before rollups: {raw_size / 1e6:,.0f} MB", flush=True)

        limit = {"BENCH_MEMORY_LIMIT_MB": str(args.memory_limit_mb)}
        built, peak = child("rebuild", extra=limit)
        if "error" in built:
            print(f"rollups rebuild FAILED: {built['error']} (peak {peak:,.0f} MB)")
            return 1
        print(
            f"rollups rebuild: {built['seconds']:.1f} s ({built['cpu']:.1f} s CPU), "
            f"{built['organisation_rows']:,} organisation rows + {built['rollup_rows']:,} "
            f"rollup rows, peak {peak:,.0f} MB",
            flush=True,
        )
        full_size = child("size")[0]["bytes"]
        print(f"database size with rollups: {full_size / 1e6:,.0f} MB", flush=True)

        size_label = f"{made['values']:,} values ({made['organisations']:,} organisations)"
        failed = _timings(
            args,
            child,
            engine,
            size_label,
            [
                f"rollups rebuild {built['seconds']:.1f} s; database {raw_size / 1e6:,.0f} MB "
                f"raw, {full_size / 1e6:,.0f} MB with rollups"
            ],
        )
        print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    finally:
        if args.keep is None and args.reuse is None:  # a reused folder is the caller's
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


def _timings(args, child, engine: str, size_label: str, extra: list[str]) -> bool:
    """Time the dashboard, the baselines and the approvals; print the table; True if failed."""
    failed = False
    board, board_peak = child("dashboard", str(args.runs))
    if board["problems"]:
        print(f"cards with a problem: {board['problems'][:5]}")
    base, base_peak = child("baselines", str(args.runs))
    approved, approve_peak = child("approve", str(args.approvals))

    rows = [
        (
            "dashboard data: cards() as the view calls it",
            board["data_times"],
            board_peak,
            DASHBOARD_P95,
        ),
        ("dashboard page: GET through the test Client", board["view_times"], board_peak, None),
    ]
    notes = []
    if "skipped" in base:
        notes.append(base["skipped"])
    else:
        rows.append(
            ("pandas groupby over raw values (baseline)", base["pandas_times"], base_peak, None)
        )
        notes.append(
            f"pandas: {base['raw_values']:,} approved values loaded in "
            f"{base['pandas_load_seconds']:.1f} s ({base['frame_mb']:,.0f} MB frame); same "
            f"headline series as the rollups for {base['headline_indicators']} indicators: "
            + ("yes" if not base["pandas_problems"] else f"NO {base['pandas_problems'][:3]}")
        )
        failed |= bool(base["pandas_problems"])
        if "duckdb_skipped" in base:
            notes.append(base["duckdb_skipped"])
        else:
            rows.append(
                ("DuckDB over raw values (baseline)", base["duckdb_times"], base_peak, None)
            )
            notes.append(
                f"DuckDB ({base['duckdb_threads']} threads): table made from the frame in "
                f"{base['duckdb_load_seconds']:.1f} s; same figures: "
                + ("yes" if not base["duckdb_problems"] else f"NO {base['duckdb_problems'][:3]}")
            )
            failed |= bool(base["duckdb_problems"])
    rows.append(("approval to dashboard", approved["times"], approve_peak, APPROVAL_P95))
    rows.append(("  of which approve()", approved["approve_times"], approve_peak, None))
    rows.append(("  of which dashboard data", approved["dashboard_times"], approve_peak, None))

    print(f"\nInitiative dashboard, {size_label}, {engine}")
    header = ["case", "runs", "p50 ms", "p95 ms", "max ms", "peak MB", "target", "result"]
    table = []
    for label, times, peak_mb, target in rows:
        p95 = pct(times, 0.95)
        result = "baseline" if target is None else ("PASS" if p95 < target else "FAIL")
        if target is not None and p95 >= target:
            failed = True
        table.append(
            [
                label,
                str(len(times)),
                ms(statistics.median(times)),
                ms(p95),
                ms(max(times)),
                f"{peak_mb:,.0f}",
                "-" if target is None else f"p95 < {ms(target)} ms",
                result,
            ]
        )
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *table]:
        print(
            "  ".join(
                c.rjust(widths[i]) if 0 < i < 6 else c.ljust(widths[i]) for i, c in enumerate(r)
            )
        )
    print("notes:")
    for note in notes:
        print(f"  {note}")
    print(
        f"  page: {board['page_bytes']:,} bytes, {board['cards']} cards; headline {board['headline']}"
    )
    print(f"  approvals: {'; '.join(approved['changes'])}")
    for line in extra:
        print(f"  {line}")
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
