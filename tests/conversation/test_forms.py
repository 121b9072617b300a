"""The comment pages' forms (conversation/forms.py): which value a thread is about, and where a
page goes on to, posted or in the page's address."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.conversation.forms import CommentForm, MarkReadForm, ThreadTargetForm


def q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize(
    "posted, query, indicator, key",
    [
        ("cell=enrolled|gender%3Dfemale", "indicator=caseload&key=x", "enrolled", "gender=female"),
        ("cell=enrolled", "", "enrolled", ""),
        (
            "indicator=enrolled&key=gender%3Dmale",
            "indicator=caseload&key=x",
            "enrolled",
            "gender=male",
        ),
        ("", "indicator=caseload&key=age_band%3D25%2B", "caseload", "age_band=25+"),
        ("indicator=&key=", "indicator=caseload&key=x", "caseload", ""),  # a posted key, even empty
        ("indicator=enrolled", "key=x", "enrolled", "x"),
        ("", "", "", ""),  # the report itself
        ("cell=&key= k ", "", "", " k "),  # kept as given: services.value_key reads it
    ],
)
def test_the_thread_is_about_the_cell_posted_else_the_indicator_and_key(
    posted, query, indicator, key
):
    form = ThreadTargetForm(q(posted), query=q(query))
    assert form.is_valid()
    assert form.cleaned_data == {"indicator": indicator, "key": key}


@pytest.mark.parametrize(
    "posted, query, nxt",
    [
        ("next=/i/alpha/feed/", "next=/elsewhere/", "/i/alpha/feed/"),
        ("next=", "next=/i/alpha/", "/i/alpha/"),
        ("", "", ""),
    ],
)
def test_a_page_goes_on_to_the_posted_next_else_the_one_in_its_address(posted, query, nxt):
    comment = CommentForm(q(posted + "&text=Looks+right"), query=q(query))
    assert comment.is_valid(), comment.errors
    assert comment.cleaned_data["next"] == nxt
    read = MarkReadForm(q(posted), query=q(query))
    assert read.is_valid() and read.cleaned_data["next"] == nxt


def test_a_refused_comment_keeps_the_text_as_posted():
    form = CommentForm(q("text=+++"))
    assert not form.is_valid()
    assert form.posted_text == "   "
    assert "text" in form.messages
