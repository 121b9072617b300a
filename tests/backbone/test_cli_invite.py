"""`commonmeasure invite`: the members page's invitation from the command line."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from commonmeasure.backbone.models import Invitation
from commonmeasure.initiatives.models import Organisation


def test_invite_sends_and_prints_a_working_link(cast, cli):
    code, out, err = cli(
        "invite",
        "--initiative",
        "alpha",
        "--email",
        "dana@example.org",
        "--role",
        "viewer",
        "--organisation",
        "org-b",
        "--site-url",
        "https://cm.example.org/",
        "--by",
        "backbone",
    )
    assert code == 0, err
    assert "Invited dana@example.org as viewer for Organisation B in alpha" in out
    link = out.strip().splitlines()[-1]
    assert link.startswith("https://cm.example.org/invitations/")
    assert mail.outbox[0].to == ["dana@example.org"] and link in mail.outbox[0].body
    assert Invitation.objects.get().created_by == cast.backbone
    page = Client().get(link.removeprefix("https://cm.example.org"))
    assert b'data-mode="signup"' in page.content


def test_invite_takes_the_sites_address_from_cm_site_url(cast, cli, settings):
    settings.CM_SITE_URL = "https://measure.example.org"
    code, out, _ = cli(
        "invite", "--initiative", "alpha", "--email", "f@example.org", "--role", "backbone_admin"
    )
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("https://measure.example.org/invitations/")


def test_invite_with_a_new_organisation_adds_it(cast, cli):
    code, out, _ = cli(
        "invite",
        "--initiative",
        "alpha",
        "--email",
        "e@example.org",
        "--role",
        "reporter",
        "--new-organisation",
        "org-e",
        "Organisation E",
    )
    assert code == 0 and "reporter for Organisation E" in out
    assert Organisation.objects.get(code="org-e").participations.get().initiative == cast.alpha


def test_invite_refuses_bad_input_with_a_message_and_writes_nothing(cast, cli):
    cases = [
        (
            ["--initiative", "nope", "--email", "a@b.org", "--role", "viewer"],
            "no initiative with code 'nope'",
        ),
        (
            [
                "--initiative",
                "alpha",
                "--email",
                "bad",
                "--role",
                "viewer",
                "--organisation",
                "org-a",
            ],
            "--email: 'bad' is not an e-mail address",
        ),
        (
            [
                "--initiative",
                "alpha",
                "--email",
                "a@b.org",
                "--role",
                "viewer",
                "--organisation",
                "org-c",
            ],
            "--organisation: 'org-c' does not take part in alpha",
        ),
        (
            ["--initiative", "alpha", "--email", "a@b.org", "--role", "viewer"],
            "A viewer belongs to an organisation",
        ),
        (
            [
                "--initiative",
                "alpha",
                "--email",
                "a@b.org",
                "--role",
                "backbone_admin",
                "--organisation",
                "org-a",
            ],
            "A backbone admin belongs to the initiative",
        ),
    ]
    for args, message in cases:
        code, _, err = cli("invite", *args)
        assert code == 1 and message in err, (args, err)
    assert not Invitation.objects.exists() and mail.outbox == []
