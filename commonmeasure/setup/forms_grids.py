"""The forms of the target and overlap-adjustment grids: one text box per cell (a value; for
targets also the baseline's first and last periods), each read as a number or left blank (no
target, no adjustment). Periods and the other rules are the definition file's own, checked when
the grid is applied."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commonmeasure.forms import PageForm, RawField


def number(text: str) -> float | None:
    """A number as typed into a cell: blank is None; spaces and thousands commas are ignored."""
    raw = (text or "").strip().replace(" ", "").replace(",", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(text) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


class NewPeriodForm(PageForm):
    """The period typed above the grid's last column, without the spaces around it: read first,
    as it names the boxes of that column (``GridForm`` checks it with the rest). Every value is
    valid."""

    new_period = RawField(strip=True)


class GridForm(PageForm):
    """A grid of cells: ``cells`` maps each box's name to the words for its place
    ("Organisation A, 2026"); ``new_period`` is the period typed above the last column."""

    version = forms.CharField(required=False)
    new_period = forms.CharField(required=False, max_length=20)

    def __init__(self, data, *, cells: dict[str, str], numbers: set[str]):
        super().__init__(data)
        self.places = cells
        self.numbers = numbers
        for name in cells:
            self.fields[name] = forms.CharField(required=False, max_length=40)

    def clean(self):
        data = super().clean()
        for name in self.numbers:
            try:
                data[name] = number(data.get(name, ""))
            except ValueError:
                self.add_error(
                    name,
                    ValidationError(
                        _("%(place)s: %(text)s is not a number; enter a number or leave it blank.")
                        % {"place": self.places[name], "text": data.get(name, "")}
                    ),
                )
        for name in set(self.places) - self.numbers:
            data[name] = (data.get(name) or "").strip()
        data["new_period"] = (data.get("new_period") or "").strip()
        return data


class IndicatorChoiceForm(PageForm):
    """The indicator whose grid the page shows (and a save changes)."""

    indicator = forms.CharField(required=False, max_length=64)
