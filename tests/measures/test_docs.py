"""The YAML examples in the measures documentation load as they are."""

import re
from pathlib import Path

from commonmeasure.interchange.definition import parse_definition

DOCS = Path(__file__).parents[2] / "docs" / "reference"


def _yaml_blocks(name: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (DOCS / name).read_text(), re.S)


def test_the_initiative_file_example_with_areas_formula_and_target_loads():
    defn = parse_definition("code: x\nname: X\n" + _yaml_blocks("initiative-file.md")[-1])
    assert [a.code for a, _ in defn.flat_areas()] == ["riverside", "northside", "ashgrove"]
    assert defn.indicators[2].kind == "formula" and defn.targets[0].scope == "area"


def test_the_composite_declaration_example_loads():
    head = "code: x\nname: X\nindicators:\n" + "".join(
        f"  - {{code: {c}, name: {c}}}\n" for c in ("sustainment_rate", "wellbeing", "satisfaction")
    )
    defn = parse_definition(head + _yaml_blocks("composite-indicators.md")[0])
    composite = defn.indicators[-1].composite
    assert [c.weight for c in composite.components] == [2, 1, 1]
    assert composite.normalisation == "goalposts"


def test_the_formula_example_loads():
    defn = parse_definition("code: x\nname: X\n" + _yaml_blocks("formula-indicators.md")[0])
    assert defn.indicators[-1].formula == "sustained_6m / job_starts * 100"


def test_the_targets_example_loads_with_its_scopes():
    text = (
        "code: x\nname: X\nareas: [{code: northside, name: N}]\n"
        "organisations: [{code: NYT, name: N}]\nindicators: [{code: job_starts, name: J}]\n"
    )
    defn = parse_definition(text + _yaml_blocks("targets.md")[0])
    assert [t.scope for t in defn.targets] == ["initiative", "area", "organisation"]
