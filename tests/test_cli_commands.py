"""The console script dispatches to the apps' Django management commands: every command it
offers is one, every one of them is offered, and each also runs through Django's own machinery."""

from __future__ import annotations

import importlib
import io
import os
import pkgutil
import subprocess
import sys
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command

from commonmeasure import cli
from commonmeasure.console import ConsoleCommand


def _console_commands() -> set[str]:
    """Every management command module of the project whose Command is a ConsoleCommand."""
    import commonmeasure

    found = set()
    for app in pkgutil.iter_modules(commonmeasure.__path__):
        try:
            commands = importlib.import_module(f"commonmeasure.{app.name}.management.commands")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(commands.__path__):
            name = f"{commands.__name__}.{module.name}"
            if issubclass(importlib.import_module(name).Command, ConsoleCommand):
                found.add(name)
    return found


def test_every_console_command_is_offered_by_the_console_script_and_no_other():
    offered = {
        f"commonmeasure.{app}.management.commands.{cli.management_name(words)}"
        for words, app in cli.COMMANDS
    }
    assert offered == _console_commands()
    assert len(offered) == len(cli.COMMANDS) == 28


def test_a_command_runs_through_django_call_command_with_the_same_output(cast, cli):
    code, expected, _ = cli("initiative", "dump", "alpha", "--format", "json")
    assert code == 0 and '"code": "alpha"' in expected
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("initiative_dump", "alpha", "--format", "json")
    assert out.getvalue() == expected


def test_a_command_error_through_django_is_a_command_error_with_its_message(cast):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no initiative with code 'nope'"):
        call_command("initiative_dump", "nope")


def test_the_file_only_commands_need_no_settings(tmp_path):
    """`payments`, `returns` and `scenario` read files only: no SECRET_KEY, no database."""
    flows = tmp_path / "flows.csv"
    flows.write_text("date,amount\n2015-06-01,-270000\n2018-07-01,414085\n", encoding="utf-8")
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "CM_VAR_DIR")
    }
    done = subprocess.run(
        [sys.executable, "-m", "commonmeasure.cli", "returns", str(flows)],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "14.9%" in done.stdout
    assert not (tmp_path / "var").exists()


def test_help_needs_no_settings(tmp_path):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "CM_VAR_DIR")
    }
    done = subprocess.run(
        [sys.executable, "-m", "commonmeasure.cli", "import", "values", "--help"],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: commonmeasure import values [-h] --initiative INITIATIVE" in done.stdout
