"""Areas, a target and overlap adjustments added to the standard cast's initiative alpha, for
the structure set-up tests."""

from __future__ import annotations

from commonmeasure.interchange.definition import validate_definition
from commonmeasure.reporting.initiative_file import dump_definition, load_definition

AREAS = [
    {"code": "riverside", "name": "Riverside", "level": "region"},
    {"code": "northside", "name": "Northside", "level": "borough", "parent": "riverside"},
    {"code": "ashgrove", "name": "Ashgrove", "level": "ward", "parent": "northside"},
    {"code": "birchfield", "name": "Birchfield", "level": "ward", "parent": "northside"},
    {"code": "southside", "name": "Southside", "level": "borough", "parent": "riverside"},
]


def with_areas(cast):
    """Alpha with areas; org-a in Ashgrove; job_starts adjusted, with a target for Ashgrove
    and two adjustments there; an initiative-wide enrolled target."""
    d = dump_definition(cast.alpha)
    d["areas"] = AREAS
    for org in d["organisations"]:
        if org["code"] == "org-a":
            org["area"] = "ashgrove"
    for ind in d["indicators"]:
        if ind["code"] == "job_starts":
            ind["deduplication"] = "adjusted"
    d["targets"] = [
        {"indicator": "enrolled", "period": "2024", "value": 360},
        {"indicator": "job_starts", "area": "ashgrove", "period": "2024", "value": 50},
    ]
    d["overlap_adjustments"] = [
        {"indicator": "job_starts", "area": "ashgrove", "period": "2024-01", "value": -2},
        {"indicator": "job_starts", "area": "ashgrove", "period": "2024-02", "value": -3},
    ]
    cast.alpha, _ = load_definition(validate_definition(d))
    return cast.alpha
