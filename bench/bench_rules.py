"""Benchmark: validation rules checked over many rows (one row = one organisation and period).

    .venv/bin/python bench/bench_rules.py [--rows 1000000] [--seed 7]

Generates rows of three values (female, male, total; 2% of rows miss a value, 5% do not add
up) and checks, in the same run:

  compiled    commonmeasure.domain.expressions.compile_rule("female + male == total")
  baseline    a hand-written Python function doing the same comparison with the same
              tolerance and the same handling of missing values
  compiled    a second rule with a ratio, "employed / enrolled <= 1", and its baseline
  plain       Rule.check, which also gives the reason (for the rows a page shows, not bulk)

and checks that each rule and its baseline agree on every row. Each timing is the best of three
runs over all the rows. Target (issue 3): at least
200,000 values per second; rows/s and values/s (inputs per row x rows/s) are printed.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from commonmeasure.domain.expressions import (  # noqa: E402
    EQUALITY_ABS_TOL,
    EQUALITY_REL_TOL,
    compile_rule,
    parse_rule,
)


def make_rows(n: int, seed: int) -> list[dict[str, float | None]]:
    rng = random.Random(seed)
    rows: list[dict[str, float | None]] = []
    for _ in range(n):
        female, male = float(rng.randint(0, 500)), float(rng.randint(0, 500))
        total = female + male if rng.random() > 0.05 else female + male + 1
        enrolled = float(rng.randint(0, 100))
        employed = float(rng.randint(0, 110))
        row: dict[str, float | None] = {
            "female": female,
            "male": male,
            "total": total,
            "enrolled": enrolled,
            "employed": employed,
        }
        if rng.random() < 0.02:
            row[rng.choice(("female", "male", "total", "enrolled"))] = None
        rows.append(row)
    return rows


def baseline_sum(row):
    female, male, total = row["female"], row["male"], row["total"]
    if female is None or male is None or total is None:
        return None
    return math.isclose(female + male, total, rel_tol=EQUALITY_REL_TOL, abs_tol=EQUALITY_ABS_TOL)


def baseline_ratio(row):
    employed, enrolled = row["employed"], row["enrolled"]
    if employed is None or enrolled is None or enrolled == 0:
        return None
    a = employed / enrolled
    return a <= 1 or math.isclose(a, 1, rel_tol=EQUALITY_REL_TOL, abs_tol=EQUALITY_ABS_TOL)


def timed(fn, rows, repeat=3):
    """The results and the best of ``repeat`` timings (the machine may be shared)."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = [fn(row) for row in rows]
        best = min(best, time.perf_counter() - start)
    return out, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = make_rows(args.rows, args.seed)
    plain_rows = rows[: max(1, args.rows // 10)]

    cases = []
    for text, baseline, inputs in (
        ("female + male == total", baseline_sum, 3),
        ("employed / enrolled <= 1", baseline_ratio, 2),
    ):
        compiled, t_compiled = timed(compile_rule(text), rows)
        expected, t_base = timed(baseline, rows)
        if compiled != expected:
            bad = next(i for i, (a, b) in enumerate(zip(compiled, expected, strict=True)) if a != b)
            raise SystemExit(
                f"{text}: row {bad} differs: {compiled[bad]} vs baseline {expected[bad]}"
            )
        cases.append((f"compiled  {text}", len(rows), t_compiled, inputs))
        cases.append((f"baseline  {text}", len(rows), t_base, inputs))
    rule = parse_rule("female + male == total")
    _, t_plain = timed(rule.check, plain_rows, repeat=1)
    cases.append(("Rule.check  female + male == total", len(plain_rows), t_plain, 3))

    print(f"{'case':<42} {'rows':>10} {'seconds':>8} {'rows/s':>12} {'values/s':>12}")
    for name, n, seconds, inputs in cases:
        rate = n / seconds
        print(f"{name:<42} {n:>10,} {seconds:>8.3f} {rate:>12,.0f} {rate * inputs:>12,.0f}")
    worst = min(n * inputs / s for name, n, s, inputs in cases if name.startswith("compiled"))
    verdict = "met" if worst >= 200_000 else "NOT met"
    print(f"target: at least 200,000 values/s with compiled rules: {verdict} ({worst:,.0f})")


if __name__ == "__main__":
    main()
