"""Benchmark: a rate-card payment statement for 1,000,000 achievement rows.

    .venv/bin/python bench/bench_payments.py [--rows 1000000] [--seed 7] [--mix realistic] [--repeat 3]

Generates a contract with every rule in play (once-only metrics, a per-metric count cap, a
per-participant cap, a contract cap, three payers) and a CSV of achievements (5% not
validated, 2% outside the contract dates), then measures, each in a fresh process so memory is
the peak of that step alone:

  read      the CSV read and checked (interchange.contracts.read_achievements)
  engine    the statement computed from the rows already read (domain.payments), as JSON
  end to end  both, and the statement written as JSON, in a process with everything imported
  command   the whole command, `commonmeasure payments CONTRACT DATA --json > statement.json`,
            run as the console script in a fresh Python process: the interpreter's start, every
            import, the arguments, reading both files, the statement and the JSON written to a
            file (imports from compiled bytecode, as an installed package has it)
  loop engine the four rules in one Python loop over the rows (the engine before it worked on
            columns; still used for amounts too large for 64-bit integers)
  baseline  the plain row-by-row implementation of the same rules (domain.payments_reference)
            on the same rows

and checks that the engine, the command and the baseline give the same statement. Every step
runs ``--repeat`` times, the engine and its baseline alike, and the fastest run is shown.
Targets: end to end under 2 s and under 1 GB (issue 5); the whole command under 1 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONTRACT = {
    "currency": "GBP",
    "start": "2021-04-01",
    "end": "2024-03-31",
    "cap_total": "900000000",
    "cap_per_participant": "11700",
    "payers": [
        {"id": "DWP", "share": "0.6"},
        {"id": "LA", "share": "0.25"},
        {"id": "Trust", "share": "0.15"},
    ],
    "metrics": [
        {"id": "improved_behaviour", "price": "1300", "once_per_participant": True},
        {"id": "attendance", "price": "1400"},
        {"id": "improved_attitude", "price": "700", "once_per_participant": True},
        {"id": "entry_level_qualification", "price": "900", "once_per_participant": True},
        {"id": "basic_skills", "price": "900"},
        {"id": "level_1_qualification", "price": "1100", "cap_count": 60000},
        {"id": "level_2_qualification", "price": "3300", "once_per_participant": True},
        {"id": "level_3_qualification", "price": "5100", "once_per_participant": True},
        {"id": "entry_to_employment", "price": "3500"},
        {"id": "sustained_employment", "price": "2000", "once_per_participant": True},
    ],
}


def generate(folder: Path, rows: int, seed: int, mix: str) -> tuple[Path, Path]:
    """A contract and an achievements CSV of ``rows`` rows.

    realistic: 100,000 participants (for a million rows), each with a journey of about ten
      achievements over up to two years, in file order by date: attendance and basic skills
      repeat, the rest are once-only; about 1% of once-only achievements are entered twice;
      about a quarter of participants reach the cap per participant; the contract cap is
      reached in the last months; 5% not validated, about 8% outside the contract dates.
    adversarial: every row a random participant, metric and date, so most rows hit a rule
      (hundreds of thousands of adjustments).
    """
    rnd = random.Random(seed)
    contract = folder / "contract.json"
    terms = dict(CONTRACT)
    metrics = [m["id"] for m in CONTRACT["metrics"]]
    first = date(2021, 3, 1)
    days = [(first + timedelta(days=d)).isoformat() for d in range(3 * 365 + 60)]
    out: list[tuple[str, str, str, str]] = []
    if mix == "adversarial":
        participants = [f"P{i:06d}" for i in range(max(1, rows // 10))]
        for _ in range(rows):
            out.append(
                (
                    rnd.choice(participants),
                    rnd.choice(metrics),
                    rnd.choice(days),
                    "no" if rnd.random() < 0.05 else "yes",
                )
            )
    else:
        once = [
            m["id"]
            for m in CONTRACT["metrics"]
            if m.get("once_per_participant") or m.get("cap_count")
        ]
        n = 0
        while len(out) < rows:
            n += 1
            who = f"P{n:06d}"
            begin = rnd.randrange(len(days) - 30)
            journey = ["attendance"] * rnd.randint(1, 4) + ["basic_skills"] * rnd.randint(0, 2)
            journey += rnd.sample(once, rnd.randint(2, 6))
            journey += [m for m in journey if m in once and rnd.random() < 0.01]  # entered twice
            steps = sorted(rnd.randrange(begin, min(len(days), begin + 730)) for _ in journey)
            for metric, step in zip(journey, steps, strict=True):
                out.append((who, metric, days[step], "no" if rnd.random() < 0.05 else "yes"))
        del out[rows:]
        out.sort(key=lambda r: r[2])  # providers send achievements as they are claimed
    data = folder / "achievements.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["participant", "metric", "date", "validated"])
        w.writerows(out)
    if mix == "realistic":  # a contract cap that is reached in the last months
        from commonmeasure.domain.payments import rate_card_statement
        from commonmeasure.interchange.contracts import parse_contract, read_achievements

        uncapped = parse_contract({k: v for k, v in terms.items() if k != "cap_total"})
        total = rate_card_statement(uncapped, read_achievements(data, uncapped)).total
        terms["cap_total"] = str(int(total * 95 / 100))
    contract.write_text(json.dumps(terms, indent=2))
    return contract, data


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(step: str, contract_path: str, data_path: str, queue) -> None:
    from commonmeasure.contracts.file_reports import statement_json
    from commonmeasure.domain.payments import _rate_card_statement as row_loop_statement
    from commonmeasure.domain.payments import paused_gc, rate_card_statement
    from commonmeasure.domain.payments_reference import reference_rate_card_statement
    from commonmeasure.interchange.contracts import read_achievements, read_contract

    contract = read_contract(contract_path)
    if step != "read" and step != "end to end":
        rows = read_achievements(data_path, contract)
        if step != "engine":  # the row-by-row implementations take tuples
            rows = list(rows)
    t0, c0 = time.perf_counter(), time.process_time()
    if step == "read":
        result = len(read_achievements(data_path, contract))
    elif step == "end to end":
        with paused_gc():  # as the command does (file_reports.cmd_payments)
            statement = rate_card_statement(contract, read_achievements(data_path, contract))
            result = statement_json(statement)
            del statement
    elif step == "engine":
        with paused_gc():
            statement = rate_card_statement(contract, rows)
            result = statement_json(statement)
            del statement
    elif step == "loop engine":
        with paused_gc():
            statement = row_loop_statement(contract, rows, "month")
            result = statement_json(statement)
            del statement
    else:
        result = statement_json(reference_rate_card_statement(contract, rows))
    queue.put((time.perf_counter() - t0, time.process_time() - c0, _peak_mb(), result))


def command_line(contract: Path, data: Path) -> list[str]:
    """The console script (``commonmeasure``, beside this Python), or ``python -m`` if the
    package is not installed."""
    script = Path(sys.executable).parent / "commonmeasure"
    start = [str(script)] if script.exists() else ["-m", "commonmeasure.cli"]
    return [sys.executable, *start, "payments", str(contract), str(data), "--json"]


def command_env() -> dict[str, str]:
    """This checkout's code first (PYTHONPATH comes before an installed copy), compiled
    bytecode written and used, messages in English."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    env["LANG"] = "C.UTF-8"
    return env


def run_command(contract: Path, data: Path):
    """The whole command in a fresh process, its standard output written to a file: (wall s,
    CPU s of the process, its peak MB, the statement)."""
    out = data.with_name("statement.json")
    with out.open("wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command_line(contract, data), stdout=fh, env=command_env())
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"the command failed with exit code {proc.returncode}")
    result = out.read_text(encoding="utf-8").removesuffix("\n")  # print() adds a line break
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, result


def run(step: str, contract: Path, data: Path):
    if step == "command":
        return run_command(contract, data)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(step, str(contract), str(data), queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def calibration() -> float:
    """Seconds for ten million additions in a Python loop: how fast this machine runs Python."""
    t0 = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - t0


STEPS = {
    "read": "read and check the CSV",
    "engine": "statement from rows already read, as JSON",
    "end to end": "read + statement + JSON, everything imported",
    "command": "`commonmeasure payments --json` in a fresh process, output to a file",
    "loop engine": "the four rules in one Python loop (the engine before columns), as JSON",
    "baseline": "plain row-by-row rules in Decimal, rows already read, as JSON",
}


def bench(rows: int, seed: int, mix: str, repeat: int = 3) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        contract, data = generate(Path(tmp), rows, seed, mix)
        size = data.stat().st_size / 1e6
        print(
            f"\n{mix}: {rows:,} achievement rows ({size:.0f} MB CSV), generated in {time.perf_counter() - t0:.1f} s"
        )
        print(f"fastest of {repeat} runs of each step, each in a fresh process")
        print(f"{'step':<12} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}  what")
        # Once first, unmeasured: the command's imports compiled to bytecode, as installed.
        subprocess.run(
            [*command_line(contract, data)], stdout=subprocess.DEVNULL, env=command_env()
        )
        results = {}
        for step, what in STEPS.items():
            # The fastest of ``repeat`` runs (each in a fresh process), as timeit does: other
            # work on a shared machine only ever adds time. Every step runs as often.
            runs = [run(step, contract, data) for _ in range(repeat)]
            wall, cpu, peak, result = min(runs, key=lambda r: r[1])
            results[step] = (wall, cpu, result)
            print(f"{step:<12} {wall:7.2f} {cpu:7.2f} {peak:8.0f}  {what}", flush=True)
        same = (
            results["engine"][2]
            == results["baseline"][2]
            == results["end to end"][2]
            == results["command"][2]
            == results["loop engine"][2]
        )
        s = json.loads(results["engine"][2])
        print(
            f"engine vs baseline (CPU): {results['baseline'][1] / results['engine'][1]:.1f}x faster; "
            f"vs the loop engine: {results['loop engine'][1] / results['engine'][1]:.1f}x; "
            f"same statement: {'yes' if same else 'NO'}"
        )
        print(
            f"total {s['total']} {s['currency']} (gross {s['gross']}); {len(s['adjustments']):,} adjustments; "
            f"excluded {s['excluded']}"
        )
        return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", choices=["realistic", "adversarial", "both"], default="both")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each step; the fastest is shown",
    )
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}; this machine: {calibration():.2f} s CPU for 10 million additions "
        f"in a Python loop; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    mixes = ["realistic", "adversarial"] if args.mix == "both" else [args.mix]
    ok = all([bench(args.rows, args.seed, mix, args.repeat) for mix in mixes])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
