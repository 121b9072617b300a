"""What the benchmarks share: a scratch folder, fresh SQLite databases, child processes, the table.

Every measured case runs in a child process of its own (bench/child.py). The parent reaps it with
os.wait4(), whose resource usage is that one child's, so "peak MB" is the child's peak resident
set size (ru_maxrss): the whole process, Python and Django included, not only what the case
allocated. Seconds are wall-clock time measured inside the child around the case itself, so
starting Python and Django is not counted.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402


@dataclass
class Measure:
    case: str
    rows: int
    seconds: float
    peak_mb: float | None
    target: str = ""
    cpu: float | None = None  # CPU seconds of the case, to tell a slow case from a busy machine
    passed: bool | None = None  # None: a baseline, no target
    note: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


class Workspace:
    """A temporary folder with the generated CSV and a migrated template database."""

    def __init__(self, rows: int, months: int, keep: Path | None = None):
        self.dir = Path(tempfile.mkdtemp(prefix="cm-bench-", dir=keep))
        self.keep = keep is not None
        self.rows = rows
        self.csv = self.dir / "values.csv"
        self.definition = self.dir / "bench.yaml"
        self.template = self.dir / "template.sqlite3"
        generate.write_csv(self.csv, rows, months)
        generate.write_definition(self.definition, rows, months)
        run_child("setup", self.template, str(self.definition))
        _checkpoint(self.template)

    def fresh_db(self, name: str) -> Path:
        """A copy of the template: migrated, with the initiative loaded and no values."""
        path = self.dir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, path)
        return path

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def _checkpoint(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def child_env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_SETTINGS_MODULE="commonmeasure.settings",
        SECRET_KEY="benchmark-only-not-secret-" + "0" * 40,
        CM_VAR_DIR=str(db.parent),
        PYTHONHASHSEED="0",
    )
    env.pop("DEBUG", None)  # as in production: no query log kept in memory
    return env


def database_env(url: str, var_dir: Path) -> dict[str, str]:
    """The environment of a child process on the database ``url`` (SQLite or PostgreSQL)."""
    env = child_env(var_dir / "unused.sqlite3")
    env["DATABASE_URL"] = url
    return env


def run_child(
    case: str, db: Path, *args: str, script: str = "child.py", env: dict | None = None
) -> tuple[dict, float]:
    """Run bench/SCRIPT CASE in a new process: (its JSON report, its peak RSS in MB)."""
    cmd = [sys.executable, str(BENCH / script), case, *args]
    err = tempfile.TemporaryFile()
    env = env if env is not None else child_env(db)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
    out = proc.stdout.read()
    proc.stdout.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err.seek(0)
        sys.stderr.write(err.read().decode(errors="replace"))
        raise SystemExit(f"benchmark case {case!r} failed (exit code {proc.returncode})")
    err.close()
    report = json.loads(out.decode().strip().splitlines()[-1]) if out.strip() else {}
    return report, usage.ru_maxrss / 1024  # Linux reports kilobytes


def median_measure(runs: list[Measure]) -> Measure:
    """The run with the median time (of an odd number; the faster middle one of an even number)."""
    ordered = sorted(runs, key=lambda m: m.seconds)
    middle = ordered[(len(ordered) - 1) // 2]
    middle.peak_mb = max(m.peak_mb or 0 for m in runs)
    if len(runs) > 1:
        times = ", ".join(f"{m.seconds:.3f}" for m in runs)
        middle.note = (middle.note + "; " if middle.note else "") + f"runs: {times}"
    return middle


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return (
        f"{cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def print_table(title: str, measures: list[Measure], rows_label: str = "rows") -> None:
    header = ["case", rows_label, "seconds", "rows/s", "cpu s", "peak MB", "target", "result"]
    lines = []
    for m in measures:
        result = "baseline" if m.passed is None else ("PASS" if m.passed else "FAIL")
        lines.append(
            [
                m.case,
                f"{m.rows:,}",
                f"{m.seconds:.3f}",
                f"{m.rate:,.0f}",
                "" if m.cpu is None else f"{m.cpu:.3f}",
                "" if m.peak_mb is None else f"{m.peak_mb:,.0f}",
                m.target or "-",
                result,
            ]
        )
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    numeric = {1, 2, 3, 4, 5}
    fmt = lambda r: "  ".join(  # noqa: E731
        str(c).rjust(widths[i]) if i in numeric else str(c).ljust(widths[i])
        for i, c in enumerate(r)
    )
    print(f"\n{title}")
    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(fmt(line))
    notes = [f"  {m.case}: {m.note}" for m in measures if m.note]
    if notes:
        print("notes:")
        print("\n".join(notes))


def all_passed(measures: list[Measure]) -> bool:
    return all(m.passed is not False for m in measures)


__all__ = [
    "Measure",
    "Workspace",
    "run_child",
    "median_measure",
    "machine",
    "print_table",
    "statistics",
]
