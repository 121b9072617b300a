"""`initiative dump` after edits made on the structure set-up pages is the file a person would
get by making the same edits by hand: the hand-edited file, loaded as a new initiative, dumps
the same text."""

from __future__ import annotations

import yaml

from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import services

from .structure_fixtures import with_areas


def test_initiative_dump_after_browser_edits_equals_the_hand_edited_file(
    cast, client_for, cli, tmp_path
):
    with_areas(cast)
    hand = dump_definition(cast.alpha)
    # by hand: the same edits, in the file
    hand["dimensions"][0]["categories"][1]["name"] = "Men"
    hand["organisations"].append({"code": "org-d", "name": "Organisation D"})
    hand["areas"].append(
        {"code": "docks", "name": "The Docks", "level": "ward", "parent": "southside"}
    )
    hand["targets"].append({"indicator": "job_starts", "period": "2024", "value": 90})
    hand["rules"] = [
        {
            "code": "r1",
            "left": "job_starts",
            "op": "<=",
            "right": "enrolled",
            "severity": "error",
            "message": "Too many starts",
        }
    ]
    # in the browser
    c = client_for("backbone")
    v = services.version_of
    assert (
        c.post(
            "/i/alpha/setup/dimensions/",
            {
                "action": "rename_category",
                "row": "cat:gender:male",
                "dimension": "gender",
                "category": "male",
                "name": "Men",
                "version": v(cast.alpha, "dimensions/gender"),
            },
        ).status_code
        == 302
    )
    assert (
        c.post(
            "/i/alpha/setup/organisations/",
            {
                "action": "add_organisation",
                "code": "org-d",
                "name": "Organisation D",
                "version": v(cast.alpha, "organisations"),
            },
        ).status_code
        == 302
    )
    assert (
        c.post(
            "/i/alpha/setup/areas/southside/",
            {
                "action": "add_area",
                "code": "docks",
                "name": "The Docks",
                "level": "ward",
                "parent": "southside",
                "version": v(cast.alpha, "areas/southside"),
            },
        ).status_code
        == 302
    )
    page = c.get("/i/alpha/setup/targets/?indicator=job_starts").content.decode()
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    assert (
        c.post(
            "/i/alpha/setup/targets/",
            {
                "indicator": "job_starts",
                "version": version,
                "v|a.ashgrove|2024": "50",
                "v|i|2024": "90",
            },
        ).status_code
        == 302
    )
    assert (
        c.post(
            "/i/alpha/setup/rules/",
            {"action": "save_rule", **hand["rules"][0], "version": v(cast.alpha, "rules")},
        ).status_code
        == 302
    )

    code, browser_text, _err = cli("initiative", "dump", "alpha")
    assert code == 0
    hand["code"] = "alpha-by-hand"
    path = tmp_path / "alpha-by-hand.yaml"
    path.write_text(yaml.safe_dump(hand, sort_keys=False), encoding="utf-8")
    assert cli("initiative", "load", str(path))[0] == 0
    code, hand_text, _err = cli("initiative", "dump", "alpha-by-hand")
    assert browser_text == hand_text.replace("code: alpha-by-hand", "code: alpha", 1)
