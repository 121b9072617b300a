"""Explanations of figures (docs/reference/explain.md): the figure recomputed from what the
explanation shows equals the figure itself, over random small data sets and queries: by period,
organisation, a dimension and an area (with and without overlap de-duplication), of reported,
formula and composite indicators."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from commonmeasure.domain import aggregation, expressions, periods
from commonmeasure.initiatives.models import Area, Indicator, OverlapAdjustment
from commonmeasure.insights.explain import AREAS, COMPONENTS, ORGANISATIONS, PERIODS, explain
from commonmeasure.measures.selectors import query
from commonmeasure.reporting.models import Submission
from commonmeasure.rollups import engine
from commonmeasure.rollups.models import OrganisationRollup, Rollup

ORGS = ("org-a", "org-b")
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-05")

# One organisation's report for one month: enrolled as (female, male, total given?), then
# satisfaction (mean), caseload (last over time), start rate (weighted by enrolled), job starts.
report = st.tuples(
    st.sampled_from(ORGS),
    st.sampled_from(MONTHS),
    st.one_of(st.none(), st.tuples(st.integers(0, 30), st.integers(0, 30), st.booleans())),
    st.one_of(st.none(), st.integers(0, 100)),
    st.one_of(st.none(), st.integers(0, 50)),
    st.one_of(st.none(), st.integers(0, 100)),
    st.one_of(st.none(), st.integers(0, 20)),
)


def _csv(reports) -> str:
    seen = {}
    for org, month, enrolled, satisfaction, caseload, rate, starts in reports:
        seen[(org, month)] = (enrolled, satisfaction, caseload, rate, starts)
    lines = ["organisation,indicator,period,value,gender"]
    for (org, month), (enrolled, satisfaction, caseload, rate, starts) in sorted(seen.items()):
        if enrolled is not None:
            female, male, total = enrolled
            lines += [
                f"{org},enrolled,{month},{female},female",
                f"{org},enrolled,{month},{male},male",
            ]
            if total:
                lines.append(f"{org},enrolled,{month},{female + male},")
        for code, value in (("satisfaction", satisfaction), ("caseload", caseload)):
            if value is not None:
                lines.append(f"{org},{code},{month},{value},")
        if rate is not None:
            lines.append(f"{org},start_rate,{month},{rate},")
        if starts is not None:
            lines.append(f"{org},job_starts,{month},{starts},")
    return "\n".join(lines) + "\n"


# How the areas are set out for one example: B in A's ward (their providers overlap) or in the
# other ward; how job starts are de-duplicated there; an overlap adjustment for A's ward
# (and one for the region) in one month; and how the composite is declared.
layout = st.tuples(
    st.sampled_from(["w1", "w2"]),
    st.sampled_from([Indicator.DEDUP_SUM, Indicator.DEDUP_MAX, Indicator.DEDUP_ADJUSTED]),
    st.one_of(st.none(), st.tuples(st.sampled_from(MONTHS), st.integers(-5, 0))),
    st.one_of(st.none(), st.tuples(st.sampled_from(MONTHS), st.integers(-3, 0))),
    st.sampled_from(["arithmetic", "reweight", "geometric"]),
)

COMPOSITES = {
    # goalposts and distance to target score each unit alone; min-max compares the units
    "arithmetic": {
        "aggregation": "arithmetic",
        "components": [
            {"indicator": "satisfaction", "weight": 2, "normalisation": "goalposts",
             "lower": 0, "upper": 100},
            {"indicator": "enrolled", "normalisation": "min_max"},
            {"indicator": "caseload", "normalisation": "distance_to_target", "target": 25,
             "direction": "negative"},
        ],
    },
    "reweight": {
        "aggregation": "arithmetic",
        "missing": "reweight",
        "components": [
            {"indicator": "satisfaction", "normalisation": "goalposts", "lower": 20, "upper": 80},
            {"indicator": "job_starts", "weight": 3, "normalisation": "distance_to_target",
             "target": 10, "cap": True},
        ],
    },
    "geometric": {
        "aggregation": "geometric",
        "components": [
            {"indicator": "satisfaction", "normalisation": "distance_to_target", "target": 50},
            {"indicator": "enrolled", "weight": 0.5, "normalisation": "distance_to_target",
             "target": 20},
        ],
    },
}  # fmt: skip


def _areas(initiative, arrangement) -> None:
    """The region ``north`` with wards w1 (A) and w2, B placed as ``arrangement`` says, job
    starts de-duplicated by its rule, and its overlap adjustments."""
    b_ward, rule, ward_adjustment, region_adjustment, composite = arrangement
    north, _ = Area.objects.get_or_create(
        initiative=initiative, code="north", defaults={"name": "North", "level": "region"}
    )
    wards = {}
    for code in ("w1", "w2"):
        wards[code], _ = Area.objects.get_or_create(
            initiative=initiative,
            code=code,
            defaults={"name": f"Ward {code[1]}", "level": "ward", "parent": north},
        )
    for org, ward in (("org-a", "w1"), ("org-b", b_ward)):
        initiative.participations.filter(organisation__code=org).update(area=wards[ward])
    initiative.indicators.filter(code="job_starts").update(deduplication=rule)
    starts = initiative.indicators.get(code="job_starts")
    OverlapAdjustment.objects.filter(initiative=initiative).delete()
    for area, declared in ((wards["w1"], ward_adjustment), (north, region_adjustment)):
        if declared is not None:
            OverlapAdjustment.objects.create(
                initiative=initiative,
                indicator=starts,
                area=area,
                period=declared[0],
                value=declared[1],
            )
    Indicator.objects.update_or_create(
        initiative=initiative,
        code="progress",
        defaults={
            "name": "Progress index",
            "kind": Indicator.COMPOSITE,
            "composite": COMPOSITES[composite],
            "value_type": Indicator.SCORE,
            "decimals": 3,
            "sort_order": 100,
        },
    )


def _formula(initiative) -> Indicator:
    return Indicator.objects.create(
        initiative=initiative,
        code="start_pct",
        name="Job starts per 100 enrolled",
        kind=Indicator.FORMULA,
        formula="job_starts / enrolled * 100",
        value_type=Indicator.RATE,
        aggregation="mean",
        sort_order=99,
    )


def _score(component, indicator) -> float | None:
    """An absolute normalisation worked out again from the component's raw figure and the
    composite's declaration (min-max and z-score compare rows, so they are checked by the
    composite's figure alone)."""
    spec = next(
        c for c in indicator.composite["components"] if c["indicator"] == component.indicator
    )
    x = component.value
    negative = spec.get("direction") == "negative"
    if spec["normalisation"] == "goalposts":
        lower, upper = spec["lower"], spec["upper"]
        y = ((upper - x) if negative else (x - lower)) / (upper - lower)
        return min(max(y, 0.0), 1.0)
    if spec["normalisation"] == "distance_to_target":
        y = 2 - x / spec["target"] if negative else x / spec["target"]
        return min(y, 1.0) if spec.get("cap") else y
    return None


def _recompute_composite(explained, indicator) -> float | None:
    used = [c for c in explained.components if c.weight is not None]
    if explained.figure is None:
        return None
    assert used and all(c.normalised is not None for c in used), explained
    assert math.fsum(c.weight for c in used) == pytest.approx(1, abs=1e-5)
    for c in used:
        again = _score(c, indicator)
        if again is not None:
            assert c.normalised == pytest.approx(again, abs=1e-6), c
    if explained.aggregation == "geometric":
        return math.exp(math.fsum(c.weight * math.log(c.normalised) for c in used if c.weight))
    return math.fsum(c.weight * c.normalised for c in used)


def _recompute_area(explained) -> float | None:
    """An area's figure, or a community figure de-duplicated through the areas: for a summed
    indicator, per area its organisations' values added up (or the largest, for full overlap),
    plus the adjustments applied; for any other, the organisations' values by the
    cross-organisation rule."""
    values = [p.value for p in explained.parts if p.value is not None]
    if not values:
        return None
    if explained.across_rule != "sum":
        weights = [p.weight for p in explained.parts if p.value is not None]
        return aggregation.combine_across(
            values,
            explained.across_rule,
            weights if explained.across_rule == "weighted_mean" else None,
        )
    if explained.deduplication_rule == "max":
        by_area = {}
        for p in explained.parts:
            if p.value is not None:
                by_area.setdefault(p.area, []).append(p.value)
        unplaced = by_area.pop(None, [])  # summed as they are (community figures only)
        assert not unplaced or explained.combines != AREAS
        total = math.fsum(max(vs) for vs in by_area.values()) + math.fsum(unplaced)
    else:
        total = math.fsum(values)
    if explained.deduplication is not None:
        assert explained.deduplication.reported == pytest.approx(math.fsum(values), abs=1e-6)
        total += math.fsum(a.value for a in explained.deduplication.adjustments)
    return total


def recompute(explained, indicator=None) -> float | None:
    """The figure worked out again from nothing but the explanation."""
    if explained.combines == COMPONENTS and explained.kind == Indicator.COMPOSITE:
        return _recompute_composite(explained, indicator)
    if explained.combines == COMPONENTS:
        values = {c.indicator: c.value for c in explained.components}
        node = expressions.parse_expression(explained.formula)
        return expressions.evaluate_with_reason(node, values).value
    shown = [p for p in explained.parts if p.value is not None]
    assert not any(p.suppressed for p in explained.parts)  # the operator sees every part
    if explained.combines == AREAS or explained.deduplication is not None:
        return _recompute_area(explained)
    values = [p.value for p in shown]
    if explained.combines == PERIODS:
        assert [p.key for p in explained.parts] == sorted(p.key for p in explained.parts)
        value = aggregation.combine_over_time(values, explained.combined_by)
        if explained.across_rule == "weighted_mean" and not explained.weight:
            return None  # an organisation's weighted mean needs its weight
        return value
    assert explained.combines == ORGANISATIONS
    weights = [p.weight for p in shown] if explained.combined_by == "weighted_mean" else None
    return aggregation.combine_across(values, explained.combined_by, weights)


def _queries(initiative):
    for ind in Indicator.objects.filter(initiative=initiative):
        bys = ["period", "organisation", *ind.dimensions.values_list("code", flat=True)]
        bys += ["area", "area:ward", "area:region"]
        for by in bys:
            for period_type, within in (
                (None, None),
                ("quarter", None),
                (None, periods.quarter(2024, 1)),
            ):
                if by != "period" and period_type is not None:
                    continue
                if by == "period" and within is not None:
                    continue
                for row in query(initiative, ind, by, period_type, within=within):
                    yield ind, by, period_type, within, row


@pytest.mark.django_db
@settings(
    max_examples=15,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(reports=st.lists(report, min_size=1, max_size=10), arrangement=layout)
def test_the_figure_recomputed_from_its_explanation_equals_the_figure(
    cast, import_csv, reports, arrangement
):
    Submission.objects.all().delete()
    OrganisationRollup.objects.all().delete()
    Rollup.objects.all().delete()
    alpha = cast.alpha
    _areas(alpha, arrangement)
    engine.rebuild(alpha, check=False)
    if not alpha.indicators.filter(code="start_pct").exists():
        _formula(alpha)
    text = _csv(reports)
    assume(text.count("\n") > 1)  # at least one value
    result = import_csv(alpha, text, approve=True, user=cast.backbone)
    assert result.ok, result.errors
    asked = set()
    for ind, by, period_type, within, row in _queries(alpha):
        explained = explain(alpha, ind, by, row["key"], period_type, within=within)
        assert explained.figure == row["value"], (ind.code, by, row)
        where = (ind.code, by, period_type, within, row, explained.as_dict())
        again = recompute(explained, ind)
        if row["value"] is None:
            assert again is None or math.isnan(again), where
        else:
            assert again == pytest.approx(row["value"], rel=1e-9, abs=1e-5), where
        if ind.kind == Indicator.COMPOSITE and row["value"] is not None:
            assert explained.recomputed == pytest.approx(row["value"], abs=1e-5), where
        asked.add((ind.kind, by.split(":")[0]))
    assert ("reported", "period") in asked and ("reported", "area") in asked


def test_an_explanation_names_the_rules_periods_missing_reports_and_target(cast, import_csv):
    from commonmeasure.initiatives.models import Target

    values = """organisation,indicator,period,value
org-a,enrolled,2024-01,30
org-b,enrolled,2024-01,10
org-a,enrolled,2024-02,20
org-a,caseload,2024-01,5
org-a,caseload,2024-02,7
"""
    assert import_csv(cast.alpha, values, approve=True, user=cast.backbone).ok
    enrolled = cast.alpha.indicators.get(code="enrolled")
    Target.objects.create(initiative=cast.alpha, indicator=enrolled, period="2024-02", value=40)
    feb = explain(cast.alpha, enrolled, "period", "2024-02")
    assert (feb.figure, feb.time_rule, feb.across_rule, feb.periods) == (
        20,
        "sum",
        "sum",
        ["2024-02"],
    )
    assert [(p.label, p.value) for p in feb.parts] == [("Organisation A", 20)]
    assert [(m.period, m.organisation) for m in feb.missing] == [("2024-02", "Organisation B")]
    assert feb.target["target"] == 40 and feb.target["percent"] == 50.0

    quarter = explain(cast.alpha, enrolled, "period", "2024-Q1", "quarter")
    assert quarter.periods == ["2024-01", "2024-02", "2024-03"]
    assert [(p.key, p.value) for p in quarter.parts] == [("org-a", 50), ("org-b", 10)]
    assert ("2024-03", "Organisation A") in [(m.period, m.organisation) for m in quarter.missing]

    caseload = explain(
        cast.alpha, cast.alpha.indicators.get(code="caseload"), "organisation", "org-a"
    )
    assert (caseload.figure, caseload.combines, caseload.combined_by) == (7, "periods", "last")
    assert [(p.key, p.value) for p in caseload.parts] == [("2024-01", 5), ("2024-02", 7)]


def test_asking_for_a_figure_that_does_not_exist_is_a_clear_error(cast):
    from commonmeasure.insights.explain import ExplainError

    enrolled = cast.alpha.indicators.get(code="enrolled")
    for by, key, words in (
        ("period", "2024-13", "key"),
        ("organisation", "org-zzz", "no organisation 'org-zzz'"),
        ("gender", "other", "no category 'other'"),
    ):
        with pytest.raises(ExplainError, match=words):
            explain(cast.alpha, enrolled, by, key)


def _links(html: str) -> list[str]:
    import re
    from html import unescape

    return [unescape(h) for h in re.findall(r'class="explain-link[^"]*" href="([^"]+)"', html)]


def test_every_headline_card_and_table_row_links_to_its_explanation(cast, import_csv, client_for):

    values = """organisation,indicator,period,value,gender
org-a,enrolled,2024-01,30,
org-b,enrolled,2024-01,10,
org-a,enrolled,2024-01,30,female
org-b,enrolled,2024-01,10,female
org-a,enrolled,2024-02,20,
org-b,enrolled,2024-02,15,
"""
    assert import_csv(cast.alpha, values, approve=True, user=cast.backbone).ok
    client = client_for(cast.backbone)
    pages = {
        "/i/alpha/": 1,
        "/i/alpha/dashboard/": 1,
        "/i/alpha/indicators/enrolled/": 2,  # one per period
        "/i/alpha/indicators/enrolled/?by=organisation": 2,
        "/i/alpha/indicators/enrolled/?by=gender": 1,  # one per cell with a value
        "/i/alpha/indicators/enrolled/?by=gender&period=2024-01": 1,
    }
    for url, at_least in pages.items():
        html = client.get(url).content.decode()
        links = [link for link in _links(html) if "indicator=enrolled" in link]
        assert len(links) >= at_least, url
        for link in links:
            page = client.get(link)
            assert page.status_code == 200, link
            text = page.content.decode()
            assert (
                'data-figure="value"' in text and "suppressed" not in text.split("<main", 1)[-1][:0]
            )
    home = client.get("/i/alpha/").content.decode()
    link = next(link for link in _links(home) if "indicator=enrolled" in link)
    assert "key=2024-02" in link
    page = client.get(link).content.decode()
    assert '<p class="headline-value" data-figure="value">35' in page
    assert "Organisation A" in page and "Organisation B" in page


def test_the_command_line_prints_the_worked_example_of_the_docs(cast, import_csv, cli):
    from pathlib import Path

    from commonmeasure.initiatives.models import Target

    values = """organisation,indicator,period,value
org-a,enrolled,2024-01,30
org-b,enrolled,2024-01,10
org-a,enrolled,2024-02,20
"""
    assert import_csv(cast.alpha, values, approve=True, user=cast.backbone).ok
    enrolled = cast.alpha.indicators.get(code="enrolled")
    Target.objects.create(initiative=cast.alpha, indicator=enrolled, period="2024-02", value=40)
    code, out, err = cli(
        "query", "--initiative", "alpha", "--indicator", "enrolled", "--by", "period",
        "--key", "2024-02", "--explain",
    )  # fmt: skip
    assert code == 0, err
    docs = Path(__file__).parents[2] / "docs" / "reference" / "cli.md"
    block = docs.read_text().split("--key 2024-02 --explain\n", 1)[1].split("```", 1)[0]
    assert out == block
