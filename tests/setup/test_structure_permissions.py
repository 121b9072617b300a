"""Who may open the structure set-up pages: the backbone (200), a reporter (403), someone
outside the initiative (404), nobody signed in (sent to sign in)."""

from __future__ import annotations

import re

import pytest

PAGES = [
    "/i/alpha/setup/dimensions/",
    "/i/alpha/setup/organisations/",
    "/i/alpha/setup/organisations/org-a/",
    "/i/alpha/setup/areas/",
    "/i/alpha/setup/targets/",
    "/i/alpha/setup/overlaps/",
    "/i/alpha/setup/rules/",
]


@pytest.mark.parametrize("path", PAGES)
def test_only_the_backbone_opens_a_structure_page(cast, client_for, path):
    assert client_for("backbone").get(path).status_code == 200
    assert client_for("alice").get(path).status_code == 403
    assert client_for("outsider").get(path).status_code == 404
    response = client_for("anonymous").get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_only_the_backbone_changes_the_structure(cast, client_for, path):
    data = {"action": "add_dimension", "code": "x", "name": "X"}
    assert client_for("alice").post(path, data).status_code == 403
    assert client_for("outsider").post(path, data).status_code == 404
    assert client_for("anonymous").post(path, data).status_code == 302


def test_the_set_up_home_lists_the_structure_pages_with_counts(cast, client_for):
    page = client_for("backbone").get("/i/alpha/setup/").content.decode()
    for path in PAGES:
        if path.count("/") == 5:
            assert f'href="{path}"' in page
    listed = re.search(r"Dimensions and categories</a>\s*<span[^>]*>\((\d+)\)", page)
    assert listed and int(listed.group(1)) == cast.alpha.dimensions.count() == 2
