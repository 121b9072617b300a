"""One dashboard benchmark case in a process of its own; prints one line of JSON.
Run by bench/bench_dashboard.py, on the database DATABASE_URL names.

    dashboard_child.py generate ORGANISATIONS MONTHS   migrate, then write the data (generate_big.py)
    dashboard_child.py rebuild                         rollups.engine.rebuild(check=False)
    dashboard_child.py dashboard RUNS                  the dashboard's data (cards) and the page
    dashboard_child.py baselines RUNS                  pandas and DuckDB over the raw values
    dashboard_child.py approve COUNT                   approval to dashboard, COUNT reports
    dashboard_child.py size                            database size in bytes
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
django.setup()

import generate_big  # noqa: E402
from django.db import connection  # noqa: E402

from commonmeasure.initiatives.models import Initiative  # noqa: E402


def _initiative() -> Initiative:
    return Initiative.objects.get(code=generate_big.INITIATIVE)


def generate(organisations: str, months: str) -> dict:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - start
    report = generate_big.write(int(organisations), int(months))
    report["migrate_seconds"] = migrated
    return report


def rebuild() -> dict:
    from commonmeasure.rollups.engine import rebuild as rebuild_rollups

    limit = int(os.environ.get("BENCH_MEMORY_LIMIT_MB") or 0)
    if limit:
        # Fail with a MemoryError instead of taking the shared machine's memory.
        resource.setrlimit(resource.RLIMIT_AS, (limit * 1024 * 1024, resource.RLIM_INFINITY))
    initiative = _initiative()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        done = rebuild_rollups(initiative, check=False)
    except MemoryError:
        return {"error": f"MemoryError: rebuild needs more than {limit:,} MB of address space"}
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "organisation_rows": done.organisation_rows,
        "rollup_rows": done.rollup_rows,
    }


def _dashboard_data(initiative_code: str, user):
    """What views.dashboard computes before rendering: access, viewer, expected, the cards."""
    from commonmeasure.initiatives.access import access_for
    from commonmeasure.insights.dashboard import cards
    from commonmeasure.insights.figures import viewer_for
    from commonmeasure.reporting.presenters import reporting_organisation_count, reporting_period

    initiative = Initiative.objects.get(code=initiative_code)
    access = access_for(user, initiative)
    viewer = viewer_for(initiative, access)
    expected = reporting_organisation_count(initiative)
    return cards(initiative, viewer, expected, reporting_period(initiative).code)


def _backbone():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=generate_big.BACKBONE_USER)


def _as_served() -> None:
    """Start as a serving process does: commonmeasure.wsgi loads the URLs and every view and
    freezes what is loaded out of the garbage collector's full collections."""
    import commonmeasure.wsgi  # noqa: F401


def dashboard(runs: str) -> dict:
    from django.test import Client

    _as_served()
    user = _backbone()
    data_times, view_times = [], []
    # One untimed run: the first loads the modules the cards use and fills SQLite's page cache.
    found = _dashboard_data(generate_big.INITIATIVE, user)
    for _ in range(int(runs)):
        start = time.perf_counter()
        found = _dashboard_data(generate_big.INITIATIVE, user)
        data_times.append(time.perf_counter() - start)
    client = Client()
    client.force_login(user)
    url = f"/i/{generate_big.INITIATIVE}/dashboard/"
    size = 0
    client.get(url)  # untimed, as above (templates compiled)
    for _ in range(int(runs)):
        start = time.perf_counter()
        response = client.get(url)
        view_times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        size = len(response.content)
    head = found[0]
    return {
        "data_times": data_times,
        "view_times": view_times,
        "page_bytes": size,
        "cards": len(found),
        "problems": [c.problem for c in found if c.problem],
        "headline": {"indicator": head.indicator.code, "period": head.period, "value": head.value},
    }


# --- baselines over the raw values ------------------------------------------------------------


def _rollup_series(initiative) -> dict[str, dict[str, float]]:
    from commonmeasure.measures.selectors import query

    return {
        ind.code: {r["key"]: r["value"] for r in query(initiative, ind, "period")}
        for ind in initiative.indicators.order_by("code")
    }


def _load_frame(initiative):
    """Every approved value as a pandas frame: indicator, combination, organisation, period."""
    import numpy as np
    import pandas as pd

    from commonmeasure.reporting.models import DataValue, Submission

    subs = list(
        Submission.objects.filter(initiative=initiative, status=Submission.APPROVED).values_list(
            "id", "organisation_id", "period"
        )
    )
    sub_frame = pd.DataFrame(subs, columns=["submission", "organisation", "period"])
    table = DataValue._meta.db_table
    sql = (
        f'SELECT v.submission_id, v.indicator_id, v.disaggregation_id, v.value FROM "{table}" v '
        f'JOIN "{Submission._meta.db_table}" s ON s.id = v.submission_id '
        "WHERE v.initiative_id = %s AND s.status = %s"
    )
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [initiative.id, Submission.APPROVED])
        while True:
            rows = cursor.fetchmany(500_000)
            if not rows:
                break
            a = np.array(rows, dtype=np.float64)
            parts.append(a)
    a = np.concatenate(parts) if parts else np.zeros((0, 4))
    frame = pd.DataFrame(
        {
            "submission": a[:, 0].astype(np.int64),
            "indicator": a[:, 1].astype(np.int64),
            "combination": a[:, 2].astype(np.int64),
            "value": a[:, 3],
        }
    )
    frame = frame.merge(sub_frame, on="submission", how="inner")
    return frame


def _rules(initiative) -> dict[int, tuple[str, str, int | None]]:
    return {
        i.id: (i.code, i.aggregation, i.weight_indicator_id)
        for i in initiative.indicators.order_by("code")
    }


def _pandas_headlines(frame, total_id: int, rules) -> dict[str, dict[str, float]]:
    totals = frame[frame["combination"] == total_id]
    grouped = totals.groupby(["indicator", "period"], sort=True)["value"]
    sums, means = grouped.sum(), grouped.mean()
    out: dict[str, dict[str, float]] = {}
    for iid, (code, rule, wid) in rules.items():
        if rule == "weighted_mean":
            x = totals[totals["indicator"] == iid][["submission", "period", "value"]]
            w = totals[totals["indicator"] == wid][["submission", "value"]].rename(
                columns={"value": "weight"}
            )
            x = x.merge(w, on="submission")
            x = x[x["weight"] > 0]
            num = (x["value"] * x["weight"]).groupby(x["period"]).sum()
            den = x["weight"].groupby(x["period"]).sum()
            out[code] = (num / den).to_dict()
        else:
            series = (means if rule == "mean" else sums).loc[iid]
            out[code] = series.to_dict()
    return out


DUCK_SQL = """
    SELECT indicator, period, SUM(value), AVG(value) FROM raw WHERE combination = $total
    GROUP BY indicator, period ORDER BY indicator, period"""
DUCK_WEIGHTED = """
    SELECT x.period, SUM(x.value * w.value) / SUM(w.value)
    FROM raw x JOIN raw w ON w.submission = x.submission
    WHERE x.indicator = $ind AND w.indicator = $weight AND x.combination = $total
      AND w.combination = $total AND w.value > 0
    GROUP BY x.period ORDER BY x.period"""


def _duck_headlines(con, total_id: int, rules) -> dict[str, dict[str, float]]:
    rows = con.execute(DUCK_SQL, {"total": total_id}).fetchall()
    out: dict[str, dict[str, float]] = {code: {} for code, _r, _w in rules.values()}
    for iid, period, total, mean in rows:
        code, rule, _w = rules[iid]
        out[code][period] = mean if rule == "mean" else total
    for iid, (code, rule, wid) in rules.items():
        if rule == "weighted_mean":
            found = con.execute(
                DUCK_WEIGHTED, {"ind": iid, "weight": wid, "total": total_id}
            ).fetchall()
            out[code] = dict(found)
    return out


def _compare(got: dict, want: dict) -> list[str]:
    problems = []
    for code in sorted(want.keys() | got.keys()):
        a, b = got.get(code, {}), want.get(code, {})
        if a.keys() != b.keys():
            problems.append(f"{code}: periods differ")
            continue
        for k in b:
            # query() gives values rounded to 6 decimals (docs/reference/aggregation.md)
            if abs(a[k] - b[k]) > 1e-6 + 1e-12 * abs(b[k]):
                problems.append(f"{code} {k}: {a[k]} against rollups {b[k]}")
                break
    return problems


def baselines(runs: str) -> dict:
    from commonmeasure.reporting.models import Disaggregation

    initiative = _initiative()
    total_id = Disaggregation.objects.get(initiative=initiative, key="").id
    rules = _rules(initiative)
    want = _rollup_series(initiative)
    out: dict = {"headline_indicators": len(want)}
    try:
        import pandas  # noqa: F401
    except ImportError:
        out["skipped"] = (
            "pandas is not installed: .venv/bin/pip install -e '.[bench]' for the baselines"
        )
        return out
    start = time.perf_counter()
    frame = _load_frame(initiative)
    out["pandas_load_seconds"] = time.perf_counter() - start
    out["raw_values"] = len(frame)
    out["frame_mb"] = frame.memory_usage(deep=True).sum() / 1e6
    times, got = [], {}
    for _ in range(int(runs)):
        start = time.perf_counter()
        got = _pandas_headlines(frame, total_id, rules)
        times.append(time.perf_counter() - start)
    out["pandas_times"] = times
    out["pandas_problems"] = _compare(got, want)
    try:
        import duckdb
    except ImportError:
        out["duckdb_skipped"] = (
            "duckdb is not installed: .venv/bin/pip install -e '.[bench]' for this baseline"
        )
        return out
    start = time.perf_counter()
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute(
        "CREATE TABLE raw AS SELECT submission, indicator, combination, value, organisation,"
        " period FROM frame"
    )
    con.unregister("frame")
    out["duckdb_load_seconds"] = time.perf_counter() - start
    out["duckdb_threads"] = con.execute("SELECT current_setting('threads')").fetchone()[0]
    times = []
    for _ in range(int(runs)):
        start = time.perf_counter()
        got = _duck_headlines(con, total_id, rules)
        times.append(time.perf_counter() - start)
    out["duckdb_times"] = times
    out["duckdb_problems"] = _compare(got, want)
    return out


# --- approval to dashboard --------------------------------------------------------------------


def approve(count: str) -> dict:
    """Approve COUNT submitted reports one by one, timing approve() and the dashboard data after
    it; each report is then reopened and submitted again (untimed), so the same reports wait
    for the next run however few organisations the data has."""
    from commonmeasure.initiatives.access import access_for
    from commonmeasure.reporting import services
    from commonmeasure.reporting.models import Submission
    from commonmeasure.reporting.workflow import move_one

    initiative = _initiative()
    user = _backbone()
    _as_served()  # a serving process has its URLs loaded (approving links notifications)
    waiting = list(
        Submission.objects.filter(initiative=initiative, status=Submission.SUBMITTED).order_by(
            "organisation__code", "period_start"
        )[: int(count)]
    )
    if not waiting:
        raise SystemExit("no submitted reports left: generate the data again")
    totals, approve_times, dashboard_times = [], [], []
    changes = []
    for n in range(int(count)):
        submission = Submission.objects.get(pk=waiting[n % len(waiting)].pk)
        before = _dashboard_data(initiative.code, user)
        was = {c.indicator.code: (c.period, c.value) for c in before}
        access = access_for(user, initiative)
        start = time.perf_counter()
        approved = services.approve(access, submission, user)
        middle = time.perf_counter()
        after = _dashboard_data(initiative.code, user)
        end = time.perf_counter()
        now = {c.indicator.code: (c.period, c.value) for c in after}
        code = generate_big.code(0)
        if now[code] == was[code]:
            raise SystemExit(
                f"approving report {submission.pk} did not change {code} on the dashboard: {was[code]}"
            )
        changes.append(f"{code} {was[code][0]}: {was[code][1]} -> {now[code][1]}")
        totals.append(end - start)
        approve_times.append(middle - start)
        dashboard_times.append(end - middle)
        reopened = services.reopen(access, approved, user, "benchmark run")
        move_one(reopened, (Submission.RETURNED,), Submission.SUBMITTED, user)
    return {
        "times": totals,
        "approve_times": approve_times,
        "dashboard_times": dashboard_times,
        "changes": changes,
    }


def size() -> dict:
    """The database's size in bytes, and its values and organisations (once generated)."""
    from commonmeasure.reporting.models import DataValue

    counts = {}
    initiative = Initiative.objects.filter(code=generate_big.INITIATIVE).first()
    if initiative is not None:
        counts = {
            "values": DataValue.objects.count(),
            "organisations": initiative.participations.filter(is_backbone=False).count(),
        }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return {"bytes": cursor.fetchone()[0], **counts}
    name = Path(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"bytes": sum(p.stat().st_size for p in name.parent.glob(name.name + "*")), **counts}


CASES = {
    "generate": generate,
    "rebuild": rebuild,
    "dashboard": dashboard,
    "baselines": baselines,
    "approve": approve,
    "size": size,
}

if __name__ == "__main__":
    report = CASES[sys.argv[1]](*sys.argv[2:])
    sys.stdout.write(json.dumps(report, default=str) + "\n")
