"""The anonymous survey form: no login, one response per device per period, rate limits,
duplicate text, oversized and script-laden text, closed links."""

from __future__ import annotations

from django.test import Client

from commonmeasure.voice.models import Response
from tests.voice.conftest import device_client


def test_the_public_form_needs_no_login_and_sets_a_random_device_cookie(survey):
    r = device_client().get(f"/s/{survey.link_a.token}/")
    fresh = Client().get(f"/s/{survey.link_a.token}/")
    assert r.status_code == 200
    assert b"Would you recommend us?" in r.content
    assert fresh.cookies["cm_device"].value and fresh.cookies["cm_device"]["httponly"]


def test_an_unknown_token_is_not_found(survey):
    assert device_client().get("/s/not-a-real-token/").status_code == 404


def test_a_response_is_stored_without_ip_address_or_user_agent(survey, respond):
    r = respond(
        survey,
        survey.link_a,
        nps=9,
        likert=4,
        text="Kind staff",
        **{f"q{survey.q['multi'].id}": ["Advice", "Money"]},
        HTTP_USER_AGENT="Secret/1.0",
    )
    assert r.status_code == 302 and r["Location"].endswith("/thanks/")
    stored = Response.objects.get()
    row = " ".join(str(v) for v in Response.objects.values().get().values())
    assert "127.0.0.1" not in row and "Secret" not in row
    assert stored.answers[str(survey.q["nps"].id)] == 9
    assert stored.answers[str(survey.q["multi"].id)] == ["Advice", "Money"]
    assert len(stored.device) == 64


def test_a_second_response_from_the_same_device_in_the_period_is_refused(survey, respond):
    c = device_client()
    assert respond(survey, survey.link_a, nps=9, client=c).status_code == 302
    second = respond(survey, survey.link_a, nps=3, client=c)
    assert second.status_code == 409
    assert b"already been received" in second.content
    assert Response.objects.count() == 1


def test_a_post_without_the_device_cookie_is_refused_with_a_clear_message(survey):
    from django.test import Client

    r = Client().post(f"/s/{survey.link_a.token}/", {f"q{survey.q['nps'].id}": "9"})
    assert r.status_code == 400
    assert b"allow cookies" in r.content
    assert not Response.objects.exists()


def test_responses_beyond_the_links_rate_limit_are_refused(survey, respond):
    survey.rate_limit_per_minute = 3
    survey.save()
    codes = [respond(survey, survey.link_a, nps=8).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert Response.objects.count() == 3
    assert (
        respond(survey, survey.link_b, nps=8).status_code == 302
    )  # another link has its own limit


def test_the_rate_limit_message_says_to_wait(survey, respond):
    survey.rate_limit_per_minute = 1
    survey.save()
    respond(survey, survey.link_a, nps=8)
    assert b"wait a minute" in respond(survey, survey.link_a, nps=8).content


def test_a_burst_of_identical_free_text_is_refused_after_two(survey, respond):
    codes = [
        respond(survey, survey.link_a, text="Buy cheap pills NOW").status_code for _ in range(3)
    ]
    assert codes == [302, 302, 409]
    assert respond(survey, survey.link_a, text="buy  cheap pills now").status_code == 409
    assert respond(survey, survey.link_a, text="Something else").status_code == 302


def test_an_oversized_free_text_is_refused_with_its_length_and_nothing_is_stored(survey, respond):
    r = respond(survey, survey.link_a, nps=9, text="x" * 2001)
    assert r.status_code == 400
    assert b"under 2000 characters (it has 2001)" in r.content
    assert not Response.objects.exists()


def test_script_in_free_text_is_stored_as_text_and_rendered_escaped(
    survey, respond, client_for, cast
):
    respond(survey, survey.link_a, text="<script>alert(1)</script>")
    assert Response.objects.get().answers[str(survey.q["text"].id)] == "<script>alert(1)</script>"
    page = client_for(cast.alice).get(
        f"/i/alpha/surveys/{survey.id}/links/{survey.link_a.id}/you-said/"
    )
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<script>alert(1)" not in page.content


def test_an_answer_off_the_scale_is_refused_naming_the_question(survey, respond):
    r = respond(survey, survey.link_a, nps=11)
    assert r.status_code == 400
    assert f'id="error-q{survey.q["nps"].id}"'.encode() in r.content
    assert b"Choose a number from 0 to 10" in r.content


def test_an_unknown_choice_is_refused(survey, respond):
    r = respond(survey, survey.link_a, **{f"q{survey.q['single'].id}": "Hacker"})
    assert r.status_code == 400 and b"Choose one of the options shown" in r.content


def test_an_empty_response_is_refused(survey, respond):
    r = respond(survey, survey.link_a)
    assert r.status_code == 400 and b"at least one question" in r.content


def test_a_closed_survey_link_gives_a_clear_410_page(survey, respond):
    survey.is_open = False
    survey.save()
    for r in (
        device_client().get(f"/s/{survey.link_a.token}/"),
        respond(survey, survey.link_a, nps=9),
    ):
        assert r.status_code == 410
        assert b"This survey is closed" in r.content
    assert not Response.objects.exists()


def test_an_expired_survey_link_gives_410(survey):
    from django.utils import timezone

    survey.closes_at = timezone.now() - timezone.timedelta(minutes=1)
    survey.save()
    assert device_client().get(f"/s/{survey.link_a.token}/").status_code == 410


def test_the_form_picks_the_translation_by_lang_or_accept_language(survey):
    welsh = b"Fyddech chi&#x27;n ein hargymell?"
    assert welsh in device_client().get(f"/s/{survey.link_a.token}/?lang=cy").content
    assert (
        welsh
        in device_client()
        .get(f"/s/{survey.link_a.token}/", HTTP_ACCEPT_LANGUAGE="cy-GB,en;q=0.5")
        .content
    )
    assert (
        welsh
        not in device_client().get(f"/s/{survey.link_a.token}/", HTTP_ACCEPT_LANGUAGE="fr").content
    )


def test_qr_codes_download_as_png_and_svg_and_a_printable_page(survey):
    c = device_client()
    png = c.get(f"/s/{survey.link_a.token}/qr.png")
    svg = c.get(f"/s/{survey.link_a.token}/qr.svg")
    page = c.get(f"/s/{survey.link_a.token}/print/")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert page.status_code == 200 and b"<svg" in page.content
    assert f"/s/{survey.link_a.token}/".encode() in page.content


def test_published_you_said_we_did_shows_on_the_public_page_escaped(survey, client_for, cast):
    c = client_for(cast.alice)
    r = c.post(
        f"/i/alpha/surveys/{survey.id}/links/{survey.link_a.id}/you-said/",
        {"you_said": "Longer hours <b>please</b>", "we_did": "Open on Saturdays"},
    )
    assert r.status_code == 302
    public = device_client().get(f"/s/{survey.link_a.token}/")
    assert b"Open on Saturdays" in public.content
    assert b"Longer hours &lt;b&gt;please&lt;/b&gt;" in public.content
    assert b"Open on Saturdays" not in device_client().get(f"/s/{survey.link_b.token}/").content


def test_the_language_links_name_each_language_in_itself(survey):
    # Seen: the links said "cy", a code, where the language has a name.
    html = device_client().get(f"/s/{survey.link_a.token}/").content.decode()
    assert '<a href="?lang=cy" lang="cy" >Cymraeg</a>' in html
