"""Rollups: pre-aggregated approved values (docs/reference/rollups.md).

The property: whatever the data and whatever happened to it (imports, approvals, reopening),
the stored rollups equal a recomputation from the raw values, and query() read from the rollups
gives what aggregating the stored values gives.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonmeasure.domain import periods
from commonmeasure.initiatives.access import access_for
from commonmeasure.initiatives.models import Indicator
from commonmeasure.measures.selectors import query
from commonmeasure.reporting import services, signals
from commonmeasure.reporting.models import Submission
from commonmeasure.rollups import engine
from commonmeasure.rollups.models import OrganisationRollup, Rollup

ORGS = ("org-a", "org-b")
MONTHS = ("2024-02", "2024-03", "2024-04", "2024-05", "2024-07")
# (indicator, allowed levels): a level is a tuple of (dimension, category) pairs.
GENDERS = ("female", "male")
AGES = ("16-24", "25+")
LEVELS_BOTH = [()] + [(("gender", g),) for g in GENDERS] + [(("age_band", a),) for a in AGES]
LEVELS_BOTH += [(("age_band", a), ("gender", g)) for g in GENDERS for a in AGES]
INDICATORS = {
    "enrolled": LEVELS_BOTH,
    "job_starts": [()] + [(("gender", g),) for g in GENDERS],
    "caseload": [()],
    "start_rate": [()],
    "satisfaction": [()],
    "wage": [()],
}
PERCENT = {"start_rate", "satisfaction"}
FRACTIONAL = PERCENT | {"wage"}

row = st.tuples(
    st.sampled_from(ORGS),
    st.sampled_from(MONTHS),
    st.sampled_from(sorted(INDICATORS)),
    st.integers(0, 40),
    st.integers(0, 100),
    st.sampled_from([0, 0.5, 0.1, 0.25]),
)


def _csv(rows) -> str:
    seen = {}
    for org, month, code, level_pick, value, frac in rows:
        levels = INDICATORS[code]
        level = levels[level_pick % len(levels)]
        v = value + frac if code in FRACTIONAL else value
        v = min(v, 100) if code in PERCENT else v
        seen[(org, month, code, level)] = v
    _agreeing(seen)
    lines = ["organisation,indicator,period,value,gender,age_band"]
    for (org, month, code, level), v in sorted(seen.items()):
        cats = dict(level)
        lines.append(
            f"{org},{code},{month},{v},{cats.get('gender', '')},{cats.get('age_band', '')}"
        )
    return "\n".join(lines) + "\n"


def _agreeing(seen: dict) -> None:
    """Make the breakdowns agree with their totals, as imports require (validation-rules.md,
    "Breakdowns and totals"): the total becomes the largest of itself and the breakdowns'
    sums, and the last part of each complete breakdown is raised to reach it."""
    reports: dict[tuple, dict[tuple, list]] = {}
    for org, month, code, level in seen:
        dims = tuple(d for d, _ in level)
        reports.setdefault((org, month, code), {}).setdefault(dims, []).append(level)
    for key, by in reports.items():
        sums = {dims: sum(seen[(*key, lv)] for lv in levels) for dims, levels in by.items() if dims}
        if not sums:
            continue
        reference = max([seen.get((*key, ()), 0), *sums.values()])
        if () in by:
            seen[(*key, ())] = reference
        for dims, levels in by.items():
            if dims and len(levels) == 2 ** len(dims):  # complete: two categories a dimension
                seen[(*key, max(levels))] += reference - sums[dims]


def _every_query(initiative):
    for ind in Indicator.objects.filter(initiative=initiative):
        dims = list(ind.dimensions.values_list("code", flat=True))
        for by in ("period", "organisation", *dims):
            types = periods.PERIOD_TYPES if by == "period" else (None,)
            for ptype in types:
                yield ind, by, ptype, None
        fy = initiative.fy_first_month
        for within in (
            periods.year(2024),
            periods.quarter(2024, 2),
            periods.financial_year(2024, fy),
            periods.month(2024, 3),
        ):
            p = within
            for by in ("organisation", *dims):
                yield ind, by, None, p
            yield ind, "period", "month", p


def _rounded(found: tuple) -> tuple:
    return tuple(None if v is None else round(v, 9) for v in found)


def assert_pairs_match_joins(initiative):
    """The stored like-for-like pairs equal matching every organisation's two periods."""
    from commonmeasure.rollups import reads

    indicators = list(Indicator.objects.filter(initiative=initiative, kind=Indicator.REPORTED))
    assert reads.current_ids(initiative, indicators) == {i.id for i in indicators}
    months = [periods.month(2024, m).code for m in range(1, 10)]
    for previous, latest in zip(months, months[1:], strict=False):
        stored = reads._stored_pairs(indicators, latest)
        joined = reads._joined_pairs(initiative, indicators, latest, previous)
        for ind in indicators:
            assert _rounded(stored[ind.id]) == _rounded(joined[ind.id]), (ind.code, latest)


def assert_rollups_match_values(initiative):
    org_rows, rollups = engine.compute(initiative)
    assert engine.differences(initiative, org_rows, rollups) == []
    assert_pairs_match_joins(initiative)
    for ind, by, ptype, within in _every_query(initiative):
        kwargs = {"within": within}
        fast = query(initiative, ind, by, ptype, **kwargs)
        slow = query(initiative, ind, by, ptype, from_rollups=False, **kwargs)
        assert fast == slow, (ind.code, by, ptype, within)
        for orgs in ([initiative.organisations.get(code="org-a").id],):
            assert query(initiative, ind, by, ptype, organisation_ids=orgs, **kwargs) == query(
                initiative, ind, by, ptype, organisation_ids=orgs, from_rollups=False, **kwargs
            )


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    approved=st.lists(row, min_size=1, max_size=40),
    drafts=st.lists(row, max_size=15),
    reopen=st.lists(st.integers(0, 30), max_size=4),
    reapprove=st.booleans(),
)
def test_rollups_equal_a_recomputation_from_the_raw_values(
    cast, import_csv, approved, drafts, reopen, reapprove
):
    Submission.objects.all().delete()
    OrganisationRollup.objects.all().delete()
    Rollup.objects.all().delete()
    alpha = cast.alpha
    # Built once (the test's transaction never commits, so nothing else would record the rules
    # the rollups are made with); from here on every change must be an update by difference.
    engine.rebuild(alpha, check=False)
    assert engine.up_to_date(alpha)
    rebuild = engine.rebuild
    engine.rebuild = _no_rebuild
    try:
        _change_and_check(cast, import_csv, alpha, approved, drafts, reopen, reapprove)
    finally:
        engine.rebuild = rebuild


def _no_rebuild(*args, **kwargs):
    raise AssertionError("the rollups were rebuilt instead of updated by difference")


def _change_and_check(cast, import_csv, alpha, approved, drafts, reopen, reapprove):
    first = import_csv(alpha, _csv(approved), approve=True, user=cast.backbone)
    assert first.ok, first.errors
    # Drafts for other months of the same organisations (never seen by the rollups).
    shifted = [(o, "2024-09", c, lv, v, f) for o, _m, c, lv, v, f in drafts]
    if shifted:
        assert import_csv(alpha, _csv(shifted), user=cast.backbone).ok
    assert_rollups_match_values(alpha)

    # Reopen some approved reports through the workflow: their values leave the rollups.
    access = access_for(cast.backbone, alpha)
    subs = list(Submission.objects.filter(status=Submission.APPROVED).order_by("id"))
    picked = {subs[i % len(subs)].pk for i in reopen}
    for sub in subs:
        if sub.pk in picked:
            services.reopen(access, sub, cast.backbone, "check")
    assert_rollups_match_values(alpha)

    # Approve them again: back in.
    if reapprove and picked:
        Submission.objects.filter(pk__in=picked).update(status=Submission.APPROVED)
        signals.values_changed.send(Submission, initiative=alpha, submission_ids=sorted(picked))
        assert_rollups_match_values(alpha)


def test_query_reads_the_rollups_once_they_are_built(cast, import_csv):
    csv = (
        "organisation,indicator,period,value\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\n"
    )
    assert import_csv(cast.alpha, csv, approve=True, user=cast.backbone).ok
    enrolled = cast.alpha.indicators.get(code="enrolled")
    assert query(cast.alpha, enrolled, "period") == [{"key": "2024-01", "value": 15}]
    # A changed rollup shows in the answer: the figure comes from the rollup, not the values.
    Rollup.objects.filter(indicator=enrolled, period_type="month", dimension="").update(value=99)
    assert query(cast.alpha, enrolled, "period") == [{"key": "2024-01", "value": 99}]
    assert query(cast.alpha, enrolled, "period", from_rollups=False) == [
        {"key": "2024-01", "value": 15}
    ]


def test_changing_an_indicators_rule_sends_reads_back_to_the_values_until_rebuilt(cast, import_csv):
    csv = "organisation,indicator,period,value\norg-a,wage,2024-01,10\norg-b,wage,2024-01,20\n"
    assert import_csv(cast.alpha, csv, approve=True, user=cast.backbone).ok
    wage = cast.alpha.indicators.get(code="wage")
    assert query(cast.alpha, wage, "period") == [{"key": "2024-01", "value": 15}]
    Indicator.objects.filter(pk=wage.pk).update(aggregation="sum")
    wage.refresh_from_db()
    assert query(cast.alpha, wage, "period") == [{"key": "2024-01", "value": 30}]
    assert not engine.up_to_date(cast.alpha)
    engine.rebuild(cast.alpha)
    assert engine.up_to_date(cast.alpha)
    assert Rollup.objects.get(indicator=wage, period_type="month").value == 30


def test_approving_one_report_updates_its_rollups_by_difference(cast, import_csv):
    csv = (
        "organisation,indicator,period,value\n"
        "org-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\norg-a,enrolled,2024-02,7\n"
    )
    assert import_csv(cast.alpha, csv, approve=True, user=cast.backbone).ok
    enrolled = cast.alpha.indicators.get(code="enrolled")
    sub = Submission.objects.get(organisation=cast.org_b, period="2024-01")
    access = access_for(cast.backbone, cast.alpha)
    services.reopen(access, sub, cast.backbone, "typo")
    assert query(cast.alpha, enrolled, "period", "quarter") == [{"key": "2024-Q1", "value": 17}]
    year = Rollup.objects.get(indicator=enrolled, period_type="year", period="2024", dimension="")
    assert (year.count, year.value) == (1, 17)
    Submission.objects.filter(pk=sub.pk).update(status=Submission.APPROVED)
    signals.values_changed.send(Submission, initiative=cast.alpha, submission_ids=[sub.pk])
    year.refresh_from_db()
    assert (year.count, year.value, year.total) == (2, 22, "22")
    assert engine.differences(cast.alpha, *engine.compute(cast.alpha)) == []


def test_exact_sums_give_the_same_float_in_any_order():
    acc = engine.Acc("sum")
    for v in (0.1, 0.2, 0.3, 1e16, -1e16):
        acc.add((v, None, None))
    acc.remove((0.2, None, None))
    fresh = engine.Acc("sum")
    for v in (0.3, -1e16, 0.1, 1e16):
        fresh.add((v, None, None))
    assert acc.value() == fresh.value() == 0.4


def test_rollups_rebuild_command_reports_identical_results_and_repairs_a_damaged_rollup(
    cast, import_csv, cli
):
    csv = (
        "organisation,indicator,period,value\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\n"
    )
    assert import_csv(cast.alpha, csv, approve=True, user=cast.backbone).ok
    code, out, _ = cli("rollups", "rebuild", "--initiative", "alpha")
    assert code == 0, out
    assert "identical to the stored ones" in out
    Rollup.objects.filter(period_type="month", dimension="").update(value=1)
    code, out, _ = cli("rollups", "rebuild", "--initiative", "alpha")
    assert code == 1 and "DIFFERENT" in out and "stored 1.0" in out
    enrolled = cast.alpha.indicators.get(code="enrolled")
    assert query(cast.alpha, enrolled, "period") == [{"key": "2024-01", "value": 15}]


def test_like_for_like_changes_asked_together_equal_those_asked_one_by_one(cast, import_csv):
    from commonmeasure.rollups import reads

    csv = (
        "organisation,indicator,period,value\n"
        "org-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\norg-a,enrolled,2024-02,12\n"
        "org-b,enrolled,2024-02,7\norg-a,wage,2024-01,10.5\norg-b,wage,2024-01,20\n"
        "org-a,wage,2024-02,11\norg-a,caseload,2024-01,4\norg-a,caseload,2024-02,6\n"
        "org-a,start_rate,2024-01,20\norg-b,start_rate,2024-01,40\n"
        "org-a,start_rate,2024-02,30\norg-b,start_rate,2024-02,10\n"
    )
    assert import_csv(cast.alpha, csv, approve=True, user=cast.backbone).ok
    Indicator.objects.filter(initiative=cast.alpha, code="caseload").update(aggregation="max")
    engine.rebuild(cast.alpha)
    indicators = list(cast.alpha.indicators.all())
    assert reads.current_ids(cast.alpha, indicators) == {i.id for i in indicators}
    together = reads.like_for_like_many(cast.alpha, indicators, "2024-02", "2024-01")
    for ind in indicators:
        one = reads.like_for_like(cast.alpha, ind, "2024-02", "2024-01")
        assert together[ind.id] == pytest.approx(one), ind.code
    by_code = {i.code: together[i.id] for i in indicators}
    stored = Rollup.objects.filter(period_type="like-now", period="2024-02").count()
    assert stored == len([i for i in indicators if by_code[i.code][2]])  # read, not joined
    assert by_code["enrolled"] == (19, 15, 2)
    assert by_code["wage"] == (11, 10.5, 1)  # only org A has both months
    assert by_code["caseload"] == (6, 4, 1)
    assert by_code["start_rate"][2] == 2
