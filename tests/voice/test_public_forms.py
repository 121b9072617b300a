"""The public survey form and vote (voice/forms.py): each answer cleaned with the message the
page shows beside it, and the page's own message when the answers are refused."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.voice.forms import BallotResponseForm, ResponseForm
from commonmeasure.voice.models import Ballot, Question, Response
from tests.voice.conftest import device_client, stamp

QUESTIONS = [
    Question(id=1, kind=Question.NPS, text="Recommend?", required=True),
    Question(id=2, kind=Question.LIKERT, text="Satisfied?"),
    Question(id=3, kind=Question.SINGLE, text="Heard of us?", choices=["Friend", "Poster"]),
    Question(id=4, kind=Question.MULTI, text="Helped?", choices=["Advice", "Training", "Money"]),
    Question(id=5, kind=Question.TEXT, text="Anything else?"),
]


def post(fields: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def answers(fields: dict) -> ResponseForm:
    return ResponseForm(post({"stamp": "s1", **fields}), questions=QUESTIONS)


def test_the_answers_are_cleaned_to_what_is_stored():
    form = answers(
        {"q1": " 9 ", "q2": "4", "q3": "Poster", "q4": ["Advice", "", "Money"], "q5": " Kind\x00 "}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "answers": {"1": 9, "2": 4, "3": "Poster", "4": ["Advice", "Money"], "5": "Kind"},
        "texts": ["Kind"],
        "stamp": "s1",
    }


def test_questions_left_blank_are_not_answers():
    form = answers({"q1": "0", "q2": " ", "q4": [""], "q5": "   "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["answers"] == {"1": 0} and form.cleaned_data["texts"] == []


@pytest.mark.parametrize(
    "fields, name, message",
    [
        ({}, "q1", "Please answer this question."),
        ({"q1": "11"}, "q1", "Choose a number from 0 to 10."),
        ({"q1": "-1"}, "q1", "Choose a number from 0 to 10."),
        ({"q1": "5", "q2": "0"}, "q2", "Choose a number from 1 to 5."),
        ({"q1": "5", "q3": "Radio"}, "q3", "Choose one of the options shown."),
        ({"q1": "5", "q4": ["Advice", "Advice"]}, "q4", "Choose among the options shown."),
        ({"q1": "5", "q4": ["Cash"]}, "q4", "Choose among the options shown."),
        (
            {"q1": "5", "q5": "x" * 2001},
            "q5",
            "Please keep this answer under 2000 characters (it has 2001).",
        ),
    ],
)
def test_a_bad_answer_is_refused_beside_its_question(fields, name, message):
    form = answers(fields)
    assert not form.is_valid()
    assert form.messages == {name: message}
    refused = form.refusal()
    assert str(refused) == "Some answers need attention; see the messages below."
    assert (refused.status, refused.field_errors) == (400, {name: message})


def test_answering_nothing_is_refused_with_the_pages_message():
    optional = [q for q in QUESTIONS if not q.required]
    form = ResponseForm(post({"q2": "", "stamp": "s1"}), questions=optional)
    assert not form.is_valid()
    refused = form.refusal()
    assert str(refused) == "Please answer at least one question before sending."
    assert refused.field_errors == {} and not refused.stale_form


def test_the_fields_made_once_serve_many_responses():
    fields = ResponseForm.fields_for(QUESTIONS)
    first = ResponseForm(post({"q1": "3"}), questions=QUESTIONS, fields=fields)
    second = ResponseForm(post({"q1": "12"}), questions=QUESTIONS, fields=fields)
    assert first.is_valid() and first.cleaned_data["answers"] == {"1": 3}
    assert not second.is_valid() and second.messages == {"q1": "Choose a number from 0 to 10."}
    assert first.cleaned_data["stamp"] == ""  # not posted


def test_a_bad_answer_is_named_before_the_stamp_is_checked(survey):
    """A response with a bad answer and a forged stamp: the answer's message, and the form
    served again with the stamp it had (the stamp was not looked at)."""
    token = survey.link_a.token
    r = device_client().post(f"/s/{token}/", {f"q{survey.q['nps'].id}": "12", "stamp": "forged"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "Some answers need attention" in html and "Choose a number from 0 to 10." in html
    assert 'name="stamp" value="forged"' in html
    stale = device_client().post(f"/s/{token}/", {f"q{survey.q['nps'].id}": "8", "stamp": "x"})
    assert stale.status_code == 400 and b"This form is too old" in stale.content
    assert 'name="stamp" value="x"' not in stale.content.decode()  # a fresh stamp instead
    assert not Response.objects.exists()


def ballot(mode: str) -> Ballot:
    return Ballot(
        mode=mode,
        candidates=[{"code": c, "label": c.upper()} for c in ("c1", "c2", "c3")],
    )


def test_a_ranking_is_cleaned_first_choice_first():
    form = BallotResponseForm(
        post({"rank_c1": "2", "rank_c2": "", "rank_c3": " 1 ", "stamp": "s"}),
        ballot=ballot(Ballot.RANK),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"ranking": ["c3", "c1"], "stamp": "s"}


@pytest.mark.parametrize(
    "ranks, message",
    [
        ({"rank_c1": "4"}, "Ranks are numbers from 1 to 3."),
        ({"rank_c1": "1", "rank_c2": "first"}, "Ranks are numbers from 1 to 3."),
        ({}, "Give at least your first choice a rank of 1."),
        (
            {"rank_c1": "1", "rank_c3": "1"},
            "Each rank can be used once: two outcomes have the same rank.",
        ),
    ],
)
def test_a_bad_ranking_is_refused_with_the_pages_message(ranks, message):
    form = BallotResponseForm(post(ranks), ballot=ballot(Ballot.RANK))
    assert not form.is_valid()
    refused = form.refusal()
    assert (str(refused), refused.status, refused.field_errors) == (message, 400, {})


def test_a_vote_takes_one_of_the_outcomes_shown():
    good = BallotResponseForm(post({"choice": " c2 "}), ballot=ballot(Ballot.VOTE))
    assert good.is_valid() and good.cleaned_data["ranking"] == ["c2"]
    bad = BallotResponseForm(post({"choice": "c9"}), ballot=ballot(Ballot.VOTE))
    assert not bad.is_valid()
    refused = bad.refusal()
    assert str(refused) == "Choose one of the outcomes shown."
    assert refused.field_errors == {"choice": "Choose one."}


def test_a_vote_with_a_forged_stamp_is_refused_after_its_ranks_are_checked(cast):
    from commonmeasure.voice import building

    vote = building.create_ballot(
        cast.alpha, title="Next", intro="", mode=Ballot.RANK, candidates=["A", "B"], user=None
    )
    code = vote.candidates[0]["code"]
    bad_rank = device_client().post(f"/v/{vote.token}/", {f"rank_{code}": "5", "stamp": "forged"})
    assert b"Ranks are numbers from 1 to 2" in bad_rank.content
    forged = device_client().post(f"/v/{vote.token}/", {f"rank_{code}": "1", "stamp": "forged"})
    assert forged.status_code == 400 and b"This form is too old" in forged.content
    taken = device_client().post(f"/v/{vote.token}/", {f"rank_{code}": "1", "stamp": stamp()})
    assert taken.status_code == 200
    assert vote.responses.count() == 1
