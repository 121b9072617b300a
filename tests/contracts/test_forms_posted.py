"""The buttons under an achievements file's dry run (``CommitUploadForm``): the token of the
file kept between the dry run and the commit, and whether it is cancelled."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.contracts.forms import CommitUploadForm


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("", {"token": "", "cancel": False}),
        ("token=abc&commit=1", {"token": "abc", "cancel": False}),
        ("token=abc&cancel=1", {"token": "abc", "cancel": True}),
        ("token=abc&cancel=", {"token": "abc", "cancel": True}),
        ("cancel=1", {"token": "", "cancel": True}),
    ],
)
def test_the_token_and_the_cancel_button(text, cleaned):
    form = CommitUploadForm(QueryDict(text))
    assert form.is_valid() and form.messages == {}
    assert form.cleaned_data == cleaned
