"""The definition file's areas, computed indicators, targets and overlap adjustments
(docs/reference/initiative-file.md)."""

from pathlib import Path

import pytest
import yaml

from commonmeasure.initiatives.models import Area, Indicator, OverlapAdjustment, Target
from commonmeasure.interchange.definition import DefinitionError, parse_definition
from commonmeasure.reporting.initiative_file import dump_definition, load_definition

TOWNS = (Path(__file__).parent / "towns.yaml").read_text()


def _with(change) -> str:
    data = yaml.safe_load(TOWNS)
    change(data)
    return yaml.safe_dump(data)


def _problem(text: str) -> str:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "towns.yaml")
    return "; ".join(caught.value.problems)


def test_loading_creates_areas_computed_indicators_targets_and_adjustments(db):
    initiative, _ = load_definition(parse_definition(TOWNS))
    w1 = Area.objects.get(initiative=initiative, code="w1")
    assert (w1.level, w1.parent.code, w1.parent.parent.code) == ("ward", "b1", "north")
    assert Area.objects.get(initiative=initiative, code="w3").parent.code == "b2"
    p1 = initiative.participations.get(organisation__code="p1")
    assert p1.area == w1 and p1.named_in_benchmarks
    rate = initiative.indicators.get(code="sustain_rate")
    assert (rate.kind, rate.formula) == (Indicator.FORMULA, "sustained / started * 100")
    quality = initiative.indicators.get(code="quality")
    assert quality.kind == Indicator.COMPOSITE
    assert quality.composite["components"][0]["target"] == 80
    assert initiative.indicators.get(code="visits").deduplication == "max"
    assert Target.objects.filter(initiative=initiative).count() == 3
    assert OverlapAdjustment.objects.filter(initiative=initiative).count() == 2
    assert (initiative.small_number_threshold, initiative.anonymise_peers) == (3, False)


def test_loading_twice_changes_nothing_and_a_dump_loads_back_unchanged(db):
    initiative, _ = load_definition(parse_definition(TOWNS))
    _, second = load_definition(parse_definition(TOWNS))
    assert not second.changed, second.as_dict()
    dumped = dump_definition(initiative)
    _, again = load_definition(parse_definition(yaml.safe_dump(dumped)))
    assert not again.changed, again.as_dict()
    assert dump_definition(initiative) == dumped
    assert {"code": "w3", "name": "Ward Three", "level": "ward", "parent": "b2"} in dumped["areas"]


def test_targets_left_out_of_the_file_are_removed_on_the_next_load(db):
    load_definition(parse_definition(TOWNS))
    _, summary = load_definition(parse_definition(_with(lambda d: d.update(targets=[]))))
    assert Target.objects.count() == 0
    assert "target people 2024 removed" in summary.updated


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda d: d["indicators"][5].update(formula="sustained / starts * 100"),
            "indicators.5 (sustain_rate): formula 'sustained / starts * 100': column 13: unknown indicator 'starts'",
        ),
        (
            lambda d: (
                d["indicators"].append({"code": "loop", "name": "Loop", "formula": "quality + 1"})
                or d["indicators"][6]["composite"]["components"].append({"indicator": "loop"})
            ),
            "formula indicators refer to each other in a circle: loop → quality → loop",
        ),
        (
            lambda d: d["indicators"][6]["composite"].update(aggregation="geometric"),
            "indicators.6 (quality): composite: components.1 (satisfaction): geometric aggregation needs values above 0, but goalposts give 0",
        ),
        (
            lambda d: d["indicators"][6]["composite"]["components"][0].pop("target"),
            "distance to target of 'sustain_rate' needs a target above 0",
        ),
        (
            lambda d: d["targets"].append(
                {"indicator": "people", "area": "w9", "period": "2024", "value": 1}
            ),
            "targets.3.area: 'w9' is not an area in this file",
        ),
        (
            lambda d: d["targets"].append({"indicator": "people", "period": "2024-13", "value": 1}),
            "targets.3.period: '2024-13' is not a month",
        ),
        (
            lambda d: d["overlap_adjustments"].append(
                {"indicator": "visits", "area": "w1", "period": "2024-01", "value": -1}
            ),
            "overlap_adjustments.2.indicator: visits does not have deduplication: adjusted",
        ),
        (
            lambda d: d["overlap_adjustments"].append(
                {"indicator": "people", "area": "w1", "period": "2024", "value": -1}
            ),
            "overlap_adjustments.2.period: '2024' is not a period code: expected a month",
        ),
        (
            lambda d: d["organisations"][0].update(area="b1"),
            "organisations.0 (p1): area 'b1' has areas inside it",
        ),
        (
            lambda d: d["areas"].append({"code": "w4", "name": "W4", "parent": "nowhere"}),
            "areas: w4: parent 'nowhere' is not an area in this file",
        ),
        (
            lambda d: d["indicators"][4].update(deduplication="max"),
            "deduplication max is for indicators summed across organisations",
        ),
        (
            lambda d: d["indicators"][5].update(kind="composite"),
            "a composite indicator needs composite",
        ),
    ],
)
def test_bad_measures_are_refused_naming_the_field(db, change, expected):
    assert expected in _problem(_with(change))
    assert Area.objects.count() == 0
