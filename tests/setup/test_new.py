"""A new initiative in the browser, from a few fields or a definition file, and an initiative's
set-up replaced from a file (setup/creating.py, setup/views_new.py)."""

from __future__ import annotations

import json

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from commonmeasure.backbone.models import RoleChange, SettingsChange
from commonmeasure.initiatives.access import access_for
from commonmeasure.initiatives.models import Indicator, Initiative, Membership
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup import creating

NEW = {
    "code": "river",
    "name": "River Partnership",
    "vision": "Clean water for all.",
    "reporting_frequency": "quarterly",
    "fy_first_month": "1",
}


@pytest.fixture
def creator(cast):
    user = cast.outsider
    user.user_permissions.add(Permission.objects.get(codename="add_initiative"))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


def _yaml(data: dict, name: str = "river.yaml") -> SimpleUploadedFile:
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data)
    return SimpleUploadedFile(name, text.encode())


# -- who may create --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["backbone", "alice", "outsider"])
def test_only_people_with_the_permission_may_create_initiatives(client_for, who):
    client = client_for(who)
    for url in ("/setup/new/", "/setup/new/file/"):
        assert client.get(url).status_code == 403
    assert client.post("/setup/new/", NEW).status_code == 403
    assert not Initiative.objects.filter(code="river").exists()


def test_signed_out_visitors_are_sent_to_log_in(client_for):
    response = client_for("anonymous").get("/setup/new/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_superuser_may_create_initiatives(cast, client_for):
    cast.outsider.is_superuser = True
    cast.outsider.save()
    assert client_for("outsider").get("/setup/new/").status_code == 200


# -- from a few fields -----------------------------------------------------------------------------


def test_the_form_creates_the_initiative_and_makes_its_creator_its_backbone(creator, client_for):
    response = client_for(creator).post("/setup/new/", NEW)

    assert response.status_code == 302 and response["Location"] == "/i/river/setup/"
    river = Initiative.objects.get(code="river")
    assert (river.name, river.vision, river.reporting_frequency, river.fy_first_month) == (
        "River Partnership",
        "Clean water for all.",
        "quarterly",
        1,
    )
    assert access_for(creator, river).is_backbone
    assert Membership.objects.get(initiative=river).role == Membership.BACKBONE_ADMIN
    role = RoleChange.objects.get(initiative=river)
    assert (role.action, role.changed_by, role.new_role) == ("created", creator, "backbone_admin")
    change = SettingsChange.objects.get(initiative=river)
    assert change.changed_by == creator and change.changes["code"] == ["", "river"]
    home = client_for(creator).get("/i/river/setup/")
    assert home.status_code == 200 and "River Partnership" in home.content.decode()


def test_a_bad_field_is_named_beside_it_and_nothing_is_created(creator, client_for):
    response = client_for(creator).post("/setup/new/", {**NEW, "code": "no spaces", "name": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="code-error"' in page and 'id="name-error"' in page
    assert not Initiative.objects.filter(name="River Partnership").exists()


def test_a_code_already_taken_is_refused(creator, client_for):
    response = client_for(creator).post("/setup/new/", {**NEW, "code": "alpha"})

    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert Initiative.objects.get(code="alpha").name == "Alpha Partnership"
    assert not Membership.objects.filter(user=creator).exists()


def test_the_service_refuses_what_the_file_would_refuse(creator):
    with pytest.raises(creating.DefinitionError) as caught:
        creating.create_initiative(by=creator, code="x", name="X", fy_first_month=13)
    assert any(p.startswith("fy_first_month") for p in caught.value.problems)
    assert not Initiative.objects.filter(code="x").exists()


# -- from a file -----------------------------------------------------------------------------------


def test_a_new_initiative_from_a_file_is_previewed_then_created(cast, creator, client_for):
    data = {**dump_definition(cast.alpha), "code": "river", "name": "River"}
    client = client_for(creator)

    uploaded = client.post("/setup/new/file/", {"file": _yaml(data)})
    assert uploaded.status_code == 302
    preview = client.get(uploaded["Location"])

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "indicator enrolled" in page and 'id="definition-apply"' in page
    assert not Initiative.objects.filter(code="river").exists()  # the dry run wrote nothing

    done = client.post(uploaded["Location"])
    assert done.status_code == 302 and done["Location"] == "/i/river/setup/"
    river = Initiative.objects.get(code="river")
    assert set(Indicator.objects.filter(initiative=river).values_list("code", flat=True)) == set(
        Indicator.objects.filter(initiative=cast.alpha).values_list("code", flat=True)
    )
    assert access_for(creator, river).is_backbone
    assert client.post(uploaded["Location"]).status_code == 404  # the file is gone


def test_a_file_with_errors_lists_them_with_their_paths(creator, client_for):
    data = {
        "code": "river",
        "name": "River",
        "indicators": [{"code": "a", "name": "A", "value_type": "count", "decimals": -1}],
    }
    client = client_for(creator)
    preview = client.get(client.post("/setup/new/file/", {"file": _yaml(data)})["Location"])

    assert preview.status_code == 400
    page = preview.content.decode()
    assert "indicators.0.decimals" in page and 'id="definition-apply"' not in page


def test_a_file_that_is_not_yaml_says_where(creator, client_for):
    bad = SimpleUploadedFile("river.yaml", b"code: river\nname: [unclosed\n")
    client = client_for(creator)
    preview = client.get(client.post("/setup/new/file/", {"file": bad})["Location"])

    assert preview.status_code == 400 and "line " in preview.content.decode()


def test_a_new_file_may_not_take_over_an_existing_initiative(cast, creator, client_for):
    data = {**dump_definition(cast.alpha), "name": "Taken over"}
    client = client_for(creator)
    location = client.post("/setup/new/file/", {"file": _yaml(data)})["Location"]

    assert client.post(location).status_code == 400
    assert Initiative.objects.get(code="alpha").name == "Alpha Partnership"


def test_only_files_ending_in_yaml_or_json_are_kept(creator, client_for):
    response = client_for(creator).post(
        "/setup/new/file/", {"file": SimpleUploadedFile("values.csv", b"a,b\n")}
    )
    assert response.status_code == 400 and ".yaml" in response.content.decode()


def test_someone_elses_upload_is_not_found(cast, creator, client_for):
    data = {"code": "river", "name": "River"}
    location = client_for(creator).post("/setup/new/file/", {"file": _yaml(data)})["Location"]

    cast.backbone.is_superuser = True
    cast.backbone.save()
    assert client_for("backbone").get(location).status_code == 404


# -- replacing the set-up of an existing initiative ------------------------------------------------


def test_the_backbone_replaces_the_set_up_from_a_file_after_a_preview(cast, client_for):
    data = dump_definition(cast.alpha)
    data["indicators"][0]["name"] = "People who enrolled"
    client = client_for("backbone")

    assert "/i/alpha/setup/file/" in client.get("/i/alpha/setup/").content.decode()
    location = client.post("/i/alpha/setup/file/", {"file": _yaml(data, "alpha.json")})["Location"]
    preview = client.get(location)
    assert "indicators.enrolled.name" in preview.content.decode()
    assert Indicator.objects.get(initiative=cast.alpha, code="enrolled").name == "People enrolled"

    assert client.post(location).status_code == 302
    assert (
        Indicator.objects.get(initiative=cast.alpha, code="enrolled").name == "People who enrolled"
    )
    change = SettingsChange.objects.get(initiative=cast.alpha)
    assert change.changes["indicators.enrolled.name"] == ["People enrolled", "People who enrolled"]


def test_a_file_with_another_code_is_refused(cast, client_for):
    data = {**dump_definition(cast.alpha), "code": "beta2"}
    client = client_for("backbone")
    location = client.post("/i/alpha/setup/file/", {"file": _yaml(data)})["Location"]

    preview = client.get(location)
    assert preview.status_code == 400
    assert "not alpha" in preview.content.decode()
    assert client.post(location).status_code == 400
    assert not Initiative.objects.filter(code="beta2").exists()


def test_a_change_made_since_the_upload_stops_the_confirmation(cast, client_for):
    from commonmeasure.setup import services

    data = dump_definition(cast.alpha)
    data["name"] = "From the file"
    client = client_for("backbone")
    location = client.post("/i/alpha/setup/file/", {"file": _yaml(data)})["Location"]
    services.apply(cast.alpha, lambda d: d.update(vision="Changed meanwhile"), by=None, what="x")

    response = client.post(location)
    assert response.status_code == 400 and 'id="definition-stale"' in response.content.decode()
    assert Initiative.objects.get(code="alpha").name == "Alpha Partnership"


@pytest.mark.parametrize("who", ["alice", "outsider"])
def test_only_the_backbone_replaces_the_set_up(client_for, who):
    assert client_for(who).get("/i/alpha/setup/file/").status_code in (403, 404)


def test_the_home_page_offers_a_new_initiative_to_those_who_may_create_one(creator, client_for):
    assert 'id="new-initiative"' in client_for(creator).get("/").content.decode()
    assert 'id="new-initiative"' not in client_for("backbone").get("/").content.decode()


def test_a_code_taken_while_the_form_was_filled_in_changes_nothing(cast, creator, monkeypatch):
    # The check before the load passes (as if the other initiative did not exist yet); the load
    # then finds it: it must not be updated, nor the creator made its backbone.
    calls = []

    def taken_only_after_the_first_look(code):
        calls.append(code)
        if len(calls) > 1:
            raise creating.Refused([f"code: {code} exists already"])

    monkeypatch.setattr(creating, "_refuse_taken", taken_only_after_the_first_look)
    with pytest.raises(creating.Refused):
        creating.create_initiative(by=creator, code="alpha", name="Taken over")
    assert Initiative.objects.get(code="alpha").name == "Alpha Partnership"
    assert not Membership.objects.filter(user=creator).exists()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_downloaded_definition_uploaded_again_changes_nothing(cast, client_for, fmt):
    client = client_for("backbone")
    downloaded = client.get(f"/i/alpha/setup/file/download/?format={fmt}")
    assert downloaded.status_code == 200
    assert downloaded["Content-Disposition"] == f'attachment; filename="alpha.{fmt}"'
    loaded = (json.loads if fmt == "json" else yaml.safe_load)(downloaded.content.decode())
    assert loaded == dump_definition(cast.alpha)

    upload = SimpleUploadedFile(f"alpha.{fmt}", downloaded.content)
    location = client.post("/i/alpha/setup/file/", {"file": upload})["Location"]
    page = client.get(location).content.decode()
    assert "it changes nothing" in page and 'id="definition-apply"' not in page


@pytest.mark.parametrize("who", ["alice", "outsider"])
def test_only_the_backbone_downloads_the_definition(client_for, who):
    assert client_for(who).get("/i/alpha/setup/file/download/").status_code in (403, 404)
