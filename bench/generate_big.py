"""Deterministic dashboard benchmark data, written straight into the tables.

The import is benchmarked elsewhere (bench/bench_import.py); here the values go in with one
``executemany`` per chunk (SQLite) or ``COPY`` (PostgreSQL), so that 10,000,000 values take
minutes, not hours. The initiative ("dash") is loaded through the normal definition loader.

    initiative  dash, monthly, 60 months from 2020-01, financial year from April
    dimensions  gender (female, male), age_band (under-25, 25-49, 50+)
    indicators  40 reported: ind00..ind12 by gender, ind13..ind18 by age band, the rest totals
                only. Rules: sums of counts, except means (ind07, ind17, ind27, ind37:
                percentages), a weighted mean (ind38, weighted by ind00) and a last value over
                time (ind39, a caseload)
    values      every organisation, indicator and month has its total; indicators with a
                dimension also have one value per category, which add up to the total for
                counts. 13 x 3 + 6 x 4 + 21 x 1 = 84 values per organisation and month, so
                2,000 organisations x 60 months = 10,080,000 values
    reports     one per organisation and month, all approved except ``SUBMITTED`` reports of
                the last month (organisations 0, 1, 2, ...), left "submitted" for the approval
                test

Run by bench/dashboard_child.py (``generate``) inside a Django process; ``write`` needs a
migrated, empty database.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time

INITIATIVE = "dash"
FIRST_YEAR = 2020
MONTHS = 60
GENDERS = ["female", "male"]
AGE_BANDS = ["under-25", "25-49", "50+"]
N_INDICATORS = 40
BY_GENDER = range(0, 13)
BY_AGE = range(13, 19)
MEANS = {7, 17, 27, 37}
WEIGHTED = 38  # weighted by ind00
LAST = 39
SUBMITTED = 20  # reports of the last month left "submitted" (approvals put them back after)
BACKBONE_USER = "bench-backbone"
BACKBONE_PASSWORD = "bench-only-password-1"
CHUNK = 200_000


def code(i: int) -> str:
    return f"ind{i:02d}"


def dims_of(i: int) -> list[str]:
    return ["gender"] if i in BY_GENDER else ["age_band"] if i in BY_AGE else []


def rule_of(i: int) -> tuple[str, str, str]:
    """(value type, rule across organisations, rule over time)."""
    if i in MEANS:
        return "percentage", "mean", "mean"
    if i == WEIGHTED:
        return "percentage", "weighted_mean", "mean"
    if i == LAST:
        return "count", "sum", "last"
    return "count", "sum", "sum"


def values_per_org_month() -> int:
    return sum(
        1 + {"gender": 2, "age_band": 3}.get((dims_of(i) or [""])[0], 0)
        for i in range(N_INDICATORS)
    )


def month_codes(months: int = MONTHS) -> list[str]:
    return [f"{FIRST_YEAR + m // 12:04d}-{m % 12 + 1:02d}" for m in range(months)]


def definition(organisations: int) -> dict:
    indicators = []
    for i in range(N_INDICATORS):
        vt, across, over_time = rule_of(i)
        ind = {
            "code": code(i),
            "name": f"Indicator {i:02d}",
            "value_type": vt,
            "aggregation": across,
            "time_aggregation": over_time,
            "dimensions": dims_of(i),
        }
        if i == WEIGHTED:
            ind["weight_indicator"] = code(0)
        indicators.append(ind)
    return {
        "code": INITIATIVE,
        "name": "Dashboard Benchmark Partnership",
        "vision": "Generated data for the dashboard benchmark.",
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
            {"code": f"org-{n:05d}", "name": f"Organisation {n:05d}"} for n in range(organisations)
        ],
        "indicators": indicators,
    }


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``parts`` whole numbers adding up to ``total``."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    edges = [0, *cuts, total]
    return [edges[k + 1] - edges[k] for k in range(parts)]


def org_values(seed: int, n: int, months: int):
    """(month index, indicator index, category key or "", value) for organisation n."""
    rng = random.Random(seed * 1_000_003 + n)
    size = rng.uniform(0.5, 2.0)
    for m in range(months):
        for i in range(N_INDICATORS):
            vt = rule_of(i)[0]
            if vt == "percentage":
                total = round(rng.uniform(20, 95), 1)
            else:
                total = int(rng.randint(20, 400) * size)
            yield m, i, "", float(total)
            dims = dims_of(i)
            if not dims:
                continue
            cats = GENDERS if dims[0] == "gender" else AGE_BANDS
            if vt == "percentage":
                parts = [round(rng.uniform(20, 95), 1) for _ in cats]
            else:
                parts = _split(rng, int(total), len(cats))
            for cat, v in zip(cats, parts, strict=True):
                yield m, i, f"{dims[0]}={cat}", float(v)


def write(organisations: int, months: int = MONTHS, seed: int = 1, progress=None) -> dict:
    """Load the initiative, a backbone admin, the reports and the values. Returns counts and times."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.initiatives.users import add_user
    from commonmeasure.interchange.definition import parse_definition
    from commonmeasure.reporting.initiative_file import load_definition
    from commonmeasure.reporting.models import (
        DataValue,
        Disaggregation,
        Submission,
        disaggregation_key,
    )

    started = time.perf_counter()
    load_definition(parse_definition(dump_definition_yaml(organisations), "dash.yaml"))
    add_user(
        BACKBONE_USER,
        password=BACKBONE_PASSWORD,
        initiative_code=INITIATIVE,
        role="backbone_admin",
    )
    initiative = Initiative.objects.get(code=INITIATIVE)
    user = get_user_model().objects.get(username=BACKBONE_USER)
    ind_ids = dict(initiative.indicators.values_list("code", "id"))
    ind_id = [ind_ids[code(i)] for i in range(N_INDICATORS)]
    combos = {"": None}
    for dim, cats in (("gender", GENDERS), ("age_band", AGE_BANDS)):
        for c in cats:
            combos[f"{dim}={c}"] = {dim: c}
    combo_id = {}
    for name, cats in combos.items():
        key, dims = disaggregation_key(cats or {})
        assert key == name, (key, name)
        combo_id[name] = Disaggregation.objects.get_or_create(
            initiative=initiative, key=key, defaults={"dims": dims, "categories": cats or {}}
        )[0].id
    orgs = list(
        initiative.participations.order_by("organisation__code").values_list(
            "organisation_id", flat=True
        )
    )
    codes = month_codes(months)
    now = timezone.now()
    last = len(codes) - 1
    held_back = max(1, min(SUBMITTED, len(orgs) // 10))  # a headline month keeps >= 90% approved
    subs = []
    for n, org_id in enumerate(orgs):
        for m, period in enumerate(codes):
            held = m == last and n < held_back
            subs.append(
                Submission(
                    initiative=initiative,
                    organisation_id=org_id,
                    period=period,
                    period_start=dt.date(FIRST_YEAR + m // 12, m % 12 + 1, 1),
                    status=Submission.SUBMITTED if held else Submission.APPROVED,
                    submitted_at=now,
                    submitted_by=user,
                    reviewed_at=None if held else now,
                    reviewed_by=None if held else user,
                )
            )
    with transaction.atomic():
        Submission.objects.bulk_create(subs, batch_size=5000)
    sub_id = {
        (org, period): sid
        for sid, org, period in Submission.objects.filter(initiative=initiative).values_list(
            "id", "organisation_id", "period"
        )
    }
    setup_seconds = time.perf_counter() - started

    # Every column of the values table, in order; a new NOT NULL column fails loudly here.
    fields = [f.column for f in DataValue._meta.concrete_fields if f.column != "id"]
    expected = [
        "initiative_id",
        "submission_id",
        "indicator_id",
        "disaggregation_id",
        "value",
        "comment",
        "updated_at",
        "updated_by_id",
        "created_at",
        "created_by_id",
        "created_channel",
        "created_value",
        "created_comment",
    ]
    if sorted(fields) != sorted(expected):
        raise SystemExit(f"the values table changed: {fields}; update bench/generate_big.py")
    stamp = connection.ops.adapt_datetimefield_value(now)
    postgres = connection.vendor == "postgresql"
    table = DataValue._meta.db_table
    cols = ", ".join(expected)
    sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join(["%s"] * len(expected))})'
    started = time.perf_counter()
    written = 0
    buffer: list[tuple] = []

    def flush(cursor):
        nonlocal written, buffer
        if not buffer:
            return
        if postgres:
            with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in buffer:
                    copy.write_row(row)
        else:
            cursor.executemany(sql.replace("%s", "?"), buffer)
        written += len(buffer)
        buffer = []
        if progress:
            progress(written)

    connection.ensure_connection()
    with transaction.atomic():
        raw = connection.connection.cursor()  # the driver's own cursor: no Django wrapper per row
        ini = initiative.id
        for n, org_id in enumerate(orgs):
            for m, i, key, v in org_values(seed, n, months):
                buffer.append(
                    (
                        ini,
                        sub_id[(org_id, codes[m])],
                        ind_id[i],
                        combo_id[key],
                        v,
                        "",
                        stamp,
                        user.id,
                        stamp,
                        user.id,
                        "file",
                        None,
                        None,
                    )
                )
            if len(buffer) >= CHUNK:
                flush(raw)
        flush(raw)
        raw.close()
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{table}"')
            cursor.execute(f'ANALYZE "{Submission._meta.db_table}"')
    return {
        "organisations": len(orgs),
        "months": months,
        "values": written,
        "reports": len(subs),
        "submitted": held_back,
        "setup_seconds": setup_seconds,
        "values_seconds": time.perf_counter() - started,
    }


def headline_rule(i: int) -> str:
    return rule_of(i)[1]


def dump_definition_yaml(organisations: int) -> str:
    import yaml

    out = io.StringIO()
    yaml.safe_dump(definition(organisations), out, sort_keys=False)
    return out.getvalue()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Print the dashboard benchmark's initiative file.")
    parser.add_argument("--organisations", type=int, default=2000)
    args = parser.parse_args()
    print(dump_definition_yaml(args.organisations), end="")
    print(f"# {values_per_org_month()} values per organisation and month", flush=True)
