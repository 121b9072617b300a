"""An indicator that becomes a formula, composite or survey-fed one in a definition loaded
again: its stored reported values are refused at load time, naming the indicator and how many,
or archived visibly; never silently ignored (docs/reference/initiative-file.md)."""

from __future__ import annotations

import yaml

from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting import audit
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.reporting.models import ArchivedValue, DataValue, Submission

VALUES = """organisation,indicator,period,value,gender
org-a,job_starts,2024-01,3,
org-a,job_starts,2024-02,4,
org-b,job_starts,2024-02,5,
org-a,enrolled,2024-01,10,
"""


def definition_file(cast, tmp_path, change) -> str:
    data = dump_definition(cast.alpha)
    for ind in data["indicators"]:
        change(ind)
    path = tmp_path / "alpha.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def to_formula(ind: dict) -> None:
    if ind["code"] == "job_starts":
        ind.update(kind="formula", formula="enrolled / 2", dimensions=[])


def test_a_reported_indicator_with_values_cannot_silently_become_a_formula(
    cast, import_csv, cli, tmp_path
):
    assert import_csv(cast.alpha, VALUES).ok
    path = definition_file(cast, tmp_path, to_formula)
    code, out, err = cli("initiative", "load", path)
    assert code == 1 and out == ""
    assert (
        "indicator job_starts becomes a formula indicator, worked out from other indicators, "
        "but 3 values are stored for it (2 organisations, 2024-01 to 2024-02)"
    ) in err
    assert "--archive-values" in err and "Nothing was loaded" in err
    assert Indicator.objects.get(initiative=cast.alpha, code="job_starts").kind == "reported"
    assert DataValue.objects.filter(indicator__code="job_starts").count() == 3


def test_archiving_moves_the_values_out_and_every_report_history_shows_it(
    cast, import_csv, cli, tmp_path
):
    assert import_csv(cast.alpha, VALUES).ok
    version = Submission.objects.get(organisation=cast.org_a, period="2024-02").version
    path = definition_file(cast, tmp_path, to_formula)
    code, out, _err = cli("initiative", "load", path, "--archive-values")
    assert code == 0
    assert (
        "~ indicator job_starts: 3 stored value(s) archived (archived: job_starts became a "
        "formula indicator)"
    ) in out
    assert Indicator.objects.get(initiative=cast.alpha, code="job_starts").kind == "formula"
    assert not DataValue.objects.filter(indicator__code="job_starts").exists()
    assert sorted(ArchivedValue.objects.values_list("submission__period", "value")) == [
        ("2024-01", 3.0),
        ("2024-02", 4.0),
        ("2024-02", 5.0),
    ]
    sub = Submission.objects.get(organisation=cast.org_a, period="2024-02")
    assert sub.version == version + 1
    [removal, creation] = audit.history(sub, "job_starts", "")
    assert (removal.change.old_value, removal.change.new_value) == (4.0, None)
    assert removal.change.comment == "archived: job_starts became a formula indicator"
    assert (creation.change.old_value, creation.change.new_value) == (None, 4.0)
    assert DataValue.objects.filter(indicator__code="enrolled").count() == 1


def test_a_composite_without_stored_values_loads_as_before(cast, cli, tmp_path):
    def to_composite(ind: dict) -> None:
        if ind["code"] == "job_starts":
            ind.update(
                kind="composite",
                dimensions=[],
                composite={"components": [{"indicator": "enrolled"}, {"indicator": "caseload"}]},
            )

    code, out, _ = cli("initiative", "load", definition_file(cast, tmp_path, to_composite))
    assert code == 0 and "~ indicator job_starts" in out
    assert Indicator.objects.get(initiative=cast.alpha, code="job_starts").kind == "composite"


def test_a_composite_with_stored_values_is_refused_through_the_service_too(
    cast, import_csv, tmp_path
):
    import pytest

    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.archive import StaleValues
    from commonmeasure.reporting.initiative_file import load_definition

    assert import_csv(
        cast.alpha, "organisation,indicator,period,value\norg-a,caseload,2024-01,4\n"
    ).ok

    def to_composite(ind: dict) -> None:
        if ind["code"] == "caseload":
            ind.update(
                kind="composite",
                composite={"components": [{"indicator": "enrolled"}, {"indicator": "job_starts"}]},
            )

    defn = read_definition(definition_file(cast, tmp_path, to_composite))
    with pytest.raises(StaleValues, match="indicator caseload becomes a composite indicator"):
        load_definition(defn)
    assert Indicator.objects.get(initiative=cast.alpha, code="caseload").kind == "reported"


def test_values_people_reported_for_periods_a_survey_covers_are_refused_when_it_becomes_survey_fed(
    cast, import_csv, cli, tmp_path
):
    from django.utils import timezone

    from commonmeasure.voice.models import Link, Question, Survey
    from commonmeasure.voice.services import current_period

    period = current_period(cast.alpha)
    text = f"organisation,indicator,period,value\norg-a,satisfaction,{period},80\norg-a,satisfaction,2024-01,70\n"
    assert import_csv(cast.alpha, text).ok
    survey = Survey.objects.create(initiative=cast.alpha, title="How did we do?")
    Question.objects.create(
        survey=survey,
        kind="likert",
        text="Satisfied?",
        indicator=cast.alpha.indicators.get(code="satisfaction"),
    )
    Link.objects.create(survey=survey, organisation=cast.org_a)
    assert survey.created_at <= timezone.now()

    def to_survey_fed(ind: dict) -> None:
        if ind["code"] == "satisfaction":
            ind["survey_fed"] = True

    path = definition_file(cast, tmp_path, to_survey_fed)
    code, _out, err = cli("initiative", "load", path)
    assert code == 1
    assert (
        "indicator satisfaction becomes survey-fed, its values worked out from a survey's "
        f"responses, but 1 value reported by people for periods its surveys cover is stored "
        f"for it (1 organisation, {period})"
    ) in err
    assert not Indicator.objects.get(initiative=cast.alpha, code="satisfaction").survey_fed
    code, out, _ = cli("initiative", "load", path, "--archive-values")
    assert code == 0 and "1 stored value(s) archived" in out
    # The value of a period before the survey stays where it was.
    assert list(
        DataValue.objects.filter(indicator__code="satisfaction").values_list(
            "submission__period", "value"
        )
    ) == [("2024-01", 70.0)]


def test_dump_and_load_keep_survey_fed_and_breakdown_check(cast, cli, tmp_path):
    def change(ind: dict) -> None:
        if ind["code"] == "satisfaction":
            ind["survey_fed"] = True
        if ind["code"] == "job_starts":
            ind["breakdown_check"] = "warning"

    path = definition_file(cast, tmp_path, change)
    assert cli("initiative", "load", path)[0] == 0
    dumped = {i["code"]: i for i in dump_definition(cast.alpha)["indicators"]}
    assert dumped["satisfaction"]["survey_fed"] is True
    assert dumped["job_starts"]["breakdown_check"] == "warning"
    assert dumped["enrolled"]["breakdown_check"] == "error"
    code, out, _ = cli("initiative", "load", path)
    assert (code, out.strip()) == (0, "Initiative alpha: nothing changed.")
