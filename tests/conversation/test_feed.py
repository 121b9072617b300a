"""The activity feed: workflow events from the status signal, comments and new members, filtered
by what the viewer may see; paginated; JSON."""

from __future__ import annotations

import pytest

from commonmeasure.conversation.models import Event
from commonmeasure.conversation.services import record_event, report_spec
from commonmeasure.initiatives.access import access_for
from commonmeasure.initiatives.users import add_user
from commonmeasure.reporting import services as reporting

from .conftest import approve, comment, make_report, submit

FEED = "/i/alpha/activity/"


def texts(client, **params) -> list[str]:
    return [e["text"] for e in client.get(FEED, {"format": "json", **params}).json()["events"]]


@pytest.mark.parametrize(
    "name, status",
    [("alice", 200), ("bob", 200), ("backbone", 200), ("carol", 404), ("outsider", 404)],
)
def test_who_sees_the_feed(cast, client_for, name, status):
    assert client_for(getattr(cast, name)).get(FEED).status_code == status


def test_the_feed_asks_anonymous_visitors_to_log_in(cast, client_for):
    assert client_for(None).get(FEED).status_code == 302


def test_a_published_initiatives_feed_is_still_for_members_only(cast, client_for):
    cast.alpha.is_published = True
    cast.alpha.save()
    assert client_for(cast.outsider).get(FEED).status_code == 403


def test_the_workflow_writes_events_from_the_status_signal(cast, report_a):
    sub = submit(cast.alice, report_a)
    reporting.return_for_changes(
        access_for(cast.backbone, cast.alpha), sub, cast.backbone, "Fix it"
    )
    submit(cast.alice, sub)
    sub = approve(cast.backbone, sub)
    reporting.reopen(access_for(cast.backbone, cast.alpha), sub, cast.backbone, "Typo")
    kinds = list(
        Event.objects.filter(initiative=cast.alpha)
        .exclude(kind="member")
        .order_by("id")
        .values_list("kind", "is_private")
    )
    assert kinds == [
        ("submitted", True),
        ("returned", True),
        ("submitted", True),
        ("approved", False),
        ("reopened", True),
    ]
    returned = Event.objects.get(kind="returned")
    assert returned.text == "backbone returned Organisation A's report for 2024-03: “Fix it”"
    assert returned.organisation == cast.org_a


def test_the_feed_hides_other_organisations_unapproved_activity(cast, client_for, report_a):
    submit(cast.alice, report_a)
    comment(cast.alice, cast.alpha, report_spec(report_a), "Draft talk")
    mine = texts(client_for(cast.alice))
    theirs = texts(client_for(cast.bob))
    backbone = texts(client_for(cast.backbone))
    submitted = "alice submitted Organisation A's report for 2024-03"
    assert submitted in mine and submitted in backbone and submitted not in theirs
    assert any("Draft talk" in t for t in mine) and not any("Draft talk" in t for t in theirs)
    assert not any(
        "Draft talk" in t for t in client_for(cast.bob).get(FEED).content.decode().split("\n")
    )


def test_an_approval_is_news_for_every_member(cast, client_for, report_a):
    approve(cast.backbone, submit(cast.alice, report_a))
    assert "backbone approved Organisation A's report for 2024-03" in texts(client_for(cast.bob))


def test_another_initiatives_events_never_appear(cast, client_for):
    sub = make_report(cast.carol, cast.beta, cast.org_c, period="2024-Q1", value="3")
    submit(cast.carol, sub)
    assert not any("Organisation C" in t for t in texts(client_for(cast.backbone)))


def test_new_members_appear_in_the_feed(cast, client_for):
    add_user("dave", initiative_code="alpha", role="viewer", organisation_code="org-b")
    assert "dave joined Alpha Partnership as viewer of Organisation B" in texts(
        client_for(cast.alice)
    )


def test_record_event_lets_other_apps_add_private_and_open_events(cast, client_for):
    record_event(cast.alpha, "upload", cast.alice, "A file for A", "/x/", cast.org_a)
    record_event(cast.alpha, "calendar", cast.backbone, "Deadlines moved", "/y/")
    e = record_event(
        cast.alpha, "named", None, "B agreed to be named", "/z/", cast.org_b, private=False
    )
    assert e.is_private is False
    bob = texts(client_for(cast.bob))
    assert "A file for A" not in bob and "Deadlines moved" in bob and "B agreed to be named" in bob
    assert "A file for A" in texts(client_for(cast.alice))


def test_record_event_refuses_a_private_event_without_an_organisation(cast):
    with pytest.raises(ValueError):
        record_event(cast.alpha, "x", None, "text", "/", private=True)


def test_the_feed_filters_by_who_did_it(cast, client_for):
    Event.objects.all().delete()
    record_event(cast.alpha, "x", cast.alice, "by alice", "/")
    record_event(cast.alpha, "x", cast.bob, "by bob", "/")
    c = client_for(cast.backbone)
    assert texts(c, by="bob") == ["by bob"]
    assert {"by alice", "by bob"} <= set(texts(c))


def test_the_feed_is_paginated_newest_first(cast, client_for):
    Event.objects.all().delete()
    for i in range(55):
        record_event(cast.alpha, "x", cast.alice, f"event {i:02d}", "/")
    c = client_for(cast.alice)
    first = c.get(FEED + "?format=json").json()
    second = c.get(FEED + "?format=json&page=2").json()
    assert (first["count"], first["pages"], len(first["events"])) == (55, 2, 50)
    assert first["events"][0]["text"] == "event 54" and second["events"][-1]["text"] == "event 00"
    page = c.get(FEED).content.decode()
    assert 'rel="next"' in page and "event 54" in page and "event 04" not in page


def test_event_text_is_shown_escaped(cast, client_for):
    record_event(cast.alpha, "x", cast.alice, "<script>bad()</script>", "/")
    page = client_for(cast.bob).get(FEED).content.decode()
    assert "<script>bad()" not in page and "&lt;script&gt;bad()" in page


def test_an_event_links_only_within_the_site(cast, client_for):
    bad = record_event(cast.alpha, "x", None, "bad link", "javascript:alert(1)")
    away = record_event(cast.alpha, "x", None, "away", "//evil.example/")
    good = record_event(cast.alpha, "x", None, "good", "/i/alpha/")
    assert (bad.target_url, away.target_url, good.target_url) == ("", "", "/i/alpha/")
    assert "javascript:" not in client_for(cast.alice).get(FEED).content.decode()
