"""What the set-up pages' forms share: the version every change carries, a box that must be
filled in (its message names it) and the direction of a move."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commonmeasure.forms import PageForm


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
