"""Benchmark: the public impact bond pages with the whole INDIGO dataset loaded (about 300 projects).

    .venv/bin/python bench/bench_public_pages.py [--copies 25] [--requests 60] [--keep DIR]
                                                 [--database-url URL]

Builds the 300-project bundle of bench_indigo.py (the 12-project sample replicated with new ids),
imports it into a fresh SQLite database with DEBUG off, as in production, then requests every
kind of public page through Django's test client (the whole request: URL routing, middleware,
the queries, the template) --requests times each after two warm-up requests, and prints the
median, the 95th percentile and the slowest wall-clock milliseconds, the median CPU
milliseconds of this process (which do not grow when other programs load the machine) and the
number of database queries of one request.

Baselines in the same run, through the same client and middleware:
  static file   a small static file (the pages' stylesheet), served by WhiteNoise: the floor for
                any response of this server
  JSON stats    the headline figures from the JSON API: the same figures without a page

Target (issue 6): every public page under 200 ms at the 95th percentile.
docs/reference/performance-indigo.md has the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_MS = 200.0


def cases(copies: int) -> list[tuple[str, str, bool]]:
    """(case, path, is a public page with the target). Ids are those of the replicated bundle:
    INDIGO-POJ-0184 of copy k is INDIGO-POJ-k0184 (k on two digits)."""
    last = f"{copies - 1:02d}"
    return [
        ("baseline: static file", "/static/impactbonds/ib.css", False),
        ("baseline: JSON API headline figures", "/api/v1/impact-bonds/stats", False),
        ("home: headline, map, charts", "/impact-bonds/", True),
        ("home as of 2019-12-31", "/impact-bonds/?as_of=2019-12-31", True),
        ("directory, no filter (first 50)", "/impact-bonds/projects/", True),
        (
            "directory, country and sector",
            "/impact-bonds/projects/?country=GB&sector=Education",
            True,
        ),
        ("directory, search", "/impact-bonds/projects/?q=somerset", True),
        ("directory, htmx panel", "/impact-bonds/projects/?stage=Complete&sort=newest", True),
        (
            "project (77 payments, 50 parties)",
            f"/impact-bonds/projects/INDIGO-POJ-{last}0184/",
            True,
        ),
        ("project (9 metrics and prices)", "/impact-bonds/projects/INDIGO-POJ-000001/", True),
        ("organisation", f"/impact-bonds/organisations/INDIGO-ORG-{last}1103/", True),
        ("organisations, first 100", "/impact-bonds/organisations/", True),
        (
            "compare 3 projects",
            "/impact-bonds/compare/?p=INDIGO-POJ-000001&p=INDIGO-POJ-000184&p=INDIGO-POJ-000276",
            True,
        ),
    ]


def measure(client, path: str, n: int, htmx: bool) -> tuple[list[float], list[float], int]:
    from django.db import connection

    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(2):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path, headers=headers)
    times, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    return times, cpu, len(queries)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


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
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--keep", help="write the bundle and database here and keep them")
    parser.add_argument(
        "--database-url",
        help="measure on this database instead of a fresh SQLite file; "
        "its impact bond tables are emptied first",
    )
    args = parser.parse_args()

    import bench_indigo

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cm-bench-pages-"))
    bundle = work / "bundle"
    if bundle.exists():
        shutil.rmtree(bundle)
    projects, _ = bench_indigo.generate(bundle, args.copies)
    db = work / "pages.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": args.database_url or f"sqlite:///{db}",
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 50,
            "CM_VAR_DIR": str(work / "var"),
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection
    from django.test import Client

    from commonmeasure.impactbonds.models import Fund, Organisation, Project
    from commonmeasure.impactbonds.services import import_bundle

    for model in (Project, Organisation, Fund):
        model.objects.all().delete()
    import_bundle(bundle)
    assert Project.objects.count() == projects

    client = Client()
    rows = []
    for case, path, is_page in cases(args.copies):
        times, cpu, queries = measure(client, path, args.requests, htmx="htmx" in case)
        rows.append(
            (
                case,
                statistics.median(times),
                p95(times),
                max(times),
                statistics.median(cpu),
                queries,
                is_page,
            )
        )

    print(
        f"Public impact bond pages: {projects} projects loaded; {connection.vendor}; Django test client, "
        f"{args.requests} requests per page after 2 warm-up; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
    )
    print()
    print("| case | median ms | p95 ms | max ms | CPU ms (median) | queries | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    missed = 0
    for case, median, high, slowest, cpu_ms, queries, is_page in rows:
        target = ""
        if is_page:
            met = high < TARGET_MS
            missed += not met
            target = f"p95 < {TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}"
        print(
            f"| {case} | {median:.1f} | {high:.1f} | {slowest:.1f} | {cpu_ms:.1f} | {queries} | {target} |"
        )
    if not args.keep:
        shutil.rmtree(work)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
