"""Responses become indicator values of the organisation's report for the period, through the
ordinary save path, with small numbers suppressed."""

from __future__ import annotations

from commonmeasure.reporting import audit
from commonmeasure.reporting.models import DataValue, Submission
from commonmeasure.voice import services


def value_of(org, indicator_code):
    row = DataValue.objects.filter(
        submission__organisation=org, indicator__code=indicator_code, disaggregation__key=""
    ).first()
    return None if row is None else row.value


def test_50_promoters_25_passives_25_detractors_write_an_nps_of_25(survey, respond, cast):
    survey.rate_limit_per_minute = 1000
    survey.save()
    for score in [10] * 50 + [7] * 25 + [3] * 25:
        assert respond(survey, survey.link_a, nps=score).status_code == 302
    assert value_of(cast.org_a, "nps") == 25
    sub = Submission.objects.get(organisation=cast.org_a)
    assert sub.period == services.current_period(cast.alpha)


def test_percent_satisfied_counts_4_and_5_on_the_five_point_question(survey, respond, cast):
    for score in (5, 4, 4, 3, 1):
        respond(survey, survey.link_a, likert=score)
    assert value_of(cast.org_a, "satisfaction") == 60


def test_fewer_responses_than_the_threshold_write_no_value(survey, respond, cast):
    for score in (10, 10, 10, 10):
        respond(survey, survey.link_a, nps=score)
    assert value_of(cast.org_a, "nps") is None
    respond(survey, survey.link_a, nps=0)
    assert value_of(cast.org_a, "nps") == 60  # 4 promoters, 1 detractor of 5


def test_a_survey_can_set_its_own_threshold(survey, respond, cast):
    survey.threshold = 2
    survey.save()
    respond(survey, survey.link_a, nps=10)
    assert value_of(cast.org_a, "nps") is None
    respond(survey, survey.link_a, nps=0)
    assert value_of(cast.org_a, "nps") == 0


def test_each_organisation_gets_the_figure_from_its_own_link(survey, respond, cast):
    for _ in range(5):
        respond(survey, survey.link_a, nps=10)
        respond(survey, survey.link_b, nps=0)
    assert value_of(cast.org_a, "nps") == 100
    assert value_of(cast.org_b, "nps") == -100


def test_survey_values_are_audited_with_the_survey_channel_and_no_user(survey, respond, cast):
    for _ in range(5):
        respond(survey, survey.link_a, nps=9)
    sub = Submission.objects.get(organisation=cast.org_a)
    change = audit.history(sub, survey.nps_indicator.code, "")[0].change  # the newest event
    assert change.channel == services.SURVEY_CHANNEL and change.changed_by is None


def test_a_submitted_report_is_not_changed_and_the_reason_is_given(survey, respond, cast):
    for _ in range(5):
        respond(survey, survey.link_a, nps=9)
    sub = Submission.objects.get(organisation=cast.org_a)
    Submission.objects.filter(pk=sub.pk).update(status=Submission.SUBMITTED)
    respond(survey, survey.link_a, nps=0)
    result = services.recompute(survey.link_a, sub.period)
    assert value_of(cast.org_a, "nps") == 100
    assert "the report is submitted" in result.messages[0]


def test_values_wait_for_the_recompute_interval_then_the_command_catches_up(
    survey, respond, cast, settings
):
    settings.CM_SURVEY_RECOMPUTE_SECONDS = 3600
    for _ in range(6):
        respond(survey, survey.link_a, nps=10)
    assert value_of(cast.org_a, "nps") is None  # first response computed with one answer only
    from commonmeasure.cli import main

    assert main(["surveys", "recompute"]) == 0
    assert value_of(cast.org_a, "nps") == 100


def test_the_recompute_command_names_an_unknown_survey(survey, capsys):
    from commonmeasure.cli import main

    assert main(["surveys", "recompute", "--survey", "999999"]) == 1
    assert "no survey 999999" in capsys.readouterr().err
