"""The organisations set-up page (setup/views_structure.py)."""

from __future__ import annotations

from commonmeasure.initiatives.models import Participation
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import services

from .structure_fixtures import with_areas

URL = "/i/alpha/setup/organisations/"
HEAD = "organisation,indicator,period,value,comment\n"


def _org(d, code):
    return next(o for o in d["organisations"] if o["code"] == code)


def _edit(cast, client, org, **changes):
    values = {**_org(dump_definition(cast.alpha), org), **changes}
    data = {
        "action": "change_organisation",
        "row": "organisation",
        "version": services.version_of(cast.alpha, f"organisations/{org}"),
        "name": values["name"],
        "identifiers": "\n".join(values["identifiers"]),
        "description": values["description"],
        "area": values["area"] or "",
    }
    data |= {k: "1" for k in ("backbone", "named_in_benchmarks") if values[k]}
    return client.post(f"{URL}{org}/", data)


def test_every_field_of_an_organisation_is_the_same_as_editing_the_file(cast, client_for):
    with_areas(cast)
    by_hand = dump_definition(cast.alpha)
    _org(by_hand, "org-b").update(
        name="Organisation Bee",
        identifiers=["GB-CHC-1000002", "GB-COH-01234567"],
        description="Runs job clubs.",
        area="birchfield",
        named_in_benchmarks=True,
    )
    response = _edit(
        cast,
        client_for("backbone"),
        "org-b",
        name="Organisation Bee",
        identifiers=["GB-CHC-1000002", "GB-COH-01234567"],
        description="Runs job clubs.",
        area="birchfield",
        named_in_benchmarks=True,
    )
    assert response.status_code == 302
    assert dump_definition(cast.alpha) == by_hand


def test_an_identifier_not_in_org_id_form_is_refused_beside_the_field(cast, client_for):
    before = dump_definition(cast.alpha)
    response = _edit(cast, client_for("backbone"), "org-a", identifiers=["1234567"])
    assert response.status_code == 400
    page = response.content.decode()
    message = page.split('id="identifiers-error">', 1)[1].split("</p>", 1)[0]
    assert "is not an org-id identifier such as GB-CHC-1234567" in message
    assert 'aria-describedby="identifiers-error"' in page
    assert dump_definition(cast.alpha) == before


def test_an_organisation_goes_only_in_an_area_with_no_areas_inside(cast, client_for):
    with_areas(cast)
    page = client_for("backbone").get(f"{URL}org-a/").content.decode()
    assert 'value="ashgrove"' in page and 'value="northside"' not in page
    response = _edit(cast, client_for("backbone"), "org-a", area="northside")
    assert response.status_code == 400
    assert "has areas inside it" in response.content.decode()


def test_adding_an_organisation_and_removing_one_without_reports(cast, client_for):
    client = client_for("backbone")
    version = services.version_of(cast.alpha, "organisations")
    response = client.post(
        URL,
        {
            "action": "add_organisation",
            "row": "add-organisation",
            "code": "org-d",
            "name": "Organisation D",
            "version": version,
        },
    )
    assert response.status_code == 302
    assert _org(dump_definition(cast.alpha), "org-d")["name"] == "Organisation D"
    # a code another initiative's organisation has is not taken over
    taken = client.post(
        URL,
        {
            "action": "add_organisation",
            "row": "add-organisation",
            "code": "org-c",
            "name": "Mine now",
            "version": services.version_of(cast.alpha, "organisations"),
        },
    )
    assert taken.status_code == 400
    assert "org-c is already the code of another organisation" in taken.content.decode()
    assert cast.org_c.__class__.objects.get(code="org-c").name == cast.org_c.name
    data = {
        "action": "remove_organisation",
        "row": "organisation",
        "version": services.version_of(cast.alpha, "organisations/org-d"),
    }
    assert client.post(f"{URL}org-d/", data).status_code == 302
    assert not Participation.objects.filter(
        initiative=cast.alpha, organisation__code="org-d"
    ).exists()


def test_an_organisation_with_reports_cannot_be_removed_and_the_page_says_why(
    cast, client_for, import_csv
):
    assert import_csv(
        cast.alpha, HEAD + "org-b,enrolled,2024-03,5,\norg-b,enrolled,2024-04,6,\n"
    ).ok
    data = {
        "action": "remove_organisation",
        "row": "organisation",
        "preview": "1",
        "version": services.version_of(cast.alpha, "organisations/org-b"),
    }
    response = client_for("backbone").post(f"{URL}org-b/", data)
    assert response.status_code == 400
    page = response.content.decode()
    beside = page.split('id="organisation-problems"', 1)[1].split("</ul>", 1)[0]
    assert (
        "Organisation B has 2 reports (2024-03 to 2024-04); it cannot leave the initiative"
        in beside
    )
    assert Participation.objects.filter(initiative=cast.alpha, organisation=cast.org_b).exists()


def test_a_stale_organisation_save_shows_the_other_admins_values(cast, client_for):
    client = client_for("backbone")
    opened = services.version_of(cast.alpha, "organisations/org-a")
    assert _edit(cast, client, "org-a", name="Renamed by one").status_code == 302
    data = {
        "action": "change_organisation",
        "row": "organisation",
        "version": opened,
        "name": "Renamed by two",
        "identifiers": "",
        "description": "",
        "area": "",
    }
    response = client.post(f"{URL}org-a/", data)
    assert response.status_code == 409
    assert 'value="Renamed by one"' in response.content.decode()
    assert _org(dump_definition(cast.alpha), "org-a")["name"] == "Renamed by one"
    assert _org(dump_definition(cast.alpha), "org-a")["identifiers"] == ["GB-CHC-1000001"]
