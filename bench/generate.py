"""Deterministic benchmark data: an initiative definition and a long-layout values CSV.

The initiative ("bench") reports monthly and has two dimensions (gender: 3 categories,
age_band: 4) and ten indicators that are reported at different levels, so that every
validation path of the import is used:

    enrolled         count, by gender and age band; total, each dimension, and every cross (20 rows)
    sustained_jobs   count, by gender and age band; reported ONLY by gender x age band (12 rows),
                     so totals and one-dimension figures are derived from the finer values
    job_starts       count, by gender (4 rows)
    referrals        count, by gender (4 rows)
    qualifications   count, by age band (5 rows)
    caseload         count, last value over time (1 row)
    satisfaction     percentage, mean (1 row)
    start_rate       percentage, weighted mean weighted by enrolled (1 row)
    wage             currency, mean (1 row)
    wellbeing        score, mean (1 row)

That is 50 values per organisation and month. Months run from 2021-01 for ``--months``
months; the number of organisations is whatever it takes to reach ``--rows`` values, and the
file stops at exactly ``--rows`` values. The same arguments always give the same file.

    python bench/generate.py --rows 1000000 --out /tmp/values.csv --definition /tmp/bench.yaml
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import random
from collections.abc import Iterator
from pathlib import Path

import yaml

INITIATIVE = "bench"
GENDERS = ["female", "male", "other"]
AGE_BANDS = ["16-17", "18-24", "25-34", "35+"]
FIRST_YEAR = 2021
DEFAULT_ROWS = 1_000_000
DEFAULT_MONTHS = 48

# code: (value type, across rule, time rule, dimensions, levels reported)
# A level is a tuple of the dimensions a row names: () is the total.
BOTH = ("gender", "age_band")
INDICATORS: dict[str, tuple[str, str, str, tuple[str, ...], list[tuple[str, ...]]]] = {
    "enrolled": ("count", "sum", "sum", BOTH, [(), ("gender",), ("age_band",), BOTH]),
    "sustained_jobs": ("count", "sum", "sum", BOTH, [BOTH]),
    "job_starts": ("count", "sum", "sum", ("gender",), [(), ("gender",)]),
    "referrals": ("count", "sum", "sum", ("gender",), [(), ("gender",)]),
    "qualifications": ("count", "sum", "sum", ("age_band",), [(), ("age_band",)]),
    "caseload": ("count", "sum", "last", (), [()]),
    "satisfaction": ("percentage", "mean", "mean", (), [()]),
    "start_rate": ("percentage", "weighted_mean", "mean", (), [()]),
    "wage": ("currency", "mean", "mean", (), [()]),
    "wellbeing": ("score", "mean", "mean", (), [()]),
}
CATEGORIES = {"gender": GENDERS, "age_band": AGE_BANDS}


def _cells(level: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (gender cell, age band cell) pair for one reporting level; '' means not split."""
    genders = GENDERS if "gender" in level else [""]
    ages = AGE_BANDS if "age_band" in level else [""]
    return list(itertools.product(genders, ages))


# The rows one organisation reports for one month, in file order: (indicator, gender, age band).
ROW_TEMPLATE = [
    (code, g, a) for code, spec in INDICATORS.items() for level in spec[4] for g, a in _cells(level)
]
ROWS_PER_ORG_MONTH = len(ROW_TEMPLATE)


def month_codes(months: int) -> list[str]:
    return [f"{FIRST_YEAR + i // 12:04d}-{i % 12 + 1:02d}" for i in range(months)]


def organisations_needed(rows: int, months: int) -> int:
    return max(1, math.ceil(rows / (months * ROWS_PER_ORG_MONTH)))


def definition(organisations: int) -> dict:
    """The initiative definition (the initiative file's schema) for ``organisations`` organisations."""
    return {
        "code": INITIATIVE,
        "name": "Benchmark Partnership",
        "vision": "Generated data for the benchmarks.",
        "reporting_frequency": "monthly",
        "fy_first_month": 4,
        "dimensions": [
            {
                "code": "gender",
                "name": "Gender",
                "categories": [{"code": c, "name": c.capitalize()} for c in GENDERS],
            },
            {
                "code": "age_band",
                "name": "Age band",
                "categories": [{"code": c, "name": f"Age {c}"} for c in AGE_BANDS],
            },
        ],
        "organisations": [
            {
                "code": org_code(n),
                "name": f"Organisation {n:04d}",
                "identifiers": [f"GB-CHC-{2000000 + n}"],
            }
            for n in range(organisations)
        ],
        "indicators": [
            {
                "code": code,
                "name": code.replace("_", " ").capitalize(),
                "value_type": vt,
                "aggregation": across,
                "time_aggregation": over_time,
                "dimensions": list(dims),
                **({"weight_indicator": "enrolled"} if across == "weighted_mean" else {}),
            }
            for code, (vt, across, over_time, dims, _levels) in INDICATORS.items()
        ],
    }


def org_code(n: int) -> str:
    return f"org-{n:04d}"


def _value(rng: random.Random, code: str) -> str:
    vt = INDICATORS[code][0]
    if vt == "count":
        return str(rng.randrange(0, 500))
    if vt == "percentage":
        return f"{rng.uniform(0, 100):.1f}"
    if vt == "currency":
        return f"{rng.uniform(9, 25):.2f}"
    return f"{rng.uniform(1, 10):.2f}"


def _month(rng: random.Random) -> dict[tuple[str, str, str], str]:
    """One organisation's values for one month, keyed by (indicator, gender, age band). Counts
    are drawn for the finest cells reported, and every total and one-dimension figure is their
    sum, so that breakdowns agree with totals (docs/reference/validation-rules.md)."""
    out: dict[tuple[str, str, str], str] = {}
    for code, (vt, _across, _time, dims, levels) in INDICATORS.items():
        if vt != "count" or not dims:
            out[(code, "", "")] = _value(rng, code)
            continue
        finest = max(levels, key=len)
        cells = _cells(finest)  # totals stay under 500, as a count drawn alone would
        leaves = {cell: rng.randrange(0, 500 // len(cells)) for cell in cells}
        for level in levels:
            for g, a in _cells(level):
                out[(code, g, a)] = str(
                    sum(v for (lg, la), v in leaves.items() if g in ("", lg) and a in ("", la))
                )
    return out


def rows(total: int, months: int, seed: int = 1) -> Iterator[list[str]]:
    """``total`` value rows: organisation, indicator, period, value, gender, age_band, comment."""
    rng = random.Random(seed)
    codes = month_codes(months)
    written = 0
    for n in range(organisations_needed(total, months)):
        org = org_code(n)
        for period in codes:
            values = _month(rng)
            for code, gender, age in ROW_TEMPLATE:
                if written == total:
                    return
                comment = "estimated" if rng.random() < 0.01 else ""
                yield [org, code, period, values[(code, gender, age)], gender, age, comment]
                written += 1


HEADER = ["organisation", "indicator", "period", "value", "gender", "age_band", "comment"]


def write_csv(path: Path, total: int, months: int = DEFAULT_MONTHS, seed: int = 1) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows(total, months, seed))


def write_definition(path: Path, total: int, months: int = DEFAULT_MONTHS) -> None:
    path.write_text(
        yaml.safe_dump(definition(organisations_needed(total, months)), sort_keys=False),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, help="values to write (default 1,000,000)"
    )
    parser.add_argument(
        "--months",
        type=int,
        default=DEFAULT_MONTHS,
        help="months of data from 2021-01 (default 48)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the values CSV to write")
    parser.add_argument(
        "--definition", type=Path, help="also write the initiative definition (YAML) here"
    )
    args = parser.parse_args(argv)
    write_csv(args.out, args.rows, args.months, args.seed)
    if args.definition:
        write_definition(args.definition, args.rows, args.months)
    orgs = organisations_needed(args.rows, args.months)
    print(
        f"wrote {args.rows:,} values for {orgs} organisations x {args.months} months to {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
