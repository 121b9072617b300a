"""@mentions: found in the text, shown as links for members, and the mentioned member notified;
anyone else is not notified, and the writer is told so gently."""

from __future__ import annotations

from commonmeasure.conversation import mentions
from commonmeasure.conversation.models import Comment, Notification
from commonmeasure.conversation.services import report_spec

from .conftest import PERIOD, approve, comment, submit

REPORT_A = f"/i/alpha/orgs/org-a/report/{PERIOD}/comments/"
INDICATOR = "/i/alpha/indicators/enrolled/comments/"


def test_mentions_are_found_once_each_and_email_addresses_are_not_mentions():
    text = "@bob and @backbone: see bob@example.org, then thanks @bob. (@carol)"
    assert mentions.mentioned_usernames(text) == ["bob", "backbone", "carol"]


def test_rendering_escapes_everything_and_links_only_the_given_mentions():
    html = mentions.render(
        "<i>hi</i> @bob & @eve\nbye", lambda n: f"/u/{n}/" if n == "bob" else None
    )
    assert html == (
        '&lt;i&gt;hi&lt;/i&gt; <a class="mention" href="/u/bob/">@bob</a> &amp; @eve<br>bye'
    )


def test_a_mentioned_member_is_notified_and_the_mention_becomes_a_link(cast, client_for):
    enrolled = cast.alpha.indicators.get(code="enrolled")
    posted = comment(
        cast.alice, cast.alpha, {"kind": "indicator", "indicator": enrolled}, "@bob look"
    )
    assert posted.notified == ["bob"] and posted.notes == []
    n = Notification.objects.get(user=cast.bob)
    assert n.kind == "mention" and "alice mentioned you" in n.text and "@bob look" in n.text
    page = client_for(cast.alice).get(INDICATOR).content.decode()
    assert '<a class="mention" href="/i/alpha/activity/?by=bob">@bob</a>' in page


def test_mentioning_someone_outside_the_initiative_notifies_nobody_and_says_so(cast, client_for):
    r = client_for(cast.alice).post(INDICATOR, {"text": "Ask @carol and @nobody"}, follow=True)
    page = r.content.decode()
    assert "@carol is not a member of Alpha Partnership, so nobody was notified." in page
    assert "@nobody is not a member" in page
    assert not Notification.objects.exists()
    assert '<a class="mention"' not in page
    assert list(Comment.objects.get().mentioned.all()) == []


def test_a_member_who_cannot_see_a_draft_is_not_notified_of_a_mention_in_it(cast, report_a):
    posted = comment(cast.alice, cast.alpha, report_spec(report_a), "What would @bob say?")
    assert posted.notified == []
    assert posted.notes == ["@bob cannot see this conversation, so they were not notified."]
    assert not Notification.objects.filter(user=cast.bob).exists()


def test_once_the_report_is_approved_a_mention_of_another_member_notifies_them(cast, report_a):
    approve(cast.backbone, submit(cast.alice, report_a))
    Notification.objects.all().delete()
    posted = comment(cast.alice, cast.alpha, report_spec(report_a), "@bob compare with yours")
    assert posted.notified == ["bob"]
    assert Notification.objects.get(user=cast.bob).kind == "mention"


def test_mentioning_oneself_notifies_nobody(cast):
    enrolled = cast.alpha.indicators.get(code="enrolled")
    comment(cast.alice, cast.alpha, {"kind": "indicator", "indicator": enrolled}, "note to @alice")
    assert not Notification.objects.exists()


def test_a_mention_in_an_htmx_post_shows_the_gentle_note_in_the_fragment(cast, client_for):
    r = client_for(cast.alice).post(INDICATOR, {"text": "@carol?"}, HTTP_HX_REQUEST="true")
    assert "@carol is not a member" in r.content.decode()
