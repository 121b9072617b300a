"""What a spreadsheet template holds for one organisation and its periods, read from the
database; interchange/templates_xlsx.py writes and reads the files (docs/reference/spreadsheet-template.md)."""

from __future__ import annotations

import itertools

from commonmeasure.domain.periods import PeriodError, periods_between
from commonmeasure.interchange.templates_xlsx import Column, Line, TemplateSpec, cell_key

from .models import DataValue


def build_spec(initiative, organisation, period_codes: list[str]) -> TemplateSpec:
    """What a template holds: its columns (total, each category, each combination an indicator
    uses) and its lines (each indicator for each period), with the values already stored."""
    dims = list(initiative.dimensions.prefetch_related("categories").order_by("sort_order", "code"))
    for d in dims:
        d.cats = list(d.categories.order_by("sort_order", "code"))
    by_code = {d.code: d for d in dims}
    indicators = list(
        # Formula and composite indicators are computed, never entered; retired ones are no
        # longer reported.
        initiative.indicators.filter(kind="reported", is_retired=False)
        .prefetch_related("dimensions")
        .order_by("sort_order", "code")
    )
    columns = [Column({}, "Total")]
    for d in dims:
        if any(d.code in {x.code for x in ind.dimensions.all()} for ind in indicators):
            columns += [Column({d.code: c.code}, f"{d.name}: {c.name}") for c in d.cats]
    combos = []
    for ind in indicators:
        codes = sorted(
            (x.code for x in ind.dimensions.all()), key=lambda c: [d.code for d in dims].index(c)
        )
        if len(codes) >= 2 and codes not in combos:
            combos.append(codes)
    for codes in combos:
        for cats in itertools.product(*(by_code[c].cats for c in codes)):
            columns.append(
                Column(
                    dict(zip(codes, (c.code for c in cats), strict=True)),
                    " × ".join(c.name for c in cats),
                )
            )
    lines = [Line(ind, p) for p in period_codes for ind in indicators]
    existing = {}
    for iid, period, cats, value, comment in DataValue.objects.filter(
        submission__initiative=initiative,
        submission__organisation=organisation,
        submission__period__in=period_codes,
    ).values_list(
        "indicator_id", "submission__period", "disaggregation__categories", "value", "comment"
    ):
        existing[(iid, period, cell_key(cats))] = (value, comment)
    return TemplateSpec(initiative, organisation, period_codes, dims, columns, lines, existing)


def template_periods(initiative, first: str, last: str | None) -> list[str]:
    """Period codes from ``first`` to ``last`` inclusive; ValueError with a message if they are wrong."""
    try:
        start = initiative.parse_period(first)
        end = initiative.parse_period(last) if last else start
    except PeriodError as exc:
        raise ValueError(f"{exc} ({initiative.reporting_frequency} reporting)") from None
    if end.start < start.start:
        raise ValueError(f"the range ends ({end.code}) before it starts ({start.code})")
    codes = [p.code for p in periods_between(start, end)]
    if len(codes) > 120:
        raise ValueError("a template covers at most 120 periods")
    return codes
