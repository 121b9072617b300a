"""The forms of the comment threads, the notifications list and the e-mail settings page: each
owns the fields its page POSTs and their validation; the views call one function of
services.py with the cleaned values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from commonmeasure.web.forms import PageForm

from . import services
from .models import EmailPreference


class CommentForm(PageForm):
    """A comment's text, checked by the one rule every surface uses (services.check_text)."""

    text = forms.CharField(required=False, strip=False)

    def clean_text(self) -> str:
        try:
            return services.check_text(self.cleaned_data["text"])
        except services.CommentError as problem:
            raise forms.ValidationError(str(problem)) from None


class MarkReadForm(PageForm):
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
