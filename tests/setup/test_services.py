"""The one way set-up pages change an initiative (commonmeasure/setup/services.py)."""

from __future__ import annotations

import pytest

from commonmeasure.backbone.models import SettingsChange
from commonmeasure.conversation.models import Event
from commonmeasure.initiatives.models import Dimension, Indicator, Participation
from commonmeasure.interchange.definition import DefinitionError
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import services

HEAD = "organisation,indicator,period,value,comment\n"


def _indicator(definition: dict, code: str) -> dict:
    return next(i for i in definition["indicators"] if i["code"] == code)


def test_an_edit_is_what_editing_the_file_gives(cast):
    by_hand = dump_definition(cast.alpha)
    _indicator(by_hand, "enrolled")["name"] = "Enrolled people"

    outcome = services.apply(
        cast.alpha,
        lambda d: _indicator(d, "enrolled").update(name="Enrolled people"),
        by=cast.backbone,
        what="changed the indicator People enrolled",
    )

    assert dump_definition(cast.alpha) == by_hand
    assert outcome.changes == {"indicators.enrolled.name": ("People enrolled", "Enrolled people")}
    change = SettingsChange.objects.get(initiative=cast.alpha)
    assert list(change.changes) == ["indicators.enrolled.name"]
    assert change.changed_by == cast.backbone
    event = Event.objects.get(initiative=cast.alpha, kind="setup")
    assert event.text == "changed the indicator People enrolled"


def test_a_dry_run_says_what_would_change_and_writes_nothing(cast):
    before = dump_definition(cast.alpha)
    outcome = services.apply(
        cast.alpha,
        lambda d: _indicator(d, "enrolled").update(decimals=2),
        by=cast.backbone,
        what="x",
        dry_run=True,
    )
    assert outcome.dry_run
    assert "indicators.enrolled.decimals" in outcome.changes
    assert dump_definition(cast.alpha) == before
    assert not SettingsChange.objects.exists()
    assert not Event.objects.filter(kind="setup").exists()


def test_what_a_file_refuses_the_page_refuses_with_the_same_path(cast):
    before = dump_definition(cast.alpha)
    with pytest.raises(DefinitionError) as refused:
        services.apply(
            cast.alpha,
            lambda d: _indicator(d, "enrolled").update(decimals=-1),
            by=cast.backbone,
            what="x",
        )
    assert any(p.startswith("indicators.0.decimals") for p in refused.value.problems)
    assert dump_definition(cast.alpha) == before


def test_a_part_saved_by_someone_else_since_the_page_opened_is_not_overwritten(cast):
    opened = services.version_of(cast.alpha, "indicators/enrolled")
    services.apply(
        cast.alpha,
        lambda d: _indicator(d, "enrolled").update(name="Changed by another admin"),
        by=cast.backbone,
        what="x",
    )
    with pytest.raises(services.Stale) as stale:
        services.apply(
            cast.alpha,
            lambda d: _indicator(d, "enrolled").update(name="Mine"),
            by=cast.backbone,
            what="x",
            versions={"indicators/enrolled": opened},
        )
    assert stale.value.current["name"] == "Changed by another admin"
    assert Indicator.objects.get(initiative=cast.alpha, code="enrolled").name == (
        "Changed by another admin"
    )
    # another part's version is not affected
    services.apply(
        cast.alpha,
        lambda d: _indicator(d, "job_starts").update(decimals=1),
        by=cast.backbone,
        what="x",
        versions={
            "indicators/job_starts": services.version_of(cast.alpha, "indicators/job_starts")
        },
    )


def test_removing_an_indicator_with_values_is_refused_with_counts(cast, import_csv):
    assert import_csv(
        cast.alpha, HEAD + "org-a,caseload,2024-01,10,\norg-a,caseload,2024-02,12,\n"
    ).ok
    with pytest.raises(services.Refused) as refused:
        services.apply(
            cast.alpha,
            lambda d: d.update(indicators=[i for i in d["indicators"] if i["code"] != "caseload"]),
            by=cast.backbone,
            what="x",
        )
    (problem,) = refused.value.problems
    assert problem.startswith("indicators.caseload: Active caseload has 2 values in 2 reports")
    assert "(2024-01 to 2024-02)" in problem
    assert Indicator.objects.filter(initiative=cast.alpha, code="caseload").exists()


def test_removing_unused_parts_deletes_them_and_says_so(cast):
    def edit(d):
        d["indicators"] = [i for i in d["indicators"] if i["code"] != "wage"]
        d["dimensions"] = [x for x in d["dimensions"] if x["code"] != "age_band"]
        for i in d["indicators"]:
            i["dimensions"] = [x for x in i.get("dimensions", []) if x != "age_band"]

    outcome = services.apply(cast.alpha, edit, by=cast.backbone, what="x")
    assert "indicator wage" in outcome.removed
    assert "dimension age_band" in outcome.removed
    assert not Indicator.objects.filter(initiative=cast.alpha, code="wage").exists()
    assert not Dimension.objects.filter(initiative=cast.alpha, code="age_band").exists()
    assert "age_band" not in [x["code"] for x in dump_definition(cast.alpha)["dimensions"]]


def test_an_organisation_with_reports_cannot_leave(cast, import_csv):
    assert import_csv(cast.alpha, HEAD + "org-b,enrolled,2024-03,5,\n").ok
    with pytest.raises(services.Refused) as refused:
        services.apply(
            cast.alpha,
            lambda d: d.update(
                organisations=[o for o in d["organisations"] if o["code"] != "org-b"]
            ),
            by=cast.backbone,
            what="x",
        )
    assert refused.value.problems[0].startswith("organisations.org-b: Organisation B has 1 reports")
    assert Participation.objects.filter(initiative=cast.alpha, organisation=cast.org_b).exists()


def test_the_code_of_an_initiative_cannot_change(cast):
    with pytest.raises(services.Refused):
        services.apply(cast.alpha, lambda d: d.update(code="gamma"), by=cast.backbone, what="x")


def test_a_new_initiative_starts_from_nothing(cast):
    outcome = services.apply(
        None,
        lambda d: d.update(code="gamma", name="Gamma", indicators=[{"code": "n", "name": "N"}]),
        by=cast.backbone,
        what="created the initiative Gamma",
    )
    assert outcome.initiative.code == "gamma"
    assert [i["code"] for i in dump_definition(outcome.initiative)["indicators"]] == ["n"]
    dry = services.apply(
        None,
        lambda d: d.update(code="delta", name="Delta"),
        by=cast.backbone,
        what="x",
        dry_run=True,
    )
    assert dry.dry_run and dry.initiative is None
    assert "code" in dry.changes


def test_the_set_up_home_is_for_the_backbone_only(cast, client_for):
    assert client_for("backbone").get("/i/alpha/setup/").status_code == 200
    assert client_for("alice").get("/i/alpha/setup/").status_code == 403
    assert client_for("outsider").get("/i/alpha/setup/").status_code == 404
    assert client_for("anonymous").get("/i/alpha/setup/").status_code == 302
