"""The console script as a user runs it: a fresh process, configured by the environment only."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid

import pytest


def run(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "CM_VAR_DIR")
    }
    return subprocess.run(
        [sys.executable, "-m", "commonmeasure.cli", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_setup_creates_the_sqlite_database_that_database_url_names(tmp_path):
    db = tmp_path / "data" / "cm.sqlite3"
    db.parent.mkdir()
    env = {"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "x" * 50}
    done = run("setup", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Database ready: sqlite {db}"
    with sqlite3.connect(db) as conn:
        tables = {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"initiatives_initiative", "reporting_datavalue", "auth_user"} <= tables
    # Running it again migrates nothing and still succeeds.
    again = run("setup", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] == applied


def test_without_database_url_setup_uses_sqlite_in_the_var_folder(tmp_path):
    done = run("setup", env={"DEBUG": "1", "CM_VAR_DIR": str(tmp_path / "var")}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "var" / "commonmeasure.sqlite3").exists()


def test_an_unsupported_database_url_is_one_clear_line(tmp_path):
    done = run("setup", env={"DEBUG": "1", "DATABASE_URL": "mysql://cm@127.0.0.1/cm"}, cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "commonmeasure: DATABASE_URL names an unsupported database: 'mysql://cm@127.0.0.1/cm'"
    )


def test_a_missing_secret_key_is_one_clear_line(tmp_path):
    done = run("setup", env={"CM_VAR_DIR": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 2
    assert "SECRET_KEY is not set" in done.stderr and "Traceback" not in done.stderr


def test_a_database_that_cannot_be_reached_is_one_clear_line(tmp_path):
    done = run(
        "setup", env={"DEBUG": "1", "DATABASE_URL": "postgresql://cm@127.0.0.1:1/cm"}, cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.startswith("commonmeasure: ") and "Traceback" not in done.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs DATABASE_URL naming a PostgreSQL server",
)
def test_setup_creates_a_postgresql_database_that_database_url_names(tmp_path):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"cm_setup_{uuid.uuid4().hex[:8]}"
    server = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://{config['USER']}@{server['host']}:{server['port']}/{name}"
        done = run("setup", env={"DEBUG": "1", "DATABASE_URL": url}, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"Database ready: postgresql {name}"
        with psycopg.connect(dbname=name, **server) as conn:
            tables = {
                r[0]
                for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            }
        assert {"initiatives_initiative", "reporting_datavalue", "auth_user"} <= tables
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_help_lists_the_commands(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("--help")
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("setup", "serve", "initiative", "import", "query", "demo", "user"):
        assert command in out


def test_a_missing_command_is_a_usage_error(cli):
    with pytest.raises(SystemExit) as exc:
        cli()
    assert exc.value.code == 2


def test_a_missing_required_option_is_a_usage_error(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("import", "values", "file.csv")
    assert exc.value.code == 2
    assert "--initiative" in capsys.readouterr().err


def test_the_wsgi_module_loads_every_view_and_freezes_what_start_up_loaded(tmp_path):
    """A served process scans none of its start-up objects in full garbage collections
    (docs/reference/configuration.md, "Serving")."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CM_VAR_DIR")}
    env = {**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x" * 50}
    code = (
        "import gc, sys\n"
        "before = gc.get_freeze_count()\n"
        "import commonmeasure.wsgi\n"
        "print(before, gc.get_freeze_count(), 'commonmeasure.insights.views' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    before, after, views_loaded = done.stdout.split()
    assert before == "0" and int(after) > 10_000, done.stdout
    assert views_loaded == "True"
