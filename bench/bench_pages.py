"""The main pages on the demo data: server CPU per request, and latency under 30 clients.

    .venv/bin/python bench/bench_pages.py [--requests 20] [--clients 30] [--seconds 8]
                                          [--think 1.0] [--port 8072] [--keep DIR]

Makes a fresh SQLite database in a scratch folder and loads the demo initiative into it as
`make demo` does (``commonmeasure setup``, ``commonmeasure demo load``), DEBUG off. Then:

1. CPU per request: the initiative home and the dashboard through Django's test client in
   this process, signed in as each demo user (and signed out for the home), --requests times
   each after two warm-up requests; the median process CPU milliseconds (time.process_time
   around the whole request: middleware, queries, template) with the figure cache off
   (CM_FIGURE_CACHE off: the baseline, every figure worked out) and on (answered from it).
   Baseline in the same run: the login page, the floor of a page with the same base template.
   The benchmark and explorer pages, also kept in the figure cache, are measured the same way.
2. Load on loopback: ``commonmeasure serve`` (waitress, --threads 8) in a child process; for
   each main page, --clients client threads with a keep-alive connection each, signed in as
   the demo users in turn, request the page, wait --think seconds (a person reading, +-50 %),
   and again, for --seconds. p50, p95 and the largest milliseconds per page, and the server's
   CPU milliseconds per request (its /proc utime + stime over the case). Baselines in the same
   run: a static file, and the home and dashboard from a second server with the cache off.

Targets (issue "Fast on the way in", target 5): the home and the dashboard under 15 ms of
server CPU per request with the cache on; p95 under 100 ms for every page under the load.
Figures: docs/reference/performance-pages.md. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CPU_TARGET_MS = 15.0
P95_TARGET_MS = 100.0
INITIATIVE = "youth-jobs"
USERS = ("backbone", "reporter", "reporter2", "viewer")  # the demo's accounts (demo.py)


def env_for(work: Path, cache: bool = True) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{work / 'pages.sqlite3'}",
            "CM_VAR_DIR": str(work / "var"),
            "SECRET_KEY": "bench-" + "x" * 50,
            "DEBUG": "",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "LOG_LEVEL": "ERROR",
            "CM_FIGURE_CACHE": "" if cache else "off",
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
    )
    return env


# Run once the demo is loaded: the codes the pages need and a session of each demo user (made
# directly, as a sign-in would, so no password hashing is measured).
FACTS = r"""
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from commonmeasure.initiatives.models import Initiative, Membership
from commonmeasure.reporting.presenters import reporting_period
ini = Initiative.objects.get(code="youth-jobs")
sessions = {}
for user in get_user_model().objects.filter(username__in=%(users)r):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "commonmeasure.accounts.backends.ThrottledModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    sessions[user.username] = s.session_key
reporter_org = Membership.objects.filter(user__username="reporter", initiative=ini).first().organisation
print(json.dumps({
    "indicator": ini.indicators.filter(kind="reported").order_by("sort_order", "code").first().code,
    "org": reporter_org.code,
    "period": reporting_period(ini).code,
    "sessions": sessions,
}))
"""


def pages(facts: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """(page, path, who opens it). Data entry is the reporter's own report."""
    i, ind, org = INITIATIVE, facts["indicator"], facts["org"]
    return [
        ("initiative home", f"/i/{i}/", USERS),
        ("dashboard", f"/i/{i}/dashboard/", USERS),
        ("indicator", f"/i/{i}/indicators/{ind}/", USERS),
        ("benchmark", f"/i/{i}/benchmarks/{ind}/", USERS),
        ("explorer", f"/i/{i}/explore/", USERS),
        ("organisation", f"/i/{i}/orgs/{org}/", ("backbone", "reporter")),
        ("data entry (report grid)", f"/i/{i}/orgs/{org}/report/{facts['period']}/", ("reporter",)),
        ("impact bonds home", "/impact-bonds/", USERS),
        ("impact bond projects", "/impact-bonds/projects/", USERS),
    ]


# -- 1. CPU per request through the test client -------------------------------------------------


def cpu_per_request(
    work: Path, requests: int, indicator: str
) -> list[tuple[str, str, float, float]]:
    """(page, who, CPU ms cache off, CPU ms cache on) medians."""
    os.environ.update(env_for(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.test import Client

    def median_cpu(client, path: str) -> float:
        for _ in range(2):
            assert client.get(path).status_code == 200, path
        cpu = []
        for _ in range(requests):
            start = time.process_time()
            response = client.get(path)
            cpu.append((time.process_time() - start) * 1000)
            assert response.status_code == 200, path
        return statistics.median(cpu)

    rows = []
    login = Client()
    floor = median_cpu(login, "/login/")
    rows.append(("baseline: login page", "signed out", floor, floor))
    for who in (*USERS, None):
        client = Client()
        if who:
            client.force_login(get_user_model().objects.get(username=who))
        for page, path in (
            ("initiative home", f"/i/{INITIATIVE}/"),
            ("dashboard", f"/i/{INITIATIVE}/dashboard/"),
            ("benchmark", f"/i/{INITIATIVE}/benchmarks/{indicator}/"),
            ("explorer", f"/i/{INITIATIVE}/explore/"),
        ):
            if who is None and page != "initiative home":
                continue  # members only
            settings.CM_FIGURE_CACHE = False
            off = median_cpu(client, path)
            settings.CM_FIGURE_CACHE = True
            caches["figures"].clear()
            on = median_cpu(client, path)
            rows.append((page, who or "signed out", off, on))
    return rows


# -- 2. load on loopback ------------------------------------------------------------------------


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
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


def server_cpu(pid: int) -> float:
    """The process's user + system CPU seconds so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, path: str, cookies: list[str], clients: int, seconds: float, think: float):
    """--clients threads, each with its own connection and a session of cookies[n % len]."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        headers = {"Cookie": cookies[n % len(cookies)]} if cookies[n % len(cookies)] else {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        time.sleep(rng.uniform(0, think))  # the clients do not all start at once
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
            time.sleep(think * rng.uniform(0.5, 1.5))
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def quantiles(latencies: list[float]) -> tuple[float, float, float]:
    if len(latencies) < 2:
        value = latencies[0] if latencies else float("nan")
        return value, value, value
    q = statistics.quantiles(latencies, n=100)
    return q[49], q[94], max(latencies)


def start_server(work: Path, port: int, cache: bool) -> subprocess.Popen:
    proc = subprocess.Popen(
        [PYTHON, "-m", "commonmeasure.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env_for(work, cache),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, proc)
    return proc


def load_cases(work: Path, facts: dict, args) -> list[tuple[str, int, int, tuple, float, bool]]:
    """(case, requests, errors, (p50, p95, max), server CPU ms per request, has the target)."""
    cookie = {who: f"sessionid={key}" for who, key in facts["sessions"].items()}
    out = []

    def run(proc, case, path, who, target):
        cookies = [cookie[w] if w else "" for w in who]
        for c in cookies:  # warm-up: templates, the figure cache of each disclosure class
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            conn.request("GET", path, headers={"Cookie": c} if c else {})
            status = conn.getresponse()
            status.read()
            assert status.status == 200, (path, status.status)
        before = server_cpu(proc.pid)
        latencies, errors = load(args.port, path, cookies, args.clients, args.seconds, args.think)
        cpu = (server_cpu(proc.pid) - before) * 1000 / max(1, len(latencies))
        out.append((case, len(latencies), errors, quantiles(latencies), cpu, target))

    proc = start_server(work, args.port, cache=True)
    try:
        run(proc, "baseline: static file", "/static/web/favicon.svg", (None,), False)
        for page, path, who in pages(facts):
            run(proc, page, path, who, True)
    finally:
        proc.terminate()
        proc.wait(10)
    proc = start_server(work, args.port, cache=False)
    try:
        for page, path, who in pages(facts)[:2]:
            run(proc, f"baseline: {page}, figure cache off", path, who, False)
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=20, help="CPU: timed requests per case")
    ap.add_argument("--clients", type=int, default=30, help="load: concurrent clients")
    ap.add_argument("--seconds", type=float, default=8, help="load: seconds per page")
    ap.add_argument("--think", type=float, default=1.0, help="load: seconds between requests")
    ap.add_argument(
        "--port", type=int, default=8072, choices=range(8070, 8080), metavar="8070-8079"
    )
    ap.add_argument("--keep", type=Path, help="scratch folder to keep (reused if it has the demo)")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="cm-bench-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        env = env_for(work)
        reused = (work / "pages.sqlite3").exists()
        if not reused:
            for command in (["setup"], ["demo", "load"]):
                subprocess.run(
                    [PYTHON, "-m", "commonmeasure.cli", *command],
                    env=env,
                    cwd=ROOT,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        out = subprocess.run(
            [PYTHON, "-c", FACTS % {"users": list(USERS)}],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        facts = json.loads(out.stdout)
        loaded = time.perf_counter() - started
        load_rows = load_cases(work, facts, args)  # before this process opens the database
        cpu_rows = cpu_per_request(work, args.requests, facts["indicator"])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"Main pages on the demo data (30 organisations, 14 indicators, 36 months; "
        f"{'reused from --keep' if reused else f'loaded in {loaded:.0f} s'}); SQLite (WAL), "
        f"DEBUG off; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print()
    print(f"CPU per request (Django test client, median of {args.requests} after 2 warm-up):")
    print()
    print("| page | viewer | CPU ms, cache off | CPU ms, cache on | target |")
    print("| --- | --- | ---: | ---: | --- |")
    missed = 0
    for page, who, off, on in cpu_rows:
        target = ""
        if page in ("initiative home", "dashboard"):
            met = on < CPU_TARGET_MS
            missed += not met
            target = f"< {CPU_TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}"
        print(f"| {page} | {who} | {off:.1f} | {on:.1f} | {target} |")
    print()
    print(
        f"Load on loopback: {args.clients} clients, each a request then {args.think:g} s "
        f"(+-50 %) of reading, {args.seconds:g} s per page; `commonmeasure serve`, 8 threads:"
    )
    print()
    print(
        "| page | requests | errors | p50 ms | p95 ms | max ms | server CPU ms/request | target |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for case, n, errors, (p50, p95, top), cpu, has_target in load_rows:
        target = ""
        if has_target:
            met = p95 < P95_TARGET_MS and errors == 0
            missed += not met
            target = f"p95 < {P95_TARGET_MS:.0f} ms: {'met' if met else 'MISSED'}"
        print(
            f"| {case} | {n} | {errors} | {p50:.1f} | {p95:.1f} | {top:.1f} | {cpu:.1f} | {target} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
