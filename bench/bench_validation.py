"""Benchmark: an initiative's validation rules checked the way imports and pages check them.

    .venv/bin/python bench/bench_validation.py [--values 1000000] [--db-values 200000] [--seed 11]

Reports of five indicator totals (female, male, total, employed, enrolled), three rules as an
initiative declares them (ValidationRule rows compiled by ``reporting.rules.RuleSet``):

    sum       female + male == total        error
    ratio     employed / enrolled <= 1      error
    bound     employed <= 0.9 * enrolled    warning

2% of reports miss a value, 5% break a rule. Cases, in the same run:

  RuleSet.failures       the real path: every rule of every report, the reason worked out for
                         each failure (what an import's check and the data-quality page run)
  hand-written baseline  the same three comparisons written directly in Python
  totals + failures      the whole path an import runs after writing: the reports' totals read
                         from a migrated SQLite database in memory, then RuleSet.failures

values/s counts the indicator values of the reports checked (five a report). Target (issue 3):
at least 200,000 values/s over 1,000,000 values. Exit status 1 if it is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 200_000
CODES = ("female", "male", "total", "employed", "enrolled")
RULES = [
    ("sum", "female + male", "==", "total", "error", "Female and male add up to the total"),
    ("ratio", "employed / enrolled", "<=", "1", "error", "No more employed than enrolled"),
    ("bound", "employed", "<=", "0.9 * enrolled", "warning", "Employment above 90% is unusual"),
]


def make_reports(n: int, seed: int) -> list[dict[str, float]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        female, male = rng.randint(0, 500), rng.randint(0, 500)
        enrolled = rng.randint(1, 1000)
        row = {
            "female": float(female),
            "male": float(male),
            "total": float(female + male),
            "employed": float(rng.randint(0, int(enrolled * 0.8))),
            "enrolled": float(enrolled),
        }
        r = rng.random()
        if r < 0.02:
            del row[rng.choice(CODES)]
        elif r < 0.07:
            row["total"] += 1
        out.append(row)
    return out


def baseline(rows) -> int:
    failed = 0
    isclose = math.isclose
    for v in rows:
        try:
            if not isclose(v["female"] + v["male"], v["total"], rel_tol=1e-9, abs_tol=1e-12):
                failed += 1
        except KeyError:
            pass
        try:
            a, b = v["employed"] / v["enrolled"], 1.0
            if not (a <= b or isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)):
                failed += 1
        except (KeyError, ZeroDivisionError):
            pass
        try:
            a, b = v["employed"], 0.9 * v["enrolled"]
            if not (a <= b or isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)):
                failed += 1
        except KeyError:
            pass
    return failed


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def setup_django() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rule_objects(initiative=None):
    from commonmeasure.reporting.models import ValidationRule

    return [
        ValidationRule(
            initiative=initiative, code=c, left=lhs, op=o, right=r, severity=s, message=m
        )
        for c, lhs, o, r, s, m in RULES
    ]


def db_case(reports: list[dict[str, float]]) -> tuple[float, int]:
    """Store the reports' totals, then time totals() + RuleSet.failures() over all of them."""
    import datetime

    from django.utils import timezone

    from commonmeasure.initiatives.models import Indicator, Initiative, Organisation, Participation
    from commonmeasure.reporting.models import DataValue, Disaggregation, Submission
    from commonmeasure.reporting.rules import RuleSet, totals

    ini = Initiative.objects.create(code="bench", name="Bench")
    inds = {c: Indicator.objects.create(initiative=ini, code=c, name=c) for c in CODES}
    combo = Disaggregation.objects.create(initiative=ini, key="", dims="")
    orgs = Organisation.objects.bulk_create(
        [Organisation(code=f"o{i}", name=f"O{i}") for i in range(100)]
    )
    Participation.objects.bulk_create([Participation(initiative=ini, organisation=o) for o in orgs])
    subs = []
    for n in range(len(reports)):
        year, month = 1900 + n // 100 // 12, 1 + n // 100 % 12
        subs.append(
            Submission(
                initiative=ini,
                organisation=orgs[n % 100],
                period=f"{year}-{month:02d}",
                period_start=datetime.date(year, month, 1),
            )
        )
    Submission.objects.bulk_create(subs, batch_size=1000)
    ids = list(
        Submission.objects.filter(initiative=ini).order_by("id").values_list("id", flat=True)
    )
    now = timezone.now()
    values = [
        DataValue(
            initiative=ini,
            submission_id=sid,
            indicator=inds[c],
            disaggregation=combo,
            value=v,
            updated_at=now,
        )
        for sid, row in zip(ids, reports, strict=True)
        for c, v in row.items()
    ]
    DataValue.objects.bulk_create(values, batch_size=2000)
    rule_set = RuleSet(rule_objects(ini))

    def run():
        failed = 0
        for row in totals(ids).values():
            failed += len(rule_set.failures(row))
        return failed

    seconds, failed = best_of(run, 1)
    return seconds, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--values", type=int, default=1_000_000, help="indicator values checked in memory"
    )
    parser.add_argument(
        "--db-values", type=int, default=200_000, help="values read from the database (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    setup_django()
    from commonmeasure.reporting.rules import RuleSet

    reports = make_reports(args.values // len(CODES), args.seed)
    n_values = sum(len(r) for r in reports)
    rule_set = RuleSet(rule_objects())

    def real():
        failed = 0
        for row in reports:
            failed += len(rule_set.failures(row))
        return failed

    t_real, failed_real = best_of(real)
    t_base, failed_base = best_of(lambda: baseline(reports))
    if failed_real != failed_base:
        print(
            f"MISMATCH: RuleSet found {failed_real} failures, the baseline {failed_base}",
            file=sys.stderr,
        )
        return 1
    rows = [
        ("RuleSet.failures", len(reports), n_values, t_real),
        ("hand-written baseline", len(reports), n_values, t_base),
    ]
    if args.db_values:
        db_reports = reports[: args.db_values // len(CODES)]
        t_db, _ = db_case(db_reports)
        rows.append(
            ("totals + failures (SQLite)", len(db_reports), sum(len(r) for r in db_reports), t_db)
        )
    print(
        f"Validation rules: {len(RULES)} rules, {failed_real:,} failures among {len(reports):,} reports"
    )
    print(f"{'case':<28} {'reports':>9} {'values':>10} {'seconds':>8} {'values/s':>11}  target")
    ok = True
    for name, n_rep, n_val, t in rows:
        rate = n_val / t
        target = ""
        if name == "RuleSet.failures":
            passed = rate >= TARGET
            ok = ok and passed
            target = f">= {TARGET:,}/s {'PASS' if passed else 'FAIL'}"
        print(f"{name:<28} {n_rep:>9,} {n_val:>10,} {t:>8.3f} {rate:>11,.0f}  {target}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
