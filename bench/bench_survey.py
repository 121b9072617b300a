"""Survey form speed: responses per second and latency, over loopback HTTP.

    .venv/bin/python bench/bench_survey.py [--requests 2000] [--clients 4] [--port 8071]

Starts `commonmeasure serve` (waitress) on a port from 8070 to 8079 in a child process, on a
fresh SQLite database in a scratch folder, with one survey of five questions (NPS, 5-point,
single choice, multiple choice, free text; two mapped to indicators). Then ``--clients`` load
processes, each with one keep-alive connection, post responses as fast as the server answers,
each from a new random device cookie (so every response is a new device and is stored). The
total is bounded by ``--requests`` and ``--seconds``.

Every response comes from the same address (127.0.0.1) a moment after the form was served,
so the run lifts the per-address limit and the time-to-fill check
(CM_SURVEY_PER_ADDRESS_PER_HOUR, CM_SURVEY_MIN_FILL_SECONDS): both are still worked out for
every response (the address hash and its count, the form's signed stamp), only never refuse.

The same run measures a baseline first: a static file (the favicon) served by the same server,
which is the fastest any request can be here. Figures go in docs/reference/performance-survey.md.

Targets (issue 7): at least 200 responses/s, 95th percentile under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_RPS, TARGET_P95_MS = 200, 100


def env_for(workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "CM_VAR_DIR": str(workdir),
            "SECRET_KEY": "bench-" + secrets.token_hex(32),
            "DEBUG": "",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
            "CM_SURVEY_RECOMPUTE_SECONDS": "30",
            "CM_SURVEY_PER_ADDRESS_PER_HOUR": str(10**9),
            "CM_SURVEY_MIN_FILL_SECONDS": "0",
        }
    )
    return env


SETUP = r"""
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
django.setup()
from commonmeasure.initiatives.models import Indicator, Initiative, Organisation, Participation
from commonmeasure.voice.models import Link, Question, Survey
ini = Initiative.objects.create(code="bench", name="Bench", reporting_frequency="monthly")
org = Organisation.objects.create(code="org", name="Organisation")
Participation.objects.create(initiative=ini, organisation=org)
nps = Indicator.objects.create(initiative=ini, code="nps", name="NPS", value_type="score", aggregation="mean")
sat = Indicator.objects.create(initiative=ini, code="sat", name="Satisfied", value_type="percentage", aggregation="mean")
s = Survey.objects.create(initiative=ini, title="Bench survey", rate_limit_per_minute=10**9)
ids = [Question.objects.create(survey=s, kind=k, text=k, choices=c, indicator=i, measure=m, sort_order=n).id
       for n, (k, c, i, m) in enumerate([("nps", [], nps, "nps"), ("likert", [], sat, "satisfied"),
                                          ("single", ["a", "b"], None, ""), ("multi", ["x", "y", "z"], None, ""),
                                          ("text", [], None, "")])]
link = Link.objects.create(survey=s, organisation=org)
print(link.token, *ids)
"""


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {proc.returncode})")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/static/web/favicon.svg")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port} within {seconds} s")


def _client(args) -> tuple[list[float], int, float]:
    """One load process: a keep-alive connection posting until its share or the time is used."""
    port, kind, token, qids, count, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, errors = [], 0
    headers = {}
    body_base = ""
    if kind == "post":
        conn.request("GET", f"/s/{token}/")
        page = conn.getresponse()
        html = page.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "").group(1)
        csrf_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}",
        }
        stamp = re.search(r'name="stamp" value="([^"]+)"', html).group(1)
        body_base = f"csrfmiddlewaretoken={csrf_form}&stamp={urllib.parse.quote(stamp)}&"
    started = time.perf_counter()
    for i in range(count):
        if time.perf_counter() - started > seconds:
            break
        t0 = time.perf_counter()
        if kind == "post":
            answers = {
                f"q{qids[0]}": str(i % 11),
                f"q{qids[1]}": str(1 + i % 5),
                f"q{qids[2]}": "a",
                f"q{qids[3]}": ["x", "z"],
                f"q{qids[4]}": f"Comment number {i} {secrets.token_hex(4)}",
            }
            body = body_base + urllib.parse.urlencode(answers, doseq=True)
            h = dict(
                headers, Cookie=f"csrftoken={csrf_cookie}; cm_device={secrets.token_urlsafe(18)}"
            )
            conn.request("POST", f"/s/{token}/", body=body, headers=h)
            expected = 302
        else:
            conn.request("GET", "/static/web/favicon.svg")
            expected = 200
        r = conn.getresponse()
        r.read()
        latencies.append(time.perf_counter() - t0)
        if r.status != expected:
            errors += 1
    return latencies, errors, time.perf_counter() - started


def run_case(port, kind, token, qids, total, clients, seconds) -> dict:
    share = total // clients
    with mp.Pool(clients) as pool:
        t0 = time.perf_counter()
        results = pool.map(_client, [(port, kind, token, qids, share, seconds)] * clients)
        wall = time.perf_counter() - t0
    lat = sorted(x for r in results for x in r[0])
    busy = max(r[2] for r in results)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0]] * 99
    return {
        "requests": len(lat),
        "errors": sum(r[1] for r in results),
        "rps": len(lat) / busy,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "wall": wall,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="responses to post (default 2000)")
    ap.add_argument("--clients", type=int, default=8, help="load processes (default 8)")
    ap.add_argument(
        "--threads", type=int, default=8, help="server threads (default 8, as commonmeasure serve)"
    )
    ap.add_argument("--seconds", type=float, default=30, help="stop each case after this long")
    ap.add_argument(
        "--port", type=int, default=8071, choices=range(8070, 8080), metavar="8070-8079"
    )
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cm-bench-survey-"))
    env = env_for(work)
    server = None
    try:
        subprocess.run(
            [PYTHON, "-m", "commonmeasure.cli", "setup"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        out = subprocess.run(
            [PYTHON, "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        token, *qids = out.stdout.split()
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "commonmeasure.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(args.port),
                "--threads",
                str(args.threads),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        wait_for(args.port, server)
        rows = [
            (
                "baseline: static file (GET)",
                run_case(
                    args.port, "static", token, qids, args.requests, args.clients, args.seconds
                ),
            ),
            (
                "survey response (POST)",
                run_case(args.port, "post", token, qids, args.requests, args.clients, args.seconds),
            ),
        ]
        stored = (
            subprocess.run(
                ["sqlite3", str(work / "bench.sqlite3"), "select count(*) from voice_response"],
                capture_output=True,
                text=True,
            ).stdout.strip()
            if shutil.which("sqlite3")
            else "?"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"Survey form over loopback: {args.clients} client processes, {args.threads} server threads, "
        f"SQLite (WAL), {os.cpu_count()} CPUs"
    )
    print(
        f"{'case':<30} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for name, r in rows:
        print(
            f"{name:<30} {r['requests']:>8} {r['errors']:>6} {r['rps']:>8.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}"
        )
    post = rows[1][1]
    print(f"responses stored: {stored}")
    ok = post["rps"] >= TARGET_RPS and post["p95"] < TARGET_P95_MS and post["errors"] == 0
    print(
        f"target: >= {TARGET_RPS} responses/s and p95 < {TARGET_P95_MS} ms, no errors: {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
