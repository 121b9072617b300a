"""Django admin is for backbone staff, scoped to the initiatives they run."""

from __future__ import annotations

from tests.conftest import PASSWORD


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_backbone_admin_sees_own_initiative_in_admin_but_not_others(client, cast):
    _login(client, cast.backbone)
    listing = client.get("/admin/initiatives/initiative/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Alpha Partnership" in body
    assert "Beta Network" not in body
    assert client.get(f"/admin/initiatives/initiative/{cast.beta.pk}/change/").status_code in (
        302,
        403,
        404,
    )


def test_backbone_admin_sees_only_own_initiatives_organisations(client, cast):
    _login(client, cast.backbone)
    body = client.get("/admin/initiatives/organisation/").content.decode()
    assert "Organisation A" in body and "Organisation B" in body
    assert "Organisation C" not in body


def test_reporter_cannot_use_admin(client, cast):
    _login(client, cast.alice)
    response = client.get("/admin/initiatives/initiative/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
