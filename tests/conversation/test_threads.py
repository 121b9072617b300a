"""Comment threads on values, reports, indicators and contracts: who may see and post, with the
standard cast, and how comments are stored and shown."""

from __future__ import annotations

import pytest

from commonmeasure.conversation.models import Comment, Thread
from commonmeasure.conversation.services import report_spec

from .conftest import PERIOD, approve, comment, submit

REPORT_A = f"/i/alpha/orgs/org-a/report/{PERIOD}/comments/"
VALUE_A = REPORT_A + "?indicator=enrolled&key="


def user(cast, name):
    return None if name == "anonymous" else getattr(cast, name)


@pytest.mark.parametrize(
    "name, status",
    [
        ("alice", 200),
        ("backbone", 200),
        ("bob", 403),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("url", [REPORT_A, VALUE_A])
def test_who_sees_the_comments_on_a_draft_report_and_its_values(
    report_a, client_for, cast, name, status, url
):
    assert client_for(user(cast, name)).get(url).status_code == status


@pytest.mark.parametrize(
    "name, status",
    [("alice", 200), ("backbone", 200), ("bob", 200), ("carol", 404), ("outsider", 404)],
)
def test_once_approved_every_member_of_the_initiative_sees_a_reports_comments(
    report_a, client_for, cast, name, status
):
    approve(cast.backbone, submit(cast.alice, report_a))
    assert client_for(user(cast, name)).get(VALUE_A).status_code == status


@pytest.mark.parametrize(
    "name, status",
    [
        ("alice", 200),
        ("bob", 200),
        ("backbone", 200),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_an_indicators_comments(cast, client_for, name, status):
    url = "/i/alpha/indicators/enrolled/comments/"
    assert client_for(user(cast, name)).get(url).status_code == status


def test_the_public_never_sees_comments_even_on_a_published_initiative(cast, client_for):
    cast.alpha.is_published = True
    cast.alpha.save()
    assert (
        client_for(cast.outsider).get("/i/alpha/indicators/enrolled/comments/").status_code == 403
    )
    page = client_for(None).get("/i/alpha/indicators/enrolled/").content.decode()
    assert 'id="thread-indicator"' not in page


@pytest.mark.parametrize(
    "name, status",
    [("alice", 200), ("bob", 200), ("backbone", 200), ("carol", 404), ("outsider", 404)],
)
def test_who_sees_a_contracts_comments(contract, cast, client_for, name, status):
    assert (
        client_for(user(cast, name)).get(f"/contracts/{contract.pk}/comments/").status_code
        == status
    )


def test_a_reporter_comments_on_a_value_and_the_thread_is_created_with_it(
    report_a, cast, client_for
):
    assert not Thread.objects.exists()
    r = client_for(cast.alice).post(
        REPORT_A, {"indicator": "enrolled", "key": "", "text": "Why so low?", "next": "/x/"}
    )
    assert r.status_code == 302 and r.url == "/x/"
    thread = Thread.objects.get()
    assert (thread.kind, thread.indicator.code, thread.key) == ("value", "enrolled", "")
    assert thread.organisation == cast.org_a and thread.initiative == cast.alpha
    assert [c.text for c in thread.comments.all()] == ["Why so low?"]


def test_a_value_thread_is_one_per_cell_whatever_the_order_of_its_categories(
    report_a, cast, client_for
):
    c = client_for(cast.alice)
    c.post(REPORT_A, {"cell": "enrolled|gender=female;age_band=16-24", "text": "one"})
    c.post(REPORT_A, {"cell": "enrolled|age_band=16-24;gender=female", "text": "two"})
    thread = Thread.objects.get()
    assert thread.key == "age_band=16-24;gender=female"
    assert thread.comments.count() == 2


def test_a_comment_on_a_cell_the_indicator_does_not_have_is_refused(report_a, cast, client_for):
    r = client_for(cast.alice).post(REPORT_A, {"cell": "job_starts|age_band=16-24", "text": "x"})
    assert r.status_code == 404 and not Comment.objects.exists()


def test_another_organisation_cannot_post_on_a_draft_report(report_a, cast, client_for):
    r = client_for(cast.bob).post(REPORT_A, {"text": "Peeking"})
    assert r.status_code == 403 and not Comment.objects.exists()


def test_a_member_of_another_initiative_cannot_post(report_a, cast, client_for):
    r = client_for(cast.carol).post("/i/alpha/indicators/enrolled/comments/", {"text": "Hi"})
    assert r.status_code == 404 and not Comment.objects.exists()


def test_a_report_not_started_has_no_comment_page(cast, client_for):
    assert client_for(cast.alice).get(REPORT_A).status_code == 404


def test_a_script_in_a_comment_is_stored_as_typed_and_shown_escaped(report_a, cast, client_for):
    text = '<script>alert("x")</script> & <b>bold</b>'
    c = client_for(cast.alice)
    c.post(REPORT_A, {"text": text})
    assert Comment.objects.get().text == text
    page = c.get(REPORT_A).content.decode()
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_an_oversized_comment_is_refused_with_a_clear_message_and_nothing_written(
    report_a, cast, client_for
):
    r = client_for(cast.alice).post(REPORT_A, {"text": "x" * 5001})
    assert r.status_code == 400
    assert "at most 5,000 characters" in r.content.decode()
    assert "5,001" in r.content.decode()
    assert not Comment.objects.exists() and not Thread.objects.exists()


def test_a_comment_of_exactly_the_limit_is_accepted(report_a, cast, client_for):
    client_for(cast.alice).post(REPORT_A, {"text": "y" * 5000})
    assert len(Comment.objects.get().text) == 5000


def test_an_empty_comment_is_refused(report_a, cast, client_for):
    r = client_for(cast.alice).post(REPORT_A, {"text": "   "})
    assert r.status_code == 400 and "Write something" in r.content.decode()
    assert not Comment.objects.exists()


def test_posting_with_htmx_answers_the_thread_fragment(report_a, cast, client_for):
    r = client_for(cast.alice).post(REPORT_A, {"text": "Fragment please"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and "Fragment please" in body
    assert "<html" not in body and 'id="thread-report"' in body


def test_the_grid_shows_the_reports_threads_to_its_organisation(report_a, cast, client_for):
    comment(cast.alice, cast.alpha, report_spec(report_a), "On the whole report")
    enrolled = cast.alpha.indicators.get(code="enrolled")
    comment(cast.alice, cast.alpha, report_spec(report_a, enrolled, "gender=male"), "On the men")
    page = client_for(cast.backbone).get(f"/i/alpha/orgs/org-a/report/{PERIOD}/").content.decode()
    assert "On the whole report" in page and "On the men" in page
    assert "People enrolled — Male" in page
    assert 'id="new-value-comment"' in page


def test_the_grid_of_a_report_not_started_says_comments_open_later(cast, client_for):
    page = client_for(cast.alice).get(f"/i/alpha/orgs/org-a/report/{PERIOD}/").content.decode()
    assert 'id="comments-not-started"' in page


def test_the_indicator_page_shows_its_thread_to_members_only(cast, client_for):
    enrolled = cast.alpha.indicators.get(code="enrolled")
    comment(cast.bob, cast.alpha, {"kind": "indicator", "indicator": enrolled}, "Definition?")
    assert (
        "Definition?"
        in client_for(cast.alice).get("/i/alpha/indicators/enrolled/").content.decode()
    )


def test_the_contract_page_shows_its_thread(contract, cast, client_for):
    comment(cast.backbone, cast.alpha, {"kind": "contract", "contract": contract}, "Paid late")
    page = client_for(cast.alice).get(f"/contracts/{contract.pk}/").content.decode()
    assert "Paid late" in page and 'id="thread-contract"' in page
