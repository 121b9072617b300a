"""What the set-up pages' forms share: the version every change carries, a box that must be
filled in (its message names it), the direction of a move, and what every form of a table
editor sends beside its own fields (``EditorPostForm``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commonmeasure.forms import PageForm, RawField


class NeededField(forms.CharField):
    """A box that must be filled in; its message names it."""

    def __init__(self, label, **kwargs):
        super().__init__(required=False, label=label, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            raise ValidationError(_("%(field)s: fill this in.") % {"field": self.label})
        return value


class DirectionField(forms.ChoiceField):
    """Up or down: where a move takes a row."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("up", "up"), ("down", "down")], **kwargs)


class VersionedForm(PageForm):
    """Every change carries the version of the part the page showed (services.version_of)."""

    version = forms.CharField(required=False)


# Fields a confirm form does not repeat.
NOT_REPEATED = frozenset({"csrfmiddlewaretoken", "preview"})


class EditorPostForm(PageForm):
    """What every form of a set-up table editor (``structure_pages.run``) sends beside its own
    fields: ``action``, the button (which form of the page it is); ``row``, the row it is on
    (its messages go beside it; the first 200 characters); ``preview``, "1" for a dry run.
    Every value is valid: an action the page does not know is the page's to refuse."""

    action = RawField()
    row = RawField()
    preview = RawField()

    def clean_row(self) -> str:
        return self.cleaned_data["row"][:200]

    def clean_preview(self) -> bool:
        return self.cleaned_data["preview"] == "1"

    def typed(self) -> dict[str, str]:
        """{name: value} of each field posted (its last value, as typed), but the CSRF token
        and the preview flag: what the page shows again beside its messages."""
        return {k: v for k, v in self.data.items() if k not in NOT_REPEATED}

    def repeat(self) -> list[tuple[str, str]]:
        """The posted fields a confirm button sends again (a preview, then the real save):
        every value of each, in the order posted."""
        return [
            (name, value)
            for name in self.data
            if name not in NOT_REPEATED
            for value in self.data.getlist(name)
        ]
