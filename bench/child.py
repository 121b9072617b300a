"""One benchmark case in a process of its own; prints one line of JSON. Run by bench/common.py.

    child.py setup DEFINITION            migrate a fresh database and load the initiative
    child.py csv FILE                    baseline: read the CSV with csv.reader, nothing else
    child.py bare FILE [--default-cache] [--multi]   baseline: one bare executemany of the same
                                         rows (--multi: of 90-row statements, as the import)
    child.py import FILE [--dry-run] [--approve]   the real import (import_table)
    child.py query INDICATOR BY PERIOD_TYPE REPEATS [--raw]   selectors.query, REPEATS times
    child.py sql NAME REPEATS            baseline: a plain SQL GROUP BY (see SQL below)

The database is the one DATABASE_URL names (set by bench/common.py).
"""

from __future__ import annotations

import csv
import json
import sys
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from commonmeasure.initiatives.models import Initiative  # noqa: E402
from commonmeasure.reporting.models import DataValue, Disaggregation, Submission, disaggregation_key  # noqa: E402

INITIATIVE = "bench"


def setup(definition: str) -> dict:
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition

    call_command("migrate", verbosity=0)
    load_definition(read_definition(definition))
    return {}


def read_csv(path: str) -> dict:
    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        next(reader)
        for _cells in reader:
            n += 1
    return {"rows": n, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def bare(path: str, *flags: str) -> dict:
    """Turn the CSV into table rows with plain dict look-ups (untimed), then time one executemany
    into a plain table with the values table's columns and types, and no index, key or
    constraint (``bench_plain_values``, made in the same database file).

    The reports the rows belong to are made beforehand with one bulk insert in one transaction.
    The connection has the same settings as the import's (bulk_write_settings), unless
    --default-cache asks for SQLite's default page cache.
    """
    from contextlib import nullcontext

    from commonmeasure.reporting.importing import bulk_write_settings

    settings = nullcontext() if "--default-cache" in flags else bulk_write_settings()

    initiative = Initiative.objects.get(code=INITIATIVE)
    orgs = dict(initiative.participations.values_list("organisation__code", "organisation_id"))
    inds = dict(initiative.indicators.values_list("code", "id"))
    combos = dict(initiative.disaggregations.values_list("key", "id"))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    parsed = []
    reports: dict[tuple[int, str], None] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        i_g, i_a = header.index("gender"), header.index("age_band")
        for cells in reader:
            cats = {k: v for k, v in (("gender", cells[i_g]), ("age_band", cells[i_a])) if v}
            key, dims = disaggregation_key(cats)
            if key not in combos:
                combos[key] = Disaggregation.objects.create(
                    initiative=initiative, key=key, dims=dims, categories=cats
                ).id
            org_id = orgs[cells[0]]
            reports[(org_id, cells[2])] = None
            parsed.append((org_id, cells[2], inds[cells[1]], combos[key], cells[3], cells[6]))
    with transaction.atomic():
        Submission.objects.bulk_create(
            [
                Submission(
                    initiative=initiative,
                    organisation_id=org_id,
                    period=code,
                    period_start=initiative.parse_period(code).start_date,
                )
                for org_id, code in reports
            ],
            batch_size=2000,
        )
    subs = {
        (org_id, code): sid
        for sid, org_id, code in Submission.objects.filter(initiative=initiative).values_list(
            "id", "organisation_id", "period"
        )
    }
    rows = [
        (initiative.id, subs[(o, c)], i, d, float(v), comment, now, None, now, None, "file")
        for o, c, i, d, v, comment in parsed
    ]
    del parsed
    columns = (
        "initiative_id, submission_id, indicator_id, disaggregation_id, value, comment, "
        "updated_at, updated_by_id, created_at, created_by_id, created_channel"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_values")
        cursor.execute(
            "CREATE TABLE bench_plain_values (initiative_id bigint, submission_id bigint, "
            "indicator_id bigint, disaggregation_id bigint, value real, comment text, "
            "updated_at datetime, updated_by_id integer, created_at datetime, "
            "created_by_id integer, created_channel varchar(8))"
        )
    sql = f"INSERT INTO bench_plain_values ({columns}) VALUES ({', '.join(['?'] * 11)})"
    statements = [(sql, rows)]
    if "--multi" in flags:  # as the import writes: 90 rows a statement, flattened beforehand
        n = 90
        whole = len(rows) // n * n
        many = sql.split(" VALUES ")[0] + " VALUES " + ", ".join([sql.split(" VALUES ")[1]] * n)
        flat = [[v for row in rows[i : i + n] for v in row] for i in range(0, whole, n)]
        statements = [(many, flat), (sql, rows[whole:])]
    connection.ensure_connection()
    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic(), settings:
        cursor = connection.connection.cursor()  # the sqlite3 cursor itself, no Django wrapper
        for statement, params in statements:
            cursor.executemany(statement, params)
        cursor.close()
    return {
        "rows": len(rows),
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
    }


def import_values(path: str, *flags: str) -> dict:
    from commonmeasure.interchange.tabular import open_table
    from commonmeasure.reporting.importing import import_table

    initiative = Initiative.objects.get(code=INITIATIVE)
    start, cpu = time.perf_counter(), time.process_time()
    table = open_table(path)
    result = import_table(
        initiative, table, dry_run="--dry-run" in flags, approve="--approve" in flags
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if not result.ok:
        raise SystemExit(f"the import failed: {result.as_dict()['errors'][:5]}")
    rows = result.imported + result.updated + result.unchanged
    if "--dry-run" in flags:
        rows = result.imported  # counted as "would import"
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "approved": result.approved}


def query(indicator_code: str, by: str, period_type: str, repeats: str, *flags: str) -> dict:
    """--raw: aggregate the stored values (query(from_rollups=False)) instead of the rollups."""
    from commonmeasure.measures.selectors import _combos, query

    from_rollups = "--raw" not in flags
    initiative = Initiative.objects.get(code=INITIATIVE)
    indicator = initiative.indicators.get(code=indicator_code)
    times, result = [], None
    for _ in range(int(repeats)):
        # A fresh Initiative and Indicator each time, as a request or command would have.
        ini = Initiative.objects.get(pk=initiative.pk)
        ind = ini.indicators.get(pk=indicator.pk)
        start = time.perf_counter()
        result = query(ini, ind, by, period_type or None, from_rollups=from_rollups)
        times.append(time.perf_counter() - start)
    # The values the query has to look at: those at the requested level in approved reports (of
    # the weight indicator too, for a weighted mean), and finer ones of reports without them.
    dimension = by if by not in ("period", "organisation") else None
    exact, finer = _combos(initiative, dimension)
    approved = DataValue.objects.filter(submission__status=Submission.APPROVED)
    used = [indicator.id] + (
        [indicator.weight_indicator_id] if indicator.weight_indicator_id else []
    )
    read = approved.filter(indicator_id__in=used, disaggregation_id__in=exact).count()
    if finer and not indicator.weight_indicator_id:
        with_exact = DataValue.objects.filter(
            indicator=indicator, disaggregation_id__in=exact
        ).values("submission_id")
        read += (
            approved.filter(indicator=indicator, disaggregation_id__in=list(finer))
            .exclude(submission_id__in=with_exact)
            .count()
        )
    return {"rows": read, "times": times, "result": result, "stored": DataValue.objects.count()}


# Plain SQL answers to compare with (SQLite syntax: the benchmark runs on SQLite).
SQL = {
    # enrolled, total level, summed by calendar quarter: what query(enrolled, by=period, quarter) gives.
    "quarter_sum": """
        SELECT substr(s.period, 1, 4) || '-Q' || ((CAST(substr(s.period, 6, 2) AS INTEGER) + 2) / 3) AS q,
               SUM(v.value), COUNT(*)
        FROM reporting_datavalue v JOIN reporting_submission s ON s.id = v.submission_id
        WHERE s.status = 'approved'
          AND v.indicator_id = (SELECT id FROM initiatives_indicator WHERE code = 'enrolled')
          AND v.disaggregation_id = (SELECT id FROM reporting_disaggregation WHERE key = '')
        GROUP BY q ORDER BY q""",
    # every stored value, summed per indicator: a full scan of the table.
    "scan_all": """
        SELECT indicator_id, SUM(value), COUNT(*) FROM reporting_datavalue GROUP BY indicator_id ORDER BY indicator_id""",
}


def sql(name: str, repeats: str) -> dict:
    times, rows = [], []
    with connection.cursor() as cursor:
        for _ in range(int(repeats)):
            start = time.perf_counter()
            cursor.execute(SQL[name])
            rows = cursor.fetchall()
            times.append(time.perf_counter() - start)
    read = sum(r[-1] for r in rows)
    return {"rows": read, "times": times, "result": [{"key": r[0], "value": r[1]} for r in rows]}


def rebuild_command() -> dict:
    """`commonmeasure rollups rebuild --initiative bench --quiet`, as the command runs it."""
    from commonmeasure.cli import main

    start, cpu = time.perf_counter(), time.process_time()
    status = main(["rollups", "rebuild", "--initiative", INITIATIVE, "--quiet"])
    if status:
        raise SystemExit(f"commonmeasure rollups rebuild exited with {status}")
    return {
        "rows": DataValue.objects.count(),
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
    }


CASES = {
    "rebuild": rebuild_command,
    "setup": setup,
    "csv": read_csv,
    "bare": bare,
    "import": import_values,
    "query": query,
    "sql": sql,
}

if __name__ == "__main__":
    report = CASES[sys.argv[1]](*sys.argv[2:])
    sys.stdout.write(json.dumps(report, default=str) + "\n")
