"""The indicator dictionary's set-up pages (commonmeasure/setup/views_indicators.py)."""

from __future__ import annotations

import re

import pytest
import yaml

from commonmeasure.backbone.models import SettingsChange
from commonmeasure.conversation.models import Event
from commonmeasure.initiatives.models import Indicator
from commonmeasure.interchange.definition import parse_definition
from commonmeasure.reporting.initiative_file import dump_definition, load_definition
from commonmeasure.setup import indicators
from commonmeasure.setup.forms_indicators import initial_from
from commonmeasure.setup.services import version_of

HEAD = "organisation,indicator,period,value,comment\n"


def _ind(definition: dict, code: str) -> dict:
    return next(i for i in definition["indicators"] if i["code"] == code)


def form_data(mapping: dict, version: str = "", components=(), **changes) -> dict:
    """What the edit page posts for an indicator's mapping (as a browser would)."""
    values = {**initial_from(mapping), "version": version, **changes}
    data = {}
    for key, value in values.items():
        if key in ("composite", "outliers"):
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list):
            data[key] = value
        elif value is not None:
            data[key] = str(value)
    comps = list(components)
    data.update(
        {
            "components-TOTAL_FORMS": str(len(comps) + 2),
            "components-INITIAL_FORMS": "0",
            "components-MIN_NUM_FORMS": "0",
            "components-MAX_NUM_FORMS": "1000",
        }
    )
    for n, c in enumerate(comps):
        for key, value in c.items():
            data[f"components-{n}-{key}"] = str(value)
    return data


def url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"setup:{name}", args=["alpha", *args])


@pytest.mark.parametrize(
    "path",
    ["indicators", "indicator_new", ("indicator_edit", "enrolled"), ("indicator_delete", "wage")],
)
def test_only_the_backbone_sees_the_pages(client_for, path):
    name, *args = path if isinstance(path, tuple) else (path,)
    assert client_for("backbone").get(url(name, *args)).status_code == 200
    assert client_for("alice").get(url(name, *args)).status_code == 403
    assert client_for("outsider").get(url(name, *args)).status_code == 404
    response = client_for("anonymous").get(url(name, *args))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_posts_are_refused_to_others(client_for, cast):
    before = dump_definition(cast.alpha)
    v = version_of(before, "indicators/wage")
    assert (
        client_for("alice")
        .post(url("indicator_retire", "wage"), {"version": v, "retired": "on"})
        .status_code
        == 403
    )
    assert (
        client_for("outsider")
        .post(url("indicators_check_formula"), {"formula": "enrolled"})
        .status_code
        == 404
    )
    assert dump_definition(cast.alpha) == before


def test_the_list_shows_every_indicator_in_order_with_its_words(client_for):
    page = client_for("backbone").get(url("indicators")).content.decode()
    names = re.findall(r'<tr id="row-([^"]+)"', page)
    assert names == ["enrolled", "job_starts", "caseload", "start_rate", "satisfaction", "wage"]
    assert "Weighted mean" in page and "People enrolled" in page


def test_moving_an_indicator_down_works_without_javascript(client_for, cast):
    v = version_of(cast.alpha, "indicators/enrolled")
    response = client_for("backbone").post(
        url("indicator_move", "enrolled"), {"version": v, "direction": "down"}
    )
    assert response.status_code == 302
    codes = [i["code"] for i in dump_definition(cast.alpha)["indicators"]]
    assert codes[:2] == ["job_starts", "enrolled"]
    assert SettingsChange.objects.filter(initiative=cast.alpha).count() == 1


def test_an_edit_in_the_browser_equals_the_same_edit_of_the_file(client_for, cast):
    by_hand = dump_definition(cast.alpha)
    mapping = _ind(by_hand, "wage")
    v = version_of(by_hand, "indicators/wage")
    mapping.update(name="Hourly pay", unit="pounds", definition="Median hourly pay.", decimals=1)
    mapping["outliers"]["multiplier"] = 4.0
    response = client_for("backbone").post(url("indicator_edit", "wage"), form_data(mapping, v))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert dump_definition(cast.alpha) == by_hand
    # and the file edited by hand loads to the same initiative, changing nothing
    _, summary = load_definition(parse_definition(yaml.safe_dump(by_hand)))
    assert not summary.changed
    assert Event.objects.filter(initiative=cast.alpha, kind="setup").count() == 1


def test_a_problem_of_the_file_is_shown_beside_its_field_and_nothing_is_saved(client_for, cast):
    before = dump_definition(cast.alpha)
    mapping = _ind(before, "wage")
    v = version_of(before, "indicators/wage")
    response = client_for("backbone").post(
        url("indicator_edit", "wage"), form_data(mapping, v, min="10", max="5")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-min"' in page and "min is greater than max" in page
    assert 'aria-describedby="help-min error-min"' in page
    assert dump_definition(cast.alpha) == before


def test_creating_a_reported_indicator(client_for, cast):
    from commonmeasure.setup.forms_indicators import NEW_INDICATOR

    data = form_data({**NEW_INDICATOR, "code": "mentors", "name": "Mentors", "dimensions": []})
    response = client_for("backbone").post(url("indicator_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ind = Indicator.objects.get(initiative=cast.alpha, code="mentors")
    assert ind.name == "Mentors" and ind.sort_order == 6
    # the code is taken now
    again = client_for("backbone").post(url("indicator_new"), data)
    assert again.status_code in (400, 409)
    assert "already" in again.content.decode()


def test_a_stale_save_shows_the_other_admins_values_beside_mine(client_for, cast):
    opened = dump_definition(cast.alpha)
    v = version_of(opened, "indicators/wage")
    theirs = dict(_ind(opened, "wage"), name="Their name")
    indicators.save(cast.alpha, "wage", theirs, by=cast.backbone, version=v)
    mine = dict(_ind(opened, "wage"), name="My name")
    response = client_for("backbone").post(url("indicator_edit", "wage"), form_data(mine, v))
    page = response.content.decode()
    assert response.status_code == 409
    row = re.search(r'<table class="table" id="stale-differences">.*?</table>', page, re.S)[0]
    assert "My name" in row and "Their name" in row
    assert Indicator.objects.get(initiative=cast.alpha, code="wage").name == "Their name"
    # saving again puts mine in place of theirs (the page now carries their version)
    new_version = re.search(r'name="version" value="([0-9a-f]+)"', page)[1]
    again = client_for("backbone").post(url("indicator_edit", "wage"), form_data(mine, new_version))
    assert again.status_code == 302
    assert Indicator.objects.get(initiative=cast.alpha, code="wage").name == "My name"


def test_retiring_in_the_browser_dumps_retired_and_the_grid_no_longer_offers_it(
    client_for, cast, import_csv
):
    import_csv(cast.alpha, HEAD + "org-a,caseload,2024-01,7,\n")
    v = version_of(cast.alpha, "indicators/caseload")
    response = client_for("backbone").post(
        url("indicator_retire", "caseload"), {"version": v, "retired": "on"}
    )
    assert response.status_code == 302
    assert _ind(dump_definition(cast.alpha), "caseload")["retired"] is True
    grid = client_for("alice").get("/i/alpha/orgs/org-a/report/2024-02/").content.decode()
    assert 'name="v:caseload:' not in grid and 'name="v:job_starts:' in grid
    listing = client_for("backbone").get(url("indicators")).content.decode()
    row = re.search(r'<tr id="row-caseload".*?</tr>', listing, re.S)[0]
    assert "Retired" in row and "Report again" in row
    # and back
    v = version_of(cast.alpha, "indicators/caseload")
    client_for("backbone").post(url("indicator_retire", "caseload"), {"version": v})
    assert _ind(dump_definition(cast.alpha), "caseload")["retired"] is False


def test_a_grid_save_for_a_retired_indicator_says_it_was_not_saved(client_for, cast):
    v = version_of(cast.alpha, "indicators/caseload")
    client_for("backbone").post(
        url("indicator_retire", "caseload"), {"version": v, "retired": "on"}
    )
    client = client_for("alice")
    page = client.post(
        "/i/alpha/orgs/org-a/report/2024-02/",
        {"v:caseload:": "5", "v:job_starts:": "3", "version": "0", "action": "save"},
        follow=True,
    ).content.decode()
    assert "Active caseload is retired" in page


def test_deleting_an_indicator_with_values_is_refused_with_counts_and_offers_retire(
    client_for, cast, import_csv
):
    import_csv(cast.alpha, HEAD + "org-a,wage,2024-01,11.5,\norg-b,wage,2024-02,12,\n")
    client = client_for("backbone")
    page = client.get(url("indicator_delete", "wage")).content.decode()
    assert "Hourly wage has 2 values in 2 reports (2024-01 to 2024-02)" in page
    assert 'id="retire-instead"' in page and 'id="confirm-delete"' not in page
    v = version_of(cast.alpha, "indicators/wage")
    refused = client.post(url("indicator_delete", "wage"), {"version": v})
    assert refused.status_code == 400
    assert Indicator.objects.filter(initiative=cast.alpha, code="wage").exists()


def test_an_unused_indicator_is_deleted_after_a_confirmation(client_for, cast):
    from commonmeasure.setup import services

    services.apply(
        cast.alpha,
        lambda d: d["targets"].append(
            {"indicator": "satisfaction", "period": "2024", "value": 80.0}
        ),
        by=cast.backbone,
        what="x",
    )
    client = client_for("backbone")
    page = client.get(url("indicator_delete", "satisfaction")).content.decode()
    assert 'id="confirm-delete"' in page and "with 1 target." in page
    assert Indicator.objects.filter(initiative=cast.alpha, code="satisfaction").exists()
    v = version_of(cast.alpha, "indicators/satisfaction")
    response = client.post(url("indicator_delete", "satisfaction"), {"version": v})
    assert response.status_code == 302
    assert not Indicator.objects.filter(initiative=cast.alpha, code="satisfaction").exists()
    after = dump_definition(cast.alpha)
    assert "satisfaction" not in [i["code"] for i in after["indicators"]]
    assert not [t for t in after["targets"] if t["indicator"] == "satisfaction"]


def test_deleting_an_indicator_another_is_weighted_by_is_refused_naming_it(client_for):
    page = client_for("backbone").get(url("indicator_delete", "enrolled")).content.decode()
    assert 'id="delete-refused"' in page and 'id="confirm-delete"' not in page
    assert "weight_indicator" in page and "Job start rate" in page


def test_an_edit_without_the_version_it_was_opened_at_is_not_saved(client_for, cast):
    mapping = _ind(dump_definition(cast.alpha), "wage")
    response = client_for("backbone").post(
        url("indicator_edit", "wage"), form_data(dict(mapping, name="No version"))
    )
    assert response.status_code == 409
    assert Indicator.objects.get(initiative=cast.alpha, code="wage").name == "Hourly wage"


def test_initiative_dump_after_a_browser_edit_equals_the_file_edited_by_hand(
    client_for, cast, cli, tmp_path
):
    """The same three edits made in the browser on alpha, and by hand in alpha's dumped file
    loaded as a second initiative: their dumps are the same file (but for the code)."""
    from commonmeasure.setup.forms_indicators import NEW_INDICATOR

    code, before, _ = cli("initiative", "dump", "alpha")
    assert code == 0
    composite = {
        "normalisation": "min_max",
        "aggregation": "arithmetic",
        "cap": False,
        "missing": "no_value",
        "components": [
            {"indicator": "job_starts", "weight": 2.0, "direction": "positive"},
            {"indicator": "caseload", "weight": 1.0, "direction": "negative"},
        ],
    }
    fields = {
        "code": "index",
        "name": "Progress index",
        "definition": "Job starts against caseload.",
        "kind": "composite",
        "composite": composite,
        "decimals": 2,
        "value_type": "score",
        "published": True,
    }

    # by hand: the three edits in the file, loaded as initiative "alpha-copy"
    by_hand = yaml.safe_load(before)
    by_hand["code"] = "alpha-copy"
    items = by_hand["indicators"]
    _ind(by_hand, "wage")["retired"] = True
    n = [i["code"] for i in items].index("caseload")
    items[n - 1], items[n] = items[n], items[n - 1]
    items.append(dict(fields))
    hand_file = tmp_path / "alpha-copy.yaml"
    hand_file.write_text(yaml.safe_dump(by_hand, sort_keys=False, allow_unicode=True))
    assert cli("initiative", "load", str(hand_file))[0] == 0
    code, after_hand, _ = cli("initiative", "dump", "alpha-copy")

    # the browser: create the composite, retire wage, move caseload up
    data = form_data({**NEW_INDICATOR, **fields}, components=composite["components"])
    assert client_for("backbone").post(url("indicator_new"), data).status_code == 302
    v = version_of(cast.alpha, "indicators/wage")
    client_for("backbone").post(url("indicator_retire", "wage"), {"version": v, "retired": "on"})
    v = version_of(cast.alpha, "indicators/caseload")
    client_for("backbone").post(
        url("indicator_move", "caseload"), {"version": v, "direction": "up"}
    )
    code, after_browser, _ = cli("initiative", "dump", "alpha")

    assert after_browser != before
    assert after_hand == after_browser.replace("code: alpha\n", "code: alpha-copy\n", 1)
    assert "retired: true" in after_browser and "Progress index" in after_browser


def test_the_setup_home_lists_the_indicators_with_their_count(client_for):
    from django.urls import reverse

    page = client_for("backbone").get(reverse("setup:home", args=["alpha"])).content.decode()
    assert f'<a href="{url("indicators")}">Indicators</a>' in page
    assert "(6)" in page


def test_the_live_checks_are_refused_to_a_reporter(client_for):
    assert (
        client_for("alice").post(url("indicators_check_formula"), {"formula": "a"}).status_code
        == 403
    )
    assert client_for("alice").post(url("indicators_preview"), {}).status_code == 403
    assert client_for("anonymous").post(url("indicators_preview"), {}).status_code == 302


def test_a_save_keeps_the_fields_the_page_does_not_send(cast):
    """A field of the file the form does not hold (as ``translations`` will be) is kept."""
    definition = dump_definition(cast.alpha)
    mapping = dict(_ind(definition, "enrolled"), rationale="Kept")
    indicators.save(
        cast.alpha,
        "enrolled",
        mapping,
        by=cast.backbone,
        version=version_of(definition, "indicators/enrolled"),
    )
    partial = {k: v for k, v in mapping.items() if k != "rationale"}
    partial["name"] = "Enrolled people"
    indicators.save(
        cast.alpha,
        "enrolled",
        partial,
        by=cast.backbone,
        version=version_of(cast.alpha, "indicators/enrolled"),
    )
    after = _ind(dump_definition(cast.alpha), "enrolled")
    assert after["rationale"] == "Kept" and after["name"] == "Enrolled people"
