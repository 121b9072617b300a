"""The standard cast (ENGINEERING.md): organisations A and B share initiative "alpha";
organisation C is only in initiative "beta". Each has a reporter (alice, bob, carol);
"backbone" is alpha's backbone admin; "outsider" belongs to nothing.

Every permission test uses them.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "test-password-123"

# Every test runs on the same day, whatever the date: a Monday in the middle of a month, of a
# quarter and of a UK financial year. The clock ticks from there, so timeouts and durations are real.
FIXED_NOW = datetime.datetime(2026, 5, 18, 9, 30, tzinfo=datetime.UTC)

# Property tests draw the same examples on every run (no flakes); HYPOTHESIS_PROFILE=explore draws
# new ones each time, to hunt for bugs. No deadline: the machine is shared and its speed varies.
hypothesis_settings.register_profile("suite", derandomize=True, deadline=None, database=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


# `make test` runs the suite on several workers (pytest-xdist, --dist loadgroup), each with its own
# test database (pytest-django adds the worker's name to a PostgreSQL database's name; SQLite is
# in memory), its own VAR_DIR (below) and its own live server. Tests that share something
# expensive made once per worker are kept together on one worker: the office-file corpus
# (LibreOffice) and the database-lock scenarios (a migrated SQLite file). The browser tests are
# kept together file by file: a worker that gets one starts a Chromium of its own, and the files
# spread over the workers.
# Browser test files whose tests share no fixture wider than a test, and are long enough that
# keeping them on one worker would leave the other idle at the end of the run.
E2E_SPREAD_BY_TEST = {"test_accessibility"}

ONE_WORKER = {
    "e2e": "e2e",
    "office": "office",
    # the users of migrated_sqlite_file, so that it is made once
    "test_database_locks.py": "sqlite-files",
    "test_shared_state.py": "sqlite-files",
    "test_security_headers.py": "sqlite-files",
}


def pytest_itemcollected(item):
    """Mark the tests of ONE_WORKER as they are collected, before pytest-xdist reads the groups."""
    tests = Path(__file__).parent
    path = Path(item.fspath)
    parts = path.relative_to(tests).parts if tests in path.parents else ()
    group = next((ONE_WORKER[p] for p in parts if p in ONE_WORKER), None)
    if group == "e2e":  # each worker that gets browser tests starts its own Chromium: a file's
        group = f"e2e-{path.stem}"  # tests stay together, the files spread over the workers
        if path.stem in E2E_SPREAD_BY_TEST:
            group = f"{group}-{item.name}"
    if group:
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def fixed_clock():
    """Today is FIXED_NOW's day in every test (pages, services and the tests' own arithmetic)."""
    with time_machine.travel(FIXED_NOW, tick=True):
        yield FIXED_NOW


@pytest.fixture(autouse=True, scope="session")
def _private_var_dir(tmp_path_factory):
    """Uploads and caches go to a folder of this run's own, never to the checkout's var/ (which
    holds the demo database) or to a folder another run shares."""
    from django.conf import settings as django_settings

    folder = tmp_path_factory.mktemp("var")
    previous = django_settings.VAR_DIR
    django_settings.VAR_DIR = folder
    yield folder
    django_settings.VAR_DIR = previous


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory) -> Path:
    """An SQLite file that `commonmeasure setup` has migrated, made once: tests that need a
    database file for a child process copy it (sqlite_file) rather than migrate their own.
    (test_cli.py runs `setup` on new files itself, as a user would.)"""
    import subprocess
    import sys

    db = tmp_path_factory.mktemp("migrated") / "cm.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE")}
    env.update(DATABASE_URL=f"sqlite:///{db}", DEBUG="1", CM_VAR_DIR=str(db.parent))
    subprocess.run(
        [sys.executable, "-m", "commonmeasure.cli", "setup"],
        cwd=Path(__file__).parent.parent,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    import sqlite3

    with sqlite3.connect(db) as conn:  # fold the write-ahead log into the file, to copy it alone
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def sqlite_file(migrated_sqlite_file, tmp_path) -> Path:
    """A migrated SQLite file of this test's own (a copy of migrated_sqlite_file)."""
    import shutil

    copy = tmp_path / "cm.sqlite3"
    shutil.copy(migrated_sqlite_file, copy)
    return copy


@dataclass
class Cast:
    alpha: object
    beta: object
    org_a: object
    org_b: object
    org_c: object
    alice: object  # reporter, org A, alpha
    bob: object  # reporter, org B, alpha
    carol: object  # reporter, org C, beta
    backbone: object  # backbone admin, alpha
    outsider: object  # signed in, member of nothing


@pytest.fixture
def cast(db) -> Cast:
    from django.contrib.auth import get_user_model

    from commonmeasure.initiatives.models import Organisation
    from commonmeasure.initiatives.users import add_user
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition

    alpha, _ = load_definition(read_definition(FIXTURES / "alpha.yaml"))
    beta, _ = load_definition(read_definition(FIXTURES / "beta.yaml"))
    add_user(
        "alice",
        password=PASSWORD,
        initiative_code="alpha",
        role="reporter",
        organisation_code="org-a",
    )
    add_user(
        "bob",
        password=PASSWORD,
        initiative_code="alpha",
        role="reporter",
        organisation_code="org-b",
    )
    add_user(
        "carol",
        password=PASSWORD,
        initiative_code="beta",
        role="reporter",
        organisation_code="org-c",
    )
    add_user("backbone", password=PASSWORD, initiative_code="alpha", role="backbone_admin")
    add_user("outsider", password=PASSWORD)
    users = {u.username: u for u in get_user_model().objects.all()}
    orgs = {o.code: o for o in Organisation.objects.all()}
    return Cast(
        alpha=alpha,
        beta=beta,
        org_a=orgs["org-a"],
        org_b=orgs["org-b"],
        org_c=orgs["org-c"],
        alice=users["alice"],
        bob=users["bob"],
        carol=users["carol"],
        backbone=users["backbone"],
        outsider=users["outsider"],
    )


@pytest.fixture
def client_for(request, db):
    """A test client signed in as someone, the one way the suite signs in: client_for("alice")
    (a member of the standard cast, or any other user in the database by name) or
    client_for(user) (anyone); client_for("anonymous") or client_for(None) is signed out.
    Keyword arguments go to Django's test Client (e.g. HTTP_ACCEPT_LANGUAGE="cy",
    enforce_csrf_checks=True). The standard cast is made with the fixture, except in a test
    marked ``no_cast`` (one that loads the demo's own users)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    cast = None if request.node.get_closest_marker("no_cast") else request.getfixturevalue("cast")

    def make(who, **kwargs) -> Client:
        client = Client(**kwargs)
        if who is None or who == "anonymous":
            return client
        if isinstance(who, str):
            name = who
            who = getattr(cast, name, None) if cast is not None else None
            who = who or get_user_model().objects.get(username=name)
        client.force_login(who)
        return client

    return make


def write_csv(tmp_path: Path, text: str, name: str = "values.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def import_csv(tmp_path):
    """Import CSV text into an initiative; returns the ImportResult."""
    from commonmeasure.interchange.errors import FileProblem
    from commonmeasure.interchange.tabular import open_table
    from commonmeasure.reporting.importing import ImportResult, import_table

    def run(initiative, text: str, name: str = "values.csv", **kwargs):
        path = write_csv(tmp_path, text, name)
        try:
            table = open_table(path)
        except FileProblem as problem:
            result = ImportResult()
            result.add_error(problem.error.row, problem.error.column, problem.error.message)
            return result
        return import_table(initiative, table, **kwargs)

    return run


os.environ.setdefault("DEBUG", "1")


@pytest.fixture
def cli(capsys):
    """Run the console script in-process: cli("query", "--initiative", ...) -> (exit code, stdout, stderr)."""
    from commonmeasure.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash the cast's passwords quickly; the real hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language: a page asked for in French (cookie or
    Accept-Language) leaves French active in the thread, which the next test would inherit."""
    from django.utils import translation

    translation.activate(django_settings_language())
    yield
    translation.activate(django_settings_language())


def django_settings_language() -> str:
    from django.conf import settings as django_settings

    return django_settings.LANGUAGE_CODE
