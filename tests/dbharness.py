"""Database-lock scenarios on an SQLite file, each run in a child process of its own (Django
reads DATABASE_URL once, and the tests' own database is in memory, where no second
connection can hold a lock). Used by tests/test_database_locks.py.

    python -m tests.dbharness SCENARIO DB_FILE

A scenario prints one line of JSON. "world" loads the test initiatives and users into a
migrated file; the others hold SQLite's write lock from a second connection (as a large import
in another process does) while this one works, with a busy timeout of CM_DB_LOCK_TIMEOUT.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "a-long-test-password-1"
CSV = "organisation,indicator,period,value\norg-a,enrolled,2024-03,12\norg-a,caseload,2024-03,40\n"


class HeldLock:
    """A second connection that has taken the write lock and keeps it until closed."""

    def __init__(self, db: str):
        self.conn = sqlite3.connect(db, isolation_level=None, timeout=0)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def world() -> dict:
    from commonmeasure.initiatives.users import add_user
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition

    load_definition(read_definition(FIXTURES / "alpha.yaml"))
    add_user(
        "alice",
        password=PASSWORD,
        initiative_code="alpha",
        role="reporter",
        organisation_code="org-a",
    )
    return {"ok": True}


def web_write(db: str) -> dict:
    """A login (it writes the last-login time) and an API write while the lock is held, then
    again once it is free."""
    from django.test import Client

    from commonmeasure.api.tokens import create_token

    _, token = create_token("alice", "lock test")
    api = {"content_type": "application/json", "headers": {"Authorization": f"Bearer {token}"}}
    body = json.dumps(
        {
            "values": [
                {"organisation": "org-a", "indicator": "enrolled", "period": "2024-03", "value": 3}
            ]
        }
    )
    out: dict = {}
    lock = HeldLock(db)
    t0 = time.monotonic()
    try:
        login = Client().post("/login/", {"username": "alice", "password": PASSWORD})
        out["login"] = [login.status_code, login.get("Retry-After"), login.get("Content-Type")]
        out["login_says"] = "try again" in login.content.decode()
        values = Client().post("/api/v1/initiatives/alpha/values", body, **api)
        out["api"] = [values.status_code, values.get("Retry-After"), values.get("Content-Type")]
        out["api_json"] = (
            values.json() if values.get("Content-Type") == "application/json" else None
        )
    finally:
        out["seconds"] = round(time.monotonic() - t0, 2)
        lock.release()
    out["login_after"] = (
        Client().post("/login/", {"username": "alice", "password": PASSWORD}).status_code
    )
    out["api_after"] = Client().post("/api/v1/initiatives/alpha/values", body, **api).status_code
    return out


def dry_run(db: str) -> dict:
    """A dry run and an upload's check while another connection holds the write lock; then
    the real import, which must wait for the lock (and here fails: the lock is really held)."""
    import tempfile

    from django.contrib.auth import get_user_model
    from django.db import OperationalError
    from django.test import Client

    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.reporting.models import DataValue, Submission
    from commonmeasure.reporting.uploads import import_file

    alpha = Initiative.objects.get(code="alpha")
    path = Path(tempfile.mkdtemp()) / "values.csv"
    path.write_text(CSV)
    out: dict = {}
    c = Client()
    c.force_login(get_user_model().objects.get(username="alice"))
    lock = HeldLock(db)
    try:
        try:
            checked = import_file(alpha, path, dry_run=True)
            out["dry_run"] = [checked.result.imported, [e.message for e in checked.result.errors]]
        except OperationalError as exc:
            out["dry_run"] = f"OperationalError: {exc}"
        with path.open("rb") as fh:
            r = c.post("/i/alpha/orgs/org-a/upload/", {"file": fh}, follow=True)
        out["upload_check"] = [r.status_code, r.content.decode()]
        try:
            import_file(alpha, path)
            out["import"] = "imported"
        except OperationalError as exc:
            out["import"] = f"OperationalError: {exc}"
    finally:
        lock.release()
    out["stored"] = [Submission.objects.count(), DataValue.objects.count()]
    done = import_file(alpha, path)
    out["import_after"] = done.result.imported
    return out


def main() -> None:
    scenario, db = sys.argv[1], sys.argv[2]
    os.environ.update(
        DATABASE_URL=f"sqlite:///{db}",
        DEBUG="1",
        CM_DB_LOCK_TIMEOUT=os.environ.get("CM_DB_LOCK_TIMEOUT") or "0.5",
        DJANGO_SETTINGS_MODULE="commonmeasure.settings",
        ALLOWED_HOSTS="testserver",
    )
    os.environ.setdefault("CM_VAR_DIR", str(Path(db).parent / "var"))
    import django

    django.setup()
    result = (
        world()
        if scenario == "world"
        else {"web_write": web_write, "dry_run": dry_run}[scenario](db)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
