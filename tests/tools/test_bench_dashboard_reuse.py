"""bench/bench_dashboard.py: a folder given with --reuse is the caller's and is never deleted;
a scratch folder of its own is (nothing is timed here: the child processes are replaced)."""

import importlib.util
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(
        "bench_dashboard", ROOT / "bench" / "bench_dashboard.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Stop(Exception):
    pass


def _stop(*args, **kwargs):
    raise Stop


def test_reuse_keeps_its_folder(tmp_path, monkeypatch):
    bench = _load()
    monkeypatch.setattr(bench, "run_child", _stop)
    reused = tmp_path / "kept"
    reused.mkdir()
    (reused / "dash.sqlite3").write_bytes(b"data")
    with pytest.raises(Stop):
        bench.main(["--reuse", str(reused)])
    assert (reused / "dash.sqlite3").read_bytes() == b"data"


def test_its_own_scratch_folder_is_removed(tmp_path, monkeypatch):
    bench = _load()
    monkeypatch.setattr(bench, "run_child", _stop)
    made = []
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(Path(real_mkdtemp(dir=tmp_path, prefix="cm-dash-")))
        return str(made[-1])

    monkeypatch.setattr(bench.tempfile, "mkdtemp", mkdtemp)
    with pytest.raises(Stop):
        bench.main([])
    assert made and not made[0].exists()
