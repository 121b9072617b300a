"""No "database is locked" errors (issue 16, point 5): a dry run and an upload's check work
while another connection holds SQLite's write lock; a write that cannot get the lock in time
answers 503 with Retry-After (JSON on the API), never 500; PostgreSQL's lock timeout too.

The SQLite cases run in a child process on a database file in tmp_path (tests/dbharness.py),
with a busy timeout of half a second; the lock is held by a second connection."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parent.parent


def _run(args, db: Path) -> dict:
    env = dict(os.environ, CM_VAR_DIR=str(db.parent / "var"), CM_DB_LOCK_TIMEOUT="0.5")
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]) if args[0] == "-m" else {}


@pytest.fixture(scope="module")
def world_file(migrated_sqlite_file, tmp_path_factory) -> Path:
    """A migrated SQLite file with the test initiative and alice; each test gets a copy."""
    db = tmp_path_factory.mktemp("locks") / "world.sqlite3"
    shutil.copy(migrated_sqlite_file, db)
    assert _run(["-m", "tests.dbharness", "world", str(db)], db) == {"ok": True}
    return db


@pytest.fixture
def db_file(world_file, tmp_path) -> Path:
    copy = tmp_path / "db.sqlite3"
    shutil.copy(world_file, copy)
    return copy


def test_a_dry_run_and_an_upload_check_work_while_another_connection_writes(db_file):
    out = _run(["-m", "tests.dbharness", "dry_run", str(db_file)], db_file)
    assert out["dry_run"] == [2, []]
    status, page = out["upload_check"]
    assert (
        status == 200 and "2 values would change" in page and "nothing has been saved yet" in page
    )
    assert out["import"] == "OperationalError: database is locked"  # the lock was really held
    assert out["stored"] == [0, 0]  # and the dry run wrote nothing
    assert out["import_after"] == 2


def test_a_write_that_cannot_get_the_lock_answers_503_with_retry_after(db_file):
    out = _run(["-m", "tests.dbharness", "web_write", str(db_file)], db_file)
    assert out["login"][:2] == [503, "5"] and out["login"][2].startswith("text/html")
    assert out["login_says"]
    assert out["api"] == [503, "5", "application/json"]
    assert "try again" in out["api_json"]["detail"] and out["api_json"]["retry_after"] == 5
    assert out["login_after"] == 302 and out["api_after"] == 200


def test_other_database_errors_are_not_taken_for_a_busy_database():
    from commonmeasure import dbbusy

    assert dbbusy.is_busy(OperationalError("database is locked"))
    assert not dbbusy.is_busy(OperationalError("no such table: x"))
    assert not dbbusy.is_busy(ValueError("database is locked"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's lock timeout")
def test_a_postgresql_lock_timeout_answers_503(transactional_db, cast, settings):
    """Another connection holds a lock on the users table; the login's write of the last-login
    time waits past lock_timeout and the request answers 503, not 500."""
    import psycopg
    from django.test import Client

    from tests.conftest import PASSWORD

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("options", None)
    with psycopg.connect(**params) as other:
        other.execute("LOCK TABLE auth_user IN EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        r = Client().post("/login/", {"username": "alice", "password": PASSWORD})
        other.rollback()
    assert r.status_code == 503 and r["Retry-After"] == "5"
