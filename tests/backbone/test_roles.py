"""The backbone changes roles and removes memberships; never the last backbone admin; every
change is recorded with who made it and when, and shown on the members page."""

from __future__ import annotations

from commonmeasure.backbone.models import RoleChange
from commonmeasure.initiatives.models import Membership
from commonmeasure.initiatives.users import add_user


def membership(user):
    return Membership.objects.get(user=user)


def test_the_backbone_changes_a_reporter_into_a_viewer(cast, client_for):
    m = membership(cast.alice)
    response = client_for(cast.backbone).post(
        "/i/alpha/members/", {"membership": m.id, "action": "change", "role": "viewer"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.role == "viewer"
    change = RoleChange.objects.get()
    assert (change.action, change.changed_by, change.subject, change.old_role, change.new_role) == (
        "changed",
        cast.backbone,
        "alice",
        "reporter",
        "viewer",
    )
    assert change.organisation == cast.org_a and change.changed_at is not None
    page = client_for(cast.backbone).get("/i/alpha/members/").content.decode()
    assert (
        'data-action="changed"' in page
        and "<td>backbone</td><td>Role changed</td><td>alice</td>" in page
    )
    # the change takes effect: alice may no longer edit org A's report
    assert (
        client_for(cast.alice).get("/i/alpha/activities/new/?organisation=org-a").status_code == 403
    )


def test_changing_to_the_same_or_an_unknown_role_is_refused(cast, client_for):
    m = membership(cast.alice)
    c = client_for(cast.backbone)
    same = c.post("/i/alpha/members/", {"membership": m.id, "action": "change", "role": "reporter"})
    assert same.status_code == 400 and b"alice is already a reporter." in same.content
    odd = c.post(
        "/i/alpha/members/", {"membership": m.id, "action": "change", "role": "backbone_admin"}
    )
    assert odd.status_code == 400 and b"Choose reporter, reviewer or viewer." in odd.content
    m.refresh_from_db()
    assert m.role == "reporter" and not RoleChange.objects.exists()


def test_a_change_that_would_duplicate_a_role_is_refused(cast, client_for):
    add_user("alice", initiative_code="alpha", role="viewer", organisation_code="org-a")
    m = Membership.objects.get(user=cast.alice, role="reporter")
    response = client_for(cast.backbone).post(
        "/i/alpha/members/", {"membership": m.id, "action": "change", "role": "viewer"}
    )
    assert response.status_code == 400 and b"already has the viewer role" in response.content
    assert Membership.objects.filter(user=cast.alice).count() == 2


def test_the_backbone_removes_a_membership_and_the_removal_is_recorded(cast, client_for):
    m = membership(cast.bob)
    assert (
        client_for(cast.backbone)
        .post("/i/alpha/members/", {"membership": m.id, "action": "remove"})
        .status_code
        == 302
    )
    assert not Membership.objects.filter(pk=m.pk).exists()
    change = RoleChange.objects.get()
    assert (change.action, change.subject, change.old_role, change.changed_by) == (
        "removed",
        "bob",
        "reporter",
        cast.backbone,
    )
    assert client_for(cast.bob).get("/i/alpha/activities/").status_code == 404


def test_the_last_backbone_admin_cannot_be_removed(cast, client_for):
    m = membership(cast.backbone)
    response = client_for(cast.backbone).post(
        "/i/alpha/members/", {"membership": m.id, "action": "remove"}
    )
    assert response.status_code == 400
    assert b"last backbone admin" in response.content
    assert Membership.objects.filter(pk=m.pk).exists() and not RoleChange.objects.exists()


def test_one_of_two_backbone_admins_can_be_removed_but_then_not_the_other(cast, client_for):
    add_user("second", password="x" * 12, initiative_code="alpha", role="backbone_admin")
    second = Membership.objects.get(user__username="second")
    c = client_for(cast.backbone)
    assert (
        c.post("/i/alpha/members/", {"membership": second.id, "action": "remove"}).status_code
        == 302
    )
    last = membership(cast.backbone)
    assert (
        c.post("/i/alpha/members/", {"membership": last.id, "action": "remove"}).status_code == 400
    )
    assert Membership.objects.filter(role="backbone_admin", initiative=cast.alpha).count() == 1


def test_a_membership_of_another_initiative_cannot_be_changed_from_alpha(cast, client_for):
    m = membership(cast.carol)
    response = client_for(cast.backbone).post(
        "/i/alpha/members/", {"membership": m.id, "action": "remove"}
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=m.pk).exists()


def test_the_members_page_lists_every_member_of_the_initiative_only(cast, client_for):
    page = client_for(cast.backbone).get("/i/alpha/members/").content.decode()
    for name in ("alice", "bob", "backbone"):
        assert f'data-user="{name}"' in page
    assert 'data-user="carol"' not in page


def test_a_garbled_membership_id_is_a_404_not_an_error(cast, client_for):
    c = client_for(cast.backbone)
    before = Membership.objects.count()
    for value in ("abc", "", "1.5"):
        response = c.post("/i/alpha/members/", {"membership": value, "action": "remove"})
        assert response.status_code == 404
    assert Membership.objects.count() == before
