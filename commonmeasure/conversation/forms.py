"""The forms of the comment threads, the notifications list and the e-mail settings page: each
owns the fields its page POSTs and their validation; the views call one function of
services.py with the cleaned values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from commonmeasure.forms import PageForm, RawField

from . import services
from .models import EmailPreference


class _GoesOn(PageForm):
    """A form whose page goes on to ``next`` (posted, else in the page's address) once it is
    done; the view checks that it stays on this site."""

    next = RawField()

    def __init__(self, data, *, query=None):
        super().__init__(data)
        self.query = query if query is not None else {}

    def clean_next(self) -> str:
        return self.cleaned_data["next"] or self.query.get("next") or ""


class CommentForm(_GoesOn):
    """A comment's text, checked by the one rule every surface uses (services.check_text)."""

    text = forms.CharField(required=False, strip=False)

    @property
    def posted_text(self) -> str:
        """The text as posted, valid or not: the box shows it again."""
        return self.data.get("text", "")

    def clean_text(self) -> str:
        try:
            return services.check_text(self.cleaned_data["text"])
        except services.CommentError as problem:
            raise forms.ValidationError(str(problem)) from None


class MarkReadForm(_GoesOn):
    """Mark one notification (``id``) read, or (no ``id``) all of them."""

    id = forms.CharField(required=False)

    def clean_id(self) -> int | None:
        raw = self.cleaned_data["id"]
        if raw and not raw.isdigit():
            raise forms.ValidationError(_("No such notification"))
        return int(raw) if raw else None


class PreferencesForm(PageForm):
    """How often the person wants e-mail about what happens in their initiatives."""

    email = forms.CharField(required=False)

    def clean_email(self) -> str:
        choice = self.cleaned_data["email"]
        if choice not in dict(EmailPreference.CHOICES):
            raise forms.ValidationError(_("Choose one of the three options."))
        return choice


class ThreadTargetForm(forms.Form):
    """Which value a report's thread is about: a posted ``cell`` ("IND|KEY"), else the
    ``indicator`` and ``key`` posted or, when not posted, in the page's address (``query``).
    Cleaned: ``indicator`` ("" for the report itself) and ``key``, as given (the view reads it
    with ``services.value_key``)."""

    cell = RawField()
    indicator = RawField()
    key = RawField(absent=None)

    def __init__(self, data, *, query):
        super().__init__(data)
        self.query = query

    def clean(self):
        data = self.cleaned_data
        if data["cell"]:
            code, _sep, key = data["cell"].partition("|")
            return {"indicator": code, "key": key}
        key = data["key"] if data["key"] is not None else self.query.get("key", "")
        return {"indicator": data["indicator"] or self.query.get("indicator") or "", "key": key}
