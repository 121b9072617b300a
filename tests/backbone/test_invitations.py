"""Invitations by e-mailed link, end to end through django.core.mail.outbox, and every way a
link can be misused: each refused with a clear message and nothing written."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from commonmeasure.backbone import invitations as inv
from commonmeasure.backbone.models import Invitation, RoleChange
from commonmeasure.initiatives.models import Membership, Organisation, Participation
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-long-new-password-42"


def send_invitation(client, **fields):
    data = {"email": "dana@example.org", "role": "reporter", "organisation": "org-a", **fields}
    return client.post("/i/alpha/members/invite/", data)


def link_in(message) -> str:
    match = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def snapshot():
    User = get_user_model()
    return (
        User.objects.count(),
        Membership.objects.count(),
        RoleChange.objects.count(),
        list(Invitation.objects.order_by("id").values_list("accepted_at", "revoked_at", "nonce")),
    )


def test_an_invited_person_without_an_account_signs_up_and_becomes_a_reporter(cast, client_for):
    response = send_invitation(client_for(cast.backbone))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert "Alpha Partnership" in message.subject
    assert "as reporter for Organisation A." in message.body
    path = link_in(message)

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and b'data-mode="signup"' in page.content
    done = visitor.post(
        path, {"username": "dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/i/alpha/"
    dana = get_user_model().objects.get(username="dana")
    assert dana.email == "dana@example.org" and dana.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(
        user=dana, initiative=cast.alpha, organisation=cast.org_a, role="reporter"
    ).exists()
    assert visitor.get("/i/alpha/orgs/org-a/report/2024-01/").status_code == 200  # signed in
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == dana and invitation.accepted_at is not None
    assert list(
        RoleChange.objects.order_by("changed_at", "id").values_list("action", "subject")
    ) == [("invited", "dana@example.org"), ("accepted", "dana")]


def test_an_invited_person_with_an_account_logs_in_and_accepts(cast, client_for):
    cast.outsider.email = "Outsider@Example.org"
    cast.outsider.save()
    send_invitation(client_for(cast.backbone), email="outsider@example.org", role="viewer")
    path = link_in(mail.outbox[0])
    anonymous = Client().get(path)
    assert b'data-mode="login"' in anonymous.content
    assert f"/login/?next={path}".encode() in anonymous.content
    c = client_for(cast.outsider)
    assert b'id="accept-invitation"' in c.get(path).content
    assert c.post(path).status_code == 302
    assert Membership.objects.filter(
        user=cast.outsider, role="viewer", organisation=cast.org_a
    ).exists()
    assert c.get("/i/alpha/activities/").status_code == 200


def test_a_backbone_admin_invitation_gives_the_backbone_role_and_admin_access(cast, client_for):
    send_invitation(
        client_for(cast.backbone), email="eve@example.org", role="backbone_admin", organisation=""
    )
    path = link_in(mail.outbox[0])
    c = Client()
    c.post(path, {"username": "eve", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    eve = get_user_model().objects.get(username="eve")
    assert eve.is_staff
    assert Membership.objects.filter(user=eve, role="backbone_admin", organisation=None).exists()
    assert c.get("/i/alpha/settings/").status_code == 200


def test_inviting_a_new_organisation_adds_it_to_the_initiative(cast, client_for):
    response = send_invitation(
        client_for(cast.backbone),
        organisation="__new__",
        new_code="org-d",
        new_name="Organisation D",
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="org-d")
    assert Participation.objects.filter(initiative=cast.alpha, organisation=org).exists()
    assert Invitation.objects.get().organisation == org
    assert "reporter for Organisation D" in mail.outbox[0].body


def test_a_new_organisation_whose_code_exists_is_refused_and_nothing_is_written(cast, client_for):
    before = (Organisation.objects.count(), Invitation.objects.count())
    response = send_invitation(
        client_for(cast.backbone), organisation="__new__", new_code="org-c", new_name="Clash"
    )
    assert response.status_code == 400
    assert "An organisation with code &#x27;org-c&#x27; already exists" in response.content.decode()
    assert (Organisation.objects.count(), Invitation.objects.count()) == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "not-an-address"}, "E-mail: not-an-address is not an e-mail address."),
        ({"role": "owner"}, "Role: choose one of the roles listed."),
        ({"organisation": "org-c"}, "Organisation: choose an organisation of the initiative"),
        ({"organisation": "__new__", "new_code": "bad code", "new_name": "X"}, "is not a code"),
        (
            {"organisation": "__new__", "new_code": "org-x", "new_name": ""},
            "give the organisation a name",
        ),
    ],
)
def test_a_bad_invitation_form_names_the_field_and_sends_nothing(cast, client_for, fields, message):
    response = send_invitation(client_for(cast.backbone), **fields)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Invitation.objects.exists() and mail.outbox == []


def test_inviting_someone_who_already_has_that_role_is_refused(cast, client_for):
    cast.alice.email = "alice@example.org"
    cast.alice.save()
    before = snapshot()
    response = send_invitation(client_for(cast.backbone), email="ALICE@example.org")
    assert response.status_code == 400
    assert "alice@example.org is already reporter for Organisation A in Alpha Partnership" in (
        response.content.decode().replace("ALICE", "alice")
    )
    assert snapshot() == before and mail.outbox == []
    # another role for the same person is fine
    assert (
        send_invitation(
            client_for(cast.backbone), email="alice@example.org", role="reviewer"
        ).status_code
        == 302
    )


def test_inviting_the_same_person_twice_asks_to_resend_instead(cast, client_for):
    c = client_for(cast.backbone)
    send_invitation(c)
    response = send_invitation(c)
    assert response.status_code == 400
    assert (
        b"already has a pending invitation" in response.content
        and b"resend it instead" in response.content
    )
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def _invite(cast):
    invitation = inv.invite(
        cast.alpha,
        by=cast.backbone,
        email="dana@example.org",
        role="reporter",
        organisation=cast.org_a,
    )
    return invitation, f"/invitations/{inv.token_for(invitation)}/"


def _sign_up(path):
    return Client().post(
        path, {"username": "dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_an_expired_link_is_refused_and_nothing_is_written(cast, settings):
    settings.CM_INVITATION_DAYS = 14
    invitation, path = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    before = snapshot()
    for response in (Client().get(path), _sign_up(path)):
        assert response.status_code == 400
        assert (
            b"This invitation has expired. Ask the backbone to send it again." in response.content
        )
    assert snapshot() == before


def test_a_link_expires_after_the_configured_number_of_days(cast, settings):
    settings.CM_INVITATION_DAYS = 3
    invitation, _ = _invite(cast)
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=3)


def test_a_used_link_is_refused_the_second_time(cast):
    _, path = _invite(cast)
    assert _sign_up(path).status_code == 302
    before = snapshot()
    again = Client().post(
        path, {"username": "dana2", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert again.status_code == 400 and b"This invitation has been used already" in again.content
    assert snapshot() == before


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: signing.dumps({"i": 1, "n": "guess"}, salt="another-salt"),  # not ours
        lambda t: "garbage",
    ],
)
def test_a_tampered_link_is_refused_and_nothing_is_written(cast, tamper):
    invitation, _ = _invite(cast)
    path = f"/invitations/{tamper(inv.token_for(invitation))}/"
    before = snapshot()
    for response in (Client().get(path), _sign_up(path)):
        assert response.status_code == 400
        assert b"This invitation link is not valid" in response.content
    assert snapshot() == before


def test_a_link_for_another_address_is_refused_to_whoever_is_logged_in(cast, client_for):
    _, path = _invite(cast)
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    before = snapshot()
    c = client_for(cast.bob)
    for response in (c.get(path), c.post(path)):
        assert response.status_code == 403
        text = response.content.decode()
        assert "This invitation was sent to dana@example.org, but you are logged in as bob" in text
    assert snapshot() == before


def test_a_revoked_invitation_no_longer_works(cast, client_for):
    invitation, path = _invite(cast)
    c = client_for(cast.backbone)
    assert c.post(f"/i/alpha/members/invitations/{invitation.id}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == cast.backbone
    before = snapshot()
    response = _sign_up(path)
    assert response.status_code == 400 and b"withdrawn by the backbone" in response.content
    assert snapshot() == before
    assert RoleChange.objects.filter(action="revoked", subject="dana@example.org").exists()


def test_a_resent_invitation_replaces_the_old_link_and_extends_it(cast, client_for):
    invitation, old_path = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    c = client_for(cast.backbone)
    assert c.post(f"/i/alpha/members/invitations/{invitation.id}/resend/").status_code == 302
    assert len(mail.outbox) == 1
    new_path = link_in(mail.outbox[0])
    assert new_path != old_path
    old = _sign_up(old_path)
    assert old.status_code == 400 and b"A newer invitation was sent" in old.content
    assert _sign_up(new_path).status_code == 302
    invitation.refresh_from_db()
    assert invitation.send_count == 2 and invitation.accepted_at is not None


def test_an_accepted_invitation_cannot_be_revoked_or_resent(cast, client_for):
    invitation, path = _invite(cast)
    _sign_up(path)
    c = client_for(cast.backbone)
    page = c.post(f"/i/alpha/members/invitations/{invitation.id}/revoke/", follow=True)
    assert b"This invitation has been accepted" in page.content
    page = c.post(f"/i/alpha/members/invitations/{invitation.id}/resend/", follow=True)
    assert b"This invitation has been accepted already" in page.content
    assert mail.outbox == []


def test_the_sign_up_form_names_each_problem_and_creates_no_account(cast):
    _, path = _invite(cast)
    before = snapshot()
    taken = Client().post(
        path, {"username": "alice", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert b"Username: alice is taken" in taken.content
    differ = Client().post(
        path, {"username": "dana", "password1": NEW_PASSWORD, "password2": "other"}
    )
    assert b"the two passwords differ" in differ.content
    weak = Client().post(path, {"username": "dana", "password1": "short", "password2": "short"})
    assert b"Password: This password is too short" in weak.content
    assert {taken.status_code, differ.status_code, weak.status_code} == {400}
    assert snapshot() == before


@pytest.mark.parametrize(
    "password, message",
    [
        ("dana-the-reporter", b"too similar to the username"),  # the username itself
        ("314159265358979", b"entirely numeric"),
        ("password1234", b"too common"),
    ],
)
def test_the_sign_up_form_refuses_a_weak_password(cast, password, message):
    # A password equal to the username used to be accepted.
    _, path = _invite(cast)
    before = snapshot()
    weak = Client().post(
        path, {"username": "dana-the-reporter", "password1": password, "password2": password}
    )
    assert weak.status_code == 400 and message in weak.content
    assert snapshot() == before


def test_someone_with_an_account_for_the_address_must_log_in_rather_than_sign_up(cast):
    _, path = _invite(cast)
    get_user_model().objects.create_user("dana_old", "dana@example.org", PASSWORD)
    before = snapshot()
    response = Client().post(
        path, {"username": "dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert b'data-mode="login"' in response.content
    assert snapshot() == before


def test_the_members_page_lists_invitations_and_every_change(cast, client_for):
    invitation, _ = _invite(cast)
    page = client_for(cast.backbone).get("/i/alpha/members/").content.decode()
    assert f'data-invitation="{invitation.id}" data-state="pending"' in page
    assert 'data-action="invited"' in page and "dana@example.org" in page


def test_the_link_starts_with_the_sites_address_when_one_is_set(cast, client_for, settings):
    settings.CM_SITE_URL = "https://measure.example.org"
    send_invitation(client_for(cast.backbone))
    assert "https://measure.example.org/invitations/" in mail.outbox[0].body
