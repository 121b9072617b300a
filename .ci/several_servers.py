"""Several servers, one behaviour (docs/how-to/deploy.md).

Against a PostgreSQL server: makes a fresh database with the demo initiative, a copy of it to act
as a read replica, then starts two app servers (`commonmeasure serve`) and one worker
(`commonmeasure worker`) that share one CM_VAR_DIR, and sends them bounded traffic on loopback:

- the public pages read from the replica, the signed-in pages from the primary;
- wrong passwords sent to both servers count together towards one account's lock;
- survey responses from one address, through both servers, stop at one per-address limit, and
  every accepted response is stored;
- an upload started on one server is polled and committed on the other, checked by the worker;
- two saves of one report from the same version, through the two servers at once: exactly one is
  kept, the other is refused with the version message, never a server error;
- approvals on one server change the dashboard the other serves from its figure cache on its next
  request (rollups/figure_cache.py: the version token is in the database);
- a dump of the database restored into a fresh one rebuilds identical rollups.

Usage: .venv/bin/python .ci/several_servers.py --database-url postgresql://cm@127.0.0.1:PORT/cm
       --pg-bin /usr/lib/postgresql/15/bin
Prints one line per check and "N passed, N failed"; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "commonmeasure"  # the demo users' password
INITIATIVE = "youth-jobs"
REQUEST_TIMEOUT = 60


class Check:
    passed = 0
    failed = 0

    @classmethod
    def that(cls, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            cls.passed += 1
            print(f"  ok    {what}", flush=True)
        else:
            cls.failed += 1
            print(f"  FAIL  {what}{': ' + detail if detail else ''}", flush=True)
        return ok


# -- databases -------------------------------------------------------------------------------


def _with_name(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _run(args: list[str], env: dict, what: str, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        print(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        raise SystemExit(1)
    return done


# -- HTTP as a person ------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """A browser: its own cookies, talking to whichever server it is given."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        """(status, body, headers) without following redirects."""
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def post(self, url: str, fields: dict, files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf(), **fields}
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            return self.request(
                url, body, {"Content-Type": "application/x-www-form-urlencoded", "Referer": url}
            )
        boundary = secrets.token_hex(16)
        chunks = []
        for name, value in fields.items():
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        chunks.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url,
            b"".join(chunks),
            {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url},
        )

    def log_in(self, base: str, username: str, password: str = PASSWORD):
        self.request(f"{base}/login/")
        return self.post(f"{base}/login/", {"username": username, "password": password})


# -- servers ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)


def _wait_until_up(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{base} did not answer within {seconds:.0f} s")


# -- the checks ------------------------------------------------------------------------------


def check_replica(a: str, b: str, project: str, replica_name: str) -> None:
    print("Public pages read the replica, signed-in pages the primary")
    for base in (a, b):
        status, body, _ = Person().request(f"{base}/impact-bonds/projects/{project}/")
        Check.that(
            status == 200 and replica_name in body,
            f"the public project page on {base} shows the replica's copy",
            f"status {status}",
        )
    backbone = Person()
    backbone.log_in(a, "backbone")
    status, body, _ = backbone.request(f"{b}/i/{INITIATIVE}/")
    who = re.search(r'id="whoami">([^<]+)<', body)
    Check.that(
        status == 200 and who is not None,
        "a session started on one server is signed in on the other (sessions are shared)",
        f"status {status}",
    )


def check_sign_in_throttle(a: str, b: str, env: dict) -> None:
    print("Wrong passwords through both servers count together")
    guesser = Person()
    statuses = [
        guesser.log_in(base, "viewer", "not-the-password")[0] for base in (a, b) * 5
    ]  # 10 failures, the limit per account (CM_LOGIN_FAILURES_PER_ACCOUNT)
    Check.that(all(s == 200 for s in statuses), "ten wrong passwords are refused", str(statuses))
    status, body, _ = Person().log_in(b, "viewer")
    Check.that(
        status != 302 and "Too many failed sign-in attempts" in body,
        "then the right password is refused too, on either server, with the time to wait",
        f"status {status}",
    )
    _run([str(BIN / "commonmeasure"), "user", "unlock", "viewer"], env, "user unlock")
    status, _, _ = Person().log_in(a, "viewer")
    Check.that(status == 302, "after an unlock the right password signs in", f"status {status}")


def check_survey(a: str, b: str, token: str, facts: dict) -> None:
    print("Survey responses through both servers: one address's limit, nothing lost")
    people = [Person() for _ in range(14)]
    stamps = []
    for n, person in enumerate(people):
        _, body, _ = person.request(f"{(a, b)[n % 2]}/s/{token}/")
        found = re.search(r'name="stamp" value="([^"]+)"', body)
        stamps.append(found.group(1) if found else "")
    Check.that(all(stamps), "every respondent gets a form with its stamp")
    time.sleep(3.5)  # longer than the least time to fill the form (CM_SURVEY_MIN_FILL_SECONDS)
    statuses = [
        person.post(
            f"{(b, a)[n % 2]}/s/{token}/",
            {"stamp": stamps[n], f"q{facts['question']}": f"Idea {n}"},
        )[0]
        for n, person in enumerate(people)
    ]
    accepted = statuses.count(302)
    Check.that(
        accepted == 10 and all(s == 429 for s in statuses[10:]),
        "from one address, 10 responses an hour are taken across both servers, then 429",
        str(statuses),
    )
    Check.that(all(s < 500 for s in statuses), "no server error")
    Check.that(_responses(facts) == accepted, "every accepted response is stored", str(accepted))


def check_upload(a: str, b: str, org: str, rows: list[str]) -> None:
    print("An upload started on one server is polled and committed on the other")
    reporter = Person()
    status, _, _ = reporter.log_in(a, "reporter")
    Check.that(status == 302, "the reporter signs in on server A", f"status {status}")
    reporter.request(f"{a}/i/{INITIATIVE}/orgs/{org}/upload/")
    content = ("\n".join(rows) + "\n").encode()
    status, body, headers = reporter.post(
        f"{a}/i/{INITIATIVE}/orgs/{org}/upload/", {}, {"file": ("values.csv", content)}
    )
    location = headers.get("Location", "")
    if not Check.that(status == 302 and "/upload/" in location, "server A takes the upload"):
        print(body[-1500:])
        return
    path = urllib.parse.urlsplit(location).path
    state = _poll(reporter, f"{b}{path}", {"checked", "failed", "error"})
    Check.that(state == "checked", "server B shows the worker's check of it", f"state {state}")
    status, _, _ = reporter.post(f"{b}{path}commit/", {})
    Check.that(status == 302, "server B commits it", f"status {status}")
    state = _poll(reporter, f"{a}{path}", {"committed", "failed", "error"})
    Check.that(state == "committed", "server A shows it committed", f"state {state}")


def _poll(person: Person, url: str, final: set[str], seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    state = "?"
    while time.monotonic() < deadline:
        status, body, _ = person.request(url)
        found = re.search(r'id="upload-status" data-state="([a-z]+)"', body)
        state = found.group(1) if found else f"HTTP {status}"
        if state in final or status >= 500:
            return state
        time.sleep(0.5)
    return state


def check_concurrent_saves(a: str, b: str, org: str, period: str, cell: str) -> str | None:
    print("Two saves of one report from the same version, through both servers at once")
    people = [Person(), Person()]
    pages = []
    for person, base in zip(people, (a, b), strict=True):
        person.log_in(base, "reporter")
        status, body, _ = person.request(f"{base}/i/{INITIATIVE}/orgs/{org}/report/{period}/")
        found = re.search(r'name="version" value="(\d+)"', body)
        if not Check.that(status == 200 and found is not None, f"the grid opens on {base}"):
            return None
        pages.append(found.group(1))
    Check.that(pages[0] == pages[1], "both start from the same version")
    results: dict[int, int] = {}

    def save(i: int, base: str) -> None:
        status, _, _ = people[i].post(
            f"{base}/i/{INITIATIVE}/orgs/{org}/report/{period}/",
            {"action": "save", "version": pages[i], cell: str(700 + i)},
        )
        results[i] = status

    threads = [threading.Thread(target=save, args=(i, base)) for i, base in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(results.values())
    Check.that(statuses == [302, 409], "one save is kept, the other refused (409)", str(statuses))
    Check.that(all(s < 500 for s in statuses), "no server error")
    winner = next((i for i, s in results.items() if s == 302), None)
    return None if winner is None else str(700 + winner)


def _headlines(body: str) -> str:
    found = re.search(r'<table[^>]*id="headlines"[^>]*>(.*?)</table>', body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)) if found else ""


def check_figure_cache(a: str, b: str, submitted: list[tuple[str, str]]) -> None:
    print("Approvals on one server change the dashboard the other serves from its cache")
    backbone = Person()
    backbone.log_in(b, "backbone")
    url = f"{b}/i/{INITIATIVE}/dashboard/"
    first = [backbone.request(url) for _ in range(2)]  # the second is answered from B's cache
    before = _headlines(first[1][1])
    Check.that(
        all(status == 200 for status, _, _ in first) and before == _headlines(first[0][1]) != "",
        "server B serves the dashboard, the same twice",
    )
    approved = 0
    for org, period in submitted:
        grid = f"{a}/i/{INITIATIVE}/orgs/{org}/report/{period}/"
        _, body, _ = backbone.request(grid)
        version = re.search(r'name="version" value="(\d+)"', body)
        if version is None:
            continue
        status, _, _ = backbone.post(
            grid, {"action": "approve", "version": version.group(1), "comment": ""}
        )
        approved += status == 302
    Check.that(
        approved == len(submitted) > 0,
        f"server A approves the {len(submitted)} submitted reports of {submitted[0][1] if submitted else '?'}",
        f"{approved} approved",
    )
    status, body, _ = backbone.request(url)
    after = _headlines(body)
    Check.that(
        status == 200 and after != before and submitted[0][1] in after,
        "server B's next dashboard shows them (the headlines changed, with their period)",
        f"status {status}",
    )


def check_backup_restore(url: str, pg_bin: Path, env: dict, tmp: Path) -> None:
    print("A dump restored into a fresh database rebuilds identical rollups")
    dump = tmp / "cm.dump"
    subprocess.run(
        [str(pg_bin / "pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", url],
        check=True,
        timeout=600,
    )
    restored = _with_name(url, "cm_servers_restored")
    _admin(
        url, "DROP DATABASE IF EXISTS cm_servers_restored", "CREATE DATABASE cm_servers_restored"
    )
    subprocess.run(
        [str(pg_bin / "pg_restore"), "--no-owner", f"--dbname={restored}", str(dump)],
        check=True,
        timeout=600,
    )
    renv = {**env, "DATABASE_URL": restored}
    renv.pop("DATABASE_REPLICA_URL", None)
    _run([str(BIN / "commonmeasure"), "setup"], renv, "setup of the restored database")
    done = subprocess.run(
        [str(BIN / "commonmeasure"), "rollups", "rebuild", "--quiet"],
        env=renv,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    Check.that(
        done.returncode == 0 and "identical to the stored ones" in done.stdout,
        "rollups rebuild of the restored database reports identical rollups",
        done.stdout[-500:] + done.stderr[-500:],
    )


# -- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="any database of the server")
    parser.add_argument("--pg-bin", type=Path, required=True, help="PostgreSQL's bin folder")
    args = parser.parse_args(argv)
    started = time.monotonic()
    primary = _with_name(args.database_url, "cm_servers")
    replica = _with_name(args.database_url, "cm_servers_replica")
    _admin(
        args.database_url,
        "DROP DATABASE IF EXISTS cm_servers_replica",
        "DROP DATABASE IF EXISTS cm_servers",
        "CREATE DATABASE cm_servers",
    )
    tmp = Path(tempfile.mkdtemp(prefix="cm-servers-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE")
    }
    env.update(
        DATABASE_URL=primary,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CM_VAR_DIR=str(tmp / "var"),  # one folder for every server and the worker
        CM_BACKGROUND_ROWS="1",  # so that the upload below goes to the worker
    )
    processes: list[subprocess.Popen] = []
    try:
        print("Setting up: a database with the demo initiative, and a replica of it", flush=True)
        _run([str(BIN / "commonmeasure"), "setup"], env, "setup")
        _run([str(BIN / "commonmeasure"), "demo", "load"], env, "demo load")
        facts = _facts(env)
        # The replica: a copy of the primary, then one change only it has, so that a page that
        # reads it can be told from one that reads the primary.
        _admin(args.database_url, "CREATE DATABASE cm_servers_replica TEMPLATE cm_servers")
        replica_name = f"Replica copy of {facts['project']}"
        _admin(
            replica,
            "UPDATE impactbonds_project SET name = '"
            + replica_name.replace("'", "''")
            + f"' WHERE indigo_id = '{facts['project']}'",
        )
        env["DATABASE_REPLICA_URL"] = replica
        a = f"http://127.0.0.1:{_free_port()}"
        b = f"http://127.0.0.1:{_free_port()}"
        for base, name in ((a, "server-a"), (b, "server-b")):
            port = base.rsplit(":", 1)[1]
            processes.append(
                _start(
                    [str(BIN / "commonmeasure"), "serve", "--port", port],
                    env,
                    tmp / f"{name}.log",
                )
            )
        processes.append(
            _start(
                [str(BIN / "commonmeasure"), "worker", "--interval", "0.2"], env, tmp / "worker.log"
            )
        )
        _wait_until_up(a)
        _wait_until_up(b)
        print(f"Two servers ({a}, {b}) and a worker are running", flush=True)

        check_replica(a, b, facts["project"], replica_name)
        check_sign_in_throttle(a, b, env)
        check_survey(a, b, facts["survey_token"], facts)
        check_upload(a, b, facts["org"], facts["upload_rows"])
        kept = check_concurrent_saves(a, b, facts["org"], facts["period"], facts["cell"])
        if kept is not None:
            Check.that(_stored(env, facts) == kept, "the report holds the kept save's value", kept)
        check_figure_cache(a, b, facts["submitted"])
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=30)
        processes.clear()
        check_backup_restore(primary, args.pg_bin, env, tmp)
    finally:
        for p in processes:
            p.kill()
        if Check.failed:
            for log in sorted(tmp.glob("*.log")):
                print(f"--- the end of {log.name}:\n{log.read_text()[-3000:]}")
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"several servers: {time.monotonic() - started:.0f} s")
    print(f"{Check.passed} passed, {Check.failed} failed")
    return 1 if Check.failed else 0


def _django(env: dict) -> None:
    os.environ.update(env)
    os.environ.pop("DATABASE_REPLICA_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "commonmeasure.settings"
    import django

    django.setup()


def _facts(env: dict) -> dict:
    """What the traffic needs from the demo: the reporter's organisation, an open report and a
    cell of it, rows for an upload and a public project."""
    _django(env)
    from commonmeasure.impactbonds.models import Project
    from commonmeasure.initiatives.models import Indicator, Initiative, Membership
    from commonmeasure.reporting.models import Submission

    initiative = Initiative.objects.get(code=INITIATIVE)
    org = Membership.objects.get(user__username="reporter", initiative=initiative).organisation
    plain = [
        i
        for i in initiative.indicators.filter(kind=Indicator.REPORTED).order_by("code")
        if not i.dimensions.exists()
    ]
    indicator = plain[0]
    draft = (
        Submission.objects.filter(initiative=initiative, organisation=org, status="draft")
        .order_by("-period_start")
        .first()
    )
    if draft is None:
        raise SystemExit("the demo has no open report for the reporter's organisation")
    period = draft.period
    # An upload (the worker checks it: CM_BACKGROUND_ROWS is 1): every plain indicator but the
    # first, whose cell the concurrent saves use, in the open month.
    rows = ["organisation,indicator,period,value"]
    rows += [f"{org.code},{i.code},{period},{11 + n}" for n, i in enumerate(plain[1:4])]
    project = Project.objects.order_by("indigo_id").first()
    from commonmeasure.voice.models import Link, Question, Survey

    survey = Survey.objects.create(initiative=initiative, title="Several servers")
    question = Question.objects.create(survey=survey, kind="text", text="Ideas?", sort_order=1)
    link = Link.objects.create(survey=survey, organisation=org)
    # The submitted reports of the latest period that has any: approving them all moves the
    # dashboard's headlines (check_figure_cache).
    waiting = Submission.objects.filter(initiative=initiative, status="submitted")
    latest = waiting.order_by("-period_start").values_list("period", flat=True).first()
    submitted = [
        (code, latest)
        for code in waiting.filter(period=latest)
        .order_by("organisation__code")
        .values_list("organisation__code", flat=True)
    ]
    from django.db import connections

    connections.close_all()  # the primary is copied next: it must have no other session
    return {
        "org": org.code,
        "period": period,
        "cell": f"v:{indicator.code}:",
        "indicator": indicator.code,
        "upload_rows": rows,
        "project": project.indigo_id,
        "survey_token": link.token,
        "question": question.id,
        "link": link.id,
        "submitted": submitted,
    }


def _responses(facts: dict) -> int:
    from commonmeasure.voice.models import Response

    return Response.objects.filter(link_id=facts["link"]).count()


def _stored(env: dict, facts: dict) -> str:
    from commonmeasure.reporting.models import DataValue

    value = (
        DataValue.objects.filter(
            submission__initiative__code=INITIATIVE,
            submission__organisation__code=facts["org"],
            submission__period=facts["period"],
            indicator__code=facts["indicator"],
            disaggregation__dims="",
        )
        .values_list("value", flat=True)
        .first()
    )
    return "" if value is None else f"{value:g}"


if __name__ == "__main__":
    sys.exit(main())
