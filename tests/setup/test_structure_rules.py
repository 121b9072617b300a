"""The validation rules set-up page (setup/views_rules.py): the preview lists the reports of the
last periods that the rule as edited would fail, as the reports' own check finds them."""

from __future__ import annotations

import re

from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.reporting.models import Submission, ValidationRule
from commonmeasure.reporting.report_checks import check_submission
from commonmeasure.reporting.rules import RuleSet
from commonmeasure.setup import services
from commonmeasure.setup.views_rules import LAST_PERIODS

URL = "/i/alpha/setup/rules/"
HEAD = "organisation,indicator,period,value,comment\n"
RULE = {
    "code": "starts_within_enrolled",
    "left": "job_starts",
    "op": "<=",
    "right": "enrolled",
    "severity": "warning",
    "message": "More job starts than people enrolled",
}


def _reports(import_csv, cast):
    """Eight months of reports for A and B; job starts above enrolled now and then."""
    rows = []
    for month in range(1, 9):
        for org, starts in (("org-a", 3 + month), ("org-b", 9 - month)):
            rows.append(f"{org},enrolled,2024-{month:02d},6,")
            rows.append(f"{org},job_starts,2024-{month:02d},{starts},")
    assert import_csv(cast.alpha, HEAD + "\n".join(rows) + "\n").ok


def _failing(page: str) -> list[tuple[str, str, str]]:
    table = page.split('id="failing-reports"', 1)[1].split("</table>", 1)[0]
    return re.findall(
        r'<th scope="row">([^<]+)</th><td>([^<]+)</td>.*?<ul class="plain">(.*?)</ul>', table, re.S
    )


def test_the_preview_lists_the_reports_the_rule_would_fail_and_saves_nothing(
    cast, client_for, import_csv
):
    _reports(import_csv, cast)
    response = client_for("backbone").post(
        URL,
        {
            "action": "save_rule",
            "row": "rule",
            "preview": "1",
            **RULE,
            "version": services.version_of(cast.alpha, "rules"),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    # what the reports' own check (reporting/report_checks.py) finds, on the same reports
    rules = RuleSet([ValidationRule(**RULE)])
    periods = sorted({s.period for s in Submission.objects.filter(initiative=cast.alpha)})[
        -LAST_PERIODS:
    ]
    expected = []
    for s in Submission.objects.filter(initiative=cast.alpha, period__in=periods).select_related(
        "organisation"
    ):
        if any(o.failed for o in check_submission(s, rules)):
            values = {v.indicator.code: v.value for v in s.values.filter(disaggregation__key="")}
            expected.append(
                (
                    s.organisation.name,
                    s.period,
                    f"<li>Job starts: {values['job_starts']:.0f}</li><li>People enrolled: {values['enrolled']:.0f}</li>",
                )
            )
    assert expected  # the data has failures to find
    assert sorted(_failing(page)) == sorted(expected)
    assert "2024-01" not in [period for _o, period, _f in _failing(page)]  # older than the last 6
    assert "job_starts is 7 and enrolled is 6; expected job_starts &lt;= enrolled" in page
    assert not ValidationRule.objects.filter(initiative=cast.alpha).exists()
    assert 'id="confirm"' in page


def test_a_saved_rule_is_the_same_as_editing_the_file(cast, client_for):
    by_hand = dump_definition(cast.alpha)
    by_hand["rules"] = [
        RULE,
        {
            **RULE,
            "code": "rate",
            "left": "start_rate",
            "right": "100",
            "severity": "error",
            "message": "A rate is at most 100",
        },
    ]
    client = client_for("backbone")
    for rule in reversed(by_hand["rules"]):
        assert (
            client.post(
                URL,
                {
                    "action": "save_rule",
                    "row": "rule",
                    **rule,
                    "version": services.version_of(cast.alpha, "rules"),
                },
            ).status_code
            == 302
        )
    # added in the other order: move the second up
    assert (
        client.post(
            URL,
            {
                "action": "move_rule",
                "row": f"rule-{RULE['code']}",
                "rule": RULE["code"],
                "direction": "up",
                "version": services.version_of(cast.alpha, "rules"),
            },
        ).status_code
        == 302
    )
    assert dump_definition(cast.alpha) == by_hand
    listed = client.get(URL).content.decode().split('id="rules"', 1)[1]
    assert listed.index(RULE["message"]) < listed.index("A rate is at most 100")
    assert "Compares Job starts, People enrolled" in listed  # names beside the codes
    # edit one, then remove the other
    edited = {**RULE, "op": "<", "message": "Fewer starts than enrolled"}
    assert (
        client.post(
            f"{URL}{RULE['code']}/",
            {
                "action": "save_rule",
                "row": "rule",
                **edited,
                "version": services.version_of(cast.alpha, f"rules/{RULE['code']}"),
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            URL,
            {
                "action": "remove_rule",
                "row": "rule-rate",
                "rule": "rate",
                "version": services.version_of(cast.alpha, "rules"),
            },
        ).status_code
        == 302
    )
    assert dump_definition(cast.alpha)["rules"] == [edited]


def test_an_unknown_indicator_in_a_rule_is_named_beside_its_side(cast, client_for):
    response = client_for("backbone").post(
        URL, {"action": "save_rule", "row": "rule", **RULE, "right": "enroled", "preview": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    beside = page.split('id="rule-right-error">', 1)[1].split("</p>", 1)[0]
    assert "rules.0 (starts_within_enrolled): right &#x27;enroled&#x27;" in beside
    assert 'value="enroled"' in page
    assert not ValidationRule.objects.exists()


def test_a_stale_rule_edit_keeps_the_other_admins_rule(cast, client_for):
    client = client_for("backbone")
    client.post(
        URL,
        {
            "action": "save_rule",
            "row": "rule",
            **RULE,
            "version": services.version_of(cast.alpha, "rules"),
        },
    )
    opened = services.version_of(cast.alpha, f"rules/{RULE['code']}")
    assert (
        client.post(
            f"{URL}{RULE['code']}/",
            {"action": "save_rule", "row": "rule", **RULE, "message": "First", "version": opened},
        ).status_code
        == 302
    )
    response = client.post(
        f"{URL}{RULE['code']}/",
        {"action": "save_rule", "row": "rule", **RULE, "message": "Second", "version": opened},
    )
    assert response.status_code == 409
    assert 'value="First"' in response.content.decode()
    assert ValidationRule.objects.get(code=RULE["code"]).message == "First"


def test_the_live_preview_answers_as_you_type(cast, client_for, import_csv):
    _reports(import_csv, cast)
    client = client_for("backbone")
    typing = {"action": "save_rule", "row": "rule", **RULE, "preview": "1"}
    response = client.post(URL, {**typing, "right": "enrol"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # swapped in, whatever it says
    live = response.content.decode().split('id="rule-live"', 1)[1]
    assert "right &#x27;enrol&#x27;" in live.split('id="rule-live-problems"', 1)[1]
    response = client.post(URL, typing, HTTP_HX_REQUEST="true")
    live = response.content.decode().split('id="rule-live"', 1)[1]
    assert len(_failing(live)) == 5
    assert not ValidationRule.objects.exists()
