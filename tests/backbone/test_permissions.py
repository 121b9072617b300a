"""Who reaches which backbone page, with the standard cast: outsiders and members of another
initiative get 404 (the initiative's existence is not revealed), reporters get 403 on backbone
pages and on another organisation's activities, anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest

from commonmeasure.backbone.models import Activity, Invitation
from commonmeasure.initiatives.models import Membership

from .conftest import user

MEMBER_PAGES = [
    "/i/alpha/activities/",
    "/i/alpha/activities/matrix.csv",
    "/i/alpha/activities/matrix.xlsx",
    "/i/alpha/calendar/",
    "/i/alpha/calendar.ics",
]
BACKBONE_PAGES = [
    "/i/alpha/members/",
    "/i/alpha/members/invite/",
    "/i/alpha/settings/",
]


@pytest.mark.parametrize("path", MEMBER_PAGES)
@pytest.mark.parametrize(
    "name, status",
    [
        ("backbone", 200),
        ("alice", 200),
        ("bob", 200),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_only_members_reach_the_member_pages(goals, cast, client_for, path, name, status):
    assert client_for(user(cast, name)).get(path).status_code == status


@pytest.mark.parametrize("path", BACKBONE_PAGES)
@pytest.mark.parametrize(
    "name, status",
    [
        ("backbone", 200),
        ("alice", 403),
        ("bob", 403),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_only_the_backbone_reaches_the_backbone_pages(goals, cast, client_for, path, name, status):
    assert client_for(user(cast, name)).get(path).status_code == status


def test_a_published_initiative_shows_its_member_pages_to_members_only(goals, cast, client_for):
    cast.alpha.is_published = True
    cast.alpha.save()
    for path in MEMBER_PAGES:
        assert client_for(cast.outsider).get(path).status_code == 403
        assert client_for(cast.carol).get(path).status_code == 403
    for path in BACKBONE_PAGES:
        assert client_for(cast.outsider).get(path).status_code == 403


def test_the_other_initiatives_backbone_pages_are_hidden_from_alphas_backbone(cast, client_for):
    assert client_for(cast.backbone).get("/i/beta/settings/").status_code == 404
    assert client_for(cast.backbone).get("/i/beta/members/").status_code == 404


@pytest.mark.parametrize(
    "name, status",
    [("backbone", 200), ("alice", 200), ("bob", 403), ("carol", 404), ("outsider", 404)],
)
def test_only_the_organisations_reporters_and_the_backbone_add_its_activities(
    goals, cast, client_for, name, status
):
    path = "/i/alpha/activities/new/?organisation=org-a"
    assert client_for(user(cast, name)).get(path).status_code == status


@pytest.mark.parametrize(
    "name, status",
    [("backbone", 302), ("alice", 302), ("bob", 403), ("carol", 404), ("outsider", 404)],
)
def test_only_the_organisations_reporters_and_the_backbone_edit_its_activities(
    goals, cast, client_for, name, status
):
    act = Activity.objects.create(
        initiative=cast.alpha, organisation=cast.org_a, name="Job club", goals=["G1"]
    )
    response = client_for(user(cast, name)).post(
        f"/i/alpha/activities/{act.id}/", {"name": "Renamed", "goals": ["G1"]}
    )
    assert response.status_code == status
    act.refresh_from_db()
    assert (act.name == "Renamed") == (status == 302)


def test_a_reporter_cannot_delete_another_organisations_activity(goals, cast, client_for):
    act = Activity.objects.create(
        initiative=cast.alpha, organisation=cast.org_a, name="Job club", goals=["G1"]
    )
    assert client_for(cast.bob).post(f"/i/alpha/activities/{act.id}/delete/").status_code == 403
    assert client_for(cast.carol).post(f"/i/alpha/activities/{act.id}/delete/").status_code == 404
    assert Activity.objects.filter(pk=act.pk).exists()


def test_an_activity_is_not_reachable_through_another_initiative(goals, cast, client_for):
    act = Activity.objects.create(
        initiative=cast.alpha, organisation=cast.org_a, name="Job club", goals=["G1"]
    )
    from commonmeasure.initiatives.users import add_user

    add_user("betaboss", password="x" * 12, initiative_code="beta", role="backbone_admin")
    from django.test import Client

    c = Client()
    assert c.login(username="betaboss", password="x" * 12)
    assert c.get(f"/i/beta/activities/{act.id}/").status_code == 404


@pytest.mark.parametrize(
    "name, status",
    [("backbone", 200), ("alice", 200), ("bob", 403), ("carol", 404), ("outsider", 404)],
)
def test_only_the_organisation_and_the_backbone_decide_whether_it_is_named(
    cast, client_for, name, status
):
    c = client_for(user(cast, name))
    assert c.get("/i/alpha/orgs/org-a/naming/").status_code == status
    c.post("/i/alpha/orgs/org-a/naming/", {"named": "yes"})
    cast.org_a.participations.get(initiative=cast.alpha).refresh_from_db()
    named = cast.org_a.participations.get(initiative=cast.alpha).named_in_benchmarks
    assert named == (status == 200)


@pytest.mark.parametrize("name, status", [("alice", 403), ("carol", 404), ("outsider", 404)])
def test_no_one_but_the_backbone_changes_roles_or_invitations(cast, client_for, name, status):
    membership = Membership.objects.get(user=cast.bob)
    invitation = Invitation.objects.create(
        initiative=cast.alpha,
        email="x@example.org",
        role="viewer",
        organisation=cast.org_a,
        nonce="n",
        expires_at="2999-01-01T00:00:00Z",
    )
    c = client_for(user(cast, name))
    r1 = c.post("/i/alpha/members/", {"membership": membership.id, "action": "remove"})
    r2 = c.post(f"/i/alpha/members/invitations/{invitation.id}/revoke/")
    r3 = c.post(f"/i/alpha/members/invitations/{invitation.id}/resend/")
    assert (r1.status_code, r2.status_code, r3.status_code) == (status, status, status)
    assert Membership.objects.filter(pk=membership.pk).exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.send_count == 1


def test_a_reporter_does_not_see_backbone_links_in_the_navigation(goals, cast, client_for):
    page = client_for(cast.alice).get("/i/alpha/activities/").content
    assert b'id="nav-activities"' in page and b'id="nav-settings"' not in page
    assert b'id="nav-members"' not in page
