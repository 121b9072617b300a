from pathlib import Path

import pytest

HERE = Path(__file__).parent

# Approved values: the worked figures of docs/reference/areas.md and formula-indicators.md.
VALUES = """organisation,indicator,period,value
p1,people,2024-01,10
p1,people,2024-02,12
p2,people,2024-01,5
p2,people,2024-02,6
p3,people,2024-01,7
p4,people,2024-01,4
p4,people,2024-02,4
p1,visits,2024-01,30
p2,visits,2024-01,20
p3,visits,2024-01,15
p1,started,2024-01,2
p1,sustained,2024-01,1
p2,started,2024-01,10
p2,sustained,2024-01,9
p3,started,2024-01,0
p3,sustained,2024-01,0
p1,satisfaction,2024-01,70
p2,satisfaction,2024-01,90
p3,satisfaction,2024-01,80
"""


@pytest.fixture
def towns(db, import_csv):
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition

    initiative, _ = load_definition(read_definition(HERE / "towns.yaml"))
    result = import_csv(initiative, VALUES, approve=True)
    assert not result.errors, result.errors
    return initiative


def ind(initiative, code):
    return initiative.indicators.get(code=code)


def as_dict(rows):
    return {r["key"]: r["value"] for r in rows}
