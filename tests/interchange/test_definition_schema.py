"""The initiative definition schema and reader (commonmeasure/interchange/definition.py)."""

from __future__ import annotations

import pytest

from commonmeasure.interchange.definition import DefinitionError, parse_definition, read_definition


def test_a_minimal_definition_takes_the_documented_defaults():
    defn = parse_definition("code: x\nname: X\n")
    assert (defn.reporting_frequency, defn.fy_first_month, defn.published) == ("monthly", 4, False)
    assert (defn.dimensions, defn.organisations, defn.indicators) == ([], [], [])


def test_an_indicator_takes_the_documented_defaults():
    ind = parse_definition("code: x\nname: X\nindicators:\n  - {code: n, name: N}\n").indicators[0]
    assert (ind.value_type, ind.polarity, ind.aggregation, ind.time_aggregation, ind.decimals) == (
        "count",
        "higher",
        "sum",
        "sum",
        0,
    )


def test_json_and_yaml_give_the_same_definition():
    yaml_text = "code: x\nname: X\nindicators:\n  - {code: n, name: N, value_type: rate}\n"
    json_text = '{"code": "x", "name": "X", "indicators": [{"code": "n", "name": "N", "value_type": "rate"}]}'
    assert parse_definition(yaml_text) == parse_definition(json_text, fmt="json")


def test_the_file_suffix_chooses_json_or_yaml(tmp_path):
    path = tmp_path / "x.JSON"
    path.write_text('{"code": "x", "name": "X"}')
    assert read_definition(path).code == "x"
    path = tmp_path / "x.yml"
    path.write_text("\ufeffcode: x\nname: X\n", encoding="utf-8")
    assert read_definition(path).code == "x"


def test_every_problem_is_listed_with_its_field():
    text = "code: x\nname: ''\nindicators:\n  - {code: n, name: N, value_type: ratio}\n  - {code: m, name: M, decimals: 9}\n"
    with pytest.raises(DefinitionError) as exc:
        parse_definition(text, "x.yaml")
    problems = exc.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "name",
        "indicators.0.value_type",
        "indicators.1.decimals",
    ]
    assert str(exc.value).startswith("x.yaml: name: String should have at least 1 character")


def test_a_category_code_may_contain_a_plus_but_an_indicator_code_may_not():
    parse_definition(
        "code: x\nname: X\ndimensions:\n  - {code: age, name: Age, categories: [{code: '25+', name: 25 and over}]}\n"
    )
    with pytest.raises(DefinitionError, match=r"indicators.0.code: String should match pattern"):
        parse_definition("code: x\nname: X\nindicators:\n  - {code: 'n+', name: N}\n")


def test_an_indicator_cannot_weight_itself():
    text = "code: x\nname: X\nindicators:\n  - {code: n, name: N, aggregation: weighted_mean, weight_indicator: n}\n"
    with pytest.raises(
        DefinitionError, match=r"indicators.0 \(n\): an indicator cannot weight itself"
    ):
        parse_definition(text)


def test_a_dimension_needs_at_least_one_category():
    with pytest.raises(
        DefinitionError, match="dimensions.0.categories: List should have at least 1 item"
    ):
        parse_definition("code: x\nname: X\ndimensions:\n  - {code: g, name: G, categories: []}\n")
