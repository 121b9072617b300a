"""The forms of a new initiative (views_new.py): the few fields it starts with, and a definition
file to upload. Their values go to one function of creating.py."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from commonmeasure.forms import PageForm
from commonmeasure.initiatives.models import Initiative
from commonmeasure.interchange.definition import CODE

FREQUENCIES = [
    ("monthly", _("Monthly")),
    ("quarterly", _("Quarterly")),
    ("yearly", _("Yearly (calendar years)")),
    ("financial-yearly", _("Yearly (financial years)")),
]


def _months():
    # Django's own month names (django.utils.dates), in the viewer's language: the date
    # formats use the same words, so no catalogue of ours may translate them differently.
    return [(str(n), MONTHS[n]) for n in range(1, 13)]


class NewInitiativeForm(PageForm):
    code = forms.CharField(required=False, max_length=200)
    name = forms.CharField(required=False, max_length=1000)
    vision = forms.CharField(required=False, widget=forms.Textarea)
    reporting_frequency = forms.ChoiceField(choices=FREQUENCIES, initial="monthly")
    fy_first_month = forms.TypedChoiceField(choices=_months, coerce=int, initial="4")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            raise ValidationError(_("Give the initiative a short code, e.g. youth-jobs."))
        if len(code) > 64 or not re.match(CODE, code):
            raise ValidationError(
                _(
                    "A code is up to 64 letters, digits, dots, dashes and underscores, beginning "
                    "with a letter or digit (it is the initiative's address: /i/CODE/)."
                )
            )
        if Initiative.objects.filter(code=code).exists():
            raise ValidationError(
                _("An initiative with the code %(code)s exists already; choose another.")
                % {"code": code}
            )
        return code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the initiative a name."))
        if len(name) > 200:
            raise ValidationError(_("Keep the name to 200 characters."))
        return name

    def clean_vision(self):
        return self.cleaned_data["vision"].strip()


class DefinitionUploadForm(PageForm):
    file = forms.FileField(required=False)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            raise ValidationError(_("Choose a definition file (.yaml, .yml or .json) to upload."))
        return uploaded


class ConfirmForm(PageForm):
    """The confirmation of a previewed file: nothing but the button (and the CSRF token)."""
