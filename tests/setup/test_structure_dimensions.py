"""The dimensions and categories set-up page (setup/views_structure.py): every change is the
same as editing the definition file, refusals are shown beside their row with counts, and a
second admin's stale save overwrites nothing."""

from __future__ import annotations

import re

from commonmeasure.backbone.models import SettingsChange
from commonmeasure.conversation.models import Event
from commonmeasure.initiatives.models import Category
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import services

URL = "/i/alpha/setup/dimensions/"
HEAD = "organisation,indicator,period,value,comment,gender\n"


def _dimension(d, code):
    return next(x for x in d["dimensions"] if x["code"] == code)


def _post(client, **data):
    return client.post(URL, data)


def _shown_version(page: str, row: str) -> str:
    """The version the page put in the rename form of ``row``."""
    form = page.split(f'name="row" value="{row}"', 1)[1]
    return re.search(r'name="version" value="([0-9a-f]+)"', form).group(1)


def test_renaming_a_category_is_the_same_as_editing_the_file(cast, client_for):
    by_hand = dump_definition(cast.alpha)
    _dimension(by_hand, "gender")["categories"][0]["name"] = "Women"
    client = client_for("backbone")
    page = client.get(URL).content.decode()
    response = _post(
        client,
        action="rename_category",
        row="cat:gender:female",
        dimension="gender",
        category="female",
        name="Women",
        version=_shown_version(page, "cat:gender:female"),
    )
    assert response.status_code == 302
    assert dump_definition(cast.alpha) == by_hand
    change = SettingsChange.objects.get(initiative=cast.alpha)
    assert change.changes == {"dimensions.gender.categories.female.name": ["Female", "Women"]}
    assert Event.objects.get(kind="setup").text == "renamed the category gender.female to Women"


def test_add_reorder_and_remove_categories(cast, client_for):
    client = client_for("backbone")

    def version():
        return services.version_of(cast.alpha, "dimensions/gender")

    assert (
        _post(
            client,
            action="add_category",
            row="dim:gender",
            dimension="gender",
            code="other",
            name="Another gender",
            version=version(),
        ).status_code
        == 302
    )
    assert (
        _post(
            client,
            action="move_category",
            row="cat:gender:other",
            dimension="gender",
            category="other",
            direction="up",
            version=version(),
        ).status_code
        == 302
    )
    codes = [c["code"] for c in _dimension(dump_definition(cast.alpha), "gender")["categories"]]
    assert codes == ["female", "other", "male"]
    # removing: a preview first, which changes nothing, then the confirmation
    preview = _post(
        client,
        action="remove_category",
        row="cat:gender:other",
        dimension="gender",
        category="other",
        version=version(),
        preview="1",
    )
    assert preview.status_code == 200
    assert 'id="preview"' in preview.content.decode()
    assert Category.objects.filter(dimension__code="gender", code="other").exists()
    assert (
        _post(
            client,
            action="remove_category",
            row="cat:gender:other",
            dimension="gender",
            category="other",
            version=version(),
        ).status_code
        == 302
    )
    assert not Category.objects.filter(dimension__code="gender", code="other").exists()


def test_a_category_values_use_is_refused_beside_its_row_with_the_count(
    cast, client_for, import_csv
):
    assert import_csv(
        cast.alpha,
        HEAD + "org-a,job_starts,2024-01,3,,female\norg-a,job_starts,2024-02,4,,female\n"
        "org-a,job_starts,2024-01,3,,\norg-a,job_starts,2024-02,4,,\n",
    ).ok
    response = _post(
        client_for("backbone"),
        action="remove_category",
        row="cat:gender:female",
        dimension="gender",
        category="female",
        version=services.version_of(cast.alpha, "dimensions/gender"),
        preview="1",
    )
    assert response.status_code == 400
    page = response.content.decode()
    row = page.split('<tr id="cat:gender:female">', 1)[1].split("</tr>", 1)[0]
    assert "2 values use this category (Job starts; 2024-01 to 2024-02)" in row
    assert "dimensions.gender.female: 2 values use this category" in page  # the summary
    assert Category.objects.filter(dimension__code="gender", code="female").exists()


def test_removing_a_dimension_takes_it_off_its_indicators(cast, client_for):
    by_hand = dump_definition(cast.alpha)
    by_hand["dimensions"] = [x for x in by_hand["dimensions"] if x["code"] != "age_band"]
    for ind in by_hand["indicators"]:
        ind["dimensions"] = [x for x in ind["dimensions"] if x != "age_band"]
    client = client_for("backbone")
    data = dict(
        action="remove_dimension",
        row="dim:age_band",
        dimension="age_band",
        version=services.version_of(cast.alpha, "dimensions"),
    )
    preview = _post(client, preview="1", **data).content.decode()
    assert "indicators.enrolled.dimensions" in preview  # the consequence, before confirming
    assert _post(client, **data).status_code == 302
    assert dump_definition(cast.alpha) == by_hand


def test_a_second_admin_saving_a_stale_page_overwrites_nothing(cast, client_for):
    client = client_for("backbone")
    opened = services.version_of(cast.alpha, "dimensions/gender")
    assert (
        _post(
            client,
            action="rename_dimension",
            row="dim:gender",
            dimension="gender",
            name="Sex",
            version=opened,
        ).status_code
        == 302
    )
    response = _post(
        client,
        action="rename_dimension",
        row="dim:gender",
        dimension="gender",
        name="Gender identity",
        version=opened,
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="stale"' in page
    yours = page.split('id="stale-yours">', 1)[1].split("</ul>", 1)[0]
    assert yours == "<li>name: Gender identity</li>"  # what they typed, kept for them
    assert 'value="Sex"' in page  # the other admin's name is what the page shows now
    assert _dimension(dump_definition(cast.alpha), "gender")["name"] == "Sex"
    assert SettingsChange.objects.filter(initiative=cast.alpha).count() == 1


def test_a_bad_new_dimension_is_refused_with_the_definition_files_message(cast, client_for):
    before = dump_definition(cast.alpha)
    response = _post(
        client_for("backbone"),
        action="add_dimension",
        row="add-dimension",
        code="period",
        name="Period",
        category_code="a",
        category_name="A",
        version=services.version_of(cast.alpha, "dimensions"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    section = page.split('id="add-dimension-problems"', 1)[1].split("</ul>", 1)[0]
    assert "code: &#x27;period&#x27; is a reserved column name in values files" in section
    summary = page.split('id="problems"', 1)[1].split("</ul>", 1)[0]
    assert "dimensions.2.code: &#x27;period&#x27; is a reserved column name" in summary
    assert dump_definition(cast.alpha) == before
    missing = _post(
        client_for("backbone"),
        action="add_dimension",
        row="add-dimension",
        code="region",
        name="",
        category_code="a",
        category_name="A",
    )
    assert "Name: fill this in." in missing.content.decode()


def test_two_admins_adding_categories_at_once_both_keep_theirs(cast, client_for):
    opened = services.version_of(cast.alpha, "dimensions/gender")
    one, two = client_for("backbone"), client_for("backbone")
    for client, code in ((one, "other"), (two, "unstated")):
        response = _post(
            client,
            action="add_category",
            row="dim:gender",
            dimension="gender",
            code=code,
            name=code.title(),
            version=opened,
        )
        assert response.status_code == 302
    codes = [c["code"] for c in _dimension(dump_definition(cast.alpha), "gender")["categories"]]
    assert codes == ["female", "male", "other", "unstated"]
    # the same code twice is refused by the file's rule, not added over the first
    response = _post(
        two,
        action="add_category",
        row="dim:gender",
        dimension="gender",
        code="other",
        name="Mine",
        version=opened,
    )
    assert response.status_code == 400
    assert "category code &#x27;other&#x27; appears twice" in response.content.decode()
