"""The architecture's rules hold (docs/explanation/architecture.md): import-linter's contracts in
pyproject.toml are kept, and tools/import_graph.py finds no package tangle, no two-way pair of
packages, no module cycle, no function-level import without a comment saying why and no private
name imported from another module."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import import_graph  # noqa: E402


def test_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        found = shutil.which("lint-imports")
        if found is None:
            pytest.fail("import-linter is missing: make install-test")
        lint_imports = Path(found)
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_tangle_cycle_unexplained_late_import_or_private_import(capsys):
    assert import_graph.main(["--check"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "package-level tangles (strongly connected components > 1): 0" in out
    assert "mutual package pairs (A imports B and B imports A): 0" in out


def test_a_late_import_needs_a_comment_saying_why_unless_in_ready(tmp_path):
    package = tmp_path / import_graph.PACKAGE
    package.mkdir()
    (package / "a.py").write_text(
        "def silent():\n"
        "    from commonmeasure import b\n"
        "\n"
        "def said():\n"
        "    # Imported here: b imports this module.\n"
        "    from commonmeasure import b\n"
        "\n"
        "class Config:\n"
        "    def ready(self):\n"
        "        from . import b\n",
        encoding="utf-8",
    )
    found = {line: why for _file, line, _name, why in import_graph.function_level_imports(tmp_path)}
    assert found == {2: False, 6: True, 10: True}
