"""The forms of the impact bond database's administration pages (views_manage.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commonmeasure.forms import PageForm

from .models import Status
from .services import status_fields

STATUS_CHOICES = [
    (Status.PUBLIC, _("Public")),
    (Status.PRIVATE, _("Private")),
    (Status.DISPUTED, _("Disputed")),
]


class BundleUploadForm(PageForm):
    file = forms.FileField(required=False)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            raise ValidationError(_("Choose the INDIGO bundle (a .zip file) to upload."))
        return uploaded


class QualityFilterForm(PageForm):
    """The filters of the data-quality page (a GET form: an unknown value is simply ignored)."""

    priority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Every priority")),
            ("0", _("0: errors")),
            ("1", _("1: missing, highest")),
            ("2", _("2: missing")),
            ("3", _("3: missing, lowest")),
        ],
    )
    field = forms.CharField(required=False, max_length=200)
    project = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(required=False, choices=[("", _("Every status")), *STATUS_CHOICES])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "priority": data.get("priority"),
            "field": data.get("field") or "",
            "project": data.get("project") or "",
            "status": data.get("status") or "",
        }


class FieldStatusForm(PageForm):
    field = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    was = forms.ChoiceField(required=False, choices=[("", ""), *STATUS_CHOICES])
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def clean_field(self):
        name = self.cleaned_data["field"]
        if name not in {f["field"] for f in status_fields()}:
            raise ValidationError(_("Choose one of the project's fields."))
        return name

    def clean_status(self):
        status = self.cleaned_data["status"]
        if not status:
            raise ValidationError(_("Choose public, private or disputed."))
        return status

    def clean(self):
        data = super().clean()
        if (
            data.get("status") in (Status.PRIVATE, Status.DISPUTED)
            and not (data.get("note") or "").strip()
        ):
            self.add_error(
                "note",
                _("Say why the field is private or disputed: the note stays in the audit trail."),
            )
        return data
