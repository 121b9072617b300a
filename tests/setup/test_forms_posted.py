"""The set-up forms that read what every table editor, the indicator page and the target grids
post beside their own fields: the action and row, the preview and confirm buttons, and the new
column's period. None has a message of its own: every value is valid, and an action a page does
not know is the page's to refuse (structure_pages.run)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.setup.forms_common import EditorPostForm
from commonmeasure.setup.forms_grids import NewPeriodForm
from commonmeasure.setup.forms_indicators import SaveButtonsForm


def _posted(text: str) -> QueryDict:
    return QueryDict(text)


def _clean(form_class, text: str) -> dict:
    form = form_class(_posted(text))
    assert form.is_valid() and form.messages == {}
    return form.cleaned_data


def test_the_editor_reads_the_action_the_row_and_the_preview():
    cleaned = _clean(EditorPostForm, "action=add_dimension&row=dimension-gender&preview=1")
    assert cleaned == {"action": "add_dimension", "row": "dimension-gender", "preview": True}


def test_nothing_posted_is_no_action_no_row_and_no_preview():
    assert _clean(EditorPostForm, "") == {"action": "", "row": "", "preview": False}


@pytest.mark.parametrize("preview", ["0", "", "yes", "true", " 1"])
def test_only_preview_1_is_a_dry_run(preview):
    assert _clean(EditorPostForm, f"action=x&preview={preview}")["preview"] is False


def test_the_action_and_row_are_kept_as_posted_the_row_to_200_characters():
    row = "r" * 250
    cleaned = _clean(EditorPostForm, f"action=+remove_area+&row={row}")
    assert cleaned["action"] == " remove_area "  # an unknown action, refused by the page
    assert cleaned["row"] == "r" * 200


def test_the_last_of_a_repeated_field_is_read():
    assert _clean(EditorPostForm, "action=one&action=two")["action"] == "two"


def test_what_was_typed_is_every_field_but_the_token_and_the_preview():
    form = EditorPostForm(
        _posted("csrfmiddlewaretoken=t&action=save_rule&code=R1&preview=1&left=a&left=b")
    )
    assert form.typed() == {"action": "save_rule", "code": "R1", "left": "b"}


def test_a_confirm_button_repeats_every_value_of_each_field_in_order():
    form = EditorPostForm(
        _posted("csrfmiddlewaretoken=t&action=change&identifiers=a&identifiers=b&preview=1&x=")
    )
    assert form.repeat() == [
        ("action", "change"),
        ("identifiers", "a"),
        ("identifiers", "b"),
        ("x", ""),
    ]


def test_the_indicator_buttons_preview_and_confirm():
    assert _clean(SaveButtonsForm, "name=Enrolled") == {"preview": False, "confirm": None}
    assert _clean(SaveButtonsForm, "preview=") == {"preview": True, "confirm": None}
    assert _clean(SaveButtonsForm, "preview=Preview&confirm=abc123") == {
        "preview": True,
        "confirm": "abc123",
    }
    assert _clean(SaveButtonsForm, "confirm=")["confirm"] == ""


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("", ""),
        ("new_period=", ""),
        ("new_period=+2027+", "2027"),
        ("new_period=2026-Q3", "2026-Q3"),
    ],
)
def test_the_new_column_period_without_its_spaces(text, period):
    assert _clean(NewPeriodForm, text) == {"new_period": period}
