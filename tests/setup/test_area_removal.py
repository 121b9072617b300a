"""Removing an area is refused while organisations, targets or overlap adjustments use it
(setup/services.py ``_removals``), with how many; an unused area is deleted."""

from __future__ import annotations

import pytest

from commonmeasure.initiatives.models import Area, OverlapAdjustment, Target
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import services

from .structure_fixtures import with_areas


def _without(code):
    def edit(d):
        d["areas"] = [a for a in d["areas"] if a["code"] != code and a.get("parent") != code]

    return edit


def test_an_area_that_organisations_targets_and_adjustments_use_is_not_removed(cast):
    with_areas(cast)
    before = dump_definition(cast.alpha)
    with pytest.raises(services.Refused) as refused:
        services.apply(cast.alpha, _without("ashgrove"), by=cast.backbone, what="x")
    (problem,) = refused.value.problems
    assert problem == (
        "areas.ashgrove: Ashgrove is used by 1 organisation, 1 target, 2 overlap adjustments; "
        "move them to another area or remove them first"
    )
    assert dump_definition(cast.alpha) == before
    assert Target.objects.filter(area__code="ashgrove").count() == 1
    assert OverlapAdjustment.objects.filter(area__code="ashgrove").count() == 2


def test_removing_a_parent_names_what_uses_the_areas_inside_it(cast):
    with_areas(cast)
    with pytest.raises(services.Refused) as refused:
        services.apply(cast.alpha, _without("northside"), by=cast.backbone, what="x")
    assert [p.split(":")[0] for p in refused.value.problems] == ["areas.ashgrove"]


def test_an_area_nothing_uses_is_removed(cast):
    with_areas(cast)
    outcome = services.apply(cast.alpha, _without("birchfield"), by=cast.backbone, what="x")
    assert outcome.removed == ["area birchfield"]
    assert not Area.objects.filter(initiative=cast.alpha, code="birchfield").exists()


def test_a_malformed_edit_gets_the_definition_files_messages_not_a_crash(cast):
    from commonmeasure.interchange.definition import DefinitionError

    def edit(d):
        d["dimensions"][0]["categories"] = [{"name": "no code"}, "female"]
        d["areas"] = "everywhere"

    with pytest.raises(DefinitionError) as refused:
        services.apply(cast.alpha, edit, by=cast.backbone, what="x")
    assert any(p.startswith("dimensions.0.categories.0.code") for p in refused.value.problems)
