"""bench/guard.py: the doc's Speed guard table parses, and the comparison (fed fake ratios, not timed)."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_guard", ROOT / "bench" / "guard.py")
guard = importlib.util.module_from_spec(_spec)
sys.modules["bench_guard"] = guard  # dataclasses look their module up
_spec.loader.exec_module(guard)

TABLE = f"""text
{guard.BEGIN}
| benchmark | ratio | where it comes from |
|---|---|---|
| alpha | 2.5 | somewhere |
| `beta` | 1.25 | elsewhere |
{guard.END}
"""


def test_the_docs_table_parses_and_names_every_pass():
    refs = guard.read_references(guard.DOC.read_text(encoding="utf-8"))
    assert set(refs) == {"rules-sum", "rules-ratio", "import"}
    assert all(r > 0 for r in refs.values())


def test_a_table_parses():
    assert guard.read_references(TABLE) == {"alpha": 2.5, "beta": 1.25}


def test_a_bad_ratio_is_named():
    with pytest.raises(ValueError, match="column ratio: 'fast' is not a number"):
        guard.read_references(TABLE.replace("1.25", "fast"))


def test_no_table_is_an_error():
    with pytest.raises(ValueError, match="no speed guard table"):
        guard.read_references("nothing here")


def test_within_twice_the_reference_passes_beyond_fails(capsys):
    refs = {"alpha": 2.5, "beta": 1.25}
    verdicts = guard.compare({"alpha": 5.0, "beta": 2.6}, refs)
    assert [(v.name, v.limit, v.passed) for v in verdicts] == [
        ("alpha", 5.0, True),
        ("beta", 2.5, False),
    ]
    assert guard.report(verdicts) == 1
    out = capsys.readouterr().out
    assert "speed guard FAILED: beta" in out
    assert "alpha" in out and "2.60" in out
    assert guard.report(guard.compare({"alpha": 1.0, "beta": 1.0}, refs)) == 0


def test_a_pass_without_a_row_is_an_error():
    with pytest.raises(ValueError, match="not in the doc's table: gamma"):
        guard.compare({"alpha": 1.0, "beta": 1.0, "gamma": 1.0}, {"alpha": 2.5, "beta": 1.25})
    with pytest.raises(ValueError, match="not measured: beta"):
        guard.compare({"alpha": 1.0}, {"alpha": 2.5, "beta": 1.25})


def test_main_fails_naming_the_benchmark(monkeypatch, capsys):
    fake = {"rules-sum": 1.0, "rules-ratio": 1.0, "import": 1000.0}
    monkeypatch.setattr(guard, "measure_all", lambda: fake)
    assert guard.main([]) == 1
    assert "speed guard FAILED: import" in capsys.readouterr().out


def test_a_ratio_over_its_limit_once_is_measured_again_and_the_better_counts(monkeypatch, capsys):
    runs = iter(
        [
            {"rules-sum": 1.0, "rules-ratio": 1.0, "import": 1000.0},  # a slow moment
            {"rules-sum": 1.2, "rules-ratio": 1.0, "import": 1.0},
        ]
    )
    monkeypatch.setattr(guard, "measure_all", lambda: next(runs))
    assert guard.main([]) == 0
    out = capsys.readouterr().out
    assert "over the limit once: import 1000.00" in out and "speed guard: passed" in out
