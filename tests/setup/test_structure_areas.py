"""The areas set-up page: the tree as nested lists, and each area's page (rename, level, move,
add inside, remove)."""

from __future__ import annotations

from commonmeasure.initiatives.models import Area
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import services

from .structure_fixtures import with_areas

URL = "/i/alpha/setup/areas/"


def _area(d, code):
    return next(a for a in d["areas"] if a["code"] == code)


def test_the_tree_is_nested_lists_of_links(cast, client_for):
    with_areas(cast)
    page = client_for("backbone").get(URL).content.decode()
    tree = page.split('id="area-tree"', 1)[1]
    riverside = tree.split('id="area-riverside"', 1)[1]
    northside = riverside.split('id="area-northside"', 1)[1]
    assert northside.index('id="area-ashgrove"') < northside.index("</ul>")
    assert 'href="/i/alpha/setup/areas/ashgrove/"' in tree
    assert "1 organisation" in northside.split("</li>", 1)[0]


def test_moving_an_area_under_another_parent_is_the_same_as_editing_the_file(cast, client_for):
    with_areas(cast)
    by_hand = dump_definition(cast.alpha)
    _area(by_hand, "birchfield").update(
        parent="southside", name="Birch Field", level="neighbourhood"
    )
    data = {
        "action": "change_area",
        "row": "area",
        "name": "Birch Field",
        "level": "neighbourhood",
        "parent": "southside",
        "version": services.version_of(cast.alpha, "areas/birchfield"),
    }
    assert client_for("backbone").post(f"{URL}birchfield/", data).status_code == 302
    dumped = dump_definition(cast.alpha)
    by_hand["areas"] = sorted(
        by_hand["areas"], key=lambda a: [x["code"] for x in dumped["areas"]].index(a["code"])
    )
    assert dumped == by_hand
    assert Area.objects.get(initiative=cast.alpha, code="birchfield").parent.code == "southside"


def test_an_area_cannot_move_inside_itself(cast, client_for):
    with_areas(cast)
    page = client_for("backbone").get(f"{URL}northside/").content.decode()
    choices = page.split('id="parent"', 1)[1].split("</select>", 1)[0]
    assert 'value="riverside"' in choices and 'value="ashgrove"' not in choices
    data = {
        "action": "change_area",
        "row": "area",
        "name": "Northside",
        "level": "borough",
        "parent": "ashgrove",
        "version": services.version_of(cast.alpha, "areas/northside"),
    }
    response = client_for("backbone").post(f"{URL}northside/", data)
    assert response.status_code == 400
    assert "Inside: ashgrove is not an area this one can move into." in response.content.decode()


def test_adding_an_area_inside_another(cast, client_for):
    with_areas(cast)
    data = {
        "action": "add_area",
        "row": "add-area",
        "code": "docks",
        "name": "The Docks",
        "level": "ward",
        "parent": "southside",
        "version": services.version_of(cast.alpha, "areas/southside"),
    }
    assert client_for("backbone").post(f"{URL}southside/", data).status_code == 302
    assert _area(dump_definition(cast.alpha), "docks") == {
        "code": "docks",
        "name": "The Docks",
        "level": "ward",
        "parent": "southside",
    }


def test_removing_an_area_in_use_says_what_uses_it_and_removes_nothing(cast, client_for):
    with_areas(cast)
    before = dump_definition(cast.alpha)
    data = {
        "action": "remove_area",
        "row": "remove",
        "preview": "1",
        "version": services.version_of(cast.alpha, "areas/northside"),
    }
    response = client_for("backbone").post(f"{URL}northside/", data)
    assert response.status_code == 400
    beside = response.content.decode().split('id="remove-problems"', 1)[1].split("</ul>", 1)[0]
    assert "Ashgrove is used by 1 organisation, 1 target, 2 overlap adjustments" in beside
    assert dump_definition(cast.alpha) == before


def test_removing_an_unused_area_previews_then_removes_it_with_the_areas_inside(cast, client_for):
    with_areas(cast)
    client = client_for("backbone")
    client.post(
        f"{URL}southside/",
        {
            "action": "add_area",
            "row": "add-area",
            "code": "docks",
            "name": "The Docks",
            "level": "ward",
            "parent": "southside",
            "version": services.version_of(cast.alpha, "areas/southside"),
        },
    )
    data = {
        "action": "remove_area",
        "row": "remove",
        "version": services.version_of(cast.alpha, "areas/southside"),
    }
    preview = client.post(f"{URL}southside/", {**data, "preview": "1"})
    assert preview.status_code == 200 and "areas.docks" in preview.content.decode()
    assert Area.objects.filter(code="docks").exists()
    assert client.post(f"{URL}southside/", data).status_code == 302
    assert not Area.objects.filter(initiative=cast.alpha, code__in=["docks", "southside"]).exists()


def test_a_stale_area_save_keeps_the_other_admins_change(cast, client_for):
    with_areas(cast)
    opened = services.version_of(cast.alpha, "areas/birchfield")
    client = client_for("backbone")
    data = {
        "action": "change_area",
        "row": "area",
        "level": "ward",
        "parent": "northside",
        "version": opened,
    }
    assert client.post(f"{URL}birchfield/", {**data, "name": "Birch"}).status_code == 302
    response = client.post(f"{URL}birchfield/", {**data, "name": "Birchfield Park"})
    assert response.status_code == 409
    assert 'id="name" name="name" maxlength="200" value="Birch"' in response.content.decode()
    assert _area(dump_definition(cast.alpha), "birchfield")["name"] == "Birch"
