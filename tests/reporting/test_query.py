"""Queries: approved values aggregated by the indicator's own rules, across organisations and over
time (docs/reference/aggregation.md), through query() and `commonmeasure query ... --json`."""

from __future__ import annotations

import json

import pytest

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Indicator
from commonmeasure.measures.selectors import QueryError, query
from commonmeasure.reporting.models import Submission

APPROVED = """organisation,indicator,period,value,gender,age_band
org-a,enrolled,2024-01,10,,
org-a,enrolled,2024-02,30,,
org-a,enrolled,2024-04,5,,
org-b,enrolled,2024-01,40,,
org-a,start_rate,2024-01,20,,
org-a,start_rate,2024-02,40,,
org-b,start_rate,2024-01,10,,
org-a,caseload,2024-01,4,,
org-a,caseload,2024-03,5,,
org-b,caseload,2024-01,7,,
org-a,satisfaction,2024-01,80,,
org-a,satisfaction,2024-02,60,,
org-b,satisfaction,2024-01,50,,
org-a,wage,2024-01,10,,
org-a,wage,2024-02,14,,
org-b,wage,2024-01,20,,
org-b,wage,2024-03,8,,
org-a,enrolled,2024-05,3,female,16-24
org-a,enrolled,2024-05,4,female,25+
org-a,enrolled,2024-05,1,male,16-24
org-a,enrolled,2024-05,2,male,25+
org-b,enrolled,2024-05,6,,
org-b,enrolled,2024-05,2,female,
org-b,enrolled,2024-05,4,male,
"""
# Not approved: these must never be counted.
DRAFT = """organisation,indicator,period,value
org-b,enrolled,2024-02,1000
org-b,wage,2024-02,1000
org-a,enrolled,2024-06,1000
"""


@pytest.fixture
def reported(cast, import_csv):
    result = import_csv(cast.alpha, APPROVED, approve=True, user=cast.backbone)
    assert result.errors == []
    result = import_csv(cast.alpha, DRAFT)
    assert result.errors == []
    # One report submitted but not yet approved.
    Submission.objects.filter(organisation=cast.org_a, period="2024-06").update(
        status=Submission.SUBMITTED
    )
    return cast


def ask(
    cast, indicator: str, by: str, period_type: str | None = None, within: str | None = None
) -> dict:
    ind = Indicator.objects.get(initiative=cast.alpha, code=indicator)
    period = periods.parse(within, None, cast.alpha.fy_first_month) if within else None
    rows = query(cast.alpha, ind, by, period_type, within=period)
    assert [r["key"] for r in rows] == sorted(r["key"] for r in rows), (
        "rows must come sorted by key"
    )
    return {r["key"]: r["value"] for r in rows}


def test_a_sum_indicator_by_month_adds_the_organisations(reported):
    assert ask(reported, "enrolled", "period", "month") == {
        "2024-01": 50,
        "2024-02": 30,
        "2024-04": 5,
        "2024-05": 16,
    }


def test_monthly_data_by_quarter_year_and_financial_year(reported):
    assert ask(reported, "enrolled", "period", "quarter") == {"2024-Q1": 80, "2024-Q2": 21}
    assert ask(reported, "enrolled", "period", "year") == {"2024": 101}
    # April is the first month of alpha's financial year.
    assert ask(reported, "enrolled", "period", "financial-year") == {"2023-24": 80, "2024-25": 21}


def test_without_a_period_type_the_reporting_frequency_is_used(reported):
    assert ask(reported, "enrolled", "period") == ask(reported, "enrolled", "period", "month")


def test_by_organisation_combines_each_organisations_periods(reported):
    assert ask(reported, "enrolled", "organisation") == {"org-a": 55, "org-b": 46}


def test_within_a_period_only_its_values_count(reported):
    assert ask(reported, "enrolled", "organisation", within="2024-Q1") == {"org-a": 40, "org-b": 40}
    assert ask(reported, "enrolled", "period", "month", within="2024-02") == {"2024-02": 30}


def test_only_approved_values_are_counted(reported):
    assert ask(reported, "enrolled", "period", "month").get("2024-06") is None
    assert ask(reported, "wage", "organisation") == {"org-a": 12, "org-b": 14}


def test_a_stock_counts_each_organisations_latest_value(reported):
    # caseload: last over time, sum across: A's March 5 + B's January 7.
    assert ask(reported, "caseload", "period", "quarter") == {"2024-Q1": 12}
    assert ask(reported, "caseload", "period", "month") == {"2024-01": 11, "2024-03": 5}
    assert ask(reported, "caseload", "organisation") == {"org-a": 5, "org-b": 7}


def test_a_mean_indicator_averages_over_time_then_across_organisations(reported):
    # satisfaction: A (80+60)/2 = 70, B 50; mean 60.
    assert ask(reported, "satisfaction", "period", "quarter") == {"2024-Q1": 60}
    assert ask(reported, "satisfaction", "period", "month") == {"2024-01": 65, "2024-02": 60}


def test_a_weighted_mean_is_weighted_by_the_weight_indicator(reported):
    # start_rate is weighted by enrolled: January (20*10 + 10*40) / 50.
    assert ask(reported, "start_rate", "period", "month") == {"2024-01": 12, "2024-02": 40}
    # Over the quarter: A's mean rate 30 weighs 40 enrolments, B's 10 weighs 40.
    assert ask(reported, "start_rate", "period", "quarter") == {"2024-Q1": 20}
    assert ask(reported, "start_rate", "organisation") == {"org-a": 30, "org-b": 10}


# wage values: A 2024-01 10, 2024-02 14; B 2024-01 20, 2024-03 8.
RULES = {
    ("sum", "sum"): 52,
    ("sum", "mean"): 26,
    ("sum", "last"): 22,
    ("mean", "sum"): 26,
    ("mean", "mean"): 13,
    ("mean", "last"): 11,
    ("min", "sum"): 24,
    ("min", "mean"): 12,
    ("min", "last"): 8,
    ("max", "sum"): 28,
    ("max", "mean"): 14,
    ("max", "last"): 14,
}


@pytest.mark.parametrize(
    ("across", "time"), list(RULES), ids=[f"{a}-across-{t}-over-time" for a, t in RULES]
)
def test_every_pair_of_rules_gives_the_documented_figure(reported, across, time):
    Indicator.objects.filter(initiative=reported.alpha, code="wage").update(
        aggregation=across, time_aggregation=time
    )
    assert ask(reported, "wage", "period", "quarter") == {"2024-Q1": RULES[(across, time)]}


def test_results_that_are_not_whole_keep_their_decimals(reported):
    Indicator.objects.filter(initiative=reported.alpha, code="wage").update(
        aggregation="mean", time_aggregation="mean"
    )
    assert ask(reported, "wage", "period", "month") == {"2024-01": 15, "2024-02": 14, "2024-03": 8}
    Indicator.objects.filter(initiative=reported.alpha, code="satisfaction").update(
        time_aggregation="mean", aggregation="mean"
    )
    assert ask(reported, "satisfaction", "organisation", within="2024-Q1") == {
        "org-a": 70,
        "org-b": 50,
    }


def test_by_a_dimension_gives_one_value_per_category(reported):
    assert ask(reported, "enrolled", "gender") == {"female": 9, "male": 7}


def test_an_organisation_that_reported_only_finer_rows_counts_in_the_total_and_by_gender(reported):
    # In May org A reported only gender x age band rows (10 in all); org B reported its total 6.
    assert ask(reported, "enrolled", "period", "month", within="2024-05") == {"2024-05": 16}
    assert ask(reported, "enrolled", "organisation", within="2024-05") == {"org-a": 10, "org-b": 6}
    assert ask(reported, "enrolled", "gender", within="2024-05") == {"female": 9, "male": 7}
    # Only A has age bands.
    assert ask(reported, "enrolled", "age_band", within="2024-05") == {"16-24": 4, "25+": 6}


def test_an_exact_value_is_preferred_to_finer_ones(cast, import_csv):
    text = (
        "organisation,indicator,period,value,gender,age_band\n"
        "org-a,enrolled,2024-01,100,,\n"
        "org-a,enrolled,2024-01,3,female,16-24\n"
        "org-a,enrolled,2024-01,4,male,16-24\n"
    )
    assert import_csv(cast.alpha, text, approve=True).errors == []
    assert ask(cast, "enrolled", "period") == {"2024-01": 100}
    assert ask(cast, "enrolled", "gender") == {"female": 3, "male": 4}


def test_a_dimension_the_indicator_does_not_allow_is_refused(reported):
    ind = Indicator.objects.get(initiative=reported.alpha, code="job_starts")
    with pytest.raises(
        QueryError, match="cannot be shown by 'age_band'; use one of period, organisation, gender"
    ):
        query(reported.alpha, ind, "age_band")


def test_a_period_type_shorter_than_the_reporting_frequency_is_refused(cast):
    ind = Indicator.objects.get(initiative=cast.beta, code="enrolled")
    with pytest.raises(QueryError, match="cannot show quarterly data by month"):
        query(cast.beta, ind, "period", "month")


def test_an_initiative_with_no_approved_values_gives_no_rows(cast):
    ind = Indicator.objects.get(initiative=cast.alpha, code="enrolled")
    assert query(cast.alpha, ind, "period") == []


def test_another_initiatives_values_are_never_counted(reported, import_csv):
    assert (
        import_csv(
            reported.beta,
            "organisation,indicator,period,value\norg-c,enrolled,2024-Q1,999\n",
            approve=True,
        ).errors
        == []
    )
    assert ask(reported, "enrolled", "period", "quarter") == {"2024-Q1": 80, "2024-Q2": 21}


# -- the command ---------------------------------------------------------------------------------


def test_the_query_command_prints_json_sorted_by_key(reported, cli):
    code, out, _ = cli(
        "query",
        "--initiative",
        "alpha",
        "--indicator",
        "enrolled",
        "--by",
        "period",
        "--period-type",
        "quarter",
        "--json",
    )
    assert code == 0
    assert _key_value(out) == [{"key": "2024-Q1", "value": 80}, {"key": "2024-Q2", "value": 21}]
    # Each row also says whether it is suppressed or provisional (docs/reference/cli.md).
    assert {tuple(sorted(r)) for r in json.loads(out)} == {
        ("key", "provisional", "suppressed", "value")
    }


def _key_value(out: str) -> list[dict]:
    return [{"key": r["key"], "value": r["value"]} for r in json.loads(out)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--by", "organisation"], [{"key": "org-a", "value": 55}, {"key": "org-b", "value": 46}]),
        (
            ["--by", "gender", "--period", "2024-05"],
            [{"key": "female", "value": 9}, {"key": "male", "value": 7}],
        ),
        (
            ["--by", "period", "--period-type", "financial-year"],
            [{"key": "2023-24", "value": 80}, {"key": "2024-25", "value": 21}],
        ),
        (
            ["--by", "period", "--period-type", "year", "--period", "2023-24"],
            [{"key": "2024", "value": 80}],
        ),
    ],
)
def test_the_query_command_answers_by_organisation_dimension_and_period(
    reported, cli, args, expected
):
    code, out, _ = cli("query", "--initiative", "alpha", "--indicator", "enrolled", "--json", *args)
    assert code == 0
    assert _key_value(out) == expected


def test_the_query_command_prints_a_table_without_json(reported, cli):
    code, out, _ = cli(
        "query", "--initiative", "alpha", "--indicator", "enrolled", "--by", "organisation"
    )
    assert code == 0
    lines = out.splitlines()
    assert "sum across organisations, sum over time" in lines[0]
    assert lines[2].split() == ["org-a", "55"] and lines[3].split() == ["org-b", "46"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--indicator", "nope", "--by", "period"], "no indicator 'nope' in alpha"),
        (["--indicator", "enrolled", "--by", "colour"], "cannot be shown by 'colour'"),
        (
            ["--indicator", "enrolled", "--by", "period", "--period", "2024-13"],
            "--period: '2024-13' is not a month",
        ),
    ],
)
def test_a_bad_query_gets_a_clear_message_and_exit_code_1(reported, cli, args, words):
    code, out, err = cli("query", "--initiative", "alpha", *args)
    assert code == 1 and out == ""
    assert words in err


def test_an_unknown_period_type_is_refused_by_the_command(reported, cli):
    with pytest.raises(SystemExit) as exc:
        cli(
            "query",
            "--initiative",
            "alpha",
            "--indicator",
            "enrolled",
            "--by",
            "period",
            "--period-type",
            "week",
        )
    assert exc.value.code == 2
