"""Survey abuse resisted without storing anything personal (issue 16, point 4): a flood from one
address with fresh cookies is cut off after the per-address limit without locking out anyone
else; limits are counted in the database that every server process shares; answers sent
sooner than a person can read the form are refused; bursts are shown to staff and the backbone
can discard them, on the record; the invitation page has the same per-address limit."""

from __future__ import annotations

import datetime
import re

import time_machine
from django.db.models import F
from django.test import Client
from django.utils import timezone

from commonmeasure.reporting.models import DataValue
from commonmeasure.voice.models import DiscardedBurst, RateCounter, Response
from tests.voice.conftest import device_client, new_address, stamp

ATTACKER = "203.0.113.66"


def test_forty_fresh_cookies_from_one_address_stop_at_the_per_address_limit(survey, respond):
    codes = [
        respond(survey, survey.link_a, nps=10, client=device_client(ATTACKER)).status_code
        for _ in range(40)
    ]
    assert codes.count(302) == 10 and codes[10:] == [429] * 30
    assert Response.objects.count() == 10
    refused = respond(survey, survey.link_a, nps=10, client=device_client(ATTACKER))
    assert b"from your network" in refused.content


def test_a_burst_from_one_address_does_not_lock_out_other_respondents(survey, respond):
    real = []
    for i in range(150):
        respond(survey, survey.link_a, nps=10, client=device_client(ATTACKER))
        if i % 5 == 0:
            real.append(respond(survey, survey.link_a, nps=i % 11).status_code)
    assert real == [302] * 30
    assert Response.objects.count() == 10 + 30


def test_the_per_address_limit_is_per_link(survey, respond):
    for _ in range(10):
        respond(survey, survey.link_a, nps=7, client=device_client(ATTACKER))
    assert respond(survey, survey.link_a, nps=7, client=device_client(ATTACKER)).status_code == 429
    assert respond(survey, survey.link_b, nps=7, client=device_client(ATTACKER)).status_code == 302


def test_the_counts_live_in_the_database_that_every_server_process_shares(survey, respond):
    """Nothing is counted in this process's memory: the counters are rows of the database, and
    what another server process counted there (here: four more responses through the link this
    minute) holds for this one at once."""
    survey.rate_limit_per_minute = 5
    survey.save()
    assert respond(survey, survey.link_a, nps=8).status_code == 302
    counters = RateCounter.objects.filter(hits=1)
    assert counters.count() == 2  # this address this hour, the link this minute
    link_counter = counters.order_by("expires_at").first()  # the minute's ends first
    RateCounter.objects.filter(pk=link_counter.pk).update(hits=F("hits") + 4)
    assert respond(survey, survey.link_a, nps=8).status_code == 429
    assert Response.objects.count() == 1


def test_the_address_is_kept_only_as_a_keyed_hash_that_changes_daily_and_per_link(survey, respond):
    for link in (survey.link_a, survey.link_b):
        respond(survey, link, nps=9, client=device_client(ATTACKER))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=True):
        respond(survey, survey.link_a, nps=9, client=device_client(ATTACKER))
    hashes = list(Response.objects.order_by("id").values_list("address", flat=True))
    assert len(set(hashes)) == 3 and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    rows = " ".join(str(v) for r in Response.objects.values() for v in r.values())
    assert ATTACKER not in rows and "203.0.113" not in rows


def test_answers_sent_sooner_than_the_form_can_be_read_are_refused_and_shown_again(survey, respond):
    early = stamp(seconds_ago=0.2)
    r = respond(survey, survey.link_a, nps=9, stamp=early)
    assert r.status_code == 400 and b"sooner than the questions can be read" in r.content
    assert not Response.objects.exists()
    assert f'name="q{survey.q["nps"].id}" value="9" checked'.encode() in r.content
    assert f'name="stamp" value="{early}"'.encode() in r.content  # the time to fill goes on


def test_a_form_without_a_valid_stamp_is_served_again_with_a_fresh_one(survey, respond):
    for bad in ("", "form:forged:stamp"):
        r = respond(survey, survey.link_a, nps=9, stamp=bad)
        assert r.status_code == 400 and b"too old or did not come from this site" in r.content
        fresh = re.search(rb'name="stamp" value="([^"]+)"', r.content).group(1).decode()
        assert fresh and fresh != bad
    assert not Response.objects.exists()


def test_the_form_carries_a_stamp_a_person_can_send_after_reading(survey, settings):
    settings.CM_SURVEY_MIN_FILL_SECONDS = 0.05
    c = device_client()
    page = c.get(f"/s/{survey.link_a.token}/")
    served = re.search(rb'name="stamp" value="([^"]+)"', page.content).group(1).decode()
    import time

    time.sleep(0.1)
    r = c.post(f"/s/{survey.link_a.token}/", {"stamp": served, f"q{survey.q['nps'].id}": "9"})
    assert r.status_code == 302 and Response.objects.count() == 1


def test_a_ballot_has_the_same_per_address_limit_counted_in_the_database(cast):
    from commonmeasure.voice.models import Ballot

    ballot = Ballot.objects.create(
        initiative=cast.alpha,
        title="Vote",
        mode=Ballot.VOTE,
        candidates=[{"code": "c1", "label": "A"}, {"code": "c2", "label": "B"}],
    )

    def vote(address):
        return (
            device_client(address)
            .post(f"/v/{ballot.token}/", {"choice": "c1", "stamp": stamp()})
            .status_code
        )

    assert [vote(ATTACKER) for _ in range(12)] == [200] * 10 + [429] * 2
    assert vote(new_address()) == 200
    assert RateCounter.objects.exists()
    assert ATTACKER not in " ".join(RateCounter.objects.values_list("digest", flat=True))


# -- the staff view of bursts ------------------------------------------------------------------


def _burst(survey, link, n=6, address=ATTACKER, nps=10):
    for _ in range(n):
        Response.objects.create(
            survey=survey,
            link=link,
            period=survey.period,
            answers={str(survey.q["nps"].id): nps},
            device=new_address(),
            address=address,
            created_at=timezone.now(),
        )


def test_staff_see_bursts_from_one_address_and_of_identical_answers(
    survey, respond, client_for, cast
):
    respond(survey, survey.link_a, nps=3)
    survey.period = Response.objects.get().period
    _burst(survey, survey.link_a, address="a" * 64, nps=10)  # one address, identical answers
    page = client_for(cast.alice).get(
        f"/i/alpha/surveys/{survey.id}/bursts/?period={survey.period}"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-kind="address"') == 1 and html.count('data-kind="answers"') == 1
    assert "The backbone can discard" in html and 'name="key"' not in html
    assert client_for(cast.carol).get(f"/i/alpha/surveys/{survey.id}/bursts/").status_code == 404


def test_the_backbone_discards_a_burst_on_the_record_and_the_values_follow(
    survey, respond, client_for, cast
):
    for nps in (9, 9, 10, 8, 9):  # five real respondents
        respond(survey, survey.link_a, nps=nps)
    survey.period = Response.objects.first().period
    before = DataValue.objects.get(indicator=survey.nps_indicator).value
    _burst(survey, survey.link_a, n=8, address="b" * 64, nps=0)
    c = client_for(cast.backbone)
    c.post(f"/i/alpha/surveys/{survey.id}/recompute/")
    assert DataValue.objects.get(indicator=survey.nps_indicator).value < before
    page = c.get(f"/i/alpha/surveys/{survey.id}/bursts/?period={survey.period}").content.decode()
    key = re.search(r'name="key" value="(a-[^"]+)"', page).group(1)
    r = c.post(
        f"/i/alpha/surveys/{survey.id}/bursts/",
        {"link": survey.link_a.id, "key": key, "period": survey.period},
        follow=True,
    )
    assert b"8 responses discarded" in r.content
    assert Response.objects.count() == 5
    assert DataValue.objects.get(indicator=survey.nps_indicator).value == before
    record = DiscardedBurst.objects.get()
    assert (record.responses, record.kind, record.discarded_by) == (8, "address", cast.backbone)
    assert (
        b"Nothing has been discarded" not in c.get(f"/i/alpha/surveys/{survey.id}/bursts/").content
    )


def test_a_reporter_cannot_discard_responses(survey, respond, client_for, cast):
    respond(survey, survey.link_a, nps=3)
    survey.period = Response.objects.get().period
    _burst(survey, survey.link_a, address="c" * 64)
    r = client_for(cast.alice).post(
        f"/i/alpha/surveys/{survey.id}/bursts/",
        {"link": survey.link_a.id, "key": "a-" + "c" * 16, "period": survey.period},
    )
    assert r.status_code == 403 and Response.objects.count() == 7


# -- the invitation page ---------------------------------------------------------------------


def test_the_invitation_page_limits_each_address_without_locking_out_others(cast):
    codes = [Client(REMOTE_ADDR=ATTACKER).get("/invitations/forged-token/").status_code]
    codes += [
        Client(REMOTE_ADDR=ATTACKER).get("/invitations/forged-token/").status_code
        for _ in range(30)
    ]
    assert codes[:30] == [400] * 30 and codes[30] == 429
    assert Client(REMOTE_ADDR=new_address()).get("/invitations/forged-token/").status_code == 400


def test_discarding_with_a_link_that_is_not_a_number_is_not_found(survey, client_for, cast):
    r = client_for(cast.backbone).post(
        f"/i/alpha/surveys/{survey.id}/bursts/", {"link": "x", "key": "a-0", "period": "2026-05"}
    )
    assert r.status_code == 404


def test_counters_of_past_windows_are_forgotten(survey, respond, monkeypatch):
    from commonmeasure.voice import groupcommit, limits

    RateCounter.objects.create(
        digest="old", bucket=1, hits=3, expires_at=timezone.now() - datetime.timedelta(hours=2)
    )
    monkeypatch.setattr(groupcommit, "FORGET_ONE_IN", 1)
    respond(survey, survey.link_a, nps=9)
    assert not RateCounter.objects.filter(digest="old").exists()
    RateCounter.objects.create(
        digest="old", bucket=1, hits=3, expires_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert limits.forget_expired() == 1


def test_the_client_address_comes_from_the_nearest_trusted_proxy_only(settings):
    from django.test import RequestFactory

    from commonmeasure.voice.limits import client_address

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9"
    )
    assert client_address(request) == "10.0.0.1"  # no proxy trusted: the header is ignored
    settings.CM_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"  # what the proxy saw, not what the client wrote
    settings.CM_TRUSTED_PROXIES = 2
    assert client_address(request) == "198.51.100.7"
