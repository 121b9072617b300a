"""The forms of the dimensions, organisations and areas set-up pages: each owns the fields one
action POSTs. The values themselves (code patterns, org-id identifiers, areas inside areas) are
checked by the definition file's own rules when the page applies the change
(``services.apply``), so a page and a file accept and refuse the same things."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms_common import DirectionField, NeededField, VersionedForm


def _text(**kwargs) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


# -- dimensions and categories ------------------------------------------------------------------


class AddDimensionForm(VersionedForm):
    code = NeededField(_("Code"))
    name = NeededField(_("Name"))
    category_code = NeededField(_("First category's code"))
    category_name = NeededField(_("First category's name"))


class DimensionForm(VersionedForm):
    dimension = NeededField(_("Dimension"))


class RenameDimensionForm(DimensionForm):
    name = NeededField(_("Name"))


class MoveDimensionForm(DimensionForm):
    direction = DirectionField()


class CategoryForm(DimensionForm):
    category = NeededField(_("Category"))


class AddCategoryForm(DimensionForm):
    code = NeededField(_("Code"))
    name = NeededField(_("Name"))


class RenameCategoryForm(CategoryForm):
    name = NeededField(_("Name"))


class MoveCategoryForm(CategoryForm):
    direction = DirectionField()


# -- organisations ----------------------------------------------------------------------------------


class AddOrganisationForm(VersionedForm):
    code = NeededField(_("Code"))
    name = NeededField(_("Name"))

    def __init__(self, data, *, taken: set[str]):
        super().__init__(data)
        self.taken = taken

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code in self.taken:
            raise ValidationError(
                _(
                    "Code: %(code)s is already the code of another organisation; choose another "
                    "(organisation codes are unique across the whole installation)."
                )
                % {"code": code}
            )
        return code


class OrganisationForm(VersionedForm):
    name = NeededField(_("Name"))
    identifiers = _text(label=_("Identifiers"))
    description = _text(label=_("Description"))
    area = _text(label=_("Area"))
    backbone = forms.BooleanField(required=False)
    named_in_benchmarks = forms.BooleanField(required=False)

    def __init__(self, data, *, areas: set[str]):
        super().__init__(data)
        self.areas = areas

    def clean_identifiers(self) -> list[str]:
        # One a line (or separated by commas); the format is the definition file's check.
        text = self.cleaned_data["identifiers"].replace(",", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean_area(self):
        area = self.cleaned_data["area"].strip()
        if area and area not in self.areas:
            raise ValidationError(
                _("Area: %(area)s is not an area of this initiative.") % {"area": area}
            )
        return area or None


# -- areas -----------------------------------------------------------------------------------------


class AddAreaForm(VersionedForm):
    code = NeededField(_("Code"))
    name = NeededField(_("Name"))
    level = _text(label=_("Level"))
    parent = _text(label=_("Inside"))


class AreaForm(VersionedForm):
    name = NeededField(_("Name"))
    level = _text(label=_("Level"))
    parent = _text(label=_("Inside"))

    def __init__(self, data, *, parents: set[str]):
        super().__init__(data)
        self.parents = parents

    def clean_parent(self):
        parent = self.cleaned_data["parent"].strip()
        if parent and parent not in self.parents:
            raise ValidationError(
                _("Inside: %(area)s is not an area this one can move into.") % {"area": parent}
            )
        return parent or None
