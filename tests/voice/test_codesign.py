"""Outcome co-design: anonymous ranking or voting, Borda count and top-choice share for the backbone."""

from __future__ import annotations

import pytest

from commonmeasure.voice.models import Ballot, BallotResponse
from tests.voice.conftest import device_client, stamp


@pytest.fixture
def ballot(cast):
    return Ballot.objects.create(
        initiative=cast.alpha,
        title="What matters most?",
        mode=Ballot.RANK,
        candidates=[
            {"code": "c1", "label": "Stable housing"},
            {"code": "c2", "label": "A job"},
            {"code": "c3", "label": "Feeling less alone"},
        ],
    )


def rank(ballot, client=None, **ranks):
    return (client or device_client()).post(
        f"/v/{ballot.token}/", {"stamp": stamp(), **{f"rank_{k}": v for k, v in ranks.items()}}
    )


def test_a_ranking_is_taken_anonymously_and_counted_with_borda(ballot, client_for, cast):
    assert rank(ballot, c1="1", c2="2", c3="3").status_code == 200
    assert rank(ballot, c2="1").status_code == 200
    assert rank(ballot, c3="1", c1="2").status_code == 200
    assert [r.ranking for r in BallotResponse.objects.order_by("id")] == [
        ["c1", "c2", "c3"],
        ["c2"],
        ["c3", "c1"],
    ]
    page = client_for(cast.backbone).get(f"/i/alpha/co-design/{ballot.id}/").content.decode()
    # c1: 2 + 0 + 1 = 3; c2: 1 + 2 = 3; c3: 0 + 2 = 2; each is first once: 33.3%
    assert (
        '<tr data-code="c1"><td>1</td><th scope="row">Stable housing</th><td class="right">3</td><td class="right">1</td><td class="right">33.3%</td>'
        in page
    )
    assert '<tr data-code="c3"><td>3</td>' in page
    assert 'data-spec-id="ballot-spec"' in page and "Borda points" in page


def test_a_second_ballot_from_the_same_device_is_refused(ballot):
    c = device_client()
    assert rank(ballot, client=c, c1="1").status_code == 200
    second = rank(ballot, client=c, c2="1")
    assert second.status_code == 409 and b"already been received" in second.content
    assert BallotResponse.objects.count() == 1


def test_a_rank_used_twice_is_refused_with_a_clear_message(ballot):
    r = rank(ballot, c1="1", c2="1")
    assert r.status_code == 400 and b"two outcomes have the same rank" in r.content
    assert not BallotResponse.objects.exists()


def test_a_rank_out_of_range_is_refused(ballot):
    assert b"Ranks are numbers from 1 to 3" in rank(ballot, c1="7").content


def test_a_vote_takes_one_choice(ballot):
    ballot.mode = Ballot.VOTE
    ballot.save()
    assert (
        device_client().post(f"/v/{ballot.token}/", {"choice": "c2", "stamp": stamp()}).status_code
        == 200
    )
    assert (
        device_client().post(f"/v/{ballot.token}/", {"choice": "zz", "stamp": stamp()}).status_code
        == 400
    )
    assert list(BallotResponse.objects.values_list("ranking", flat=True)) == [["c2"]]


def test_votes_beyond_the_rate_limit_are_refused(ballot):
    ballot.rate_limit_per_minute = 2
    ballot.save()
    assert [rank(ballot, c1="1").status_code for _ in range(3)] == [200, 200, 429]


def test_a_closed_vote_gives_410(ballot):
    ballot.is_open = False
    ballot.save()
    r = device_client().get(f"/v/{ballot.token}/")
    assert r.status_code == 410 and b"This vote is closed" in r.content


@pytest.mark.parametrize(
    "name, status",
    [("backbone", 200), ("alice", 404), ("bob", 404), ("carol", 404), ("outsider", 404)],
)
def test_only_the_backbone_sees_co_design_results(ballot, client_for, cast, name, status):
    assert (
        client_for(getattr(cast, name)).get(f"/i/alpha/co-design/{ballot.id}/").status_code
        == status
    )


def test_the_backbone_creates_a_vote_and_bad_candidates_are_named(cast, client_for):
    c = client_for(cast.backbone)
    bad = c.post(
        "/i/alpha/co-design/new/", {"title": "Next year", "candidates": "Only one", "mode": "rank"}
    )
    assert b"List from 2 to 20 candidate outcomes" in bad.content and not Ballot.objects.exists()
    ok = c.post(
        "/i/alpha/co-design/new/",
        {"title": "Next year", "candidates": "Housing\nWork\n", "mode": "vote"},
    )
    assert ok.status_code == 302
    assert Ballot.objects.get().candidates == [
        {"code": "c1", "label": "Housing"},
        {"code": "c2", "label": "Work"},
    ]


def test_a_reporter_cannot_create_a_vote(cast, client_for):
    r = client_for(cast.alice).post(
        "/i/alpha/co-design/new/", {"title": "X", "candidates": "a\nb", "mode": "rank"}
    )
    assert r.status_code == 404 and not Ballot.objects.exists()


def test_candidate_labels_are_rendered_escaped(cast):
    b = Ballot.objects.create(
        initiative=cast.alpha,
        title="T",
        candidates=[
            {"code": "c1", "label": "<script>alert(1)</script>"},
            {"code": "c2", "label": "B"},
        ],
    )
    page = device_client().get(f"/v/{b.token}/").content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page and b"<script>alert(1)" not in page
